//! Replay step 3a: a type name as PostgreSQL accepts it (`int4`, `character varying(50)`,
//! `public.datepartenum[]`, `serial`) → [`SqlType`], for column definitions and `ALTER TYPE`.

use crate::model::{Schema, SqlType};

use super::lexer::{Lexer, TokenKind};
use super::parser::{PResult, Parser};

/// A parsed column type; `serial` marks the `serial` pseudo-types, which are an
/// integer type plus an owned sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedType {
    /// The type.
    pub ty: SqlType,
    /// Whether it was spelled `serial`, `bigserial` or `smallserial`.
    pub serial: bool,
}

/// Where a type name that is not built in is looked up.
#[derive(Debug, Clone, Copy)]
pub enum Enums<'s> {
    /// Among the enum types of a schema (replay: created by an earlier statement).
    In(&'s Schema),
    /// Anywhere: any other name is taken for an enum type (a struct's `sql_type`, the
    /// catalog's `format_type`).
    Any,
}

/// A type name given as text, by the rules replay reads column types with: a struct's
/// `sql_type = "varchar(20)"` and the catalog's `format_type()` output alike. A name that
/// is not built in is an enum type's, looked up as `enums` says; `serial` spellings set
/// [`ParsedType::serial`].
///
/// ```
/// use watcher_schema_core::model::SqlType;
/// use watcher_schema_core::replay::{parse_type_name, Enums};
///
/// let ty = parse_type_name("character varying(50)[]", Enums::Any).unwrap().ty;
/// assert_eq!(ty, SqlType::Array(Box::new(SqlType::Varchar(Some(50)))));
/// let ty = parse_type_name("datepartenum", Enums::Any).unwrap().ty;
/// assert_eq!(ty, SqlType::Enum("datepartenum".into()));
/// assert!(parse_type_name("integer(4)", Enums::Any).is_err());
/// ```
pub fn parse_type_name(text: &str, enums: Enums<'_>) -> Result<ParsedType, String> {
    let tokens = Lexer::new(text)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.message.to_string())?;
    let end = Lexer::new("").pos();
    let mut p = Parser::new(text, &tokens, end);
    let ty = parse_type_in(&mut p, enums).map_err(|e| e.message)?;
    match p.peek() {
        None => Ok(ty),
        Some(t) => Err(format!("unexpected `{}` after the type name", p.text(t))),
    }
}

/// PostgreSQL's limits on type modifiers.
const MAX_NUMERIC_PRECISION: u32 = 1000;
const MAX_VARCHAR_LENGTH: u32 = 10_485_760;

/// Reads a type name, with array bounds; enums must already exist in `schema`.
pub(crate) fn parse_type(p: &mut Parser<'_>, schema: &Schema) -> PResult<ParsedType> {
    parse_type_in(p, Enums::In(schema))
}

fn parse_type_in(p: &mut Parser<'_>, enums: Enums<'_>) -> PResult<ParsedType> {
    let start = p.here();
    let token = p.peek().ok_or_else(|| p.unexpected("a type name"))?;
    let quoted = token.kind == TokenKind::QuotedIdent;
    let first = p.ident("a type name")?;
    // `pg_catalog.int4`, `public.my_enum`: the schema says where to look.
    let (schema_name, name) = if p.eat_punct(b'.') {
        let second = p.ident("a type name")?;
        (Some(first.value), second.value)
    } else {
        (None, first.value)
    };
    let builtin = match schema_name.as_deref() {
        Some("pg_catalog") => true,
        Some("public") => false,
        Some(other) => {
            return Err(p.error(
                first.pos,
                format!("schema `{other}` is not supported: the schema model covers only `public`"),
            ))
        }
        // A quoted name is an exact catalog name (`"int4"` works, `"integer"` does not).
        None => true,
    };
    let mut serial = false;
    let found = if builtin {
        builtin_type(p, &name, quoted)?
    } else {
        None
    };
    let base = match found {
        Some(Builtin::Type(ty)) => ty,
        Some(Builtin::Serial(ty)) => {
            serial = true;
            ty
        }
        None if matches!(enums, Enums::Any) => SqlType::Enum(name),
        None if matches!(enums, Enums::In(schema) if schema.enums.contains_key(&name)) => {
            SqlType::Enum(name)
        }
        None => {
            return Err(p.error(
                start,
                format!(
                    "type `{name}` does not exist: not a built-in type the schema model \
                     supports, nor an enum created by an earlier statement"
                ),
            ))
        }
    };
    let ty = array_suffix(p, base)?;
    if serial && matches!(ty, SqlType::Array(_)) {
        return Err(p.error(start, "array of serial is not allowed".to_string()));
    }
    Ok(ParsedType { ty, serial })
}

enum Builtin {
    Type(SqlType),
    Serial(SqlType),
}

/// The built-in type `name` (already folded) and its modifiers; `None` if it is not one.
fn builtin_type(p: &mut Parser<'_>, name: &str, quoted: bool) -> PResult<Option<Builtin>> {
    let pos = p.here();
    let ty = match name {
        "int" | "integer" if !quoted => SqlType::Integer,
        "int4" => SqlType::Integer,
        "smallint" if !quoted => SqlType::SmallInt,
        "int2" => SqlType::SmallInt,
        "bigint" if !quoted => SqlType::BigInt,
        "int8" => SqlType::BigInt,
        "serial" | "serial4" => return Ok(Some(Builtin::Serial(SqlType::Integer))),
        "bigserial" | "serial8" => return Ok(Some(Builtin::Serial(SqlType::BigInt))),
        "smallserial" | "serial2" => return Ok(Some(Builtin::Serial(SqlType::SmallInt))),
        "boolean" if !quoted => SqlType::Boolean,
        "bool" => SqlType::Boolean,
        "real" if !quoted => SqlType::Real,
        "float4" => SqlType::Real,
        "float8" => SqlType::Double,
        "double" if !quoted => {
            p.expect_kw("PRECISION")?;
            SqlType::Double
        }
        "float" if !quoted => match optional_modifier(p, "a precision")? {
            None => SqlType::Double,
            Some(1..=24) => SqlType::Real,
            Some(25..=53) => SqlType::Double,
            Some(n) => {
                return Err(p.error(
                    pos,
                    format!("precision for type `float` must be between 1 and 53, not {n}"),
                ))
            }
        },
        "numeric" | "decimal" | "dec" if !quoted || name == "numeric" => {
            SqlType::Numeric(numeric_modifiers(p)?)
        }
        "varchar" => SqlType::Varchar(length(p, "varchar")?),
        "character" | "char" if !quoted => {
            if p.eat_kw("VARYING") {
                SqlType::Varchar(length(p, "varchar")?)
            } else {
                SqlType::Char(length(p, "char")?.unwrap_or(1))
            }
        }
        "bpchar" => SqlType::Char(length(p, "char")?.unwrap_or(1)),
        "text" => SqlType::Text,
        "date" => SqlType::Date,
        "time" => {
            no_precision(p, "time")?;
            match time_zone(p)? {
                Some(true) => {
                    return Err(p.error(
                        pos,
                        "type `time with time zone` is not supported by the schema model"
                            .to_string(),
                    ))
                }
                _ => SqlType::Time,
            }
        }
        "timestamp" => {
            no_precision(p, "timestamp")?;
            match time_zone(p)? {
                Some(true) => SqlType::Timestamptz,
                _ => SqlType::Timestamp,
            }
        }
        "timestamptz" => {
            no_precision(p, "timestamptz")?;
            SqlType::Timestamptz
        }
        "interval" => {
            if p.peek_punct(b'(')
                || p.peek_kw_in(&["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"])
                    .is_some()
            {
                return Err(p.error(
                    p.here(),
                    "interval fields and precision are not supported by the schema model"
                        .to_string(),
                ));
            }
            SqlType::Interval
        }
        "uuid" => SqlType::Uuid,
        "json" => SqlType::Json,
        "jsonb" => SqlType::Jsonb,
        "bytea" => SqlType::Bytea,
        _ => return Ok(None),
    };
    Ok(Some(Builtin::Type(ty)))
}

/// `(n)` after a type name.
fn optional_modifier(p: &mut Parser<'_>, what: &str) -> PResult<Option<u32>> {
    if !p.eat_punct(b'(') {
        return Ok(None);
    }
    let n = p.integer(what)?;
    p.expect_punct(b')')?;
    Ok(Some(n))
}

/// `varchar(n)` / `char(n)`: a length between 1 and PostgreSQL's maximum.
fn length(p: &mut Parser<'_>, name: &str) -> PResult<Option<u32>> {
    let pos = p.here();
    let n = optional_modifier(p, "a length")?;
    if n.is_some_and(|n| n == 0 || n > MAX_VARCHAR_LENGTH) {
        return Err(p.error(
            pos,
            format!("length for type `{name}` must be between 1 and {MAX_VARCHAR_LENGTH}"),
        ));
    }
    Ok(n)
}

/// `numeric(p)` is `numeric(p,0)`; `numeric(p,s)` needs `0 <= s <= p`.
fn numeric_modifiers(p: &mut Parser<'_>) -> PResult<Option<(u32, u32)>> {
    let pos = p.here();
    if !p.eat_punct(b'(') {
        return Ok(None);
    }
    let precision = p.integer("a precision")?;
    let scale = if p.eat_punct(b',') {
        p.integer("a scale")?
    } else {
        0
    };
    p.expect_punct(b')')?;
    if !(1..=MAX_NUMERIC_PRECISION).contains(&precision) {
        return Err(p.error(
            pos,
            format!("numeric precision {precision} must be between 1 and {MAX_NUMERIC_PRECISION}"),
        ));
    }
    if scale > precision {
        return Err(p.error(
            pos,
            format!("numeric scale {scale} must be between 0 and precision {precision}"),
        ));
    }
    Ok(Some((precision, scale)))
}

/// Fractional-second precision changes the type's printed form, and the model has no
/// place for it: refuse rather than drop it.
fn no_precision(p: &mut Parser<'_>, name: &str) -> PResult<()> {
    if p.peek_punct(b'(') {
        return Err(p.error(
            p.here(),
            format!("`{name}` precision is not supported by the schema model; write `{name}` without `(p)`"),
        ));
    }
    Ok(())
}

/// `WITH TIME ZONE` → `Some(true)`, `WITHOUT TIME ZONE` → `Some(false)`.
fn time_zone(p: &mut Parser<'_>) -> PResult<Option<bool>> {
    let with = if p.peek_kw("WITH") && p.peek_kw_nth(1, "TIME") {
        true
    } else if p.peek_kw("WITHOUT") {
        false
    } else {
        return Ok(None);
    };
    p.bump();
    p.expect_kw("TIME")?;
    p.expect_kw("ZONE")?;
    Ok(Some(with))
}

/// `[]`, `[n]`, `[][]`, `ARRAY`, `ARRAY[n]`: PostgreSQL ignores bounds and dimensions,
/// so every spelling is the one array type of `base`.
fn array_suffix(p: &mut Parser<'_>, base: SqlType) -> PResult<SqlType> {
    let mut array = false;
    if p.eat_kw("ARRAY") {
        array = true;
        if p.eat_punct(b'[') {
            p.integer("an array bound")?;
            p.expect_punct(b']')?;
        }
    } else {
        while p.eat_punct(b'[') {
            array = true;
            if !p.eat_punct(b']') {
                p.integer("an array bound")?;
                p.expect_punct(b']')?;
            }
        }
    }
    Ok(if array {
        SqlType::Array(Box::new(base))
    } else {
        base
    })
}
