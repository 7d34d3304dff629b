//! The two migration sets build the same database: the same tables,
//! columns, nullability, primary, unique and foreign keys (types are each
//! backend's own). And every migration reverts and re-applies, on both.

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use std::collections::{BTreeMap, BTreeSet};
use toolreg_store::test_support::TestDb;
use toolreg_store::{migrate, DbConnection};

/// What a table is, apart from column types.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// Column name → nullable.
    columns: BTreeMap<String, bool>,
    primary_key: BTreeSet<String>,
    /// Column sets with a unique constraint or index.
    unique: BTreeSet<Vec<String>>,
    /// (column, referenced table, referenced column).
    foreign_keys: BTreeSet<(String, String, String)>,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    nullable: i64,
    #[diesel(sql_type = BigInt)]
    pk: i64,
}

#[derive(QueryableByName)]
struct Reference {
    #[diesel(sql_type = Text)]
    col: String,
    #[diesel(sql_type = Text)]
    target_table: String,
    #[diesel(sql_type = Text)]
    target_column: String,
}

#[derive(QueryableByName)]
struct UniqueColumn {
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = Text)]
    col: String,
}

fn group_unique(rows: Vec<UniqueColumn>) -> BTreeSet<Vec<String>> {
    let mut by_constraint: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        by_constraint.entry(r.index_name).or_default().push(r.col);
    }
    by_constraint
        .into_values()
        .map(|mut cols| {
            cols.sort();
            cols
        })
        .collect()
}

impl Shape {
    fn of(columns: Vec<Column>, unique: Vec<UniqueColumn>, references: Vec<Reference>) -> Self {
        Shape {
            // A primary key column is never null, whatever SQLite's
            // catalogue says of an INTEGER PRIMARY KEY (the rowid).
            columns: columns
                .iter()
                .map(|c| (c.name.clone(), c.nullable == 1 && c.pk == 0))
                .collect(),
            primary_key: columns
                .iter()
                .filter(|c| c.pk > 0)
                .map(|c| c.name.clone())
                .collect(),
            unique: group_unique(unique),
            foreign_keys: references
                .into_iter()
                .map(|r| (r.col, r.target_table, r.target_column))
                .collect(),
        }
    }
}

fn schema(conn: &mut DbConnection) -> BTreeMap<String, Shape> {
    let mut out = BTreeMap::new();
    match conn {
        DbConnection::Sqlite(c) => {
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .expect("tables");
            for t in tables {
                let q = |sql: &str| sql.replace("$T", &t.name);
                let columns: Vec<Column> = diesel::sql_query(q(
                    "SELECT name, 1 - \"notnull\" AS nullable, pk FROM pragma_table_info('$T')",
                ))
                .load(c)
                .expect("columns");
                let references: Vec<Reference> = diesel::sql_query(q(
                    "SELECT \"from\" AS col, \"table\" AS target_table, \"to\" AS target_column
                     FROM pragma_foreign_key_list('$T')",
                ))
                .load(c)
                .expect("foreign keys");
                let unique: Vec<UniqueColumn> =
                    diesel::sql_query(q("SELECT l.name AS index_name, i.name AS col
                     FROM pragma_index_list('$T') l, pragma_index_info(l.name) i
                     WHERE l.\"unique\" = 1 AND l.origin <> 'pk'"))
                    .load(c)
                    .expect("unique");
                out.insert(t.name, Shape::of(columns, unique, references));
            }
        }
        DbConnection::Postgres(c) => {
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                 AND table_name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .expect("tables");
            for t in tables {
                let q = |sql: &str| sql.replace("$T", &t.name);
                let columns: Vec<Column> =
                    diesel::sql_query(q("SELECT c.column_name::text AS name,
                            (CASE WHEN c.is_nullable = 'YES' THEN 1 ELSE 0 END)::int8 AS nullable,
                            (CASE WHEN EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                              JOIN information_schema.key_column_usage k
                                ON k.constraint_name = tc.constraint_name
                               AND k.table_schema = tc.table_schema
                             WHERE tc.table_schema = current_schema() AND tc.table_name = '$T'
                               AND tc.constraint_type = 'PRIMARY KEY'
                               AND k.column_name = c.column_name) THEN 1 ELSE 0 END)::int8 AS pk
                     FROM information_schema.columns c
                     WHERE c.table_schema = current_schema() AND c.table_name = '$T'"))
                    .load(c)
                    .expect("columns");
                let references: Vec<Reference> = diesel::sql_query(q(
                    "SELECT a.attname::text AS col, ft.relname::text AS target_table,
                            fa.attname::text AS target_column
                     FROM pg_constraint con
                     JOIN pg_class t ON t.oid = con.conrelid
                     JOIN pg_class ft ON ft.oid = con.confrelid
                     JOIN pg_namespace n ON n.oid = t.relnamespace
                     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(col, fcol)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.col
                     JOIN pg_attribute fa ON fa.attrelid = ft.oid AND fa.attnum = k.fcol
                     WHERE con.contype = 'f' AND t.relname = '$T' AND n.nspname = current_schema()",
                ))
                .load(c)
                .expect("foreign keys");
                let unique: Vec<UniqueColumn> = diesel::sql_query(q(
                    "SELECT i.relname::text AS index_name, a.attname::text AS col
                     FROM pg_index x
                     JOIN pg_class t ON t.oid = x.indrelid
                     JOIN pg_class i ON i.oid = x.indexrelid
                     JOIN pg_namespace n ON n.oid = t.relnamespace
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
                     WHERE x.indisunique AND NOT x.indisprimary
                       AND t.relname = '$T' AND n.nspname = current_schema()",
                ))
                .load(c)
                .expect("unique");
                out.insert(t.name, Shape::of(columns, unique, references));
            }
        }
    }
    out
}

#[test]
fn every_migration_reverts_and_reapplies() {
    for db in TestDb::all() {
        let pool = db.pool();
        let conn = &mut pool.get().expect("connection");
        let backend = db.name();
        let before = schema(conn);
        assert!(before.len() > 10, "{backend}: {:?}", before.keys());
        let reverted = migrate::revert_all(conn).expect("revert");
        assert!(reverted >= 4, "{backend}: reverted {reverted}");
        assert!(
            schema(conn).is_empty(),
            "{backend}: the down migrations leave tables: {:?}",
            schema(conn).keys()
        );
        assert_eq!(migrate::run_pending(conn).ok(), Some(reverted), "{backend}");
        assert_eq!(schema(conn), before, "{backend}: up → down → up");
    }
}

#[test]
fn both_migration_sets_build_the_same_tables_keys_and_nullability() {
    let Some(pg) = TestDb::postgres() else {
        eprintln!("skipped: comparing with PostgreSQL needs TOOLREG_TEST_POSTGRES_URL");
        return;
    };
    let lite = TestDb::sqlite();
    let lite_schema = schema(&mut lite.pool().get().expect("sqlite"));
    let pg_schema = schema(&mut pg.pool().get().expect("postgres"));
    assert_eq!(
        lite_schema.keys().collect::<Vec<_>>(),
        pg_schema.keys().collect::<Vec<_>>(),
        "tables"
    );
    // The comparison sees what matters: a unique slug, a vendor reference,
    // nullable and required columns.
    let tools = &pg_schema["tools"];
    assert!(
        tools.unique.contains(&vec!["slug".to_string()]),
        "{tools:?}"
    );
    assert!(tools.foreign_keys.contains(&(
        "vendor_id".to_string(),
        "organisations".to_string(),
        "id".to_string()
    )));
    assert_eq!(tools.columns.get("website"), Some(&true));
    assert_eq!(tools.columns.get("name"), Some(&false));
    let differing: Vec<String> = lite_schema
        .iter()
        .filter(|(table, shape)| pg_schema.get(*table) != Some(shape))
        .map(|(table, shape)| {
            format!(
                "{table}:\n  sqlite   {shape:?}\n  postgres {:?}",
                pg_schema.get(table)
            )
        })
        .collect();
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}
