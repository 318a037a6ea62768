// Input:
// schema! {
//     pipelines::pipeline_type, crate ::pipelines::pipeline
// }
// Expansion:
const _: () = {
    use pipelines::pipeline_type as __watcher_table_0;
    use crate::pipelines::pipeline as __watcher_table_1;
    ::diesel::allow_tables_to_appear_in_same_query!(
        __watcher_table_0, __watcher_table_1,
    );
};
