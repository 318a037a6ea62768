//! Replay step 3: one statement → the [`Op`]s it stands for. Dispatches on the leading
//! key words; tables and indexes have their own modules, types and sequences live here.
//!
//! Parsers read the schema (to resolve types, defaults and generated names) but never
//! change it: they hand `(position, op)` steps to [`super::replay`], which applies them.

use crate::model::{EnumType, Generated, Schema, Sequence, SqlType};
use crate::op::{LabelPosition, Op};

use super::lexer::{Lexer, Pos, TokenKind};
use super::parser::{drop_behaviour, existing_table, name_list, PResult, Parser, Steps};
use super::{index, names, table, types};

/// Statements with no effect on the schema, skipped whole.
const NO_SCHEMA_EFFECT: &[&str] = &[
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "SELECT",
    "VALUES",
    "WITH",
    "TABLE",
    "SET",
    "RESET",
    "SHOW",
    "BEGIN",
    "START",
    "COMMIT",
    "END",
    "ROLLBACK",
    "ABORT",
    "SAVEPOINT",
    "RELEASE",
    "COMMENT",
    "GRANT",
    "REVOKE",
    "ANALYZE",
    "ANALYSE",
    "VACUUM",
    "TRUNCATE",
    "LOCK",
    "NOTIFY",
];

/// Whether a `DO` block's body cannot change the schema: no statement in it starts with a
/// word that could (`CREATE`, `ALTER`, `EXECUTE`...). Only statement starts count (the
/// first word, and words after `;`, `BEGIN`, `THEN`, `ELSE`, `LOOP`), so a column called
/// `comment` in a guard's query, or a message's words, are no DDL; a body that does not
/// lex is not trusted.
fn reads_only(body: &str) -> bool {
    const DDL: &[&str] = &[
        "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "EXECUTE", "COMMENT", "GRANT", "REVOKE",
    ];
    const STARTS: &[&str] = &["BEGIN", "THEN", "ELSE", "LOOP"];
    let mut at_start = true;
    for token in Lexer::new(body) {
        let Ok(token) = token else {
            return false;
        };
        let word = (token.kind == TokenKind::Ident).then(|| token.text(body));
        let is =
            |words: &[&str]| word.is_some_and(|w| words.iter().any(|k| w.eq_ignore_ascii_case(k)));
        if at_start && is(DDL) {
            return false;
        }
        at_start = token.kind == TokenKind::Punct(b';') || is(STARTS);
    }
    true
}

/// Parses the statement in `p` into `steps`.
pub(crate) fn parse(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    let Some(first) = p.peek() else {
        return Ok(());
    };
    if first.kind != TokenKind::Ident {
        return Err(p.unexpected("a statement"));
    }
    if p.peek_kw_in(NO_SCHEMA_EFFECT).is_some() {
        return Ok(());
    }
    if p.peek_kw("DO") {
        // A block that only reads and raises (the generator's down-migration guards)
        // changes no schema; one that could run DDL is refused, replay cannot see into it.
        let body = p
            .peek_nth(1)
            .filter(|t| matches!(t.kind, TokenKind::String(_)))
            .and_then(|t| t.string_value(p.src()));
        if body.is_some_and(|b| reads_only(&b)) {
            return Ok(());
        }
        return Err(p.error(
            first.pos,
            "`DO` blocks that change the schema are not supported: replay cannot see what \
             they change; write the DDL as plain statements"
                .to_string(),
        ));
    }
    let verb = p.peek_kw_in(&["CREATE", "ALTER", "DROP"]);
    let object = p
        .peek_nth(1)
        .filter(|t| t.kind == TokenKind::Ident)
        .map(|t| p.text(t).to_ascii_uppercase());
    match (verb, object.as_deref()) {
        (Some("CREATE"), Some("TABLE")) => table::create_table(p, schema, steps),
        (Some("CREATE"), Some("UNIQUE" | "INDEX")) => index::create_index(p, schema, steps),
        (Some("CREATE"), Some("TYPE")) => create_type(p, schema, steps),
        (Some("CREATE"), Some("SEQUENCE")) => create_sequence(p, schema, steps),
        (Some("ALTER"), Some("TABLE")) => table::alter_table(p, schema, steps),
        (Some("ALTER"), Some("INDEX")) => index::alter_index(p, schema, steps),
        (Some("ALTER"), Some("TYPE")) => alter_type(p, schema, steps),
        (Some("ALTER"), Some("SEQUENCE")) => alter_sequence(p, schema, steps),
        (Some("DROP"), Some("TABLE")) => drop_table(p, schema, steps),
        (Some("DROP"), Some("INDEX")) => index::drop_index(p, schema, steps),
        (Some("DROP"), Some("TYPE")) => drop_type(p, schema, steps),
        (Some("DROP"), Some("SEQUENCE")) => drop_sequence(p, schema, steps),
        // pg_dump: `ALTER SCHEMA public OWNER TO ...`.
        (Some("ALTER"), Some("SCHEMA"))
            if p.peek_kw_nth(2, "PUBLIC") && p.peek_kw_nth(3, "OWNER") =>
        {
            Ok(())
        }
        _ => Err(unsupported(p)),
    }
}

/// `unsupported statement `CREATE VIEW`...`, naming the statement by its key words.
pub(crate) fn unsupported(p: &Parser<'_>) -> super::parser::SyntaxError {
    const MODIFIERS: &[&str] = &[
        "OR",
        "REPLACE",
        "TEMP",
        "TEMPORARY",
        "UNLOGGED",
        "GLOBAL",
        "LOCAL",
        "MATERIALIZED",
        "RECURSIVE",
        "DEFAULT",
        "TRUSTED",
        "PROCEDURAL",
        "CONSTRAINT",
        "EVENT",
        "FOREIGN",
        "DATA",
        "TEXT",
        "SEARCH",
        "ACCESS",
        "USER",
        "PUBLICATION",
        "SUBSCRIPTION",
    ];
    let mut words = Vec::new();
    for i in 0.. {
        let Some(t) = p.peek_nth(i).filter(|t| t.kind == TokenKind::Ident) else {
            break;
        };
        let word = p.text(t).to_ascii_uppercase();
        let more = if i == 0 {
            matches!(word.as_str(), "CREATE" | "ALTER" | "DROP")
        } else {
            MODIFIERS.contains(&word.as_str())
        };
        words.push(word);
        if !more {
            break;
        }
    }
    p.error(
        p.here(),
        format!(
            "unsupported statement `{}`: replay cannot see its effect on the schema (it \
             understands tables, columns, constraints, indexes, enum types and sequences)",
            words.join(" ")
        ),
    )
}

/// `CREATE TYPE name AS ENUM ('a', ...)`.
fn create_type(p: &mut Parser<'_>, _schema: &Schema, steps: &mut Steps) -> PResult<()> {
    let start = p.here();
    p.expect_kw("CREATE")?;
    p.expect_kw("TYPE")?;
    let name = p.qualified("a type name")?;
    if !p.eat_kws(&["AS", "ENUM"]) {
        return Err(p.error(
            start,
            "unsupported statement `CREATE TYPE`: only `CREATE TYPE ... AS ENUM` is modelled; \
             replay cannot see the effect of other types"
                .to_string(),
        ));
    }
    p.expect_punct(b'(')?;
    let mut labels = Vec::new();
    if !p.peek_punct(b')') {
        loop {
            labels.push(p.string("an enum label")?.into_owned());
            if !p.eat_punct(b',') {
                break;
            }
        }
    }
    p.expect_punct(b')')?;
    p.expect_end()?;
    steps.push((
        name.pos,
        Op::CreateEnum(EnumType {
            name: name.value,
            labels,
        }),
    ));
    Ok(())
}

/// `ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE|AFTER 'y']`,
/// `RENAME VALUE 'a' TO 'b'`, `RENAME TO u`, `OWNER TO r`.
fn alter_type(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("ALTER")?;
    p.expect_kw("TYPE")?;
    let name = p.qualified("a type name")?;
    let Some(existing) = schema.enums.get(&name.value) else {
        return Err(p.error(name.pos, format!("type `{}` does not exist", name.value)));
    };
    let action = p.here();
    let op = if p.eat_kws(&["ADD", "VALUE"]) {
        let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
        let label = p.string("an enum label")?.into_owned();
        let position = if p.eat_kw("BEFORE") {
            Some(LabelPosition::Before(
                p.string("an enum label")?.into_owned(),
            ))
        } else if p.eat_kw("AFTER") {
            Some(LabelPosition::After(
                p.string("an enum label")?.into_owned(),
            ))
        } else {
            None
        };
        p.expect_end()?;
        if if_not_exists && existing.labels.contains(&label) {
            return Ok(());
        }
        Op::AddEnumValue {
            name: name.value,
            label,
            position,
        }
    } else if p.eat_kws(&["RENAME", "VALUE"]) {
        let from = p.string("an enum label")?.into_owned();
        p.expect_kw("TO")?;
        let to = p.string("an enum label")?.into_owned();
        p.expect_end()?;
        Op::RenameEnumValue {
            name: name.value,
            from,
            to,
        }
    } else if p.eat_kws(&["RENAME", "TO"]) {
        let to = p.ident("a type name")?.value;
        p.expect_end()?;
        Op::RenameEnum {
            from: name.value,
            to,
        }
    } else if p.eat_kws(&["OWNER", "TO"]) {
        p.ident("a role name")?;
        return p.expect_end();
    } else {
        return Err(p.error(
            action,
            "unsupported `ALTER TYPE` action: replay understands `ADD VALUE`, `RENAME VALUE`, \
             `RENAME TO` and `OWNER TO`"
                .to_string(),
        ));
    };
    steps.push((action, op));
    Ok(())
}

/// `DROP TYPE [IF EXISTS] a, b [CASCADE|RESTRICT]`; `CASCADE` drops the columns of
/// those types first, as PostgreSQL does.
fn drop_type(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("DROP")?;
    p.expect_kw("TYPE")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let names = name_list(p, "a type name")?;
    let cascade = drop_behaviour(p);
    p.expect_end()?;
    for name in names {
        if !schema.enums.contains_key(&name.value) {
            if if_exists {
                continue;
            }
            return Err(p.error(name.pos, format!("type `{}` does not exist", name.value)));
        }
        if cascade {
            for t in schema.tables.values() {
                for c in t.columns.iter().filter(|c| uses_enum(&c.ty, &name.value)) {
                    steps.push((
                        name.pos,
                        Op::DropColumn {
                            table: t.name.clone(),
                            column: c.name.clone(),
                        },
                    ));
                }
            }
        }
        steps.push((name.pos, Op::DropEnum { name: name.value }));
    }
    Ok(())
}

fn uses_enum(ty: &SqlType, name: &str) -> bool {
    match ty {
        SqlType::Enum(n) => n == name,
        SqlType::Array(inner) => uses_enum(inner, name),
        _ => false,
    }
}

/// `DROP TABLE [IF EXISTS] a, b [CASCADE|RESTRICT]`. Foreign keys between the dropped
/// tables go with them; with `CASCADE`, so do foreign keys of other tables into them.
fn drop_table(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("DROP")?;
    p.expect_kw("TABLE")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let mut names = name_list(p, "a table name")?;
    let cascade = drop_behaviour(p);
    p.expect_end()?;
    if if_exists {
        names.retain(|n| schema.tables.contains_key(&n.value));
    }
    for name in &names {
        existing_table(schema, p, name)?;
    }
    let dropped = |t: &str| names.iter().any(|n| n.value == t);
    for other in schema.tables.values() {
        for fk in other.foreign_keys.values() {
            let into_dropped = dropped(&fk.ref_table) && fk.ref_table != other.name;
            if into_dropped && (cascade || dropped(&other.name)) {
                let pos = names
                    .iter()
                    .find(|n| n.value == fk.ref_table)
                    .map_or(p.here(), |n| n.pos);
                steps.push((
                    pos,
                    Op::DropConstraint {
                        table: other.name.clone(),
                        name: fk.name.clone(),
                    },
                ));
            }
        }
    }
    for name in names {
        steps.push((name.pos, Op::DropTable { name: name.value }));
    }
    Ok(())
}

/// Whether `name` is a sequence, free or owned by a serial column.
fn sequence_exists(schema: &Schema, name: &str) -> bool {
    schema.sequences.contains_key(name) || serial_owner(schema, name).is_some()
}

/// The `table.column` whose serial sequence is `name`.
fn serial_owner(schema: &Schema, name: &str) -> Option<(String, String)> {
    schema.tables.values().find_map(|t| {
        t.columns
            .iter()
            .find(|c| matches!(&c.generated, Some(Generated::Serial { sequence }) if sequence == name))
            .map(|c| (t.name.clone(), c.name.clone()))
    })
}

/// What a list of sequence options sets that the model keeps.
#[derive(Default)]
struct SequenceOptions {
    ty: Option<(Pos, SqlType)>,
    owned_by: Option<(Pos, Option<(String, String)>)>,
}

/// Sequence options (`CREATE SEQUENCE`, `ALTER SEQUENCE`); only `AS` and `OWNED BY`
/// reach the model, the rest (start, increment, bounds, cache, cycle) do not.
fn sequence_options(p: &mut Parser<'_>, schema: &Schema, alter: bool) -> PResult<SequenceOptions> {
    const OPTIONS: &[&str] = &[
        "AS",
        "INCREMENT",
        "START",
        "RESTART",
        "MINVALUE",
        "MAXVALUE",
        "NO",
        "CACHE",
        "CYCLE",
        "OWNED",
    ];
    let mut options = SequenceOptions::default();
    while !p.at_end() {
        let pos = p.here();
        let Some(option) = p.peek_kw_in(OPTIONS).filter(|&o| alter || o != "RESTART") else {
            return Err(p.unexpected("a sequence option"));
        };
        p.bump();
        match option {
            "AS" => {
                let ty = types::parse_type(p, schema)?;
                if !ty.ty.is_integer() || ty.serial {
                    return Err(p.error(
                        pos,
                        "sequence type must be `smallint`, `integer` or `bigint`".to_string(),
                    ));
                }
                options.ty = Some((pos, ty.ty));
            }
            "INCREMENT" => {
                p.eat_kw("BY");
                p.skip_signed_integer("an increment")?;
            }
            "START" => {
                p.eat_kw("WITH");
                p.skip_signed_integer("a start value")?;
            }
            // `RESTART` alone restarts at the start value.
            "RESTART" => {
                let value_follows = p.peek().is_some_and(|t| t.kind != TokenKind::Ident);
                if p.eat_kw("WITH") || value_follows {
                    p.skip_signed_integer("a restart value")?;
                }
            }
            "MINVALUE" | "MAXVALUE" => p.skip_signed_integer("a bound")?,
            "NO" => {
                if p.peek_kw_in(&["MINVALUE", "MAXVALUE", "CYCLE"]).is_none() {
                    return Err(p.unexpected("`MINVALUE`, `MAXVALUE` or `CYCLE`"));
                }
                p.bump();
            }
            "CACHE" => p.skip_signed_integer("a cache size")?,
            "CYCLE" => {}
            _ => {
                p.expect_kw("BY")?;
                let owner = if p.eat_kw("NONE") {
                    None
                } else {
                    Some(column_reference(p)?)
                };
                options.owned_by = Some((pos, owner));
            }
        }
    }
    Ok(options)
}

/// `table.column` or `public.table.column`.
fn column_reference(p: &mut Parser<'_>) -> PResult<(String, String)> {
    let mut parts = vec![p.ident("a table name")?];
    while p.eat_punct(b'.') {
        parts.push(p.ident("a column name")?);
    }
    match parts.as_slice() {
        [t, c] => Ok((t.value.clone(), c.value.clone())),
        [s, t, c] if s.value == "public" => Ok((t.value.clone(), c.value.clone())),
        [s, _, _] => Err(p.error(
            s.pos,
            format!(
                "schema `{}` is not supported: the schema model covers only `public`",
                s.value
            ),
        )),
        _ => Err(p.error(
            parts[0].pos,
            "expected `table.column` after `OWNED BY`".to_string(),
        )),
    }
}

/// `CREATE SEQUENCE [IF NOT EXISTS] name [AS type] [options]`; a sequence is `bigint`
/// unless `AS` says otherwise.
fn create_sequence(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("CREATE")?;
    p.expect_kw("SEQUENCE")?;
    let if_not_exists = p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = p.qualified("a sequence name")?;
    let options = sequence_options(p, schema, false)?;
    if if_not_exists && names::relation_exists(schema, &name.value) {
        return Ok(());
    }
    steps.push((
        name.pos,
        Op::CreateSequence(Sequence {
            name: name.value.clone(),
            ty: options.ty.map_or(SqlType::BigInt, |(_, ty)| ty),
            owned_by: None,
        }),
    ));
    if let Some((pos, owned_by @ Some(_))) = options.owned_by {
        steps.push((
            pos,
            Op::SetSequenceOwner {
                name: name.value,
                owned_by,
            },
        ));
    }
    Ok(())
}

/// `ALTER SEQUENCE [IF EXISTS] name options`, `RENAME TO n`, `OWNER TO r`.
fn alter_sequence(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("ALTER")?;
    p.expect_kw("SEQUENCE")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let name = p.qualified("a sequence name")?;
    if p.eat_kws(&["OWNER", "TO"]) {
        p.ident("a role name")?;
        return p.expect_end();
    }
    if p.eat_kws(&["RENAME", "TO"]) {
        let to = p.ident("a sequence name")?.value;
        p.expect_end()?;
        if if_exists && !sequence_exists(schema, &name.value) {
            return Ok(());
        }
        steps.push((
            name.pos,
            Op::RenameSequence {
                from: name.value,
                to,
            },
        ));
        return Ok(());
    }
    if p.peek_kw_in(&["RENAME", "SET"]).is_some() {
        return Err(p.error(
            p.here(),
            "unsupported `ALTER SEQUENCE` action: replay understands sequence options, \
             `OWNED BY`, `RENAME TO` and `OWNER TO`"
                .to_string(),
        ));
    }
    let options = sequence_options(p, schema, true)?;
    if !sequence_exists(schema, &name.value) {
        if if_exists {
            return Ok(());
        }
        return Err(p.error(
            name.pos,
            format!("sequence `{}` does not exist", name.value),
        ));
    }
    if let Some((pos, ty)) = options.ty {
        steps.push((
            pos,
            Op::AlterSequenceType {
                name: name.value.clone(),
                ty,
            },
        ));
    }
    let Some((pos, owned_by)) = options.owned_by else {
        return Ok(());
    };
    if let Some((t, c)) = serial_owner(schema, &name.value) {
        if owned_by.as_ref() == Some(&(t.clone(), c.clone())) {
            return Ok(());
        }
        return Err(p.error(
            pos,
            format!(
                "sequence `{}` belongs to serial column `{t}.{c}`; replay cannot move it \
                 (drop the column's default first)",
                name.value
            ),
        ));
    }
    steps.push((
        pos,
        Op::SetSequenceOwner {
            name: name.value,
            owned_by,
        },
    ));
    Ok(())
}

/// `DROP SEQUENCE [IF EXISTS] a, b [CASCADE|RESTRICT]`.
fn drop_sequence(p: &mut Parser<'_>, schema: &Schema, steps: &mut Steps) -> PResult<()> {
    p.expect_kw("DROP")?;
    p.expect_kw("SEQUENCE")?;
    let if_exists = p.eat_kws(&["IF", "EXISTS"]);
    let names = name_list(p, "a sequence name")?;
    drop_behaviour(p);
    p.expect_end()?;
    for name in names {
        if if_exists && !sequence_exists(schema, &name.value) {
            continue;
        }
        steps.push((name.pos, Op::DropSequence { name: name.value }));
    }
    Ok(())
}
