// Input:
// schema! {
//     pipelines::pipeline_type, crate ::pipelines::pipeline
// }
// Expansion:
const _: () = {
    #[allow(unused_imports)]
    use pipelines::pipeline_type as __watcher_table_0;
    #[allow(unused_imports)]
    use crate::pipelines::pipeline as __watcher_table_1;
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<__watcher_table_0::table>
    for __watcher_table_1::table {}
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<__watcher_table_1::table>
    for __watcher_table_0::table {}
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<__watcher_table_0::table>
    for ::diesel::query_builder::Only<__watcher_table_1::table> {}
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<__watcher_table_1::table>
    for ::diesel::query_builder::Only<__watcher_table_0::table> {}
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<
        ::diesel::query_builder::Only<__watcher_table_0::table>,
    > for __watcher_table_1::table {}
    #[automatically_derived]
    impl ::diesel::query_source::TableNotEqual<
        ::diesel::query_builder::Only<__watcher_table_1::table>,
    > for __watcher_table_0::table {}
    #[automatically_derived]
    impl<
        TSM: ::diesel::internal::table_macro::TablesampleMethod,
    > ::diesel::query_source::TableNotEqual<__watcher_table_0::table>
    for ::diesel::query_builder::Tablesample<__watcher_table_1::table, TSM> {}
    #[automatically_derived]
    impl<
        TSM: ::diesel::internal::table_macro::TablesampleMethod,
    > ::diesel::query_source::TableNotEqual<__watcher_table_1::table>
    for ::diesel::query_builder::Tablesample<__watcher_table_0::table, TSM> {}
    #[automatically_derived]
    impl<
        TSM: ::diesel::internal::table_macro::TablesampleMethod,
    > ::diesel::query_source::TableNotEqual<
        ::diesel::query_builder::Tablesample<__watcher_table_0::table, TSM>,
    > for __watcher_table_1::table {}
    #[automatically_derived]
    impl<
        TSM: ::diesel::internal::table_macro::TablesampleMethod,
    > ::diesel::query_source::TableNotEqual<
        ::diesel::query_builder::Tablesample<__watcher_table_1::table, TSM>,
    > for __watcher_table_0::table {}
};
