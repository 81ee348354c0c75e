//! Interop: real, independently written clients against every demo provider (warp, Rocket,
//! axum), each started as its own process with a generated clients file (an HMAC client, an
//! RSA client with a fresh 2048-bit key, a client whose registered callback has its own query):
//!
//! * Python `requests-oauthlib` and Authlib's clients (`tests/interop/python_clients.py`, in a
//!   venv with the pinned `tests/interop/requirements.txt`), each also driven exactly as its
//!   own documentation shows: one `OAuth1Session` (Authlib: also the httpx `AsyncOAuth1Client`)
//!   from the request token through the browser's consent to several protected requests;
//! * Node `oauth-1.0a` with Node's crypto and fetch (`tests/interop/node`, `npm ci`);
//! * PHP's `OAuth` extension (`tests/interop/php`, Debian's `php-oauth`) and Perl's
//!   `Net::OAuth` (`tests/interop/perl`, Debian's `libnet-oauth-perl`);
//! * the Rust `oauth1-request` crate (here).
//!
//! The venv and `node_modules` are prepared on first use; `.ci/run` prepares them up front and
//! installs the Debian packages. When Python, Node, PHP or Perl (or their OAuth libraries) is
//! missing, a test says `skipped: …` on a developer's machine and fails in CI (`CI` set):
//! nothing is skipped silently there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use oauth1::encoding::encode;
use oauth1_tests::process::{Demo, example_binary};
use oauth1_tests::{form, prerequisite};

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop")
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| panic!("{what}: cannot run ({e}); is it installed?"));
    assert!(status.success(), "{what} failed ({status})");
}

/// The venv's python, created and filled from the pinned requirements when missing or stale.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let dir = interop_dir();
        let venv = dir.join(".venv");
        let python = venv.join("bin").join("python");
        let requirements = std::fs::read_to_string(dir.join("requirements.txt")).unwrap();
        let stamp = venv.join("requirements.installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(requirements.as_str()) {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv");
            run(
                Command::new(&python)
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
                    .arg(dir.join("requirements.txt")),
                "pip install -r tests/interop/requirements.txt",
            );
            std::fs::write(&stamp, &requirements).unwrap();
        }
        python
    })
}

/// `node_modules` for the Node client, from the lockfile.
fn node_dir() -> &'static Path {
    static NODE: OnceLock<PathBuf> = OnceLock::new();
    NODE.get_or_init(|| {
        let dir = interop_dir().join("node");
        if !dir.join("node_modules").join("oauth-1.0a").exists() {
            run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir), "npm ci");
        }
        dir
    })
}

struct Fixture {
    clients: PathBuf,
    rsa_private: PathBuf,
}

/// A fresh RSA key (made by the venv's `cryptography`) and the clients file, once per run.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target").join(format!("interop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = r#"
import json, sys
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
d = sys.argv[1]
k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
open(d + "/rsa_private.pem", "wb").write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
public = k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
json.dump([
    {"client_id": "hmac-client", "client_secret": "hmac secret&%", "name": "HMAC client", "redirect_uri": "http://client.test/cb", "rsa_public_key": None},
    {"client_id": "rsa-client", "client_secret": "", "name": "RSA client", "redirect_uri": "http://client.test/cb", "rsa_public_key": public},
    {"client_id": "query-callback-client", "client_secret": "q-secret", "name": "Query callback client", "redirect_uri": "http://client.test/cb?app=1&next=%2Fhome%3Fa%3Db", "rsa_public_key": None},
], open(d + "/clients.json", "w"))
"#;
        run(Command::new(python()).arg("-c").arg(script).arg(&dir), "generating the RSA key and clients file");
        Fixture { clients: dir.join("clients.json"), rsa_private: dir.join("rsa_private.pem") }
    })
}

fn demo(package: &str) -> Demo {
    let clients = fixture().clients.to_str().unwrap().to_owned();
    Demo::start(&example_binary(package, "photos"), &[("OAUTH1_DEMO_CLIENTS", &clients)])
}

/// Runs a client script; every check it prints must pass, and at least `min_passes` must.
fn expect_all_pass(output: std::process::Output, who: &str, min_passes: usize) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let passes = stdout.lines().filter(|l| l.starts_with("PASS ")).count();
    let fails: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL ")).collect();
    eprintln!("{who}: {passes} passed, {} failed", fails.len());
    assert!(
        output.status.success() && fails.is_empty() && passes >= min_passes,
        "{who}: {passes} passed, failures:\n{}\nstderr:\n{}",
        fails.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn python_clients(package: &str, library: &str, min_passes: usize) {
    if !prerequisite("python3", "the Python interop clients") {
        return;
    }
    let demo = demo(package);
    let f = fixture();
    let output = Command::new(python())
        .arg(interop_dir().join("python_clients.py"))
        .arg(format!("http://{}", demo.addr))
        .arg(&f.clients)
        .arg(&f.rsa_private)
        .arg(library)
        .output()
        .unwrap();
    expect_all_pass(output, &format!("{library} x {package}"), min_passes);
}

fn node_client(package: &str) {
    if !prerequisite("node", "the Node interop client") || !prerequisite("npm", "the Node interop client") {
        return;
    }
    let demo = demo(package);
    let output = Command::new("node")
        .arg("interop.js")
        .arg(format!("http://{}", demo.addr))
        .arg("hmac-client")
        .arg("hmac secret&%")
        .current_dir(node_dir())
        .output()
        .unwrap_or_else(|e| panic!("node: {e}; is Node installed?"));
    expect_all_pass(output, &format!("oauth-1.0a x {package}"), 18);
}

#[test]
fn requests_oauthlib_against_warp() {
    python_clients("oauth1-warp", "requests-oauthlib", 79);
}

#[test]
fn requests_oauthlib_against_rocket() {
    python_clients("oauth1-rocket", "requests-oauthlib", 79);
}

#[test]
fn requests_oauthlib_against_axum() {
    python_clients("oauth1-axum", "requests-oauthlib", 79);
}

#[test]
fn authlib_client_against_warp() {
    python_clients("oauth1-warp", "authlib", 24);
}

#[test]
fn authlib_client_against_rocket() {
    python_clients("oauth1-rocket", "authlib", 24);
}

#[test]
fn authlib_client_against_axum() {
    python_clients("oauth1-axum", "authlib", 24);
}

#[test]
fn node_oauth_1_0a_against_warp() {
    node_client("oauth1-warp");
}

#[test]
fn node_oauth_1_0a_against_rocket() {
    node_client("oauth1-rocket");
}

#[test]
fn node_oauth_1_0a_against_axum() {
    node_client("oauth1-axum");
}

/// The Rust `oauth1-request` crate: HMAC-SHA1 flow and protected requests.
fn oauth1_request_client(package: &str) {
    // The demo's clients file is generated with the venv's `cryptography`.
    if !prerequisite("python3", "the interop clients file") {
        return;
    }
    let demo = demo(package);
    let base = format!("http://{}", demo.addr);
    let client = oauth::Credentials::new("hmac-client", "hmac secret&%");
    let post = |path: &str, authorization: String, body: &str| {
        let req = http::Request::post(format!("{base}{path}"))
            .header("authorization", authorization)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap();
        demo.send(&req)
    };

    let mut builder = oauth::Builder::<_, _>::new(client, oauth::HMAC_SHA1);
    builder.callback("http://client.test/cb?x=a%20b");
    let res = post("/initiate", builder.authorize("POST", format!("{base}/initiate"), &()), "");
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let temp = form(res.body());

    let res = oauth1_tests::contract::decide(&demo, &temp["oauth_token"], "user=alice&decision=allow");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://client.test/cb?x=a%20b&oauth_token="), "{location}");
    let verifier = location.split("oauth_verifier=").nth(1).unwrap().to_owned();

    let mut builder = oauth::Builder::new(client, oauth::HMAC_SHA1);
    builder.token(oauth::Credentials::new(temp["oauth_token"].as_str(), temp["oauth_token_secret"].as_str()));
    builder.verifier(verifier.as_str());
    let res = post("/token", builder.authorize("POST", format!("{base}/token"), &()), "");
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let access = form(res.body());

    let token = oauth::Token::from_parts(
        "hmac-client",
        "hmac secret&%",
        access["oauth_token"].as_str(),
        access["oauth_token_secret"].as_str(),
    );
    // Non-ASCII, reserved characters, a space, an empty value and a repeated key.
    let params =
        oauth::ParameterList::new(vec![("file", "vacation ü+%&=~*!'()"), ("size", ""), ("tag", "a"), ("tag", "b")]);
    let query: Vec<String> = [("file", "vacation ü+%&=~*!'()"), ("size", ""), ("tag", "a"), ("tag", "b")]
        .iter()
        .map(|(n, v)| format!("{n}={}", encode(v)))
        .collect();
    let authorization = oauth::get(format!("{base}/photos"), &params, &token, oauth::HMAC_SHA1);
    let req = http::Request::get(format!("{base}/photos?{}", query.join("&")))
        .header("authorization", authorization)
        .body(Vec::new())
        .unwrap();
    let res = demo.send(&req);
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!((json["user"].as_str(), json["file"].as_str()), (Some("alice"), Some("vacation ü+%&=~*!'()")));
    assert_eq!(demo.send(&req).status(), 401, "a replay is refused");

    // A form POST: the body is signed.
    let params = oauth::ParameterList::new(vec![("file", "a b.jpg"), ("size", "small")]);
    let authorization = oauth::post(format!("{base}/photos"), &params, &token, oauth::HMAC_SHA1);
    let res = post("/photos", authorization.clone(), "file=a%20b.jpg&size=small");
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let authorization = oauth::post(format!("{base}/photos"), &params, &token, oauth::HMAC_SHA1);
    assert_eq!(post("/photos", authorization, "file=a%20b.jpg&size=large").status(), 401, "a tampered body is refused");
}

#[test]
fn oauth1_request_crate_against_warp() {
    oauth1_request_client("oauth1-warp");
}

#[test]
fn oauth1_request_crate_against_rocket() {
    oauth1_request_client("oauth1-rocket");
}

#[test]
fn oauth1_request_crate_against_axum() {
    oauth1_request_client("oauth1-axum");
}

/// Like `prerequisite`, for the libraries an installed program needs: `probe` must succeed.
/// Missing: skipped on a developer's machine, a failure in CI (`CI` set).
fn libraries_present(probe: &mut Command, what: &str, needed_for: &str) -> bool {
    let found = probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "CI: {what} is missing ({needed_for}); .ci/run must install it");
        eprintln!("skipped: {what} is not installed ({needed_for})");
    }
    found
}

/// Runs `program script BASE_URL CLIENTS_JSON RSA_PRIVATE_PEM` against `package`'s demo.
fn script_client(program: &str, script: &str, package: &str, who: &str, min_passes: usize) {
    let demo = demo(package);
    let f = fixture();
    let output = Command::new(program)
        .arg(interop_dir().join(script))
        .arg(format!("http://{}", demo.addr))
        .arg(&f.clients)
        .arg(&f.rsa_private)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    expect_all_pass(output, &format!("{who} x {package}"), min_passes);
}

/// PHP's pecl `OAuth` extension (Debian `php-oauth`): HMAC-SHA1 in the header, query and body,
/// HMAC-SHA256, RSA-SHA1, PLAINTEXT, oob and a callback with its own query
/// (`tests/interop/php/interop.php`).
fn php_oauth_client(package: &str) {
    if !prerequisite("python3", "the interop clients file")
        || !prerequisite("php", "the PHP OAuth extension interop client")
        || !libraries_present(
            Command::new("php").args(["-r", "exit(extension_loaded('oauth') ? 0 : 1);"]),
            "the PHP oauth extension (Debian php-oauth)",
            "the PHP OAuth extension interop client",
        )
    {
        return;
    }
    script_client("php", "php/interop.php", package, "php-oauth", 119);
}

#[test]
fn php_oauth_against_warp() {
    php_oauth_client("oauth1-warp");
}

#[test]
fn php_oauth_against_rocket() {
    php_oauth_client("oauth1-rocket");
}

#[test]
fn php_oauth_against_axum() {
    php_oauth_client("oauth1-axum");
}

/// Perl's `Net::OAuth` with LWP (Debian `libnet-oauth-perl`, `libwww-perl`,
/// `libcrypt-openssl-rsa-perl`, …): HMAC-SHA1 in the header, query and body, HMAC-SHA256,
/// RSA-SHA1, PLAINTEXT, oob and a callback with its own query (`tests/interop/perl/interop.pl`).
fn perl_net_oauth_client(package: &str) {
    if !prerequisite("python3", "the interop clients file")
        || !prerequisite("perl", "the Perl Net::OAuth interop client")
        || !libraries_present(
            Command::new("perl").args([
                "-MNet::OAuth",
                "-MLWP::UserAgent",
                "-MHTTP::Cookies",
                "-MURI",
                "-MJSON",
                "-MCrypt::OpenSSL::RSA",
                "-MDigest::HMAC_SHA1",
                "-e1",
            ]),
            "Net::OAuth, LWP, JSON or Crypt::OpenSSL::RSA",
            "the Perl Net::OAuth interop client",
        )
    {
        return;
    }
    script_client("perl", "perl/interop.pl", package, "Net::OAuth", 107);
}

#[test]
fn perl_net_oauth_against_warp() {
    perl_net_oauth_client("oauth1-warp");
}

#[test]
fn perl_net_oauth_against_rocket() {
    perl_net_oauth_client("oauth1-rocket");
}

#[test]
fn perl_net_oauth_against_axum() {
    perl_net_oauth_client("oauth1-axum");
}
