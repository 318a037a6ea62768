//! A typed view of one `#[watcher_table]` struct or `#[watcher_enum]` enum: parsed
//! attributes, resolved column names and types, and the `original` syn nodes for spans.
//! [`super::check`] validates it; [`Table::to_model`] lowers it to the model.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::{GenericArgument, Ident, PathArguments, Type};

use super::attr::{self, EnumAttrs, FieldAttrs, Spanned, TableAttrs, UniqueAttr};
use crate::diag::Ctxt;
use crate::model::{default_fkey_name, default_unique_name, SqlType};

/// One `#[watcher_table]` struct.
#[derive(Debug)]
pub struct Table<'a> {
    /// The struct as written.
    pub original: &'a syn::ItemStruct,
    /// The struct's name.
    pub ident: &'a Ident,
    /// The SQL table name.
    pub name: String,
    /// `#[watcher_table(...)]`.
    pub attrs: TableAttrs,
    /// Named fields in order.
    pub fields: Vec<Field<'a>>,
}

/// One field, that is one column.
#[derive(Debug)]
pub struct Field<'a> {
    /// The field as written.
    pub original: &'a syn::Field,
    /// The field's name.
    pub ident: &'a Ident,
    /// The column name (`column = "..."`, else the field name without `r#`).
    pub column: String,
    /// The field's Rust type as written.
    pub ty: &'a Type,
    /// What the Rust type means, or `None` if unsupported (an error was recorded).
    pub rust: Option<FieldTy<'a>>,
    /// `#[watcher(...)]`.
    pub attrs: FieldAttrs,
}

/// A supported Rust field type: its base and whether `Option` wraps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTy<'a> {
    /// `Option<T>`: the column is nullable.
    pub nullable: bool,
    /// `T`.
    pub base: RustTy<'a>,
}

/// The Rust types a column can have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustTy<'a> {
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `bool`.
    Bool,
    /// `String`.
    String,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `BigDecimal`.
    Decimal,
    /// chrono's `NaiveDate`.
    Date,
    /// chrono's `NaiveTime`.
    Time,
    /// chrono's `NaiveDateTime`.
    Timestamp,
    /// chrono's `DateTime<Utc>`.
    Timestamptz,
    /// serde_json's `Value`.
    Json,
    /// `Uuid`.
    Uuid,
    /// diesel's `PgInterval`.
    Interval,
    /// `Vec<u8>`.
    Bytes,
    /// A `#[watcher_enum]` type, named by a single identifier.
    Enum(&'a Ident),
    /// `Vec<T>` or `Vec<Option<T>>`.
    Array {
        /// `T`.
        elem: Box<RustTy<'a>>,
        /// Whether elements are `Option<T>`.
        elem_nullable: bool,
    },
}

/// What the "unsupported field type" message lists.
pub const SUPPORTED_TYPES: &str = "i16, i32, i64, bool, String, f32, f64, BigDecimal, \
NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>, serde_json::Value, Uuid, PgInterval, \
Vec<u8>, Vec<T>, Option<T>, or a #[watcher_enum] type named by one identifier";

impl<'a> RustTy<'a> {
    /// The SQL type this Rust type maps to without `sql_type`, `max_length` or `precision`.
    pub fn default_sql(&self) -> SqlType {
        match self {
            RustTy::I16 => SqlType::SmallInt,
            RustTy::I32 => SqlType::Integer,
            RustTy::I64 => SqlType::BigInt,
            RustTy::Bool => SqlType::Boolean,
            RustTy::String => SqlType::Text,
            RustTy::F32 => SqlType::Real,
            RustTy::F64 => SqlType::Double,
            RustTy::Decimal => SqlType::Numeric(None),
            RustTy::Date => SqlType::Date,
            RustTy::Time => SqlType::Time,
            RustTy::Timestamp => SqlType::Timestamp,
            RustTy::Timestamptz => SqlType::Timestamptz,
            RustTy::Json => SqlType::Jsonb,
            RustTy::Uuid => SqlType::Uuid,
            RustTy::Interval => SqlType::Interval,
            RustTy::Bytes => SqlType::Bytea,
            // SQLAlchemy's convention: the class name lower-cased.
            RustTy::Enum(ident) => SqlType::Enum(ident.unraw().to_string().to_lowercase()),
            RustTy::Array { elem, .. } => SqlType::Array(Box::new(elem.default_sql())),
        }
    }

    /// Whether a column of SQL type `ty` can be read into and written from this Rust type.
    pub fn accepts(&self, ty: &SqlType) -> bool {
        match (self, ty) {
            (RustTy::String, SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_)) => true,
            (RustTy::Json, SqlType::Json | SqlType::Jsonb) => true,
            (RustTy::Decimal, SqlType::Numeric(_)) => true,
            (RustTy::Enum(_), SqlType::Enum(_)) => true,
            (RustTy::Array { elem, .. }, SqlType::Array(inner)) => elem.accepts(inner),
            (RustTy::Array { .. }, _) | (_, SqlType::Array(_)) => false,
            (rust, ty) => rust.default_sql() == *ty,
        }
    }

    /// The innermost type (the element type of arrays).
    pub fn innermost(&self) -> &RustTy<'a> {
        match self {
            RustTy::Array { elem, .. } => elem.innermost(),
            other => other,
        }
    }

    /// Whether this is `i16`, `i32` or `i64`.
    pub fn is_integer(&self) -> bool {
        matches!(self, RustTy::I16 | RustTy::I32 | RustTy::I64)
    }
}

impl<'a> FieldTy<'a> {
    /// Reads a field's type, recording "unsupported field type" at it when it is not one
    /// of [`SUPPORTED_TYPES`].
    pub fn from_syn(cx: &Ctxt, ty: &'a Type) -> Option<FieldTy<'a>> {
        let (nullable, inner) = match option_inner(ty) {
            Some(inner) => (true, inner),
            None => (false, ty),
        };
        match base_type(inner) {
            Some(base) => Some(FieldTy { nullable, base }),
            None => {
                cx.error_at(
                    ty,
                    format!(
                        "unsupported field type\nhelp: a column's type is one of {SUPPORTED_TYPES}"
                    ),
                );
                None
            }
        }
    }
}

/// `Option<T>` → `T`.
fn option_inner(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Option")
}

/// The single type argument of `Name<T>` (any path ending in `Name`).
fn generic_arg<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

fn base_type(ty: &Type) -> Option<RustTy<'_>> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    let plain = matches!(last.arguments, PathArguments::None);
    let name = last.ident.to_string();
    Some(match name.as_str() {
        "i16" if plain => RustTy::I16,
        "i32" if plain => RustTy::I32,
        "i64" if plain => RustTy::I64,
        "bool" if plain => RustTy::Bool,
        "String" if plain => RustTy::String,
        "f32" if plain => RustTy::F32,
        "f64" if plain => RustTy::F64,
        "BigDecimal" if plain => RustTy::Decimal,
        "NaiveDate" if plain => RustTy::Date,
        "NaiveTime" if plain => RustTy::Time,
        "NaiveDateTime" if plain => RustTy::Timestamp,
        "Value" if plain => RustTy::Json,
        "Uuid" if plain => RustTy::Uuid,
        "PgInterval" if plain => RustTy::Interval,
        "DateTime" => {
            let tz = generic_arg(ty, "DateTime")?;
            let Type::Path(tz) = tz else { return None };
            let tz = tz.path.segments.last()?;
            if tz.ident != "Utc" {
                return None;
            }
            RustTy::Timestamptz
        }
        "Vec" => {
            let elem = generic_arg(ty, "Vec")?;
            if is_primitive(elem, "u8") {
                return Some(RustTy::Bytes);
            }
            let (elem_nullable, elem) = match option_inner(elem) {
                Some(inner) => (true, inner),
                None => (false, elem),
            };
            RustTy::Array {
                elem: Box::new(base_type(elem)?),
                elem_nullable,
            }
        }
        // Other primitives (u32, char, ...) have no PostgreSQL counterpart Diesel maps.
        _ if PRIMITIVES.contains(&name.as_str()) => return None,
        _ if plain && path.path.segments.len() == 1 && path.path.leading_colon.is_none() => {
            RustTy::Enum(&last.ident)
        }
        _ => return None,
    })
}

const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i128", "isize", "f16", "f128", "char", "str",
];

fn is_primitive(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

impl<'a> Table<'a> {
    /// Reads a struct and the arguments of its `#[watcher_table(...)]`, recording every
    /// problem in `cx`.
    pub fn from_syn(cx: &Ctxt, args: TokenStream, item: &'a syn::ItemStruct) -> Table<'a> {
        let attrs = attr::table_attrs(cx, args);
        misplaced_helpers(cx, &item.attrs, "#[watcher_table(...)]");
        if !item.generics.params.is_empty() {
            cx.error_at(
                &item.generics,
                "`#[watcher_table]` does not support generic structs\nhelp: a table's row type has concrete field types",
            );
        }
        let fields = match &item.fields {
            syn::Fields::Named(named) => named
                .named
                .iter()
                .filter_map(|field| Field::from_syn(cx, field))
                .collect(),
            _ => {
                cx.error_at(
                    &item.ident,
                    "`#[watcher_table]` needs a struct with named fields, one per column",
                );
                Vec::new()
            }
        };
        let name = match &attrs.name {
            Some(name) => name.value.clone(),
            None => attr::snake_case(&item.ident.unraw().to_string()),
        };
        Table {
            original: item,
            ident: &item.ident,
            name,
            attrs,
            fields,
        }
    }

    /// The field that holds column `column`.
    pub fn field_by_column(&self, column: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.column == column)
    }

    /// The field called `ident` (Rust name).
    pub fn field(&self, ident: &Ident) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.ident == ident)
    }

    /// Where the table name comes from: the `name = "..."` literal, else the struct name.
    pub fn name_span(&self) -> Span {
        self.attrs
            .name
            .as_ref()
            .map_or_else(|| self.ident.span(), |n| n.span)
    }

    /// The column of the field called `ident` (the ident itself if there is no such field;
    /// the check stage reports that).
    pub fn column_of(&self, ident: &Ident) -> String {
        self.field(ident)
            .map_or_else(|| ident.to_string(), |f| f.column.clone())
    }

    /// The primary key's columns: the struct-level list, else flagged fields in field order.
    pub fn primary_key_columns(&self) -> Vec<String> {
        match &self.attrs.primary_key {
            Some(list) => list.fields.iter().map(|i| self.column_of(i)).collect(),
            None => self
                .fields
                .iter()
                .filter(|f| f.attrs.primary_key.is_some())
                .map(|f| f.column.clone())
                .collect(),
        }
    }

    /// The name of a field's foreign key: `foreign_key_name`, else PostgreSQL's
    /// `<table>_<column>_fkey`.
    pub fn foreign_key_name(&self, field: &Field) -> String {
        match &field.attrs.foreign_key_name {
            Some(name) => name.value.clone(),
            None => default_fkey_name(&self.name, std::slice::from_ref(&field.column)),
        }
    }

    /// The name of a unique constraint: `name`, else PostgreSQL's `<table>_<columns>_key`.
    pub fn unique_name(&self, unique: &UniqueAttr) -> String {
        match &unique.name {
            Some(name) => name.value.clone(),
            None => {
                let columns: Vec<String> =
                    unique.columns.iter().map(|i| self.column_of(i)).collect();
                default_unique_name(&self.name, &columns)
            }
        }
    }
}

impl<'a> Field<'a> {
    fn from_syn(cx: &Ctxt, field: &'a syn::Field) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let attrs = attr::field_attrs(cx, &field.attrs);
        let column = match &attrs.column {
            Some(column) => column.value.clone(),
            None => ident.unraw().to_string(),
        };
        Some(Field {
            original: field,
            ident,
            column,
            ty: &field.ty,
            rust: FieldTy::from_syn(cx, &field.ty),
            attrs,
        })
    }

    /// The column's SQL type: `sql_type`, else the Rust type's with `max_length` and
    /// `precision`/`scale` applied to the innermost type. `None` for an unsupported type.
    pub fn sql_type(&self) -> Option<SqlType> {
        if let Some(ty) = &self.attrs.sql_type {
            return Some(ty.value.clone());
        }
        let rust = self.rust.as_ref()?;
        Some(apply_modifiers(rust.base.default_sql(), &self.attrs))
    }

    /// Whether the column is nullable (the field is an `Option`).
    pub fn nullable(&self) -> bool {
        self.rust.as_ref().is_some_and(|r| r.nullable)
    }

    /// The column a foreign key field points at: `references_column`, else `id`.
    pub fn referenced_column(&self) -> String {
        self.attrs
            .references_column
            .as_ref()
            .map_or_else(|| "id".to_string(), |c| c.value.clone())
    }

    /// Whether the Rust type is an integer (so the column may be serial or identity).
    pub fn is_integer(&self) -> bool {
        self.rust.as_ref().is_some_and(|r| r.base.is_integer())
    }
}

fn apply_modifiers(ty: SqlType, attrs: &FieldAttrs) -> SqlType {
    match ty {
        SqlType::Array(inner) => SqlType::Array(Box::new(apply_modifiers(*inner, attrs))),
        SqlType::Text if attrs.max_length.is_some() => {
            SqlType::Varchar(attrs.max_length.as_ref().map(|n| n.value))
        }
        SqlType::Numeric(None) if attrs.precision.is_some() => {
            let precision = attrs.precision.as_ref().map_or(0, |p| p.value);
            let scale = attrs.scale.as_ref().map_or(0, |s| s.value);
            SqlType::Numeric(Some((precision, scale)))
        }
        other => other,
    }
}

/// `#[watcher(...)]` belongs on fields and variants; on the item itself it is a slip for the
/// macro's own arguments.
fn misplaced_helpers(cx: &Ctxt, attrs: &[syn::Attribute], place: &str) {
    for attr in attrs.iter().filter(|a| attr::is_helper(a)) {
        cx.error_at(
            attr,
            format!("`#[watcher(...)]` goes on fields and variants\nhelp: write this item's keys in `{place}`"),
        );
    }
}

/// One `#[watcher_enum]` enum.
#[derive(Debug)]
pub struct Enum<'a> {
    /// The enum as written.
    pub original: &'a syn::ItemEnum,
    /// The enum's name.
    pub ident: &'a Ident,
    /// The PostgreSQL type name.
    pub name: String,
    /// `#[watcher_enum(...)]`.
    pub attrs: EnumAttrs,
    /// Variants in order: the labels' sort order.
    pub variants: Vec<Variant<'a>>,
}

/// One variant, that is one label.
#[derive(Debug)]
pub struct Variant<'a> {
    /// The variant as written.
    pub original: &'a syn::Variant,
    /// Its name.
    pub ident: &'a Ident,
    /// The PostgreSQL label.
    pub label: Spanned<String>,
    /// `renamed_from = "OLD"`: the label it had before (a history key).
    pub renamed_from: Option<Spanned<String>>,
}

impl<'a> Enum<'a> {
    /// Reads an enum and the arguments of its `#[watcher_enum(...)]`.
    pub fn from_syn(cx: &Ctxt, args: TokenStream, item: &'a syn::ItemEnum) -> Enum<'a> {
        let attrs = attr::enum_attrs(cx, args);
        misplaced_helpers(cx, &item.attrs, "#[watcher_enum(...)]");
        if !item.generics.params.is_empty() {
            cx.error_at(
                &item.generics,
                "`#[watcher_enum]` does not support generic enums",
            );
        }
        let variants = item
            .variants
            .iter()
            .map(|variant| {
                if !matches!(variant.fields, syn::Fields::Unit) {
                    cx.error_at(
                        &variant.fields,
                        "a `#[watcher_enum]` variant carries no data: each variant is one PostgreSQL enum label",
                    );
                }
                let vattrs = attr::variant_attrs(cx, &variant.attrs);
                let written = variant.ident.unraw().to_string();
                let label = match (vattrs.rename, &attrs.rename_all) {
                    (Some(rename), _) => rename,
                    (None, Some(rule)) => Spanned {
                        value: rule.value.apply(&written),
                        span: variant.ident.span(),
                    },
                    (None, None) => Spanned {
                        value: written,
                        span: variant.ident.span(),
                    },
                };
                Variant {
                    original: variant,
                    ident: &variant.ident,
                    label,
                    renamed_from: vattrs.renamed_from,
                }
            })
            .collect();
        let name = match &attrs.name {
            Some(name) => name.value.clone(),
            None => item.ident.unraw().to_string().to_lowercase(),
        };
        Enum {
            original: item,
            ident: &item.ident,
            name,
            attrs,
            variants,
        }
    }

    /// Where the type name comes from: the `name = "..."` literal, else the enum name.
    pub fn name_span(&self) -> Span {
        self.attrs
            .name
            .as_ref()
            .map_or_else(|| self.ident.span(), |n| n.span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_ty(ty: Type) -> Option<FieldTy<'static>> {
        let ty: &'static Type = Box::leak(Box::new(ty));
        let cx = Ctxt::new();
        let out = FieldTy::from_syn(&cx, ty);
        let _ = cx.finish();
        out
    }

    #[test]
    fn maps_rust_types_to_sql() {
        let cases: Vec<(Type, bool, SqlType)> = vec![
            (syn::parse_quote!(i16), false, SqlType::SmallInt),
            (syn::parse_quote!(i32), false, SqlType::Integer),
            (syn::parse_quote!(Option<i64>), true, SqlType::BigInt),
            (syn::parse_quote!(bool), false, SqlType::Boolean),
            (syn::parse_quote!(std::string::String), false, SqlType::Text),
            (syn::parse_quote!(f32), false, SqlType::Real),
            (syn::parse_quote!(f64), false, SqlType::Double),
            (
                syn::parse_quote!(bigdecimal::BigDecimal),
                false,
                SqlType::Numeric(None),
            ),
            (syn::parse_quote!(chrono::NaiveDate), false, SqlType::Date),
            (syn::parse_quote!(NaiveTime), false, SqlType::Time),
            (syn::parse_quote!(NaiveDateTime), false, SqlType::Timestamp),
            (
                syn::parse_quote!(Option<DateTime<Utc>>),
                true,
                SqlType::Timestamptz,
            ),
            (
                syn::parse_quote!(chrono::DateTime<chrono::Utc>),
                false,
                SqlType::Timestamptz,
            ),
            (syn::parse_quote!(serde_json::Value), false, SqlType::Jsonb),
            (syn::parse_quote!(Uuid), false, SqlType::Uuid),
            (syn::parse_quote!(Vec<u8>), false, SqlType::Bytea),
            (
                syn::parse_quote!(Vec<i32>),
                false,
                SqlType::Array(Box::new(SqlType::Integer)),
            ),
            (
                syn::parse_quote!(Option<Vec<Option<String>>>),
                true,
                SqlType::Array(Box::new(SqlType::Text)),
            ),
            (
                syn::parse_quote!(DatePartEnum),
                false,
                SqlType::Enum("datepartenum".into()),
            ),
            (
                syn::parse_quote!(Vec<Mood>),
                false,
                SqlType::Array(Box::new(SqlType::Enum("mood".into()))),
            ),
        ];
        for (ty, nullable, sql) in cases {
            let text = quote::quote!(#ty).to_string();
            let got = field_ty(ty).unwrap_or_else(|| panic!("{text} unsupported"));
            assert_eq!(got.nullable, nullable, "{text}");
            assert_eq!(got.base.default_sql(), sql, "{text}");
        }
    }

    #[test]
    fn rejects_unsupported_types_at_the_type() {
        for ty in [
            quote::quote!(u32),
            quote::quote!(HashMap<String, i32>),
            quote::quote!(DateTime<Local>),
            quote::quote!(chrono::Duration),
            quote::quote!(&'static str),
            quote::quote!((i32, i32)),
            quote::quote!(Box<i32>),
        ] {
            let parsed: Type = syn::parse2(ty.clone()).unwrap();
            let parsed: &'static Type = Box::leak(Box::new(parsed));
            let cx = Ctxt::new();
            assert!(FieldTy::from_syn(&cx, parsed).is_none(), "{ty}");
            let err = cx.finish().unwrap_err().to_string();
            assert!(
                err.starts_with("unsupported field type\nhelp: a column's type is one of i16"),
                "{err}"
            );
        }
    }

    #[test]
    fn compatibility_of_sql_type_overrides() {
        assert!(RustTy::String.accepts(&SqlType::Varchar(Some(3))));
        assert!(RustTy::String.accepts(&SqlType::Char(2)));
        assert!(RustTy::Json.accepts(&SqlType::Json));
        assert!(RustTy::I64.accepts(&SqlType::BigInt));
        assert!(!RustTy::I64.accepts(&SqlType::Integer));
        assert!(!RustTy::String.accepts(&SqlType::Jsonb));
        let arr = RustTy::Array {
            elem: Box::new(RustTy::String),
            elem_nullable: false,
        };
        assert!(arr.accepts(&SqlType::Array(Box::new(SqlType::Varchar(None)))));
        assert!(!arr.accepts(&SqlType::Text));
        assert!(!RustTy::Bytes.accepts(&SqlType::Array(Box::new(SqlType::SmallInt))));
    }
}
