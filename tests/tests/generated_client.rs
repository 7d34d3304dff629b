//! A client generated from the OpenAPI document (openapi-python-client,
//! pinned in .ci/requirements.lock) reads every sample tool from the running
//! binary: the document is a contract a generator can build on.
//! Without the generator the test says so and skips, unless
//! TOOLREG_REQUIRE_CLIENT_GENERATOR=1 (CI sets it).

use std::path::PathBuf;
use std::process::Command;
use toolreg_tests::Server;

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn generated_python_client_reads_every_sample_tool() {
    if !available("openapi-python-client") {
        assert!(
            std::env::var("TOOLREG_REQUIRE_CLIENT_GENERATOR").as_deref() != Ok("1"),
            "TOOLREG_REQUIRE_CLIENT_GENERATOR=1 but openapi-python-client is not on PATH"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the generated-client test: openapi-python-client is not on PATH"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let document = reqwest::blocking::get(server.url("/api/v1/openapi.json"))
        .and_then(|r| r.text())
        .expect("document");
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, document).expect("write document");
    let config = dir.path().join("client.yaml");
    std::fs::write(
        &config,
        "project_name_override: toolreg-client\npackage_name_override: toolreg_client\n",
    )
    .expect("write config");
    let generated = dir.path().join("gen");
    std::fs::create_dir_all(&generated).expect("dir");
    let out = Command::new("openapi-python-client")
        .arg("generate")
        .arg("--path")
        .arg(&spec)
        .arg("--config")
        .arg(&config)
        .arg("--meta")
        .arg("none")
        .arg("--output-path")
        .arg(generated.join("toolreg_client"))
        .output()
        .expect("run openapi-python-client");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "generation failed:\n{log}");
    // Warnings mean parts of the document could not be turned into code.
    assert!(
        !log.contains("Unable to parse") && !log.contains("Cannot parse"),
        "the generator could not use the whole document:\n{log}"
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("clients/read_every_tool.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg(&server.base)
        .env("PYTHONPATH", &generated)
        .output()
        .expect("run the client");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the generated client failed:\n{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(stdout.trim(), "read 31 tools");
}
