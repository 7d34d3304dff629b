//! Harness for black-box tests: start the real `toolreg` binary on a free
//! port with its own data directory, wait until it prints where it listens,
//! and stop it when the test ends.

pub mod receiver;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use toolreg_store::test_support::TestDb;

/// The binary under test: `TOOLREG_BIN`, or `toolreg` in the target
/// directory the test executable was built into (cargo builds it because
/// the server package has integration tests of its own).
pub fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TOOLREG_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("path of the test executable");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target directory");
    let bin = dir.join(format!("toolreg{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p toolreg` or set TOOLREG_BIN",
        bin.display()
    );
    bin
}

/// Run the binary to completion with `args` and extra environment.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(binary());
    cmd.current_dir(dir)
        .args(args)
        .env("TOOLREG_DATA_DIR", dir.join("data"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run toolreg")
}

pub struct Server {
    child: Child,
    pub base: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Start `toolreg serve` in `dir` (its data directory is `dir/data`).
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(binary());
        cmd.current_dir(dir)
            .arg("serve")
            .env("TOOLREG_BIND", "127.0.0.1:0")
            .env("TOOLREG_DATA_DIR", dir.join("data"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start toolreg");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("toolreg lytter på ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base) => Server {
                child,
                base,
                stderr,
            },
            Err(_) => {
                let _ = child.kill();
                let log = stderr.lock().map(|s| s.clone()).unwrap_or_default();
                panic!("toolreg did not start within 60 s; its log:\n{log}");
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Stop the server (SIGKILL; the store is transactional, so this is also
    /// a crash test of sorts) and wait for it.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// Mint a token with the server's local secret through `toolreg token`,
/// as a developer would. `dir` is the directory the server was started in.
pub fn token(dir: &Path, sub: &str, roles: &[&str], org: Option<&str>) -> String {
    let mut args = vec!["token", "--sub", sub];
    for r in roles {
        args.push("--role");
        args.push(r);
    }
    if let Some(o) = org {
        args.push("--org");
        args.push(o);
    }
    let out = run(dir, &args, &[]);
    assert!(
        out.status.success(),
        "toolreg token failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The `ETag` of a response, which the test needs.
pub fn etag(r: &reqwest::blocking::Response) -> String {
    r.headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("ETag header")
}

/// The `Link` header of a response ("" when absent).
pub fn link(r: &reqwest::blocking::Response) -> String {
    r.headers()
        .get(reqwest::header::LINK)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The running service and three signed-in callers acting for the reviewer
/// organisation KS (971032146): an admin and two reviewers, so that one can
/// draft and the other publish (four eyes).
pub struct Api {
    pub http: reqwest::blocking::Client,
    pub server: Server,
    pub admin: String,
    pub drafter: String,
    pub publisher: String,
}

impl Api {
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Api {
        let server = Server::start(dir, env);
        let mint = |sub: &str, role: &str| token(dir, sub, &[role], Some("971032146"));
        Api {
            http: client(),
            admin: mint("admin-1", "admin"),
            drafter: mint("reviewer-a", "reviewer"),
            publisher: mint("reviewer-b", "reviewer"),
            server,
        }
    }

    /// `path` under `/api/v1`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(&format!("/api/v1{path}"))
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.http.get(self.url(path)).send().expect("GET")
    }

    pub fn post(
        &self,
        path: &str,
        as_: &str,
        body: &serde_json::Value,
    ) -> reqwest::blocking::Response {
        self.send(reqwest::Method::POST, path, as_, None, Some(body))
    }

    pub fn put(
        &self,
        path: &str,
        as_: &str,
        etag: &str,
        body: &serde_json::Value,
    ) -> reqwest::blocking::Response {
        self.send(reqwest::Method::PUT, path, as_, Some(etag), Some(body))
    }

    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        as_: &str,
        if_match: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::blocking::Response {
        let mut r = self.http.request(method, self.url(path)).bearer_auth(as_);
        if let Some(tag) = if_match {
            r = r.header(reqwest::header::IF_MATCH, tag);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        r.send().expect("request")
    }

    /// POST that must answer 201; the created resource.
    pub fn created(&self, path: &str, as_: &str, body: &serde_json::Value) -> serde_json::Value {
        let r = self.post(path, as_, body);
        let status = r.status().as_u16();
        let body: serde_json::Value = r.json().unwrap_or(serde_json::Value::Null);
        assert_eq!(status, 201, "POST {path}: {body}");
        body
    }

    /// As the drafter: start an assessment of `tool_id` by the reviewer
    /// organisation and save a draft verdict — approved with one mandatory
    /// condition — with `summary`. The assessment's id and the draft's ETag.
    pub fn draft_verdict(
        &self,
        tool_id: &str,
        reviewer_org: &serde_json::Value,
        summary: &str,
    ) -> (String, String) {
        let assessment = self.created(
            "/assessments",
            &self.drafter,
            &serde_json::json!({"kind": "dpia", "title": "DPIA", "tool_ids": [tool_id], "reviewer_org_id": reviewer_org["id"]}),
        );
        let id = assessment["id"].as_str().expect("id").to_string();
        let draft = serde_json::json!({
            "level": "approved_with_conditions", "summary": summary,
            "rationale": "Vurdert.", "change_note": "Første vurdering",
            "conditions": [{"text": "Bruk Feide", "audience": "school_owner", "mandatory": true}],
            "findings": [], "data_flows": []
        });
        let r = self.send(
            reqwest::Method::PUT,
            &format!("/assessments/{id}/draft"),
            &self.drafter,
            Some("\"draft-1\""),
            Some(&draft),
        );
        assert_eq!(r.status(), 200, "saving the draft");
        (id, etag(&r))
    }

    /// As the publisher (four eyes: not the drafter), publish the draft
    /// whose ETag is `draft_etag`; must answer 201.
    pub fn publish(&self, assessment: &str, draft_etag: &str) {
        let r = self.send(
            reqwest::Method::POST,
            &format!("/assessments/{assessment}/publish"),
            &self.publisher,
            Some(draft_etag),
            None,
        );
        assert_eq!(r.status(), 201, "publishing");
    }

    /// Draft and publish a verdict on the sample data's Kahoot by KS (the
    /// sample reviewer organisation): approved with one condition, with
    /// `summary`. Returns the assessment's id.
    pub fn publish_kahoot_verdict(&self, summary: &str) -> String {
        let kahoot: serde_json::Value = self.get("/tools/kahoot").json().expect("tool");
        let reviewers: serde_json::Value = self
            .get("/organisations?kind=reviewer")
            .json()
            .expect("orgs");
        let ks = reviewers["items"]
            .as_array()
            .and_then(|i| i.iter().find(|o| o["org_number"] == "971032146"))
            .cloned()
            .expect("KS in the sample data");
        let (assessment, draft) =
            self.draft_verdict(kahoot["id"].as_str().expect("id"), &ks, summary);
        self.publish(&assessment, &draft);
        assessment
    }

    /// The id of the organisation with this number (from the sample data).
    pub fn organisation_id(&self, org_number: &str) -> String {
        let list: serde_json::Value = self
            .get("/organisations?limit=200")
            .json()
            .expect("organisations");
        list["items"]
            .as_array()
            .and_then(|i| i.iter().find(|o| o["org_number"] == org_number))
            .and_then(|o| o["id"].as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("organisation {org_number} in the sample data"))
    }

    /// The ETag and body of a resource as `as_` reads it.
    pub fn read(&self, path: &str, as_: &str) -> (String, serde_json::Value) {
        let r = self.send(reqwest::Method::GET, path, as_, None, None);
        assert_eq!(r.status(), 200, "GET {path}");
        (etag(&r), r.json().expect("JSON body"))
    }
}
