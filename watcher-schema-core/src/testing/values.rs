//! Values for the rows of random schemas: the `n`-th value of a column type as an SQL
//! expression, distinct for distinct `n` as far as the type has values, so a test can fill
//! a table with duplicates (small `n`) or keep a unique column unique (`n` = row number).

use crate::model::{Schema, SqlType};
use crate::quote::{quote_ident, quote_literal};

/// The `n`-th value of `ty` as an SQL expression of that type (enum labels from `schema`).
/// Text values carry a quote and a non-ASCII letter, so quoting is exercised too.
///
/// # Panics
///
/// When `ty` names an enum `schema` does not have, or one without labels.
pub fn literal(schema: &Schema, ty: &SqlType, n: u64) -> String {
    use SqlType::*;
    match ty {
        SmallInt | Integer | BigInt => (n % 30_000).to_string(),
        Boolean => n.is_multiple_of(2).to_string(),
        Real | Double => format!("{}.25::{ty}", n % 1_000_000),
        Numeric(Some((precision, scale))) => {
            let whole = 10u64.saturating_pow(precision.saturating_sub(*scale));
            let fraction = if *scale > 0 { ".5" } else { "" };
            format!("{}{fraction}::{ty}", n % whole.max(1))
        }
        Numeric(None) => format!("{n}.125::numeric"),
        Varchar(Some(len)) => {
            let digits = base36(n, *len);
            let text = if digits.len() + 2 <= *len as usize {
                format!("é'{digits}")
            } else {
                digits
            };
            format!("{}::{ty}", quote_literal(&text))
        }
        Varchar(None) | Text => format!("{}::{ty}", quote_literal(&format!("it's é {n}"))),
        Char(len) => {
            let digits = base36(n, *len);
            format!(
                "{}::{ty}",
                quote_literal(&format!("{digits:0>w$}", w = *len as usize))
            )
        }
        Date => format!("(DATE '2020-01-01' + {})", n % 100_000),
        Time => format!("(TIME '00:00' + interval '{} seconds')", n % 86_400),
        Timestamp => format!("(TIMESTAMP '2020-01-01' + interval '{n} minutes')"),
        Timestamptz => format!("(TIMESTAMPTZ '2020-01-01 00:00+00' + interval '{n} minutes')"),
        Interval => format!("interval '{n} minutes'"),
        Uuid => format!("'00000000-0000-4000-8000-{n:012x}'::uuid"),
        Json | Jsonb => {
            let text = format!("{{\"n\": {n}, \"s\": \"it's é\"}}");
            format!("{}::{ty}", quote_literal(&text))
        }
        Bytea => format!("'\\x{n:08x}'::bytea"),
        Enum(name) => {
            let labels = &schema
                .enums
                .get(name)
                .unwrap_or_else(|| panic!("no enum `{name}` in the schema"))
                .labels;
            let label = &labels[(n % labels.len() as u64) as usize];
            format!("{}::{}", quote_literal(label), quote_ident(name))
        }
        // One element per value keeps them distinct; every third has a second one.
        Array(inner) => {
            let mut elements = vec![literal(schema, inner, n)];
            if n % 3 == 2 {
                elements.push(literal(schema, inner, n + 1));
            }
            format!("ARRAY[{}]::{ty}", elements.join(", "))
        }
    }
}

/// How many distinct values [`literal`] gives for `ty`, when that bounds the rows of a
/// table where the column is unique; `None` when a test never needs that many.
pub fn distinct_values(schema: &Schema, ty: &SqlType) -> Option<u64> {
    use SqlType::*;
    match ty {
        Boolean => Some(2),
        Enum(name) => schema.enums.get(name).map(|e| e.labels.len() as u64),
        Char(len) | Varchar(Some(len)) if *len < 4 => Some(36u64.pow(*len)),
        Numeric(Some((precision, scale))) if precision - scale < 4 => {
            Some(10u64.pow(precision - scale))
        }
        Array(inner) => distinct_values(schema, inner),
        _ => None,
    }
}

/// `n` in base 36, at most `len` digits (the lowest ones).
fn base36(mut n: u64, len: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 || out.len() == len as usize {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_distinct_within_what_the_type_holds() {
        let schema = Schema::default();
        for ty in [
            SqlType::Char(2),
            SqlType::Varchar(Some(3)),
            SqlType::Boolean,
        ] {
            let count = distinct_values(&schema, &ty).expect("bounded");
            let values: std::collections::BTreeSet<String> =
                (0..count).map(|n| literal(&schema, &ty, n)).collect();
            assert_eq!(values.len() as u64, count, "{ty}");
        }
        assert_eq!(
            literal(&schema, &SqlType::Varchar(Some(20)), 37),
            "'é''11'::varchar(20)"
        );
    }
}
