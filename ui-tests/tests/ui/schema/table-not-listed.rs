mod pipelines {
    pub mod pipeline_type {
        #[allow(non_camel_case_types)]
        pub struct table;
    }
}

watcher_schema::schema! {
    migrations = "tests/ui/migrations/basic";
    pipelines::pipeline_type,
}

fn main() {}
