//! `sql_type = "..."` text → [`SqlType`]: the spellings PostgreSQL accepts for the model's
//! types. Used by [`super::attr`]; replay parses types inside full statements on its own.

use crate::model::SqlType;

/// Parses a PostgreSQL type name such as `varchar(20)`, `double precision`,
/// `timestamp with time zone`, `integer[]` or a (possibly quoted) enum type name.
pub fn parse_type(text: &str) -> Result<SqlType, String> {
    let invalid = |why: &str| format!("invalid type `{}`: {why}", text.trim());
    let mut rest = text.trim();
    let mut dims = 0;
    // Array suffixes: `t[]`, `t[3]`, `t ARRAY`, possibly repeated.
    loop {
        if let Some(inner) = rest.strip_suffix(']') {
            let open = inner.rfind('[').ok_or_else(|| invalid("unbalanced `]`"))?;
            let bound = inner[open + 1..].trim();
            if !bound.is_empty() && bound.parse::<u32>().is_err() {
                return Err(invalid("an array bound must be a number"));
            }
            rest = inner[..open].trim_end();
            dims += 1;
        } else if rest.len() > 6 && rest[rest.len() - 6..].eq_ignore_ascii_case(" array") {
            rest = rest[..rest.len() - 6].trim_end();
            dims += 1;
        } else {
            break;
        }
    }
    let mut ty = base_type(rest).map_err(|why| invalid(&why))?;
    for _ in 0..dims {
        ty = SqlType::Array(Box::new(ty));
    }
    Ok(ty)
}

fn base_type(text: &str) -> Result<SqlType, String> {
    if text.is_empty() {
        return Err("the type name is missing".into());
    }
    if let Some(quoted) = text.strip_prefix('"') {
        let name = quoted
            .strip_suffix('"')
            .filter(|n| !n.is_empty())
            .ok_or("unbalanced quotes")?;
        return Ok(SqlType::Enum(name.replace("\"\"", "\"")));
    }
    let (name, args) = match text.find('(') {
        Some(open) => {
            let close = text.rfind(')').ok_or("unbalanced `(`")?;
            if close != text.len() - 1 {
                // `timestamp(3) with time zone` and friends carry precision we do not model.
                return Err("type modifiers are only supported at the end".into());
            }
            (text[..open].trim_end(), Some(&text[open + 1..close]))
        }
        None => (text, None),
    };
    let words: Vec<String> = name
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let name = words.join(" ");
    let name = name.strip_prefix("pg_catalog.").unwrap_or(&name);
    let name = name.strip_prefix("public.").unwrap_or(name);
    let numbers = |max: usize| -> Result<Vec<u32>, String> {
        let Some(args) = args else {
            return Ok(Vec::new());
        };
        let nums: Result<Vec<u32>, _> = args.split(',').map(|a| a.trim().parse::<u32>()).collect();
        let nums = nums.map_err(|_| format!("expected a number in `{name}(...)`"))?;
        if nums.is_empty() || nums.len() > max {
            return Err(format!("`{name}` takes at most {max} number(s)"));
        }
        Ok(nums)
    };
    let plain = |ty: SqlType| -> Result<SqlType, String> {
        match args {
            Some(_) => Err(format!("`{name}` takes no modifier")),
            None => Ok(ty),
        }
    };
    Ok(match name {
        "smallint" | "int2" => plain(SqlType::SmallInt)?,
        "integer" | "int" | "int4" => plain(SqlType::Integer)?,
        "bigint" | "int8" => plain(SqlType::BigInt)?,
        "boolean" | "bool" => plain(SqlType::Boolean)?,
        "real" | "float4" => plain(SqlType::Real)?,
        "double precision" | "float8" => plain(SqlType::Double)?,
        "float" => match numbers(1)?.as_slice() {
            [p] if *p <= 24 => SqlType::Real,
            _ => SqlType::Double,
        },
        "numeric" | "decimal" => match numbers(2)?.as_slice() {
            [] => SqlType::Numeric(None),
            [p] => SqlType::Numeric(Some((*p, 0))),
            [p, s] => SqlType::Numeric(Some((*p, *s))),
            _ => unreachable!("numbers(2) returns at most two"),
        },
        "varchar" | "character varying" => SqlType::Varchar(numbers(1)?.first().copied()),
        "char" | "character" | "bpchar" => SqlType::Char(numbers(1)?.first().copied().unwrap_or(1)),
        "text" => plain(SqlType::Text)?,
        "date" => plain(SqlType::Date)?,
        "time" | "time without time zone" => plain(SqlType::Time)?,
        "timestamp" | "timestamp without time zone" => plain(SqlType::Timestamp)?,
        "timestamptz" | "timestamp with time zone" => plain(SqlType::Timestamptz)?,
        "interval" => plain(SqlType::Interval)?,
        "uuid" => plain(SqlType::Uuid)?,
        "json" => plain(SqlType::Json)?,
        "jsonb" => plain(SqlType::Jsonb)?,
        "bytea" => plain(SqlType::Bytea)?,
        "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8" => {
            return Err(format!(
                "`{name}` is not a type; use the integer type and the `serial` key"
            ))
        }
        other if is_identifier(other) => plain(SqlType::Enum(other.to_string()))?,
        _ => return Err("not a PostgreSQL type name".into()),
    })
}

fn is_identifier(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
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
            (
                "text[3][]",
                SqlType::Array(Box::new(SqlType::Array(Box::new(SqlType::Text)))),
            ),
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
            Err("invalid type `integer(4)`: `integer` takes no modifier".into())
        );
        assert_eq!(
            parse_type("numeric(1,2,3)"),
            Err("invalid type `numeric(1,2,3)`: `numeric` takes at most 2 number(s)".into())
        );
        assert!(parse_type("").is_err());
        assert!(parse_type("int]").is_err());
        assert!(parse_type("no such-type").is_err());
    }
}
