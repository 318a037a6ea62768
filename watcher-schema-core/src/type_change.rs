//! What PostgreSQL does when a column's type changes: which changes keep every value, and
//! which rewrite the table. A leaf: the plan (which asks for consent) and lint (which warns
//! about blocking forms) judge type changes by the same two functions, [`keeps_values`]
//! and [`rewrites`].

use crate::model::{Schema, SqlType};

/// Whether every value of `from` survives the change to `to` unchanged: the changes the
/// plan lets through without the user's consent.
pub(crate) fn is_widening(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    if from == to {
        return true;
    }
    match (from, to) {
        (Array(a), Array(b)) => is_widening(a, b),
        (a, b)
            if integer_rank(a)
                .zip(integer_rank(b))
                .is_some_and(|(x, y)| x <= y) =>
        {
            true
        }
        (SmallInt | Integer | BigInt, Numeric(None)) => true,
        (a @ (SmallInt | Integer | BigInt), Numeric(Some((p, s)))) => {
            p.saturating_sub(*s) >= integer_digits(a)
        }
        (SmallInt | Integer, Double) | (SmallInt, Real) | (Real, Double) => true,
        (Numeric(Some(_)), Numeric(None)) => true,
        (Numeric(Some((p, s))), Numeric(Some((p2, s2)))) => s2 >= s && p2 - s2 >= p - s,
        (Varchar(Some(n)), Varchar(Some(m))) => m >= n,
        (Varchar(_) | Text, Varchar(None) | Text) => true,
        (Char(n), Char(m)) => m >= n,
        (Date, Timestamp | Timestamptz) => true,
        (Jsonb, Json) => true,
        _ => false,
    }
}

/// [`is_widening`] between two schemas, which also knows enum types: moving a column from
/// enum type `a` of `before` to enum type `b` of `after` keeps every value when `b` has
/// every label of `a` (retiring a type for a larger one), and so does any enum to `text`.
pub(crate) fn keeps_values(from: &SqlType, to: &SqlType, before: &Schema, after: &Schema) -> bool {
    use SqlType::*;
    match (from, to) {
        (Enum(a), Enum(b)) if a != b => {
            let (Some(a), Some(b)) = (before.enums.get(a), after.enums.get(b)) else {
                return false;
            };
            a.labels.iter().all(|label| b.labels.contains(label))
        }
        (Enum(_), Text | Varchar(None)) => true,
        (Array(a), Array(b)) => keeps_values(a, b, before, after),
        _ => is_widening(from, to),
    }
}

/// Whether changing a column from `from` to `to` (without `USING`) rewrites the table.
/// PostgreSQL skips the rewrite when the old type is binary-coercible to the new one and no
/// stored value needs checking: the same type, a longer or unbounded `varchar`, `text`, a
/// `numeric` with more precision and the same scale.
pub(crate) fn rewrites(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let free = match (from, to) {
        (a, b) if a == b => true,
        (Varchar(Some(n)), Varchar(Some(m))) => m >= n,
        (Varchar(_), Varchar(None) | Text) | (Text, Varchar(None)) => true,
        (Numeric(Some((p, s))), Numeric(Some((p2, s2)))) => s2 == s && p2 >= p,
        (Numeric(_), Numeric(None)) => true,
        _ => false,
    };
    !free
}

/// Whether a foreign key between columns of these types survives every order of their
/// changes: PostgreSQL keeps (and rebuilds itself) a foreign key across `ALTER COLUMN ...
/// TYPE` while its two sides compare by one operator family (the integers; `text` and
/// `varchar`; `numeric` of any precision), so only a change across families needs the key
/// dropped first and added after.
pub(crate) fn keys_stay_comparable(types: &[&SqlType]) -> bool {
    use SqlType::*;
    let family = |ty: &SqlType| match ty {
        SmallInt | Integer | BigInt => Some(1),
        Text | Varchar(_) => Some(2),
        Numeric(_) => Some(3),
        _ => None,
    };
    let Some((first, rest)) = types.split_first() else {
        return true;
    };
    rest.iter().all(|ty| ty == first) || {
        let f = family(first);
        f.is_some() && rest.iter().all(|ty| family(ty) == f)
    }
}

fn integer_rank(ty: &SqlType) -> Option<u8> {
    match ty {
        SqlType::SmallInt => Some(1),
        SqlType::Integer => Some(2),
        SqlType::BigInt => Some(3),
        _ => None,
    }
}

/// Decimal digits of the largest value of an integer type.
fn integer_digits(ty: &SqlType) -> u32 {
    match ty {
        SqlType::SmallInt => 5,
        SqlType::Integer => 10,
        _ => 19,
    }
}
