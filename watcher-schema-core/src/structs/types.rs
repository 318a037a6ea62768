//! `sql_type = "..."` text → [`SqlType`], by replay's own type grammar
//! ([`crate::replay::parse_type_name`]): one parser for structs, migrations and the catalog.

use crate::model::SqlType;
use crate::replay::{parse_type_name, Enums};

/// Parses a PostgreSQL type name such as `varchar(20)`, `double precision`,
/// `timestamp with time zone`, `integer[]` or a (possibly quoted) enum type name.
pub fn parse_type(text: &str) -> Result<SqlType, String> {
    let invalid = |why: &str| format!("invalid type `{}`: {why}", text.trim());
    if text.trim().is_empty() {
        return Err(invalid("the type name is missing"));
    }
    let parsed = parse_type_name(text, Enums::Any).map_err(|why| invalid(&why))?;
    if parsed.serial {
        let name = text.trim().to_ascii_lowercase();
        return Err(invalid(&format!(
            "`{name}` is not a type; use the integer type and the `serial` key"
        )));
    }
    Ok(parsed.ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        let cases = [
            ("int", SqlType::Integer),
            ("INT4", SqlType::Integer),
            ("smallint", SqlType::SmallInt),
            ("int8", SqlType::BigInt),
            ("bool", SqlType::Boolean),
            ("float4", SqlType::Real),
            ("float(10)", SqlType::Real),
            ("float(30)", SqlType::Double),
            ("double   precision", SqlType::Double),
            ("numeric", SqlType::Numeric(None)),
            ("decimal(12, 4)", SqlType::Numeric(Some((12, 4)))),
            ("numeric(5)", SqlType::Numeric(Some((5, 0)))),
            ("character varying(50)", SqlType::Varchar(Some(50))),
            ("varchar", SqlType::Varchar(None)),
            ("character", SqlType::Char(1)),
            ("char(3)", SqlType::Char(3)),
            ("timestamp with time zone", SqlType::Timestamptz),
            ("timestamp", SqlType::Timestamp),
            ("time without time zone", SqlType::Time),
            ("pg_catalog.int4", SqlType::Integer),
            ("json", SqlType::Json),
            ("datepartenum", SqlType::Enum("datepartenum".into())),
            ("\"Mood\"", SqlType::Enum("Mood".into())),
            ("integer[]", SqlType::Array(Box::new(SqlType::Integer))),
            // PostgreSQL ignores bounds and dimensions: one array type per element type.
            ("text[3][]", SqlType::Array(Box::new(SqlType::Text))),
            ("uuid array", SqlType::Array(Box::new(SqlType::Uuid))),
        ];
        for (text, ty) in cases {
            assert_eq!(parse_type(text), Ok(ty), "{text}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_model() {
        assert_eq!(
            parse_type("serial"),
            Err("invalid type `serial`: `serial` is not a type; use the integer type and the `serial` key".into())
        );
        assert_eq!(
            parse_type("integer(4)"),
            Err("invalid type `integer(4)`: unexpected `(` after the type name".into())
        );
        assert_eq!(
            parse_type("numeric(1,2,3)"),
            Err("invalid type `numeric(1,2,3)`: expected `)`, found `,`".into())
        );
        // Non-ASCII text is an error, not a panic (it sliced a string mid-character).
        assert!(parse_type("varchär(20)").is_err());
        assert!(parse_type("int ärray").is_err());
        assert!(
            parse_type("ärray").is_ok(),
            "a name PostgreSQL accepts is an enum's"
        );
        assert!(parse_type("").is_err());
        assert!(parse_type("int]").is_err());
        assert!(parse_type("no such-type").is_err());
    }
}
