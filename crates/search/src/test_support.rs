//! A real Meilisearch server for tests and benchmarks, started from the
//! binary built for this machine (`../shared/bin/meilisearch`, or
//! `TOOLREG_MEILISEARCH_BIN`) on a free loopback port with a temporary data
//! directory and a master key; stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A runtime for a test to drive the async index with.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}

pub const MASTER_KEY: &str = "toolreg-test-master-key-0123456789";

/// Where the server binary is, if anywhere.
pub fn meilisearch_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TOOLREG_MEILISEARCH_BIN") {
        return Some(PathBuf::from(path));
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("TOOLREG_SHARED_DIR") {
        candidates.push(PathBuf::from(dir).join("bin/meilisearch"));
    }
    candidates.push(workspace.join("../shared/bin/meilisearch"));
    candidates.push(PathBuf::from("/work/shared/bin/meilisearch"));
    candidates.into_iter().find(|p| p.is_file())
}

/// Whether a missing server fails the test instead of skipping it (CI sets
/// this, so the suite cannot silently stop running there).
pub fn meilisearch_required() -> bool {
    std::env::var("TOOLREG_REQUIRE_MEILISEARCH").is_ok_and(|v| v == "1")
}

pub struct MeiliServer {
    child: Child,
    pub url: String,
    _data: tempfile::TempDir,
}

impl std::fmt::Debug for MeiliServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MeiliServer({})", self.url)
    }
}

impl MeiliServer {
    /// Start a server, or say why not: `Ok(None)` (with the reason printed)
    /// when no binary is here and none is required.
    pub fn start_or_skip(test: &str) -> Result<Option<Self>, String> {
        let Some(binary) = meilisearch_binary() else {
            if meilisearch_required() {
                return Err("TOOLREG_REQUIRE_MEILISEARCH=1 but no Meilisearch binary was found (TOOLREG_MEILISEARCH_BIN, ../shared/bin/meilisearch)".into());
            }
            eprintln!("SKIPPED {test}: no Meilisearch binary (set TOOLREG_MEILISEARCH_BIN or put it at ../shared/bin/meilisearch)");
            return Ok(None);
        };
        Self::start(&binary).map(Some)
    }

    pub fn start(binary: &std::path::Path) -> Result<Self, String> {
        let data = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let path = |name: &str| data.path().join(name);
        let child = Command::new(binary)
            .arg("--db-path")
            .arg(path("db"))
            .arg("--dump-dir")
            .arg(path("dumps"))
            .arg("--snapshot-dir")
            .arg(path("snapshots"))
            .args(["--http-addr", &format!("127.0.0.1:{port}")])
            .args(["--master-key", MASTER_KEY])
            .args(["--no-analytics", "--env", "development"])
            .args(["--log-level", "WARN"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let mut server = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _data: data,
        };
        server.wait_until_available(port)?;
        Ok(server)
    }

    fn wait_until_available(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("meilisearch exited early: {status}"));
            }
            if health(port).is_some_and(|body| body.contains("available")) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("meilisearch did not become available within 30 s".into())
    }
}

fn health(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut body = String::new();
    stream.read_to_string(&mut body).ok()?;
    Some(body)
}

impl Drop for MeiliServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
