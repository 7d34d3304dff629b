//! One connection type over both backends, and the r2d2 pool that hands it
//! out. The backend is chosen from the URL scheme, never by trial: a typo in
//! a PostgreSQL URL must not silently create a SQLite file.

use crate::error::{StoreError, StoreResult};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use std::path::PathBuf;
use std::time::Duration;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, parsed from `TOOLREG_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://path`,
    /// `sqlite:path`, or a bare file path (taken as SQLite).
    pub fn parse(url: &str) -> StoreResult<Self> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::BadUrl("tom".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::BadUrl("sqlite-URL mangler filsti".into()));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.contains("://") {
            return Err(StoreError::BadUrl(format!(
                "ukjent skjema i «{url}»; bruk postgres://… eller sqlite://sti"
            )));
        }
        Ok(Self::Sqlite(PathBuf::from(url)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// For logs: never print a password.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
            Self::Postgres(u) => match url_without_password(u) {
                Some(clean) => clean,
                None => "postgres://…".to_string(),
            },
        }
    }
}

fn url_without_password(u: &str) -> Option<String> {
    let (scheme, rest) = u.split_once("://")?;
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            Some(format!("{scheme}://{user}@{host}"))
        }
        None => Some(u.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// Opens connections for the pool, applying per-connection SQLite settings.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// SQLite settings for every connection: a busy timeout instead of
/// immediate SQLITE_BUSY, foreign keys on (SQLite has them off by default,
/// per connection), and a 32 MiB page cache instead of 2 MiB.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -32768;";

/// WAL, so readers never block the writer. It is a property of the file,
/// set once before the pool opens its connections: switching needs an
/// exclusive lock, which several new connections at once would fight over.
const SQLITE_WAL: &str = "PRAGMA busy_timeout = 5000;
PRAGMA journal_mode = WAL;";

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    pub fn establish(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(u) => PgConnection::establish(u).map(DbConnection::Postgres),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut c = SqliteConnection::establish(&path)?;
                c.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(c))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type DbPool = Pool<Manager>;
pub type PooledDb = PooledConnection<Manager>;

/// Build a pool. SQLite gets a small pool (one writer at a time anyway);
/// PostgreSQL a larger one.
pub fn build_pool(url: &DatabaseUrl, max_size: Option<u32>) -> StoreResult<DbPool> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Connection(format!("kan ikke opprette mappen {}: {e}", dir.display()))
            })?;
        }
        let mut first = SqliteConnection::establish(&path.to_string_lossy())
            .map_err(|e| StoreError::Connection(e.to_string()))?;
        first.batch_execute(SQLITE_WAL)?;
        owner_only(path);
    }
    let size = max_size.unwrap_or(match url.backend() {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    });
    Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        // No `SELECT 1` on every checkout: it was a statement parsed anew
        // for each request (on SQLite the parser and planner showed in the
        // profile of a cold read; on PostgreSQL it is a round trip). A
        // connection that fails is marked broken (`has_broken`) and
        // dropped instead.
        .test_on_check_out(false)
        .build(Manager::new(url.clone()))
        .map_err(|e| StoreError::Connection(e.to_string()))
}

/// The database file and its WAL companions: owner read/write only (0600),
/// whatever the umask gave them.
fn owner_only(db: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let name = db.as_os_str().to_os_string();
        for suffix in ["", "-wal", "-shm"] {
            let mut file = name.clone();
            file.push(suffix);
            let file = std::path::PathBuf::from(file);
            if file.exists() {
                if let Err(e) =
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                {
                    tracing::warn!(file = %file.display(), error = %e, "cannot restrict permissions");
                }
            }
        }
    }
}

/// Check that the database answers a trivial query.
pub fn ping(pool: &DbPool) -> StoreResult<()> {
    let mut conn = pool.get()?;
    conn.batch_execute("SELECT 1").map_err(StoreError::from)
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_decides_backend() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db")
                .map(|u| u.backend())
                .ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/toolreg.db").ok(),
            Some(DatabaseUrl::Sqlite(PathBuf::from("./data/toolreg.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("data/x.db").map(|u| u.backend()).ok(),
            Some(Backend::Sqlite)
        );
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn redaction_hides_password() {
        let u = DatabaseUrl::parse("postgres://toolreg:secret@db:5432/toolreg").ok();
        assert_eq!(
            u.map(|u| u.redacted()).as_deref(),
            Some("postgres://toolreg@db:5432/toolreg")
        );
    }
}
