//! Load generator: what protection costs a demo provider.
//!
//! `cargo run --release -p oauth1-tests --bin loadgen -- ADDR [CONNECTIONS] [SECONDS] [ROUNDS]`
//!
//! Obtains token credentials through the real flow (the RFC's printer client, `oob`), then
//! drives `GET /public` and `GET /photos` in interleaved rounds over keep-alive connections.
//! Every request is freshly signed (a unique nonce) for both routes, so the client does the
//! same work and the difference is the provider's verification. Reports requests per second,
//! p50 and p99 per route and round, and the median protected/unprotected throughput ratio.
//! Only loopback addresses are accepted; every loop is bounded in time and count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use oauth1::sign::Signer;
use oauth1_tests::form;
use oauth1_tests::process::send;

const KEY: &str = "dpf43f3p2l4k3l03";
const SECRET: &str = "kd94hf93k423kf44";
const MAX_REQUESTS_PER_CONNECTION: u64 = 5_000_000;

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: &str) -> Conn {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Conn { reader: BufReader::new(stream.try_clone().unwrap()), writer: stream }
    }

    /// One keep-alive request; returns the status.
    fn get(&mut self, addr: &str, target: &str, authorization: &str) -> u16 {
        let req = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nauthorization: {authorization}\r\n\r\n");
        self.writer.write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).unwrap();
        status
    }
}

fn token_credentials(addr: &str) -> (String, String) {
    let printer = Signer::new(KEY, SECRET);
    let post = |path: &str, body: &str| {
        http::Request::post(format!("http://{addr}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    let temp = form(send(addr, &printer.clone().callback("oob").sign(post("/initiate", "")).unwrap()).body());
    let granted =
        send(addr, &post("/authorize", &format!("oauth_token={}&user=loadgen&decision=allow", temp["oauth_token"])));
    let verifier = form(granted.body())["oauth_verifier"].clone();
    let res = send(
        addr,
        &printer
            .token(&temp["oauth_token"], &temp["oauth_token_secret"])
            .verifier(&verifier)
            .sign(post("/token", ""))
            .unwrap(),
    );
    let access = form(res.body());
    (access["oauth_token"].clone(), access["oauth_token_secret"].clone())
}

struct RoundResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

fn round(addr: &str, path: &str, connections: usize, seconds: u64, token: &(String, String)) -> RoundResult {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..connections)
            .map(|_| {
                s.spawn(move || {
                    let signer = Signer::new(KEY, SECRET).token(&token.0, &token.1);
                    let mut conn = Conn::open(addr);
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    let target = format!("{path}?file=vacation.jpg&size=original");
                    let uri = format!("http://{addr}{target}");
                    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
                        if Instant::now() >= deadline {
                            break;
                        }
                        let signed = signer.sign(http::Request::get(uri.as_str()).body(Vec::new()).unwrap()).unwrap();
                        let authorization = signed.headers()["authorization"].to_str().unwrap().to_owned();
                        let t = Instant::now();
                        let status = conn.get(addr, &target, &authorization);
                        latencies.push(t.elapsed());
                        if status != 200 {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let errors = results.iter().map(|r| r.1).sum();
    let mut all: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    RoundResult { rps: all.len() as f64 / elapsed, p50: pick(0.50), p99: pick(0.99), errors }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).cloned().unwrap_or_else(|| "127.0.0.1:8000".into());
    let parsed: SocketAddr = addr.parse().expect("ADDR is ip:port");
    assert!(parsed.ip().is_loopback(), "the load generator only targets loopback addresses");
    let connections: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3).min(60);
    let rounds: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(5).min(50);

    let token = token_credentials(&addr);
    println!("{connections} keep-alive connections, {rounds} rounds of {seconds} s per route, interleaved");
    println!("{:>5} {:>8} {:>10} {:>10} {:>10} {:>7}", "round", "route", "rps", "p50", "p99", "errors");
    let mut ratios = Vec::new();
    for r in 0..rounds {
        let public = round(&addr, "/public", connections, seconds, &token);
        let photos = round(&addr, "/photos", connections, seconds, &token);
        for (name, x) in [("/public", &public), ("/photos", &photos)] {
            println!("{r:>5} {name:>8} {:>10.0} {:>10.1?} {:>10.1?} {:>7}", x.rps, x.p50, x.p99, x.errors);
        }
        assert_eq!(photos.errors + public.errors, 0, "every request must succeed");
        ratios.push(photos.rps / public.rps);
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    let median = ratios[ratios.len() / 2];
    println!("protected/unprotected throughput, median of {rounds} rounds: {median:.3}");
}
