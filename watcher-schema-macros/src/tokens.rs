//! How core's model types read as Rust: `ToTokens` newtypes used by expand.rs, so that
//! core never needs quote.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::Ident;
use watcher_schema_core::model::SqlType;
use watcher_schema_core::structs::ast::RustTy;

/// The Diesel SQL type of a column: `Nullable<...>` around the type of its SQL type, with
/// enum columns named by their Rust enum (`EnumSql<Enum>`).
pub struct DieselType<'a> {
    /// The column's SQL type.
    pub sql: &'a SqlType,
    /// The field's Rust type (it names the enum, and says whether array elements are nullable).
    pub rust: &'a RustTy<'a>,
    /// Whether the column is nullable.
    pub nullable: bool,
}

impl ToTokens for DieselType<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let inner = sql_type(self.sql, self.rust);
        tokens.extend(if self.nullable {
            quote!(::diesel::sql_types::Nullable<#inner>)
        } else {
            inner
        });
    }
}

fn sql_type(sql: &SqlType, rust: &RustTy) -> TokenStream {
    let name = match (sql, rust) {
        (
            SqlType::Array(elem),
            RustTy::Array {
                elem: rust_elem,
                elem_nullable,
            },
        ) => {
            let elem = sql_type(elem, rust_elem);
            let elem = if *elem_nullable {
                quote!(::diesel::sql_types::Nullable<#elem>)
            } else {
                elem
            };
            return quote!(::diesel::sql_types::Array<#elem>);
        }
        (SqlType::Enum(_), RustTy::Enum(ident)) => {
            return quote!(::watcher_schema::__private::EnumSql<#ident>);
        }
        (SqlType::SmallInt, _) => "SmallInt",
        (SqlType::Integer, _) => "Integer",
        (SqlType::BigInt, _) => "BigInt",
        (SqlType::Boolean, _) => "Bool",
        (SqlType::Real, _) => "Float",
        (SqlType::Double, _) => "Double",
        (SqlType::Numeric(_), _) => "Numeric",
        // Diesel reads `character(n)` as it reads varchar (its `Bpchar` is an alias).
        (SqlType::Varchar(_) | SqlType::Char(_), _) => "Varchar",
        (SqlType::Text, _) => "Text",
        (SqlType::Date, _) => "Date",
        (SqlType::Time, _) => "Time",
        (SqlType::Timestamp, _) => "Timestamp",
        (SqlType::Timestamptz, _) => "Timestamptz",
        (SqlType::Interval, _) => "Interval",
        (SqlType::Uuid, _) => "Uuid",
        (SqlType::Json, _) => "Json",
        (SqlType::Jsonb, _) => "Jsonb",
        (SqlType::Bytea, _) => "Binary",
        // The checks guarantee that the Rust type fits the SQL type, so an enum column has
        // an enum field and an array column a `Vec` field; anything else is unreachable.
        (SqlType::Enum(_) | SqlType::Array(_), _) => {
            unreachable!("check_type_keys pairs enum and array columns with matching fields")
        }
    };
    let ident = Ident::new(name, Span::call_site());
    quote!(::diesel::sql_types::#ident)
}

/// An identifier for generated code, from a name checked to be one.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(sql: SqlType, rust: RustTy, nullable: bool) -> String {
        let ty = DieselType {
            sql: &sql,
            rust: &rust,
            nullable,
        };
        quote!(#ty).to_string().replace(' ', "")
    }

    #[test]
    fn column_types_read_as_diesel_sql_types() {
        assert_eq!(
            render(SqlType::Varchar(Some(150)), RustTy::String, false),
            "::diesel::sql_types::Varchar"
        );
        assert_eq!(
            render(SqlType::Timestamptz, RustTy::Timestamptz, true),
            "::diesel::sql_types::Nullable<::diesel::sql_types::Timestamptz>"
        );
        let elem = RustTy::Array {
            elem: Box::new(RustTy::I32),
            elem_nullable: true,
        };
        assert_eq!(
            render(SqlType::Array(Box::new(SqlType::Integer)), elem, false),
            "::diesel::sql_types::Array<::diesel::sql_types::Nullable<::diesel::sql_types::Integer>>"
        );
        let ident: Ident = syn::parse_quote!(DatePartEnum);
        assert_eq!(
            render(
                SqlType::Enum("datepartenum".into()),
                RustTy::Enum(&ident),
                true
            ),
            "::diesel::sql_types::Nullable<::watcher_schema::__private::EnumSql<DatePartEnum>>"
        );
        assert_eq!(
            render(SqlType::Bytea, RustTy::Bytes, false),
            "::diesel::sql_types::Binary"
        );
    }
}
