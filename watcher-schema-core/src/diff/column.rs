//! One column of a table that both schemas keep: the ops that take it from its old
//! definition to its new one, and the type rules (casts, widening) those ops need.

use crate::model::nextval;
use crate::model::{object_name, Column, Expr, Generated, Sequence, SqlType};
use crate::op::{Op, SequenceOf};
use crate::quote::quote_ident;
pub(crate) use crate::type_change::rewrites;

/// What the column step needs to know about sequences outside the column itself.
pub(super) trait Sequences {
    /// `to` keeps `name` as a free-standing sequence: removing a serial must not drop it.
    fn stays_free(&self, name: &str) -> bool;
    /// `from` already has `name` as a free-standing sequence: making a serial reuses it.
    fn exists_free(&self, name: &str) -> Option<&Sequence>;
}

/// Pushes the ops that turn column `from` (its type already seen through any enum swap)
/// into `to`, on `table`. Each step updates `cur` the way [`crate::op::apply`] would, so
/// that later steps see the column as PostgreSQL will have it at that point.
pub(super) fn alter_column(
    table: &str,
    from: &Column,
    to: &Column,
    sequences: &impl Sequences,
    ops: &mut Vec<Op>,
) {
    let mut cur = from.clone();
    let column = || to.name.clone();
    let table_name = || table.to_string();
    let retyped = cur.ty != to.ty;
    // A serial that keeps its sequence and changes type takes the sequence along with
    // `ALTER SEQUENCE ... AS`, which keeps its value (a rebuilt sequence would restart at
    // max + 1 and hand out the ids of deleted rows again). Renamed too, it is rebuilt.
    let kept_sequence = match (&cur.generated, &to.generated) {
        (Some(Generated::Serial { sequence: a }), Some(Generated::Serial { sequence: b }))
            if a == b =>
        {
            Some(a.clone())
        }
        _ => None,
    };
    let serial_retyped = retyped
        && kept_sequence.is_none()
        && matches!(cur.generated, Some(Generated::Serial { .. }));

    // 0. A serial whose sequence only changes name (its table or column was renamed).
    if let (Some(Generated::Serial { sequence: old }), Some(Generated::Serial { sequence: new })) =
        (&cur.generated, &to.generated)
    {
        if old != new && !retyped {
            ops.push(Op::RenameSequence {
                from: old.clone(),
                to: new.clone(),
            });
            cur.generated = to.generated.clone();
        }
    }

    // A new generation goes on from the old one's position, not from max + 1 (which hands
    // out the ids of deleted rows again), so the old position lives until the new sequence
    // has taken it: a serial's sequence, renamed out of the new identity's way, or an
    // identity's position kept in a sequence of its own, is dropped after it (`source`,
    // `retire`); an identity's is carried into the serial's sequence, built under a
    // temporary name first (`staged`).
    let becomes_identity = matches!(
        to.generated,
        Some(Generated::IdentityAlways | Generated::IdentityByDefault)
    );
    let mut source: Option<String> = None;
    let mut retire = false;
    let mut staged: Option<String> = None;

    // 1. Give up a generation that does not survive.
    if cur.generated != to.generated || serial_retyped {
        match cur.generated.take() {
            Some(Generated::Serial { sequence }) => {
                ops.push(Op::SetDefault {
                    table: table_name(),
                    column: column(),
                    default: None,
                });
                let stays = sequences.stays_free(&sequence);
                if becomes_identity && !stays {
                    // Owned by the column still, it would be the one
                    // `pg_get_serial_sequence` finds instead of the identity's.
                    let old = object_name(&sequence, None, "old");
                    ops.push(Op::RenameSequence {
                        from: sequence,
                        to: old.clone(),
                    });
                    ops.push(Op::SetSequenceOwner {
                        name: old.clone(),
                        owned_by: None,
                    });
                    (source, retire) = (Some(old), true);
                } else if becomes_identity {
                    source = Some(sequence);
                } else if !stays {
                    ops.push(Op::DropSequence { name: sequence });
                }
                cur.default = None;
            }
            Some(_) => {
                if becomes_identity {
                    // Always ↔ by default: the position waits in a sequence of its own.
                    let kept = object_name(table, Some(&to.name), "seq_old");
                    ops.push(Op::CreateSequence(Sequence {
                        name: kept.clone(),
                        ty: to.ty.clone(),
                        owned_by: None,
                    }));
                    ops.push(Op::ContinueSequence {
                        table: table_name(),
                        column: column(),
                        from: SequenceOf::Identity,
                        to: SequenceOf::Named(kept.clone()),
                    });
                    (source, retire) = (Some(kept), true);
                }
                if let Some(Generated::Serial { sequence }) = &to.generated {
                    if sequences.exists_free(sequence).is_none() {
                        let new = object_name(sequence, None, "new");
                        ops.push(Op::CreateSequence(Sequence {
                            name: new.clone(),
                            ty: to.ty.clone(),
                            owned_by: None,
                        }));
                        ops.push(Op::ContinueSequence {
                            table: table_name(),
                            column: column(),
                            from: SequenceOf::Identity,
                            to: SequenceOf::Named(new.clone()),
                        });
                        staged = Some(new);
                    }
                }
                ops.push(Op::SetGenerated {
                    table: table_name(),
                    column: column(),
                    generated: None,
                });
            }
            None => {}
        }
    }

    // 2. Drop a default before a type change (PostgreSQL cannot always cast it, and an enum
    //    swap leaves it naming the old type) or before the column becomes generated.
    if cur.default.is_some()
        && (retyped || (to.generated.is_some() && cur.generated != to.generated))
    {
        ops.push(Op::SetDefault {
            table: table_name(),
            column: column(),
            default: None,
        });
        cur.default = None;
    }

    // 3. The type.
    if retyped {
        ops.push(Op::AlterColumnType {
            table: table_name(),
            column: column(),
            ty: to.ty.clone(),
            using: using(&to.name, &cur.ty, &to.ty),
        });
        cur.ty = to.ty.clone();
        if let Some(sequence) = &kept_sequence {
            ops.push(Op::AlterSequenceType {
                name: sequence.clone(),
                ty: to.ty.clone(),
            });
        }
    }

    // 4. The default.
    if to.generated.is_none() && cur.default != to.default {
        ops.push(Op::SetDefault {
            table: table_name(),
            column: column(),
            default: to.default.clone(),
        });
        cur.default = to.default.clone();
    }

    // 5. A new generation.
    if cur.generated != to.generated {
        match &to.generated {
            Some(Generated::Serial { sequence }) => {
                let owner = Some((table_name(), column()));
                let existing = sequences.exists_free(sequence);
                if let Some(new) = staged {
                    ops.push(Op::RenameSequence {
                        from: new,
                        to: sequence.clone(),
                    });
                } else if existing.is_none() {
                    ops.push(Op::CreateSequence(Sequence {
                        name: sequence.clone(),
                        ty: to.ty.clone(),
                        owned_by: None,
                    }));
                }
                if existing.is_none_or(|s| s.owned_by != owner) {
                    ops.push(Op::SetSequenceOwner {
                        name: sequence.clone(),
                        owned_by: owner,
                    });
                }
                // `nextval` on a sequence the column owns is what `serial` is.
                ops.push(Op::SetDefault {
                    table: table_name(),
                    column: column(),
                    default: Some(nextval(sequence)),
                });
            }
            Some(identity) => {
                ops.push(Op::SetGenerated {
                    table: table_name(),
                    column: column(),
                    generated: Some(identity.clone()),
                });
                if let Some(old) = source {
                    ops.push(Op::ContinueSequence {
                        table: table_name(),
                        column: column(),
                        from: SequenceOf::Named(old.clone()),
                        to: SequenceOf::Identity,
                    });
                    if retire {
                        ops.push(Op::DropSequence { name: old });
                    }
                }
                cur.nullable = false;
            }
            None => unreachable!("step 1 removed the old generation"),
        }
        cur.generated = to.generated.clone();
    }

    // 6. Nullability last, so that a serial can fill its rows first.
    if cur.nullable != to.nullable {
        ops.push(Op::SetNullable {
            table: table_name(),
            column: column(),
            nullable: to.nullable,
        });
    }
}

/// The `USING` expression `ALTER COLUMN ... TYPE` needs to go from `from` to `to`, or
/// `None` where PostgreSQL converts on its own. A direct cast where `pg_cast` has one,
/// otherwise through text (I/O conversion), which is all enums and most pairs have.
pub(crate) fn using(column: &str, from: &SqlType, to: &SqlType) -> Option<Expr> {
    if assignment_castable(from, to) {
        return None;
    }
    let c = quote_ident(column);
    let expr = match (from, to) {
        _ if castable(from, to) => format!("{c}::{to}"),
        // Element by element through text, keeping the array.
        (SqlType::Array(_), SqlType::Array(_)) => format!("{c}::text[]::{to}"),
        _ => format!("{c}::text::{to}"),
    };
    Some(Expr::new(&expr))
}

/// Whether PostgreSQL converts `from` to `to` on its own (an implicit or assignment
/// cast), as `ALTER COLUMN ... TYPE` without `USING` requires.
fn assignment_castable(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    match (from, to) {
        (Array(a), Array(b)) => assignment_castable(a, b),
        (Array(_), _) | (_, Array(_)) => false,
        // Enums convert to text only by I/O; say so rather than rely on it.
        (Enum(_), _) | (_, Enum(_)) => false,
        (a, b) if is_string(a) && is_string(b) => true,
        (a, b) if is_number(a) && is_number(b) => true,
        (Date | Timestamp | Timestamptz, Date | Timestamp | Timestamptz) => true,
        (Timestamp | Timestamptz | Interval, Time) | (Time, Interval) => true,
        (Json, Jsonb) | (Jsonb, Json) => true,
        // Anything prints to a string type in assignment context.
        (_, b) => is_string(b),
    }
}

/// Whether `from::to` is a cast PostgreSQL has (`pg_cast`, or I/O to and from strings).
fn castable(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    match (from, to) {
        (Array(a), Array(b)) => castable(a, b),
        (a, b) if is_string(a) || is_string(b) => true,
        (Array(_), _) | (_, Array(_)) => false,
        (Boolean, Integer) | (Integer, Boolean) => true,
        (Jsonb, b) => matches!(b, Boolean) || is_number(b),
        _ => assignment_castable(from, to),
    }
}

fn is_string(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_))
}

fn is_number(ty: &SqlType) -> bool {
    use SqlType::*;
    matches!(ty, SmallInt | Integer | BigInt | Real | Double | Numeric(_))
}

/// A value of `ty` to fill existing rows with when nothing better is known: the type's
/// zero, or an enum's first label. `None` for an enum without labels.
pub(crate) fn typed_zero(ty: &SqlType, enum_labels: Option<&[String]>) -> Option<Expr> {
    use SqlType::*;
    let text = match ty {
        SmallInt | Integer | BigInt | Real | Double | Numeric(_) => "0".to_string(),
        Boolean => "false".to_string(),
        Varchar(_) | Char(_) | Text | Bytea => "''".to_string(),
        Date => "'1970-01-01'".to_string(),
        Time => "'00:00:00'".to_string(),
        Timestamp => "'1970-01-01 00:00:00'".to_string(),
        Timestamptz => "'1970-01-01 00:00:00+00'".to_string(),
        Interval => "'0 seconds'".to_string(),
        Uuid => "'00000000-0000-0000-0000-000000000000'".to_string(),
        Json | Jsonb => "'{}'".to_string(),
        Array(_) => "'{}'".to_string(),
        Enum(_) => crate::quote::quote_literal(enum_labels?.first()?),
    };
    Some(Expr::new(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::type_change::is_widening;
    use SqlType::*;

    #[test]
    fn using_only_where_postgres_has_no_assignment_cast() {
        assert_eq!(using("n", &Integer, &BigInt), None);
        assert_eq!(using("n", &Varchar(Some(20)), &Text), None);
        assert_eq!(using("n", &Integer, &Text), None);
        assert_eq!(using("n", &Timestamp, &Timestamptz), None);
        assert_eq!(
            using("n", &Text, &Integer).map(|e| e.to_string()),
            Some("n::integer".to_string())
        );
        assert_eq!(
            using("n", &Boolean, &Integer).map(|e| e.to_string()),
            Some("n::integer".to_string())
        );
        assert_eq!(
            using("Mode", &Text, &Enum("mode".into())).map(|e| e.to_string()),
            Some("\"Mode\"::mode".to_string())
        );
        assert_eq!(using("n", &Json, &Jsonb), None);
        assert_eq!(
            using("n", &Uuid, &Numeric(Some((12, 4)))).map(|e| e.to_string()),
            Some("n::text::numeric(12,4)".to_string())
        );
        assert_eq!(
            using("n", &SmallInt, &Boolean).map(|e| e.to_string()),
            Some("n::text::boolean".to_string())
        );
        assert_eq!(
            using("n", &Array(Box::new(Boolean)), &Array(Box::new(Integer))).map(|e| e.to_string()),
            Some("n::integer[]".to_string())
        );
        assert_eq!(
            using("n", &Array(Box::new(Text)), &Jsonb).map(|e| e.to_string()),
            Some("n::text::jsonb".to_string())
        );
    }

    #[test]
    fn enums_cast_through_text() {
        let old = Enum("state__old".into());
        let new = Enum("state".into());
        assert_eq!(
            using("s", &old, &new).map(|e| e.to_string()),
            Some("s::text::state".to_string())
        );
        assert_eq!(
            using("s", &Array(Box::new(old)), &Array(Box::new(new.clone()))).map(|e| e.to_string()),
            Some("s::text[]::state[]".to_string())
        );
        assert_eq!(
            using("s", &Array(Box::new(new.clone())), &new).map(|e| e.to_string()),
            Some("s::text::state".to_string())
        );
        assert_eq!(
            using("s", &new, &Text).map(|e| e.to_string()),
            Some("s::text".to_string())
        );
    }

    #[test]
    fn widening_keeps_every_value() {
        assert!(is_widening(&Varchar(Some(20)), &Varchar(Some(50))));
        assert!(is_widening(&Varchar(Some(20)), &Text));
        assert!(is_widening(&Integer, &BigInt));
        assert!(is_widening(&Integer, &Numeric(Some((12, 2)))));
        assert!(is_widening(
            &Numeric(Some((12, 4))),
            &Numeric(Some((14, 4)))
        ));
        assert!(!is_widening(&Varchar(Some(50)), &Varchar(Some(20))));
        assert!(!is_widening(&BigInt, &Integer));
        assert!(!is_widening(&Integer, &Numeric(Some((6, 2)))));
        assert!(!is_widening(
            &Numeric(Some((12, 4))),
            &Numeric(Some((12, 2)))
        ));
        assert!(!is_widening(&Text, &Integer));
        assert!(!is_widening(&Integer, &Text));
    }

    #[test]
    fn typed_zero_per_type() {
        let labels = ["DAY".to_string(), "WEEK".to_string()];
        let zero = |ty: &SqlType| typed_zero(ty, Some(&labels)).map(|e| e.to_string());
        assert_eq!(zero(&Integer).as_deref(), Some("0"));
        assert_eq!(zero(&Boolean).as_deref(), Some("false"));
        assert_eq!(zero(&Varchar(Some(20))).as_deref(), Some("''"));
        assert_eq!(zero(&Enum("datepartenum".into())).as_deref(), Some("'DAY'"));
        assert_eq!(zero(&Array(Box::new(Integer))).as_deref(), Some("'{}'"));
        assert_eq!(typed_zero(&Enum("e".into()), Some(&[])), None);
    }
}
