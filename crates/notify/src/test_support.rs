//! Test helpers (feature `test-support`): a real SMTP server in the test,
//! aiosmtpd (from .ci/requirements.lock) running `test-support/smtp_sink.py`,
//! which writes each message it accepts, parsed by Python's e-mail package,
//! as a JSON line. Used by this crate's e-mail tests and the black-box
//! tests. Without aiosmtpd a test says it skipped, unless
//! TOOLREG_REQUIRE_SMTP_SINK=1 (CI sets it).

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpSink {
    child: Child,
    out: PathBuf,
    _dir: tempfile::TempDir,
    port: u16,
}

fn aiosmtpd_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("TOOLREG_REQUIRE_SMTP_SINK").as_deref() != Ok("1"),
            "TOOLREG_REQUIRE_SMTP_SINK=1 but Python's aiosmtpd is not importable"
        );
        println!(
            "SKIPPED: Python's aiosmtpd is not installed (pip install -r .ci/requirements.lock)"
        );
    }
    ok
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl SmtpSink {
    /// Start the server, or None (having said why) when aiosmtpd is missing.
    pub fn start() -> Option<Self> {
        if !aiosmtpd_available() {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("messages.jsonl");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-support/smtp_sink.py");
        let port = free_port();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 smtp_sink.py");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sink's first line");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        Some(Self {
            child,
            out,
            _dir: dir,
            port,
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    /// Wait until `n` messages have arrived (at most ten seconds: a
    /// server's worker polls), and return all there are.
    pub fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Closing its standard input stops it; kill in case it hangs.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
