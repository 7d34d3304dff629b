//! Per-test databases on real backends. SQLite always; PostgreSQL when
//! `TOOLREG_TEST_POSTGRES_URL` is set, in a schema of its own that is
//! dropped afterwards. With `TOOLREG_REQUIRE_POSTGRES=1` a missing URL is a
//! failure instead of a skip, so CI cannot go green by skipping.

use crate::connection::{build_pool, DatabaseUrl, DbPool};
use crate::migrate;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

pub const POSTGRES_URL_VAR: &str = "TOOLREG_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "TOOLREG_REQUIRE_POSTGRES";

pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        schema: String,
        url: String,
    },
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory for a SQLite test database");
        let url = format!("sqlite://{}", dir.path().join("toolreg.db").display());
        Self::Sqlite { _dir: dir, url }
    }

    /// A fresh schema in the test PostgreSQL, or `None` (with the reason
    /// printed) when none is configured and none is required.
    pub fn postgres() -> Option<Self> {
        let admin_url = match std::env::var(POSTGRES_URL_VAR) {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") {
                    panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
                }
                // Written past the test harness's capture so the skip is seen.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: skipping the PostgreSQL run: {POSTGRES_URL_VAR} is not set"
                );
                return None;
            }
        };
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
        admin
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .unwrap_or_else(|e| panic!("cannot create test schema: {e}"));
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
        Some(Self::Postgres {
            admin_url,
            schema,
            url,
        })
    }

    /// SQLite, plus PostgreSQL when available.
    pub fn all() -> Vec<Self> {
        let mut v = vec![Self::sqlite()];
        v.extend(Self::postgres());
        v
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }

    /// A pool on this database with migrations applied.
    pub fn pool(&self) -> DbPool {
        let url = DatabaseUrl::parse(self.url()).expect("test database URL");
        let pool = build_pool(&url, Some(4)).expect("test pool");
        let mut conn = pool.get().expect("test connection");
        migrate::run_pending(&mut conn).expect("migrations");
        pool
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres {
            admin_url, schema, ..
        } = self
        {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}
