//! Load benchmark: validate and bulk-load N generated tools (with vendors,
//! subprocessor revisions, assessments and verdict versions) into a fresh
//! database, then measure a ceiling in the same run: the same number of
//! rows of the same average size into one index-free table, the fastest
//! this database can take that volume through the same load method.
//!
//! Run through bench/load.sh, which records the machine and writes a report.

use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;
use toolreg_bench::generate;
use toolreg_core::Validate;
use toolreg_store::ops::bulk::{insert_all_reporting, BulkCounts, BulkSet};
use toolreg_store::test_support::TestDb;
use toolreg_store::DbConnection;

#[derive(Debug, Parser)]
struct Args {
    /// Number of tools to generate.
    #[arg(long, default_value_t = 50_000)]
    tools: usize,
    /// sqlite, or postgres (needs TOOLREG_TEST_POSTGRES_URL).
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// Instead of measuring, load the generated tools into this database
    /// (for the HTTP benchmark) and exit.
    #[arg(long, value_name = "DATABASE_URL")]
    into: Option<String>,
}

diesel::table! {
    ceiling_rows (id) {
        id -> Text,
        body -> Text,
    }
}

#[derive(Insertable)]
#[diesel(table_name = ceiling_rows)]
#[diesel(treat_none_as_default_value = false)]
struct CeilingRow {
    id: String,
    body: String,
}

#[derive(QueryableByName)]
struct Size {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bytes: i64,
}

fn database(backend: &str) -> TestDb {
    match backend {
        "sqlite" => TestDb::sqlite(),
        "postgres" => TestDb::postgres().unwrap_or_else(|| {
            eprintln!("load-bench: set TOOLREG_TEST_POSTGRES_URL for the postgres backend");
            std::process::exit(2)
        }),
        other => {
            eprintln!("load-bench: unknown backend {other}; use sqlite or postgres");
            std::process::exit(2)
        }
    }
}

fn validate_all(set: &BulkSet) -> usize {
    let mut problems = 0;
    for (_, o) in &set.organisations {
        problems += o.validate().err().map_or(0, |v| v.len());
    }
    for (_, t) in &set.tools {
        problems += t.validate().err().map_or(0, |v| v.len());
    }
    for r in &set.subprocessor_revisions {
        let mut v = toolreg_core::Violations::new();
        toolreg_core::subprocessor::validate_entries(&r.entries, "", &mut v);
        problems += v.len();
    }
    for v in &set.verdicts {
        problems += v.content.validate().err().map_or(0, |e| e.len());
    }
    problems
}

/// Bytes the database holds for this schema: the SQLite file after a WAL
/// checkpoint, or the sum of PostgreSQL relation sizes in the schema.
fn database_bytes(db: &TestDb, conn: &mut DbConnection) -> i64 {
    match conn {
        DbConnection::Sqlite(c) => {
            let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)");
            let path = db.url().trim_start_matches("sqlite://");
            std::fs::metadata(path)
                .map(|m| m.len() as i64)
                .unwrap_or(-1)
        }
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT AS bytes
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r'",
        )
        .get_result::<Size>(c)
        .map(|s| s.bytes)
        .unwrap_or(-1),
    }
}

/// The same number of rows of the same average size into one table without
/// secondary indexes, in one transaction with the same method as the bulk
/// loader (multi-row INSERTs of 500 rows on SQLite, binary COPY of 10,000
/// on PostgreSQL): the ceiling for this volume on this database.
fn ceiling(backend: &str, rows: usize, row_bytes: usize) -> f64 {
    let db = database(backend);
    let pool = db.pool();
    let mut conn = pool.get().expect("ceiling connection");
    conn.batch_execute(
        "CREATE TABLE ceiling_rows (id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL)",
    )
    .expect("ceiling table");
    let body = "x".repeat(row_bytes);
    let data: Vec<CeilingRow> = (0..rows)
        .map(|i| CeilingRow {
            id: format!("{i:012}"),
            body: body.clone(),
        })
        .collect();
    let start = Instant::now();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        match &mut **conn {
            DbConnection::Sqlite(c) => {
                for chunk in data.chunks(500) {
                    diesel::insert_into(ceiling_rows::table)
                        .values(chunk)
                        .execute(c)?;
                }
            }
            DbConnection::Postgres(c) => {
                for chunk in data.chunks(10_000) {
                    diesel::copy_from(ceiling_rows::table)
                        .from_insertable(chunk)
                        .execute(c)?;
                }
            }
        }
        Ok(())
    })
    .expect("ceiling insert");
    rows as f64 / start.elapsed().as_secs_f64()
}

/// The bulk load, with a progress bar on stderr (rows written of all).
fn load_with_progress(conn: &mut DbConnection, set: &BulkSet) -> BulkCounts {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("laster {bar:40} {pos}/{len} rader ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let counts = insert_all_reporting(conn, set, toolreg_store::time::now(), &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .expect("bulk load");
    bar.finish_and_clear();
    counts
}

/// Load the generated set into an existing database, next to what is there.
fn load_into(url: &str, set: &BulkSet) {
    let url = toolreg_store::DatabaseUrl::parse(url).expect("database URL");
    let pool = toolreg_store::build_pool(&url, Some(2)).expect("pool");
    let mut conn = pool.get().expect("connection");
    toolreg_store::migrate::run_pending(&mut conn).expect("migrations");
    let counts = load_with_progress(&mut conn, set);
    // The read benchmarks need the planner's statistics, as a seeded
    // service has them.
    toolreg_store::ops::bulk::refresh_statistics(&mut conn).expect("ANALYZE");
    println!(
        "{}",
        serde_json::json!({ "loaded_tools": counts.tools, "rows": counts.rows })
    );
}

fn main() {
    let args = Args::parse();
    let set = generate::dataset(args.tools);
    if let Some(url) = &args.into {
        load_into(url, &set);
        return;
    }
    let payload_bytes = serde_json::to_vec(&(
        &set.tools,
        &set.subprocessor_revisions,
        &set.verdicts,
        &set.assessments,
    ))
    .map(|v| v.len())
    .unwrap_or(0);

    let db = database(&args.backend);
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");

    let start = Instant::now();
    let problems = validate_all(&set);
    let validated = start.elapsed();
    assert_eq!(problems, 0, "generated data must be valid");
    let counts = load_with_progress(&mut conn, &set);
    let total = start.elapsed();
    // Reported apart from the load's own time, which earlier reports
    // measured without it.
    let analyze_start = Instant::now();
    toolreg_store::ops::bulk::refresh_statistics(&mut conn).expect("ANALYZE");
    let analyze_secs = analyze_start.elapsed().as_secs_f64();
    let bytes = database_bytes(&db, &mut conn);
    drop(conn);

    let secs = total.as_secs_f64();
    let rows_per_sec = counts.rows as f64 / secs;
    let ceiling_rows_per_sec = ceiling(
        &args.backend,
        counts.rows,
        payload_bytes / counts.rows.max(1),
    );
    let report = serde_json::json!({
        "backend": args.backend,
        "analyze_secs": analyze_secs,
        "tools": counts.tools,
        "organisations": counts.organisations,
        "subprocessor_revisions": counts.subprocessor_revisions,
        "assessments": counts.assessments,
        "verdict_versions": counts.verdicts,
        "rows": counts.rows,
        "seconds": secs,
        "validate_seconds": validated.as_secs_f64(),
        "tools_per_sec": counts.tools as f64 / secs,
        "rows_per_sec": rows_per_sec,
        "ceiling_rows_per_sec": ceiling_rows_per_sec,
        "ratio_to_ceiling": rows_per_sec / ceiling_rows_per_sec,
        "database_bytes": bytes,
        "payload_bytes": payload_bytes,
    });
    println!("{report}");
}
