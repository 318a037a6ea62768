//! Replay step 3b: the names PostgreSQL generates for unnamed constraints, indexes and
//! serial sequences, collisions included (`t_check`, `t_check1`, ...), for the parsers.

use crate::model::{object_name, Generated, Schema};

/// Chooses generated names as PostgreSQL does (`ChooseRelationName`,
/// `ChooseConstraintName`): `name1_name2_label`, and on a collision `label1`,
/// `label2`..., avoiding what the schema has and what this statement already named.
pub(crate) struct Namer<'s> {
    schema: &'s Schema,
    relations: Vec<String>,
    constraints: Vec<String>,
    /// Names the statement drops before it chooses new ones.
    released: Vec<String>,
}

impl<'s> Namer<'s> {
    pub fn new(schema: &'s Schema) -> Namer<'s> {
        Namer {
            schema,
            relations: Vec::new(),
            constraints: Vec::new(),
            released: Vec::new(),
        }
    }

    /// Records a relation (table, sequence, index) the statement creates.
    pub fn claim_relation(&mut self, name: &str) {
        self.relations.push(name.to_string());
    }

    /// Records a constraint the statement creates.
    pub fn claim_constraint(&mut self, name: &str) {
        self.constraints.push(name.to_string());
    }

    /// Records a constraint the statement drops (an `ALTER TABLE` drops before it adds),
    /// so that its name is free again.
    pub fn release(&mut self, name: &str) {
        self.released.push(name.to_string());
    }

    fn released(&self, name: &str) -> bool {
        self.released.iter().any(|r| r == name)
    }

    fn relation_taken(&self, name: &str) -> bool {
        self.relations.iter().any(|r| r == name)
            || !self.released(name) && relation_exists(self.schema, name)
    }

    fn constraint_taken(&self, name: &str) -> bool {
        self.constraints.iter().any(|c| c == name)
            || !self.released(name) && self.schema.tables.values().any(|t| t.has_constraint(name))
    }

    /// The sequence of a serial column, `<table>_<column>_seq`.
    pub fn sequence(&mut self, table: &str, column: &str) -> String {
        let name = choose(table, Some(column), "seq", |n| self.relation_taken(n));
        self.claim_relation(&name);
        name
    }

    /// A primary key, `<table>_pkey`: an index and a constraint, so both must be free.
    pub fn primary_key(&mut self, table: &str) -> String {
        self.index_constraint(table, None, "pkey")
    }

    /// A unique constraint, `<table>_<columns>_key`.
    pub fn unique(&mut self, table: &str, columns: &[String]) -> String {
        self.index_constraint(table, Some(&columns.join("_")), "key")
    }

    fn index_constraint(&mut self, table: &str, name2: Option<&str>, label: &str) -> String {
        let name = choose(table, name2, label, |n| {
            self.relation_taken(n) || self.constraint_taken(n)
        });
        self.claim_relation(&name);
        self.claim_constraint(&name);
        name
    }

    /// A foreign key, `<table>_<columns>_fkey`.
    pub fn foreign_key(&mut self, table: &str, columns: &[String]) -> String {
        self.constraint(table, Some(&columns.join("_")), "fkey")
    }

    /// A check constraint: `<table>_<column>_check` when the expression uses exactly one
    /// column of the table, `<table>_check` otherwise (PostgreSQL looks at the
    /// expression's variables, not at where the constraint was written).
    pub fn check(&mut self, table: &str, column: Option<&str>) -> String {
        self.constraint(table, column, "check")
    }

    fn constraint(&mut self, table: &str, name2: Option<&str>, label: &str) -> String {
        let name = choose(table, name2, label, |n| self.constraint_taken(n));
        self.claim_constraint(&name);
        name
    }

    /// An index, `<table>_<elements>_idx`; `elements` are the key and INCLUDE columns'
    /// names, a repeated one numbered (`a_b_b1`), as `ChooseIndexColumnNames` does.
    pub fn index(&mut self, table: &str, elements: &[&str]) -> String {
        let mut chosen: Vec<String> = Vec::with_capacity(elements.len());
        for &element in elements {
            let mut candidate = element.to_string();
            let mut n = 0;
            while chosen.contains(&candidate) {
                n += 1;
                candidate = format!("{element}{n}");
            }
            chosen.push(candidate);
        }
        let name = choose(table, Some(&chosen.join("_")), "idx", |n| {
            self.relation_taken(n)
        });
        self.claim_relation(&name);
        name
    }
}

fn choose(name1: &str, name2: Option<&str>, label: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&name) {
        pass += 1;
        name = object_name(name1, name2, &format!("{label}{pass}"));
    }
    name
}

/// Whether a table, sequence (free or serial), index or constraint index is called `name`.
pub(crate) fn relation_exists(schema: &Schema, name: &str) -> bool {
    schema.tables.contains_key(name)
        || schema.sequences.contains_key(name)
        || schema.tables.values().any(|t| {
            t.indexes.contains_key(name)
                || t.uniques.contains_key(name)
                || t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
                || t.columns.iter().any(|c| {
                    matches!(&c.generated, Some(Generated::Serial { sequence }) if sequence == name)
                })
        })
}

/// The one column of `columns` that `expr` mentions, if exactly one is mentioned.
pub(crate) fn sole_column<'c>(
    expr: &str,
    columns: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let mut found = None;
    for column in columns {
        if crate::expr::mentions_column(expr, column) {
            if found.is_some_and(|f| f != column) {
                return None;
            }
            found = Some(column);
        }
    }
    found
}
