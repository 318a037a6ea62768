//! `New<Struct>::new`: the insertable's constructor, taking the columns an insert must
//! give (neither nullable nor server-defaulted) and leaving every optional one `None`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;
use watcher_schema_core::model;
use watcher_schema_core::structs::ast::Table;

/// The `impl New<Struct> { pub fn new(..) }` for the insertable named `name`, over the
/// same fields `insertable` gave it (generated columns left out).
pub(super) fn constructor(table: &Table, model: &model::Table, name: &Ident) -> TokenStream {
    // impl NewPipeline {
    //     pub fn new(name: String, pipeline_type_id: i32) -> Self {
    //         NewPipeline { name, pipeline_type_id, active: None, ... }
    //     }
    // }
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for field in &table.fields {
        let Some(column) = model.column(&field.column) else {
            continue;
        };
        if column.generated.is_some() {
            continue;
        }
        let ident = field.ident;
        if field.nullable() || column.default.is_some() {
            inits.push(quote!(#ident: ::std::option::Option::None));
        } else {
            let ty = field.ty;
            params.push(quote!(#ident: #ty));
            inits.push(quote!(#ident));
        }
    }
    let vis = &table.original.vis;
    let doc = format!(
        " A `{name}` with the columns an insert must give; the nullable and server-defaulted ones are `None` (NULL, `DEFAULT`): set them with `{name} {{ field: Some(..), ..{name}::new(..) }}`."
    );
    quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::too_many_arguments, dead_code)]
            #vis fn new(#(#params),*) -> Self {
                #name { #(#inits,)* }
            }
        }
    }
}
