//! Cross-crate integration tests of the oauth1 provider, and the fixtures they share: a
//! provider on the memory store with a manual clock, Authlib's test client, and helpers to
//! sign and read requests.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::sync::Arc;

use oauth1::clock::ManualClock;
use oauth1::consent::ConsentKey;
use oauth1::server::{Denial, Grant};
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, RsaPrivateKey, RsaPublicKey, Secret};
use oauth1::store::{Client, Stores, TokenCredentialStore, TokenCredentials};
use oauth1::{AuthorizationServer, Config};
use oauth1_memory::MemoryStore;

/// "Now" for every fixture: a fixed time, moved explicitly.
pub const NOW: u64 = 1_795_798_111;

/// Authlib's test client: `client` / `secret`, default redirect `https://client.test`.
pub const CLIENT: &str = "client";
/// Its secret.
pub const SECRET: &str = "secret";

/// A client registered with the RSA test key and no shared secret.
pub const RSA_ONLY: &str = "rsa-only";

/// The RSA test key pair (the oauth.net wiki's 1024-bit key, from the shared vectors).
pub fn rsa_pair() -> (RsaPrivateKey, RsaPublicKey) {
    let v: serde_json::Value = serde_json::from_str(include_str!("../../oauth1/tests/data/vectors.json")).unwrap();
    let vector = v.as_array().unwrap().iter().find(|v| v["name"] == "wiki-9.3-rsa-sha1").unwrap();
    let private = RsaPrivateKey::from_pem(vector["rsa_private_key_pem"].as_str().unwrap()).unwrap();
    let public = RsaPublicKey::from_pem(vector["rsa_public_key_pem"].as_str().unwrap()).unwrap();
    (private, public)
}

/// A provider on the memory store with a manual clock.
pub struct Provider {
    /// The authorization server.
    pub server: AuthorizationServer,
    /// Its store.
    pub store: Arc<MemoryStore>,
    /// Its clock.
    pub clock: ManualClock,
}

impl Provider {
    /// The default fixture: realm `Photos`, PLAINTEXT (over http, also without a nonce) and every
    /// HMAC/RSA method allowed.
    pub fn new() -> Self {
        Self::with_config(|c| c)
    }

    /// The fixture with a changed configuration.
    pub fn with_config(f: impl FnOnce(Config) -> Config) -> Self {
        let clock = ManualClock::new(NOW);
        let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
        let (_, public) = rsa_pair();
        store.insert_client(
            Client::new(CLIENT, SECRET)
                .with_name("Authlib test client")
                .with_rsa_public_key(public)
                .with_callback("https://client.test")
                .with_callback("https://client.test/ready"),
        );
        store.insert_client(Client::new("client2", "secret2").with_name("Another client"));
        store.insert_client(Client::rsa_only(RSA_ONLY, rsa_pair().1).with_name("RSA-only client"));
        let config = Config::default()
            .with_realm("Photos")
            .with_clock(clock.clone())
            .allow_signature_method("PLAINTEXT")
            .allow_signature_method("HMAC-SHA512")
            .allow_signature_method("RSA-SHA512")
            // Authlib's catalogue sends PLAINTEXT over http, some of it without a nonce.
            .insecure_allow_plaintext_over_http()
            .insecure_allow_plaintext_without_nonce();
        let server = AuthorizationServer::new(Stores::single(store.clone()), f(config));
        Provider { server, store, clock }
    }

    /// Adds token credentials `valid-token` / `valid-token-secret` for `client` and user `1`.
    pub async fn with_token(self) -> Self {
        self.store
            .create_token(TokenCredentials::new("valid-token", Secret::new("valid-token-secret"), CLIENT, "1"))
            .await
            .unwrap();
        self
    }

    /// Temporary credentials for the test client with `callback`: their `oauth_token`.
    pub async fn temporary(&self, callback: &str) -> String {
        let req = signer().callback(callback).sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
        let res = self.server.temporary_credentials(&req).await.unwrap();
        form(res.body())["oauth_token"].clone()
    }
}

impl Default for Provider {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether the program a test needs (`redis-server`, `python3`, `node`, …) is installed: it
/// runs `program --version`. When it is missing, a test on a developer's machine says so
/// (`skipped: …` on stderr) and returns early; with `CI` set a missing program is a failure,
/// so that nothing is skipped silently in CI (`.ci/run` installs everything).
///
/// # Panics
/// With `CI` set, when the program is missing.
pub fn prerequisite(program: &str, needed_for: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "CI: {program} is missing ({needed_for}); .ci/run must install it");
        eprintln!("skipped: {program} is not installed ({needed_for})");
    }
    found
}

/// A throwaway `redis-server` on a free loopback port, without persistence, stopped when
/// dropped: what the Redis examples in the README and `docs/` run against.
#[derive(Debug)]
pub struct ThrowawayRedis {
    child: std::process::Child,
    url: String,
}

impl ThrowawayRedis {
    /// Its `redis://127.0.0.1:PORT/` URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ThrowawayRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a [`ThrowawayRedis`] and waits (up to 5 s) until it accepts connections. `None` when
/// `redis-server` is missing on a developer's machine (said on stderr, as [`prerequisite`]
/// does; with `CI` set that is a failure).
///
/// # Errors
/// When the server cannot be started or does not listen within 5 s.
pub fn throwaway_redis(needed_for: &str) -> std::io::Result<Option<ThrowawayRedis>> {
    if !prerequisite("redis-server", needed_for) {
        return Ok(None);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let redis = ThrowawayRedis { child, url: format!("redis://127.0.0.1:{port}/") };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Some(redis));
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "redis-server did not listen within 5 s"))
}

/// The URL of a test database server from the environment variable `var` (set by
/// `tests/db/start.sh`, which `.ci/run` runs: e.g. `OAUTH1_TEST_POSTGRES_URL`). When it is
/// unset, a test on a developer's machine says so (`skipped: …` on stderr) and returns early;
/// with `CI` set it is a failure, as with [`prerequisite`].
///
/// # Panics
/// With `CI` set, when the variable is unset or empty.
pub fn database_url(var: &str, needed_for: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI: {var} is not set ({needed_for}); .ci/run must start the server with tests/db/start.sh"
            );
            eprintln!("skipped: {var} is not set ({needed_for}; start one with: eval \"$(bash tests/db/start.sh)\")");
            None
        }
    }
}

/// Awaits racing tasks and counts those that won (returned `true`): the race tests assert
/// exactly one winner.
///
/// # Panics
/// If a task panicked.
pub async fn winners(tasks: Vec<tokio::task::JoinHandle<bool>>) -> usize {
    let mut won = 0;
    for t in tasks {
        #[allow(clippy::expect_used)]
        let w = t.await.expect("a racing task panicked");
        won += usize::from(w);
    }
    won
}

/// Grants `token` to `user` as a browser does: views the consent page, then sends its
/// anti-forgery values back with the decision.
pub async fn grant(server: &AuthorizationServer, token: &str, user: &str) -> Result<Grant, oauth1::Error> {
    let pending = server.pending_authorization(token).await?;
    server.grant(token, user, &pending.anti_forgery.proof()).await
}

/// Grants `token` to `alice` (see [`grant`]) and returns the verifier: from the page (200) for
/// an `oob` callback, else from the redirect (302) to `callback`.
pub async fn grant_verifier(server: &AuthorizationServer, token: &str, callback: &str) -> String {
    let grant = grant(server, token, "alice").await.unwrap();
    let res = grant.to_response();
    match callback {
        "oob" => {
            assert_eq!(res.status(), 200);
            form(res.body())["oauth_verifier"].clone()
        }
        _ => {
            assert_eq!(res.status(), 302);
            let to = res.headers()["location"].to_str().unwrap().to_owned();
            assert!(to.starts_with(&format!("{callback}&oauth_token=")), "{to}");
            to.split("oauth_verifier=").nth(1).unwrap().to_owned()
        }
    }
}

/// Denies `token` as a browser does (see [`grant`]).
pub async fn deny(server: &AuthorizationServer, token: &str) -> Result<Denial, oauth1::Error> {
    let pending = server.pending_authorization(token).await?;
    server.deny(token, &pending.anti_forgery.proof()).await
}

/// One instance of a multi-instance deployment on `stores` (Redis, a cluster, …): realm
/// `Photos`, the real clock, and the consent key every instance of the deployment shares (the
/// consent page from one, the decision posted to another).
pub fn instance(stores: Stores) -> AuthorizationServer {
    let config = Config::default().with_realm("Photos").with_consent_key(ConsentKey::from_bytes([42; 32]));
    AuthorizationServer::new(stores, config)
}

/// Across two instances of one deployment: temporary credentials issued by `a` (`oob`), the
/// consent page served by `a` and the decision posted to `b`, the token exchanged on `a`.
/// Returns the token request (to replay) and the token response.
pub async fn flow_across(
    a: &AuthorizationServer,
    b: &AuthorizationServer,
) -> (http::Request<Vec<u8>>, HashMap<String, String>) {
    let req = live_signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    let f = form(a.temporary_credentials(&req).await.unwrap().body());
    let page = a.pending_authorization(&f["oauth_token"]).await.unwrap();
    let Grant::OutOfBand { verifier, .. } =
        b.grant(&f["oauth_token"], "alice", &page.anti_forgery.proof()).await.unwrap()
    else {
        panic!("an oob grant")
    };
    let req = token_request(live_signer(), &f, &verifier);
    let access = form(a.token_credentials(&req).await.unwrap().body());
    (req, access)
}

/// The fixture's client signing with the current time (for stores that expire by real time).
pub fn live_signer() -> Signer {
    Signer::new(CLIENT, SECRET)
}

/// The current Unix time.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The token credentials request (RFC 5849 §2.3) for the temporary credentials `temporary`
/// (the decoded `/initiate` response) and `verifier`, signed by `signer`.
pub fn token_request(signer: Signer, temporary: &HashMap<String, String>, verifier: &str) -> http::Request<Vec<u8>> {
    signer
        .token(&temporary["oauth_token"], &temporary["oauth_token_secret"])
        .verifier(verifier)
        .sign(request("POST", "http://localhost/oauth/token", None))
        .unwrap()
}

/// A signer for `client` at [`NOW`] with HMAC-SHA1 in the header.
pub fn signer() -> Signer {
    Signer::new(CLIENT, SECRET).timestamp(NOW)
}

/// The RSA-SHA1 method with the test key.
pub fn rsa_sha1() -> SigningMethod {
    SigningMethod::Rsa(Algorithm::Sha1, Box::new(rsa_pair().0))
}

/// A request with a form body (or none when `body` is `None`).
pub fn request(method: &str, uri: &str, body: Option<&str>) -> http::Request<Vec<u8>> {
    let mut b = http::Request::builder().method(method).uri(uri);
    if body.is_some() {
        b = b.header("content-type", "application/x-www-form-urlencoded");
    }
    b.body(body.unwrap_or("").as_bytes().to_vec()).unwrap()
}

/// Decodes a form-encoded body.
pub fn form(body: &[u8]) -> HashMap<String, String> {
    let text = std::str::from_utf8(body).unwrap();
    text.split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(n), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The `error` of a response body.
pub fn error_of(res: &http::Response<Vec<u8>>) -> String {
    form(res.body()).get("error").cloned().unwrap_or_default()
}

pub mod wire;

/// A demo provider running as its own process, and a minimal HTTP/1.1 client for it.
pub mod process {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    /// A running demo provider; killed when dropped.
    pub struct Demo {
        child: Child,
        /// `127.0.0.1:PORT`, as printed on its `listening on` line.
        pub addr: String,
    }

    impl Drop for Demo {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// The path of `package`'s example `name`, built now (a no-op when up to date) into the
    /// demos' own target directory, `target/demos`, and kept there as `<name>-<package>`: every
    /// adapter has an example called `photos`, which would collide, and a directory of their
    /// own never waits on the build lock of the `cargo test` that runs us.
    pub fn example_binary(package: &str, name: &str) -> PathBuf {
        // One target directory for every demo: what they share (tokio, hyper, sqlx with its
        // bundled SQLite, …) is compiled once. Their examples share a name, so each build's
        // binary is copied to `<name>-<package>` before the next build can overwrite it; the
        // lock keeps two tests of this process from interleaving build and copy (test
        // binaries run one after another).
        static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = BUILD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let target_dir = workspace.join("target").join("demos");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(&workspace)
            .args(["build", "--quiet", "-p", package, "--example", name, "--target-dir"])
            .arg(&target_dir)
            .status()
            .unwrap();
        assert!(status.success(), "building {package}'s example {name} failed");
        let built = target_dir.join("debug").join("examples").join(name);
        let kept = target_dir.join(format!("{name}-{package}"));
        // Copied to a new file and renamed over the old one: a demo process still running
        // from the old binary keeps its file.
        let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if modified(&kept).is_none() || modified(&kept) < modified(&built) {
            let fresh = target_dir.join(format!(".{name}-{package}.{}", std::process::id()));
            std::fs::copy(&built, &fresh).unwrap();
            std::fs::rename(&fresh, &kept).unwrap();
        }
        kept
    }

    impl Demo {
        /// Starts `binary` on a free port with extra environment variables and waits for its
        /// `listening on http://ADDR` line.
        pub fn start(binary: &PathBuf, env: &[(&str, &str)]) -> Demo {
            let mut cmd = Command::new(binary);
            cmd.env("OAUTH1_DEMO_ADDR", "127.0.0.1:0").stdout(Stdio::piped()).stderr(Stdio::inherit());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let mut child = cmd.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(i) = line.find("listening on http://") {
                        let _ = tx.send(line[i + "listening on http://".len()..].trim().to_owned());
                    }
                }
            });
            let addr = rx.recv_timeout(Duration::from_secs(60)).expect("the demo printed no `listening on` line");
            Demo { child, addr }
        }

        /// Sends `req` (its URI's path and query; `Host` set to the demo) and reads the whole
        /// response.
        pub fn send(&self, req: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
            send(&self.addr, req)
        }
    }

    /// One request on a fresh connection (`Connection: close`).
    pub fn send(addr: &str, req: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let mut head = format!("{} {} HTTP/1.1\r\n", req.method(), target);
        if !req.headers().contains_key("host") {
            head.push_str(&format!("host: {addr}\r\n"));
        }
        for (k, v) in req.headers() {
            if k != "content-length" {
                head.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap()));
            }
        }
        head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", req.body().len()));
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(req.body()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse_response(&raw)
    }

    fn parse_response(raw: &[u8]) -> http::Response<Vec<u8>> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
        let head = std::str::from_utf8(&raw[..split]).unwrap();
        let mut body = raw[split + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut res = http::Response::builder().status(status);
        let mut chunked = false;
        for line in lines {
            let (k, v) = line.split_once(':').unwrap();
            if k.eq_ignore_ascii_case("transfer-encoding") && v.trim().eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
            res = res.header(k.trim(), v.trim());
        }
        if chunked {
            body = dechunk(&body);
        }
        res.body(body).unwrap()
    }

    fn dechunk(mut data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16).unwrap();
            if size == 0 {
                return out;
            }
            out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
            data = &data[line_end + 2 + size + 2..];
        }
    }
}

/// The demo contract (`docs/demo-contract.md`) checked over real HTTP against a running demo
/// provider; each adapter's tests run these against its own example.
pub mod contract {
    use oauth1::sign::Signer;

    use crate::form;
    use crate::process::Demo;

    const KEY: &str = "dpf43f3p2l4k3l03";
    const SECRET: &str = "kd94hf93k423kf44";

    fn url(demo: &Demo, path: &str) -> String {
        format!("http://{}{path}", demo.addr)
    }

    fn post_form(uri: &str, body: &str) -> http::Request<Vec<u8>> {
        http::Request::post(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    fn get(uri: &str) -> http::Request<Vec<u8>> {
        http::Request::get(uri).body(Vec::new()).unwrap()
    }

    fn body(res: &http::Response<Vec<u8>>) -> String {
        String::from_utf8(res.body().clone()).unwrap()
    }

    /// Views the consent page for `token` as a browser does and answers it: `fields` (e.g.
    /// `user=alice&decision=allow`) with the page's hidden anti-forgery field and cookie. Checks
    /// the page's security headers on the way.
    pub fn decide(demo: &Demo, token: &str, fields: &str) -> http::Response<Vec<u8>> {
        decide_at(&demo.addr, token, fields)
    }

    /// [`decide`] for a provider at `addr` (`127.0.0.1:PORT`).
    pub fn decide_at(addr: &str, token: &str, fields: &str) -> http::Response<Vec<u8>> {
        let url = |path: &str| format!("http://{addr}{path}");
        let page = crate::process::send(addr, &get(&url(&format!("/authorize?oauth_token={token}"))));
        assert_eq!(page.status(), 200, "{}", body(&page));
        let headers = page.headers();
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
        let cookie = headers["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let html = body(&page);
        let marker = format!("name=\"{}\" value=\"", oauth1::consent::FORM_FIELD);
        let start = html.find(&marker).expect("the page has the anti-forgery field") + marker.len();
        let value = &html[start..start + html[start..].find('"').unwrap()];
        let mut req = post_form(&url("/authorize"), &format!("oauth_token={token}&{fields}&oauth1_consent={value}"));
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        crate::process::send(addr, &req)
    }

    /// Initiate → consent page → allow → token → photos, with a callback that has its own query.
    pub fn three_legged_flow_over_http(demo: &Demo) {
        let printer = Signer::new(KEY, SECRET);
        let req = printer
            .clone()
            .callback("http://printer.example.com/ready?job=7")
            .sign(post_form(&url(demo, "/initiate"), ""))
            .unwrap();
        let res = demo.send(&req);
        assert_eq!(res.status(), 200, "{}", body(&res));
        let f = form(res.body());
        assert_eq!(f["oauth_callback_confirmed"], "true");
        let (token, secret) = (f["oauth_token"].clone(), f["oauth_token_secret"].clone());

        let res = demo.send(&get(&url(demo, &format!("/authorize?oauth_token={token}"))));
        assert_eq!(res.status(), 200);
        assert!(body(&res).contains("Printer"), "{}", body(&res));

        // A cross-site POST (no page, no cookie) is refused and changes nothing.
        let forged = post_form(&url(demo, "/authorize"), &format!("oauth_token={token}&user=mallory&decision=allow"));
        let res = demo.send(&forged);
        assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (403, "invalid_consent"));
        let res = decide(demo, &token, "user=alice&decision=allow");
        assert_eq!(res.status(), 302);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location
                .starts_with(&format!("http://printer.example.com/ready?job=7&oauth_token={token}&oauth_verifier=")),
            "{location}"
        );
        let verifier = location.split("oauth_verifier=").nth(1).unwrap();

        let req = printer
            .clone()
            .token(&token, &secret)
            .verifier(verifier)
            .sign(post_form(&url(demo, "/token"), ""))
            .unwrap();
        let res = demo.send(&req);
        assert_eq!(res.status(), 200, "{}", body(&res));
        let f = form(res.body());
        let access = printer.clone().token(&f["oauth_token"], &f["oauth_token_secret"]);

        let req = access.clone().sign(get(&url(demo, "/photos?file=vacation.jpg&size=original"))).unwrap();
        let res = demo.send(&req);
        assert_eq!(res.status(), 200, "{}", body(&res));
        let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"user": "alice", "client_id": KEY, "file": "vacation.jpg", "size": "original"})
        );
        // Replayed: 401 with the realm.
        let res = demo.send(&req);
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");

        // The body transport on a GET (some clients sign every method so): served, the form
        // body signed and read.
        let req = access
            .clone()
            .transport(oauth1::Transport::Body)
            .sign(
                http::Request::get(url(demo, "/photos"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(b"file=g%20h.jpg&size=s".to_vec())
                    .unwrap(),
            )
            .unwrap();
        let res = demo.send(&req);
        assert_eq!(res.status(), 200, "{}", body(&res));
        let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        assert_eq!((json["user"].as_str(), json["file"].as_str()), (Some("alice"), Some("g h.jpg")));
        // An unsigned form body on a header-signed GET: refused.
        let mut tampered = access.clone().sign(get(&url(demo, "/photos?file=f"))).unwrap();
        tampered.headers_mut().insert("content-type", "application/x-www-form-urlencoded".parse().unwrap());
        *tampered.body_mut() = b"size=huge".to_vec();
        assert_eq!(demo.send(&tampered).status(), 401);

        let req = access
            .transport(oauth1::Transport::Body)
            .sign(post_form(&url(demo, "/photos"), "file=a%20b.jpg&size=small"))
            .unwrap();
        let res = demo.send(&req);
        assert_eq!(res.status(), 200, "{}", body(&res));
        let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        assert_eq!((json["user"].as_str(), json["file"].as_str()), (Some("alice"), Some("a b.jpg")));

        let res = demo.send(&get(&url(demo, "/public?file=f&size=s")));
        let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
        assert_eq!(json, serde_json::json!({"user": null, "client_id": null, "file": "f", "size": "s"}));
    }

    /// `oob`: the verifier comes back in a form body; deny discards the request.
    pub fn out_of_band_and_deny_over_http(demo: &Demo) {
        let printer = Signer::new(KEY, SECRET);
        let initiate = || {
            let res = demo.send(&printer.clone().callback("oob").sign(post_form(&url(demo, "/initiate"), "")).unwrap());
            let f = form(res.body());
            (f["oauth_token"].clone(), f["oauth_token_secret"].clone())
        };
        let (token, secret) = initiate();
        let res = decide(demo, &token, "user=bob&decision=allow");
        assert_eq!(res.status(), 200);
        let verifier = form(res.body())["oauth_verifier"].clone();
        let res = demo.send(
            &printer
                .clone()
                .token(&token, &secret)
                .verifier(&verifier)
                .sign(post_form(&url(demo, "/token"), ""))
                .unwrap(),
        );
        assert_eq!(res.status(), 200);

        let (token, secret) = initiate();
        // An unauthenticated deny (no page values) destroys nothing.
        let res = demo.send(&post_form(&url(demo, "/authorize"), &format!("oauth_token={token}&decision=deny")));
        assert_eq!(res.status(), 403);
        let res = decide(demo, &token, "user=bob&decision=deny");
        assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (400, "access_denied"));
        let res = demo.send(
            &printer.clone().token(&token, &secret).verifier("x").sign(post_form(&url(demo, "/token"), "")).unwrap(),
        );
        assert_eq!(res.status(), 401);
        // Unknown or used tokens on the consent page are 4xx; so is an allow without a user.
        assert_eq!(demo.send(&get(&url(demo, &format!("/authorize?oauth_token={token}")))).status(), 401);
        let (token, _) = initiate();
        let res = demo.send(&post_form(&url(demo, "/authorize"), &format!("oauth_token={token}&decision=allow")));
        assert_eq!(res.status(), 400);
    }

    /// Garbage never crashes the server; it answers 4xx and keeps serving.
    pub fn bad_input_is_4xx_and_the_server_survives(demo: &Demo) {
        for (method, path, auth) in [
            ("GET", "/photos?a=%zz", None),
            ("GET", "/photos", Some("OAuth a=\"unterminated")),
            ("GET", "/photos", Some("OAuth oauth_consumer_key=\"x\", oauth_consumer_key=\"y\"")),
            ("POST", "/initiate?oauth_nonce=1", Some("OAuth oauth_nonce=\"2\"")),
            ("GET", "/photos", Some("Basic Zm9vOmJhcg==")),
        ] {
            let mut req = http::Request::builder().method(method).uri(url(demo, path));
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            let res = demo.send(&req.body(Vec::new()).unwrap());
            assert!(res.status().is_client_error(), "{method} {path} {auth:?}: {}", res.status());
        }
        assert_eq!(demo.send(&get(&url(demo, "/public"))).status(), 200);
    }

    /// The tests above as `#[test]` functions of the calling test crate, each against a new
    /// process of `$package`'s demo (its example `photos`), under the same names:
    /// `oauth1_tests::demo_contract_tests!("oauth1-warp");`.
    #[macro_export]
    macro_rules! demo_contract_tests {
        ($package:expr) => {
            fn demo() -> $crate::process::Demo {
                $crate::process::Demo::start(&$crate::process::example_binary($package, "photos"), &[])
            }

            #[test]
            fn three_legged_flow_over_http() {
                $crate::contract::three_legged_flow_over_http(&demo());
            }

            #[test]
            fn out_of_band_and_deny_over_http() {
                $crate::contract::out_of_band_and_deny_over_http(&demo());
            }

            #[test]
            fn bad_input_is_4xx_and_the_server_survives() {
                $crate::contract::bad_input_is_4xx_and_the_server_survives(&demo());
            }
        };
    }
}

/// OAuth Core 1.0 Appendix A (photos.example.net, printer.example.com) as the benchmarks and
/// profiles use it: its credentials on a memory store, and its protected request signed with
/// any method, nonce, number of extra query parameters and form body size.
pub mod appendix_a {
    use std::sync::Arc;

    use oauth1::clock::ManualClock;
    use oauth1::sign::{Signer, SigningMethod};
    use oauth1::signature::{RsaPrivateKey, Secret};
    use oauth1::store::{Client, Stores, TokenCredentialStore, TokenCredentials};
    use oauth1::{AuthorizationServer, Config, ResourceProtector};
    use oauth1_memory::MemoryStore;

    /// The request's timestamp, and the provider's "now".
    pub const TS: u64 = 1_191_242_096;
    /// The printer's consumer key.
    pub const CONSUMER_KEY: &str = "dpf43f3p2l4k3l03";
    /// Its consumer secret.
    pub const CONSUMER_SECRET: &str = "kd94hf93k423kf44";
    /// Jane's token.
    pub const TOKEN: &str = "nnch734d00sl2jdk";
    /// Its secret.
    pub const TOKEN_SECRET: &str = "pfkkdhi9sl3r4s00";

    /// A resource protector on a new memory store holding the printer (with `rsa`'s public key
    /// when given) and Jane's token credentials, at [`TS`].
    pub fn protector(rsa: Option<&RsaPrivateKey>) -> ResourceProtector {
        let clock = ManualClock::new(TS);
        let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
        let mut client = Client::new(CONSUMER_KEY, CONSUMER_SECRET);
        if let Some(k) = rsa {
            client = client.with_rsa_public_key(k.public_key());
        }
        store.insert_client(client);
        super::ready(store.create_token(TokenCredentials::new(TOKEN, Secret::new(TOKEN_SECRET), CONSUMER_KEY, "jane")))
            .unwrap();
        AuthorizationServer::new(Stores::single(store), Config::default().with_clock(clock)).resource_protector()
    }

    /// `GET /photos?file=vacation.jpg&size=original` with `params` extra query parameters and a
    /// form body of `body` bytes, signed with `method` and a nonce made from `nonce`.
    pub fn request(method: SigningMethod, nonce: u64, params: usize, body: usize) -> http::Request<Vec<u8>> {
        let mut uri = "http://photos.example.net/photos?file=vacation.jpg&size=original".to_owned();
        for i in 0..params {
            uri.push_str(&format!("&p{i:03}=value%20{i}"));
        }
        let mut b = http::Request::get(uri);
        let form = if body > 0 {
            b = b.header("content-type", "application/x-www-form-urlencoded");
            format!("data={}", "x".repeat(body.saturating_sub(5)))
        } else {
            String::new()
        };
        Signer::new(CONSUMER_KEY, CONSUMER_SECRET)
            .token(TOKEN, TOKEN_SECRET)
            .method(method)
            .timestamp(TS)
            .nonce(format!("kllo{nonce:012}"))
            .realm("http://photos.example.net/")
            .sign(b.body(form.into_bytes()).unwrap())
            .unwrap()
    }
}

/// Runs a future that never has to wait (verification on the memory store) to its end by
/// polling it once, without a runtime: what a server's own task does around verification,
/// minus an executor's entry and exit, which benchmarks and profiles should not count.
///
/// Panics if the future is not ready at once.
pub fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("the future waited; use a runtime"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ready_runs_a_future_that_does_not_wait() {
        assert_eq!(super::ready(async { 41 + 1 }), 42);
    }

    #[test]
    #[should_panic(expected = "the future waited")]
    fn ready_refuses_a_future_that_waits() {
        super::ready(tokio::task::yield_now());
    }
}

/// Slow clients against a demo provider (an adapter's `examples/photos.rs`) as its own process,
/// with short limits set through its environment (`OAUTH1_DEMO_HEADER_TIMEOUT_MS`,
/// `OAUTH1_DEMO_REQUEST_TIMEOUT_MS`, `OAUTH1_DEMO_MAX_CONNECTIONS`): stalled and trickled
/// request heads, stalled and trickled bodies, idle keep-alive connections, and a connection
/// limit filled by stalled connections; each adapter's tests run these against its own example
/// (`package`). Loopback only; every wait is bounded. The bounds are generous multiples of the
/// configured timeouts, and a lower bound is only checked where it proves a timeout (not an
/// immediate refusal) did the work: timers never fire early.
pub mod slow_clients {
    use std::io::{ErrorKind, Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    use crate::process::{Demo, example_binary, send};

    fn demo(package: &str, env: &[(&str, &str)]) -> Demo {
        Demo::start(&example_binary(package, "photos"), env)
    }

    /// What the server did with a connection within a bound.
    enum Outcome {
        /// Closed (EOF or reset) after this long, having sent these bytes first.
        Closed(Duration, Vec<u8>),
        /// Still open at the bound, having sent these bytes.
        Open(Vec<u8>),
    }

    impl std::fmt::Debug for Outcome {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Outcome::Closed(after, got) => {
                    write!(f, "closed after {after:?}, sent {:?}", String::from_utf8_lossy(got))
                }
                Outcome::Open(got) => write!(f, "open, sent {:?}", String::from_utf8_lossy(got)),
            }
        }
    }

    /// Reads from `stream` until the server closes it or `deadline` passes.
    fn wait_for_close(stream: &mut TcpStream, start: Instant, deadline: Instant) -> Outcome {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
                return Outcome::Open(got);
            };
            stream.set_read_timeout(Some(left)).unwrap();
            match stream.read(&mut buf) {
                Ok(0) => return Outcome::Closed(start.elapsed(), got),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Outcome::Open(got),
                Err(_) => return Outcome::Closed(start.elapsed(), got),
            }
        }
    }

    /// Sends `bytes` one at a time, `every` apart, until the server closes the connection (`Some`,
    /// after how long, with what it sent) or `bound` passes (`None`).
    fn trickle(stream: &mut TcpStream, bytes: &[u8], every: Duration, bound: Duration) -> Option<(Duration, Vec<u8>)> {
        let start = Instant::now();
        let mut got = Vec::new();
        for byte in bytes.iter().cycle() {
            if stream.write_all(std::slice::from_ref(byte)).is_err() {
                return Some((start.elapsed(), got));
            }
            let pause_end = (Instant::now() + every).min(start + bound);
            match wait_for_close(stream, start, pause_end) {
                Outcome::Closed(after, more) => {
                    got.extend(more);
                    return Some((after, got));
                }
                Outcome::Open(more) => got.extend(more),
            }
            if start.elapsed() >= bound {
                return None;
            }
        }
        unreachable!()
    }

    fn connect(demo: &Demo, first_bytes: &[u8]) -> TcpStream {
        let mut stream = TcpStream::connect(&demo.addr).unwrap();
        stream.write_all(first_bytes).unwrap();
        stream
    }

    fn status_of(response: &[u8]) -> Option<u16> {
        let text = String::from_utf8_lossy(response);
        text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }

    fn get_public() -> http::Request<Vec<u8>> {
        http::Request::get("/public?file=vacation.jpg").body(Vec::new()).unwrap()
    }

    const PARTIAL_HEAD: &[u8] = b"GET /public HTTP/1.1\r\nHost: photos.example.net\r\n";

    /// A body that announces 64 bytes and sends 18.
    const STALLED_BODY: &[u8] = b"POST /initiate HTTP/1.1\r\nHost: photos.example.net\r\n\
        Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 64\r\n\r\noauth_callback=oob";

    /// (a) Request heads must arrive within the header timeout (2 s here): a partial head that
    /// stalls, a connection that sends nothing, a partial HTTP/2 preface, a head trickled a byte at
    /// a time (each byte well inside any idle timeout), and a keep-alive connection left idle after
    /// its response are all closed within 10 s (5× the timeout).
    pub fn slow_request_heads_and_idle_connections_are_closed(package: &str) {
        const TIMEOUT: Duration = Duration::from_secs(2);
        const BOUND: Duration = Duration::from_secs(10);
        let demo = demo(package, &[("OAUTH1_DEMO_HEADER_TIMEOUT_MS", "2000")]);

        let trickler = {
            let mut stream = connect(&demo, b"GET /public HTTP/1.1\r\n");
            std::thread::spawn(move || trickle(&mut stream, b"X-Slow: a\r\n", Duration::from_millis(250), BOUND))
        };
        let start = Instant::now();
        let mut partial_head = connect(&demo, PARTIAL_HEAD);
        let mut nothing = connect(&demo, b"");
        let mut partial_preface = connect(&demo, b"PRI * HTTP/2.0\r\n");
        let mut idle = connect(&demo, b"GET /public HTTP/1.1\r\nHost: photos.example.net\r\n\r\n");
        let deadline = start + BOUND;

        let idle_outcome = {
            // The response first (keep-alive, so the connection stays open after it).
            idle.set_read_timeout(Some(BOUND)).unwrap();
            let mut buf = [0u8; 4096];
            let n = idle.read(&mut buf).unwrap();
            assert_eq!(status_of(&buf[..n]), Some(200), "{}", String::from_utf8_lossy(&buf[..n]));
            let answered = Instant::now();
            match wait_for_close(&mut idle, answered, answered + BOUND) {
                Outcome::Closed(after, _) => Ok(after),
                open => Err(open),
            }
        };
        let outcomes = [
            ("partial head", wait_for_close(&mut partial_head, start, deadline)),
            ("nothing", wait_for_close(&mut nothing, start, deadline)),
            ("partial HTTP/2 preface", wait_for_close(&mut partial_preface, start, deadline)),
        ];
        let trickled = trickler.join().unwrap();
        eprintln!("{outcomes:?}; trickled head: {trickled:?}; idle keep-alive: {idle_outcome:?}");

        for (what, outcome) in &outcomes {
            assert!(matches!(outcome, Outcome::Closed(..)), "{what}: still open after {BOUND:?}: {outcome:?}");
        }
        if let (_, Outcome::Closed(after, _)) = &outcomes[0] {
            assert!(*after >= TIMEOUT / 2, "the partial head was closed before its timeout: {after:?}");
        }
        let (after, _) = trickled.expect("a head trickled a byte every 250 ms was still being read after 10 s");
        assert!(after >= TIMEOUT / 2, "the trickled head was closed before its timeout: {after:?}");
        idle_outcome.expect("an idle keep-alive connection was still open after 10 s");

        // The server still serves.
        assert_eq!(send(&demo.addr, &get_public()).status(), 200);
    }

    /// (b) A request whose body stalls, or trickles in a byte at a time, is answered
    /// `408 Request Timeout` and closed once the request timeout (2 s here) has passed since its
    /// head: within 10 s.
    pub fn slow_request_bodies_are_answered_408_and_closed(package: &str) {
        const TIMEOUT: Duration = Duration::from_secs(2);
        const BOUND: Duration = Duration::from_secs(10);
        let demo = demo(package, &[("OAUTH1_DEMO_REQUEST_TIMEOUT_MS", "2000")]);

        let trickler = {
            let mut stream = connect(&demo, STALLED_BODY);
            std::thread::spawn(move || trickle(&mut stream, b"&a=b", Duration::from_millis(250), BOUND))
        };
        let start = Instant::now();
        let mut stalled = connect(&demo, STALLED_BODY);
        let stalled = wait_for_close(&mut stalled, start, start + BOUND);
        let trickled = trickler.join().unwrap();
        eprintln!("stalled body: {stalled:?}");
        eprintln!("trickled body: {:?}", trickled.as_ref().map(|(after, got)| (after, String::from_utf8_lossy(got))));

        let Outcome::Closed(after, response) = stalled else { panic!("a stalled body was still open after {BOUND:?}") };
        assert!(after >= TIMEOUT / 2, "answered before the request timeout: {after:?}");
        assert_eq!(status_of(&response), Some(408), "{}", String::from_utf8_lossy(&response));
        let (after, response) = trickled.expect("a body trickled a byte every 250 ms was still being read after 10 s");
        assert!(after >= TIMEOUT / 2, "answered before the request timeout: {after:?}");
        assert_eq!(status_of(&response), Some(408), "{}", String::from_utf8_lossy(&response));

        assert_eq!(send(&demo.addr, &get_public()).status(), 200);
    }

    /// (c) The connection limit (8 here) filled by 24 connections stalled in their request heads
    /// (the header timeout is a minute, so none times out during the test): a legitimate
    /// `GET /public` on a fresh connection is answered at once (within 10 s; it takes milliseconds),
    /// because at the limit the server closes the connection that has waited longest for its
    /// request head to make room. The 16 stalled connections over the limit, and one more for the
    /// legitimate request, are closed.
    pub fn a_limit_full_of_stalled_heads_still_serves_a_new_client(package: &str) {
        const STALLED: usize = 24;
        const LIMIT: usize = 8;
        let demo = demo(package, &[("OAUTH1_DEMO_MAX_CONNECTIONS", "8"), ("OAUTH1_DEMO_HEADER_TIMEOUT_MS", "60000")]);

        let mut stalled: Vec<TcpStream> = (0..STALLED).map(|_| connect(&demo, PARTIAL_HEAD)).collect();
        std::thread::sleep(Duration::from_millis(300));
        let start = Instant::now();
        let res = send(&demo.addr, &get_public());
        let answered = start.elapsed();
        assert_eq!(res.status(), 200);
        assert!(answered < Duration::from_secs(10), "the legitimate request waited {answered:?}");

        let deadline = Instant::now() + Duration::from_secs(10);
        let closed = stalled
            .iter_mut()
            .map(|s| wait_for_close(s, start, deadline))
            .filter(|o| matches!(o, Outcome::Closed(..)))
            .count();
        eprintln!("answered in {answered:?}; {closed} of {STALLED} stalled connections closed");
        assert!(closed > STALLED - LIMIT, "only {closed} of {STALLED} stalled connections were closed (limit {LIMIT})");
    }

    /// (c') The connection limit (4 here) filled by requests stalled in their bodies, which cannot
    /// be closed to make room: a legitimate `GET /public` waits for a slot, which the request
    /// timeout (3 s here) frees, and is answered within 15 s; it did wait (at least 0.5 s: it was
    /// sent 1 s after the stalled requests), and the stalled requests were answered 408.
    pub fn a_limit_full_of_stalled_bodies_serves_a_new_client_after_the_request_timeout(package: &str) {
        const BOUND: Duration = Duration::from_secs(15);
        let demo = demo(package, &[("OAUTH1_DEMO_MAX_CONNECTIONS", "4"), ("OAUTH1_DEMO_REQUEST_TIMEOUT_MS", "3000")]);

        let mut stalled: Vec<TcpStream> = (0..4).map(|_| connect(&demo, STALLED_BODY)).collect();
        std::thread::sleep(Duration::from_secs(1));
        let start = Instant::now();
        let res = send(&demo.addr, &get_public());
        let answered = start.elapsed();
        assert_eq!(res.status(), 200);
        eprintln!("answered in {answered:?}");
        assert!(answered < BOUND, "the legitimate request waited {answered:?}");
        assert!(answered >= Duration::from_millis(500), "answered in {answered:?}: the limit did not hold");

        let deadline = Instant::now() + BOUND;
        for s in &mut stalled {
            let outcome = wait_for_close(s, start, deadline);
            let Outcome::Closed(_, response) = &outcome else { panic!("a stalled body is still open: {outcome:?}") };
            assert_eq!(status_of(response), Some(408), "{}", String::from_utf8_lossy(response));
        }
    }

    /// (d) HTTP/2 with prior knowledge (h2c) is still served, and an HTTP/2 connection with no
    /// open stream is closed after the header timeout (2 s here): within 10 s. For the demos that
    /// serve h2c (warp's and axum's; Rocket's front is HTTP/1.1).
    pub async fn h2c_is_served_and_an_idle_http2_connection_is_closed(package: &str) {
        use http_body_util::{BodyExt, Empty};
        use hyper_util::rt::{TokioExecutor, TokioIo};

        let demo = demo(package, &[("OAUTH1_DEMO_HEADER_TIMEOUT_MS", "2000")]);
        let stream = tokio::net::TcpStream::connect(&demo.addr).await.unwrap();
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.unwrap();
        let connection = tokio::spawn(connection);
        let req = http::Request::get(format!("http://{}/public?file=vacation.jpg", demo.addr))
            .body(Empty::<hyper::body::Bytes>::new())
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!((res.version(), res.status().as_u16()), (http::Version::HTTP_2, 200));
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("vacation.jpg"), "{body:?}");

        let idle = Instant::now();
        let closed = tokio::time::timeout(Duration::from_secs(10), connection).await;
        eprintln!("idle HTTP/2 connection: {closed:?} after {:?}", idle.elapsed());
        assert!(closed.is_ok(), "an idle HTTP/2 connection was still open after 10 s");
        assert!(idle.elapsed() >= Duration::from_secs(1), "closed before the header timeout: {:?}", idle.elapsed());
    }

    /// The tests above as `#[test]` functions of the calling test crate, each against
    /// `$package`'s demo (its example `photos`), under the same names:
    /// `oauth1_tests::slow_clients_tests!("oauth1-warp");`, and with `h2c` the h2c test (d) too
    /// (a `#[tokio::test]`): `oauth1_tests::slow_clients_tests!("oauth1-warp", h2c);`.
    #[macro_export]
    macro_rules! slow_clients_tests {
        ($package:expr, h2c) => {
            $crate::slow_clients_tests!($package);

            #[tokio::test]
            async fn h2c_is_served_and_an_idle_http2_connection_is_closed() {
                $crate::slow_clients::h2c_is_served_and_an_idle_http2_connection_is_closed($package).await;
            }
        };
        ($package:expr) => {
            #[test]
            fn slow_request_heads_and_idle_connections_are_closed() {
                $crate::slow_clients::slow_request_heads_and_idle_connections_are_closed($package);
            }

            #[test]
            fn slow_request_bodies_are_answered_408_and_closed() {
                $crate::slow_clients::slow_request_bodies_are_answered_408_and_closed($package);
            }

            #[test]
            fn a_limit_full_of_stalled_heads_still_serves_a_new_client() {
                $crate::slow_clients::a_limit_full_of_stalled_heads_still_serves_a_new_client($package);
            }

            #[test]
            fn a_limit_full_of_stalled_bodies_serves_a_new_client_after_the_request_timeout() {
                $crate::slow_clients::a_limit_full_of_stalled_bodies_serves_a_new_client_after_the_request_timeout(
                    $package,
                );
            }
        };
    }
}

/// The README's code snippets, compiled and run as doctests: `cargo test -p oauth1-tests --doc`.
/// Each is a whole program, with the requests that show it accepting and refusing.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The user guides under `docs/`, compiled and run as this crate's doctests
/// (`cargo test -p oauth1-tests --doc`): every `rust` block in them is a test.
#[cfg(doctest)]
mod guides {
    #[doc = include_str!("../../docs/migrating-from-authlib.md")]
    pub struct MigratingFromAuthlib;

    #[doc = include_str!("../../docs/writing-a-store.md")]
    pub struct WritingAStore;

    #[doc = include_str!("../../docs/testing.md")]
    pub struct Testing;

    #[doc = include_str!("../../docs/deploying.md")]
    pub struct Deploying;

    #[doc = include_str!("../../docs/securing-the-consent-page.md")]
    pub struct SecuringTheConsentPage;
}
