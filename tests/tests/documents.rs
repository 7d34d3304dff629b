//! Documents through the real binary, on SQLite (bytes as files under the
//! data directory) and PostgreSQL (bytes in the database): a vendor's
//! upload read back whole, by range and by ETag; who sees which document;
//! restricted downloads in the audit trail; and every bad upload — too
//! large, empty, lying about its type, not a document, malformed, parts
//! missing or out of order, cut off halfway — answered with a problem and
//! leaving no file and no row.

use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use toolreg_tests::{token, Api, TestDb};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
const KAHOOT_ORG: &str = "997770234";
const NRK_ORG: &str = "976390512";

/// One part of a multipart body: name, file name, content type, bytes.
type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

const BOUNDARY: &str = "toolreg-test-boundary-7d3e";

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content_type, bytes) in parts {
        body.extend(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend(format!("{disposition}\r\n").as_bytes());
        if let Some(t) = content_type {
            body.extend(format!("Content-Type: {t}\r\n").as_bytes());
        }
        body.extend(b"\r\n");
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn metadata(visibility: &str, tool: &str, title: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "kind": "certificate", "title": title, "tool_id": tool, "visibility": visibility,
        "scope": "ISO/IEC 27001: drift av tjenesten", "expires_at": "2027-06-30T00:00:00Z"
    }))
    .expect("json")
}

struct Setup {
    api: Api,
    dir: tempfile::TempDir,
    tool: String,
    vendor: String,
    backend: &'static str,
    _db: Option<TestDb>,
}

impl Setup {
    /// The service on SQLite with the sample data (Kahoot! and its
    /// vendor), or on an empty PostgreSQL given the same.
    fn start(db: Option<TestDb>, extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut env = vec![("TOOLREG_RATE_LIMIT", "false")];
        env.extend_from_slice(extra);
        let url = db.as_ref().map(|d| d.url().to_string());
        if let Some(u) = &url {
            env.push(("TOOLREG_DATABASE_URL", u));
        }
        let api = Api::start(dir.path(), &env);
        let tool = if db.is_some() {
            api.created(
                "/organisations",
                &api.admin,
                &json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"}),
            );
            let vendor = api.created(
                "/organisations",
                &api.admin,
                &json!({"kind": "vendor", "name": "Kahoot! AS", "org_number": KAHOOT_ORG, "country": "NO"}),
            );
            api.created(
                "/organisations",
                &api.admin,
                &json!({"kind": "vendor", "name": "NRK", "org_number": NRK_ORG, "country": "NO"}),
            );
            let tool = api.created(
                "/tools",
                &api.drafter,
                &json!({"slug": "kahoot", "name": "Kahoot!", "vendor_id": vendor["id"], "processes_personal_data": "unknown"}),
            );
            tool["id"].as_str().expect("id").to_string()
        } else {
            let kahoot: Value = api.get("/tools/kahoot").json().expect("tool");
            kahoot["id"].as_str().expect("id").to_string()
        };
        let vendor = token(dir.path(), "kahoot-ansatt", &["vendor"], Some(KAHOOT_ORG));
        Self {
            backend: if db.is_some() { "postgres" } else { "sqlite" },
            api,
            dir,
            tool,
            vendor,
            _db: db,
        }
    }

    fn upload(&self, as_: &str, body: Vec<u8>) -> reqwest::blocking::Response {
        self.api
            .http
            .post(self.api.url("/documents"))
            .bearer_auth(as_)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .expect("POST /documents")
    }

    /// Upload `file` as a PDF (declared so) or, when it is not one, with
    /// no declared type (the server reads it from the content).
    fn uploaded(&self, visibility: &str, title: &str, file: &[u8]) -> Value {
        let meta = metadata(visibility, &self.tool, title);
        let declared = file.starts_with(b"%PDF").then_some("application/pdf");
        let r = self.upload(
            &self.vendor,
            multipart(&[
                ("metadata", None, Some("application/json"), &meta),
                ("file", Some("Sertifikat – ISO 27001.pdf"), declared, file),
            ]),
        );
        assert_eq!(r.status().as_u16(), 201, "{}", self.backend);
        r.json().expect("document")
    }

    /// Documents as a reviewer sees them (all of them).
    fn count(&self) -> usize {
        let (_, list) = self.api.read("/documents", &self.api.admin);
        list["items"].as_array().map_or(0, Vec::len)
    }

    /// Files under the blob directory, staging included.
    fn files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path());
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir.path().join("data").join("blobs"), &mut out);
        out
    }
}

fn backends(extra: &[(&str, &str)]) -> Vec<Setup> {
    let mut all = vec![Setup::start(None, extra)];
    match TestDb::postgres() {
        Some(db) => all.push(Setup::start(Some(db), extra)),
        None => println!("SKIPPED on PostgreSQL: no TOOLREG_TEST_POSTGRES_URL"),
    }
    all
}

#[test]
fn an_upload_is_read_back_whole_by_range_and_by_etag() {
    for s in backends(&[]) {
        let b = s.backend;
        let d = s.uploaded("public", "ISO 27001-sertifikat", PDF);
        assert_eq!(d["media_type"], "application/pdf", "{b}");
        assert_eq!(d["size_bytes"], PDF.len());
        assert_eq!(d["filename"], "Sertifikat – ISO 27001.pdf");
        assert_eq!(d["scope"], "ISO/IEC 27001: drift av tjenesten");
        let sha = d["sha256"].as_str().expect("sha").to_string();
        assert_eq!(sha.len(), 64);
        let id = d["id"].as_str().expect("id").to_string();

        let r = s.api.get(&format!("/documents/{id}/content"));
        assert_eq!(r.status().as_u16(), 200, "{b}");
        let h = r.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["etag"], format!("\"{sha}\"").as_str());
        assert_eq!(h["accept-ranges"], "bytes");
        let disposition = h["content-disposition"].to_str().unwrap_or_default();
        assert!(
            disposition.starts_with("attachment; filename=\"Sertifikat _ ISO 27001.pdf\""),
            "{disposition}"
        );
        assert!(
            disposition.contains("filename*=UTF-8''Sertifikat%20%E2%80%93%20ISO%2027001%2Epdf"),
            "{disposition}"
        );
        assert_eq!(r.bytes().expect("bytes").as_ref(), PDF, "{b}");

        let part = s
            .api
            .http
            .get(s.api.url(&format!("/documents/{id}/content")))
            .header("range", "bytes=0-4")
            .send()
            .expect("range");
        assert_eq!(part.status().as_u16(), 206);
        assert_eq!(
            part.headers()["content-range"],
            format!("bytes 0-4/{}", PDF.len()).as_str()
        );
        assert_eq!(part.bytes().expect("bytes").as_ref(), b"%PDF-");
        let outside = s
            .api
            .http
            .get(s.api.url(&format!("/documents/{id}/content")))
            .header("range", "bytes=5000-")
            .send()
            .expect("range");
        assert_eq!(outside.status().as_u16(), 416);
        let cached = s
            .api
            .http
            .get(s.api.url(&format!("/documents/{id}/content")))
            .header("if-none-match", format!("\"{sha}\""))
            .send()
            .expect("conditional");
        assert_eq!(cached.status().as_u16(), 304);

        // The same bytes again: a second document, one stored content.
        let again = s.uploaded("public", "Samme fil", PDF);
        assert_eq!(again["sha256"], sha.as_str());
        if b == "sqlite" {
            assert_eq!(s.files().len(), 1, "{:?}", s.files());
        }
    }
}

#[test]
fn each_role_sees_only_what_the_visibility_allows_and_restricted_reads_are_audited() {
    for s in backends(&[]) {
        let b = s.backend;
        let dir = s.dir.path();
        let public = s.uploaded("public", "Personvernerklæring", PDF);
        let municipal = s.uploaded(
            "municipalities",
            "Databehandleravtale",
            b"Avtale om behandling av personopplysninger\n",
        );
        let reviewers = s.uploaded("reviewers", "Penetrasjonstest", b"Funn: ingen kritiske\n");
        let id = |d: &Value| d["id"].as_str().expect("id").to_string();
        let callers: Vec<(&str, Option<String>, [bool; 3])> = vec![
            ("anonymous", None, [true, false, false]),
            (
                "municipality",
                Some(token(dir, "bergen", &["municipality"], Some("964338531"))),
                [true, true, false],
            ),
            (
                "reviewer",
                Some(token(dir, "ks", &["reviewer"], Some("971032146"))),
                [true, true, true],
            ),
            ("admin", Some(s.api.admin.clone()), [true, true, true]),
            ("own vendor", Some(s.vendor.clone()), [true, true, true]),
            (
                "other vendor",
                Some(token(dir, "nrk", &["vendor"], Some(NRK_ORG))),
                [true, false, false],
            ),
        ];
        for (who, bearer, sees) in &callers {
            for (doc, visible) in [&public, &municipal, &reviewers].into_iter().zip(sees) {
                for path in [
                    format!("/documents/{}", id(doc)),
                    format!("/documents/{}/content", id(doc)),
                ] {
                    let mut req = s.api.http.get(s.api.url(&path));
                    if let Some(t) = bearer {
                        req = req.bearer_auth(t);
                    }
                    let status = req.send().expect("GET").status().as_u16();
                    let expected = if *visible { 200 } else { 404 };
                    assert_eq!(
                        status, expected,
                        "{b}: {who} GET {path} ({})",
                        doc["visibility"]
                    );
                }
            }
            let mut req = s.api.http.get(s.api.url("/documents"));
            if let Some(t) = bearer {
                req = req.bearer_auth(t);
            }
            let list: Value = req.send().and_then(|r| r.json()).expect("list");
            let listed = list["items"].as_array().map_or(0, Vec::len);
            assert_eq!(
                listed,
                sees.iter().filter(|v| **v).count(),
                "{b}: {who} lists {list}"
            );
        }
        // Reading a restricted document's bytes is in the audit trail,
        // with who read it; the public one's is not.
        let (_, trail) = s.api.read(
            &format!("/audit?target=documents/{}", id(&municipal)),
            &s.api.admin,
        );
        let downloads: Vec<&Value> = trail
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["action"] == "document.download")
                    .collect()
            })
            .unwrap_or_default();
        let readers: Vec<&str> = downloads
            .iter()
            .filter_map(|e| e["actor_sub"].as_str())
            .collect();
        assert_eq!(
            readers,
            ["bergen", "ks", "admin-1", "kahoot-ansatt"],
            "{b}: {trail}"
        );
        let (_, public_trail) = s.api.read(
            &format!("/audit?target=documents/{}", id(&public)),
            &s.api.admin,
        );
        assert!(
            public_trail
                .as_array()
                .is_some_and(|a| a.iter().all(|e| e["action"] != "document.download")),
            "{b}"
        );
    }
}

/// Send a request's head and only part of its body, then hang up.
fn cut_off(s: &Setup, body: &[u8]) {
    let url = reqwest::Url::parse(&s.api.url("/documents")).expect("url");
    let addr = format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port().unwrap_or(80)
    );
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let head = format!(
        "POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        s.vendor,
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&body[..body.len() / 2])
        .expect("half the body");
    stream.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(200));
    drop(stream);
    // Let the server notice and clean up.
    std::thread::sleep(std::time::Duration::from_millis(300));
}

#[test]
fn bad_uploads_get_a_problem_and_leave_nothing_behind() {
    for s in backends(&[("TOOLREG_DOCUMENT_MAX_BYTES", "4096")]) {
        let b = s.backend;
        let meta = metadata("public", &s.tool, "Sertifikat");
        let pdf = ("file", Some("a.pdf"), Some("application/pdf"), PDF);
        let big = [PDF, &[b' '; 5000]].concat();
        let exe: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "too large",
                multipart(&[
                    ("metadata", None, None, &meta),
                    ("file", Some("a.pdf"), None, &big),
                ]),
                413,
                "document-too-large",
            ),
            (
                "empty",
                multipart(&[
                    ("metadata", None, None, &meta),
                    ("file", Some("a.pdf"), None, b""),
                ]),
                422,
                "/file",
            ),
            (
                "declared type lies",
                multipart(&[
                    ("metadata", None, None, &meta),
                    ("file", Some("a.png"), Some("image/png"), PDF),
                ]),
                415,
                "unsupported-document-type",
            ),
            (
                "not a document",
                multipart(&[
                    ("metadata", None, None, &meta),
                    ("file", Some("setup.exe"), None, exe),
                ]),
                415,
                "unsupported-document-type",
            ),
            (
                "a type documents may not have",
                multipart(&[
                    ("metadata", None, None, &meta),
                    ("file", Some("a.zip"), Some("application/zip"), PDF),
                ]),
                415,
                "unsupported-document-type",
            ),
            (
                "file before metadata",
                multipart(&[pdf, ("metadata", None, None, &meta)]),
                422,
                "/metadata",
            ),
            (
                "no file",
                multipart(&[("metadata", None, None, &meta)]),
                422,
                "/file",
            ),
            (
                "bad metadata",
                multipart(&[("metadata", None, None, br#"{"kind": "certificate"}"#), pdf]),
                400,
                "missing field `title`",
            ),
            (
                "malformed multipart",
                b"this is not multipart at all".to_vec(),
                400,
                "malformed-multipart",
            ),
        ];
        for (case, body, status, says) in cases {
            let r = s.upload(&s.vendor, body);
            let got = r.status().as_u16();
            if got != status {
                panic!("{b}: {case}: {got} {}", r.text().unwrap_or_default());
            }
            let kind = r.headers()["content-type"]
                .to_str()
                .unwrap_or_default()
                .to_string();
            assert_eq!(kind, "application/problem+json", "{b}: {case}");
            let problem: Value = r.json().expect("problem");
            assert!(problem.to_string().contains(says), "{b}: {case}: {problem}");
        }
        // Another vendor's tool.
        let nrk = token(s.dir.path(), "nrk", &["vendor"], Some(NRK_ORG));
        let r = s.upload(&nrk, multipart(&[("metadata", None, None, &meta), pdf]));
        assert_eq!(r.status().as_u16(), 409, "{b}: not its tool");
        // Cut off halfway.
        cut_off(
            &s,
            &multipart(&[
                ("metadata", None, None, &meta),
                ("file", Some("a.pdf"), None, &[PDF, &[b'x'; 3000]].concat()),
            ]),
        );

        assert_eq!(s.count(), 0, "{b}: no document");
        assert!(s.files().is_empty(), "{b}: no file: {:?}", s.files());
        // The service is fine afterwards.
        s.uploaded("public", "Til slutt", PDF);
        assert_eq!(s.count(), 1, "{b}");
    }
}
