//! Unit tests of replay: statement splitting, each statement form against the ops it
//! stands for, PostgreSQL's defaults, every error kind, and the reference schema.

use super::*;

mod split {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split_statements(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_top_level_semicolons_only() {
        let sql = "INSERT INTO t VALUES ('a;b', \"c;d\", E'e\\';f');\n\
                   DO $body$ BEGIN; END $body$;\n\
                   CREATE FUNCTION f() AS $$ SELECT 1; $$;\n\
                   SELECT (1;2);\n\
                   SELECT 1 /* a; /* nested; */ b; */ + 2 -- c;\n;";
        assert_eq!(
            texts(sql),
            [
                "INSERT INTO t VALUES ('a;b', \"c;d\", E'e\\';f')",
                "DO $body$ BEGIN; END $body$",
                "CREATE FUNCTION f() AS $$ SELECT 1; $$",
                "SELECT (1;2)",
                "SELECT 1 /* a; /* nested; */ b; */ + 2",
            ]
        );
    }

    #[test]
    fn skips_empty_statements_and_comment_only_ones() {
        assert_eq!(
            texts(";;\n -- nothing\n; /* still nothing */ ;"),
            Vec::<&str>::new()
        );
        assert_eq!(texts(""), Vec::<&str>::new());
    }

    #[test]
    fn keeps_a_last_statement_without_semicolon() {
        assert_eq!(texts("SELECT 1; SELECT 2  \n"), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn positions_are_those_of_the_first_token_after_comments() {
        let sql = "-- header\n\n  /* lead */ CREATE TABLE t (a int);\n\tSELECT 'é';  SELECT 2;";
        let found: Vec<_> = split_statements(sql)
            .into_iter()
            .map(|s| (s.line, s.column, &sql[s.offset..s.offset + 6]))
            .collect();
        assert_eq!(
            found,
            [(3, 14, "CREATE"), (4, 2, "SELECT"), (4, 15, "SELECT")]
        );
    }

    #[test]
    fn an_unterminated_literal_runs_to_the_end() {
        let sql = "SELECT 1; SELECT 'open; SELECT 2;";
        let statements = split_statements(sql);
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[1].text, "SELECT 'open; SELECT 2;");
        assert_eq!(statements[0].text, "SELECT 1");
        assert_eq!((statements[1].line, statements[1].column), (1, 11));
    }

    #[test]
    fn an_unterminated_comment_alone_is_a_statement_at_the_comment() {
        let statements = split_statements("SELECT 1;\n/* open");
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[1].text, "/* open");
        assert_eq!((statements[1].line, statements[1].column), (2, 1));
    }
}
