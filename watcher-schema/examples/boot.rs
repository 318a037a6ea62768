//! What Watcher does at start: bring the database at `DATABASE_URL` to head with the
//! migrations embedded in this binary, then use it through the generated Diesel code.
//!
//! `DATABASE_URL=postgres://... cargo run -p watcher-schema --example boot`

use std::process::ExitCode;

use diesel::prelude::*;
use watcher_schema::pipelines::{
    pipeline, pipeline_type, DatePartEnum, NewPipelineType, PipelineType,
};

fn main() -> ExitCode {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("error: set DATABASE_URL to the database to migrate");
        return ExitCode::from(2);
    };
    match boot(&url) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn boot(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = watcher_schema::Runner::connect(url)?;
    let report = watcher_schema::run_pending(&mut conn)?;
    if report.is_empty() {
        println!("boot: the database is at head already");
    } else {
        println!(
            "boot: applied {} migration(s)\n{report}",
            report.migrations.len()
        );
    }

    // A second boot, as a second replica would do it: nothing left to run.
    let again = watcher_schema::run_pending(&mut conn)?;
    println!(
        "second boot: {} migration(s) to apply",
        again.migrations.len()
    );

    let dbt: PipelineType = diesel::insert_into(pipeline_type::table)
        .values(NewPipelineType {
            name: "dbt".into(),
            freshness_number: Some(6),
            freshness_datepart: Some(DatePartEnum::Hour),
            mute_freshness_check: None,
            timeliness_number: None,
            timeliness_datepart: None,
            mute_timeliness_check: None,
            created_at: None,
            updated_at: None,
        })
        .returning(PipelineType::as_returning())
        .get_result(&mut conn)?;
    println!(
        "inserted pipeline_type {} ({:?}, freshness {} {:?}, created {})",
        dbt.id,
        dbt.name,
        dbt.freshness_number.unwrap_or_default(),
        dbt.freshness_datepart,
        dbt.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
    );
    let per_type: Vec<(String, i64)> = pipeline_type::table
        .left_join(pipeline::table)
        .group_by(pipeline_type::name)
        .select((
            pipeline_type::name,
            diesel::dsl::count(pipeline::id.nullable()),
        ))
        .load(&mut conn)?;
    for (name, pipelines) in per_type {
        println!("pipeline_type {name:?} has {pipelines} pipeline(s)");
    }
    Ok(())
}
