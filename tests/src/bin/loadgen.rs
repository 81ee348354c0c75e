//! Load generator: what protection costs a demo provider.
//!
//! `cargo run --release -p oauth1-tests --bin loadgen -- ADDR [CONNECTIONS] [SECONDS] [ROUNDS] [SERVER_PID]`
//!
//! Obtains token credentials through the real flow (the RFC's printer client, `oob`), then
//! drives `GET /public` and `GET /photos` in interleaved rounds over keep-alive connections.
//! Every request is freshly signed (a unique nonce) for both routes, so the client does the
//! same work and the difference is the provider's verification. Reports requests per second,
//! p50 and p99 per route and round, and the median protected/unprotected throughput ratio.
//! Given the server's process id (Linux), it also reports the CPU time the server and the load
//! generator spent per request on each route (user + system time from `/proc/PID/stat`, in
//! 10 ms ticks, over rounds of thousands of requests), which tells what protection costs the
//! server itself apart from the machine's saturation.
//!
//! RSA mode (issue #20: what RSA-SHA1 costs end to end, as a ratio to HMAC-SHA1 in one run) is on
//! when `OAUTH1_LOAD_RSA_KEY` is set (`tests/load/rsa-e2e.sh` sets it up):
//!
//! | variable | what |
//! |---|---|
//! | `OAUTH1_LOAD_RSA_KEY` | path of the RSA client's private key (PEM, PKCS#8 or PKCS#1) |
//! | `OAUTH1_LOAD_RSA_CLIENT` | its client id (the demo has its public key: `OAUTH1_DEMO_CLIENTS`) |
//! | `OAUTH1_LOAD_POOL_MAX` | most requests signed per route and round (default 150000) |
//!
//! It also obtains token credentials for that client through the same flow (`oob` callback,
//! the consent page, the token exchange) signed with RSA-SHA1, and each round measures three
//! routes in turn: `/public` (the printer's HMAC-SHA1 signature, not checked), `/photos` signed
//! by the printer with HMAC-SHA1 and `/photos` signed by the RSA client with RSA-SHA1. Signing
//! with RSA (the `rsa` crate, through `oauth1::sign::Signer`) costs the client ~2.5 ms of CPU
//! per request on the 2-core test VM, far more than the server's verification, so in RSA mode the requests of *every* route are signed before their round
//! (each with its own nonce, on every online CPU: the signing threads widen the affinity a
//! `taskset -c 1` gave the process, with `taskset -p`, and end before the round), so all three
//! routes pay the same client cost during the round (writing a ready request, reading the
//! answer) and their difference is the server's. A round ends when its pool is used up or at
//! its deadline; its rate is requests / elapsed. A pool holds the route's last measured rate
//! times SECONDS times 1.25 requests (at least 1000, at most `OAUTH1_LOAD_POOL_MAX`), so rounds
//! after the first run until their deadline. It reports the median RSA/HMAC `/photos` rate
//! ratio and the server's CPU time per request on each route.
//!
//! Only loopback addresses are accepted; every loop is bounded in time and count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, RsaPrivateKey};
use oauth1_tests::form;
use oauth1_tests::process::send;

const KEY: &str = "dpf43f3p2l4k3l03";
const SECRET: &str = "kd94hf93k423kf44";
const MAX_REQUESTS_PER_CONNECTION: u64 = 5_000_000;
/// The resource every round requests.
const QUERY: &str = "?file=vacation.jpg&size=original";
/// Pre-signed requests per route and round, unless `OAUTH1_LOAD_POOL_MAX` says otherwise.
const DEFAULT_POOL_MAX: usize = 150_000;
/// The fewest requests a pool holds.
const MIN_POOL: usize = 1_000;

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
        self.exchange(request_head(addr, target, authorization).as_bytes())
    }

    /// Sends a whole request (`request_head`) on the connection; returns the status.
    fn exchange(&mut self, req: &[u8]) -> u16 {
        self.writer.write_all(req).unwrap();
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

/// A bodiless keep-alive `GET` with its `Authorization` header.
fn request_head(addr: &str, target: &str, authorization: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nauthorization: {authorization}\r\n\r\n")
}

/// Token credentials through the real flow (`oob`, the consent page, the token exchange), each
/// request signed by `client` (the client's signer, HMAC or RSA).
fn token_credentials(addr: &str, client: &Signer) -> (String, String) {
    let post = |path: &str, body: &str| {
        http::Request::post(format!("http://{addr}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    let temp = form(send(addr, &client.clone().callback("oob").sign(post("/initiate", "")).unwrap()).body());
    let granted = oauth1_tests::contract::decide_at(addr, &temp["oauth_token"], "user=loadgen&decision=allow");
    let verifier = form(granted.body())["oauth_verifier"].clone();
    let res = send(
        addr,
        &client
            .clone()
            .token(&temp["oauth_token"], &temp["oauth_token_secret"])
            .verifier(&verifier)
            .sign(post("/token", ""))
            .unwrap(),
    );
    assert_eq!(res.status(), 200, "token exchange: {}", String::from_utf8_lossy(res.body()));
    let access = form(res.body());
    (access["oauth_token"].clone(), access["oauth_token_secret"].clone())
}

struct RoundResult {
    rps: f64,
    requests: usize,
    p50: Duration,
    p99: Duration,
    errors: u64,
    elapsed: Duration,
    /// Whether the round ended because its pre-signed requests were used up.
    exhausted: bool,
}

/// CPU time (user + system, all threads, exited ones included) a process has used, from
/// `/proc/PID/stat`.
fn cpu_time(pid: &str) -> Option<Duration> {
    cpu_time_of_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Fields 14 and 15 (`utime`, `stime`) of a `/proc/PID/stat` line, in the kernel's fixed
/// 100 Hz `USER_HZ` ticks.
fn cpu_time_of_stat(stat: &str) -> Option<Duration> {
    // The command name (field 2, in parentheses) may hold spaces and ')'; the fields after
    // its last ')' do not.
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = after_name.split(' ').skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// CPU time of the server and of this process per request of one round.
struct CpuPerRequest {
    server: Duration,
    client: Duration,
}

/// Runs `round` and charges the CPU time both processes used during it to its requests.
fn measured(server: Option<&str>, round: impl FnOnce() -> RoundResult) -> (RoundResult, Option<CpuPerRequest>) {
    let before = server.and_then(cpu_time).zip(cpu_time("self"));
    let result = round();
    let after = server.and_then(cpu_time).zip(cpu_time("self"));
    let per_request = before.zip(after).and_then(|((s0, c0), (s1, c1))| {
        let n = u32::try_from(result.requests).ok().filter(|n| *n > 0)?;
        Some(CpuPerRequest { server: (s1.saturating_sub(s0)) / n, client: (c1.saturating_sub(c0)) / n })
    });
    (result, per_request)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
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
                    let target = format!("{path}{QUERY}");
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
    summarize(results, started.elapsed(), false)
}

/// A round's figures from each connection's latencies and error count.
fn summarize(results: Vec<(Vec<Duration>, u64)>, elapsed: Duration, exhausted: bool) -> RoundResult {
    let errors = results.iter().map(|r| r.1).sum();
    let mut all: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    RoundResult {
        rps: all.len() as f64 / elapsed.as_secs_f64(),
        requests: all.len(),
        p50: pick(0.50),
        p99: pick(0.99),
        errors,
        elapsed,
        exhausted,
    }
}

/// A round of pre-signed requests (`request_head`s) over `connections` keep-alive connections:
/// it ends when `pool` is used up or at the deadline, whichever comes first.
fn presigned_round(addr: &str, connections: usize, seconds: u64, pool: &[String]) -> RoundResult {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Vec<(Vec<Duration>, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..connections)
            .map(|_| {
                let next = &next;
                s.spawn(move || {
                    let mut conn = Conn::open(addr);
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    for _ in 0..pool.len() {
                        if Instant::now() >= deadline {
                            break;
                        }
                        let Some(req) = pool.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                        let t = Instant::now();
                        let status = conn.exchange(req.as_bytes());
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
    summarize(results, started.elapsed(), next.load(Ordering::Relaxed) >= pool.len())
}

/// How many CPUs a `cpulist` (`/sys/devices/system/cpu/online`: `0-1`, `0,2-3`) names.
fn cpu_count(list: &str) -> Option<usize> {
    let mut n = 0;
    for part in list.trim().split(',') {
        n += match part.split_once('-') {
            Some((a, b)) => b.parse::<usize>().ok()?.checked_sub(a.parse().ok()?)? + 1,
            None => part.parse::<usize>().map(|_| 1).ok()?,
        };
    }
    Some(n)
}

/// The CPUs online, as a cpulist and a count; `None` off Linux.
fn online_cpus() -> Option<(String, usize)> {
    let list = std::fs::read_to_string("/sys/devices/system/cpu/online").ok()?;
    let n = cpu_count(&list)?;
    Some((list.trim().to_owned(), n))
}

/// Lets the calling thread run on every online CPU (`taskset -p -c LIST TID`), whatever
/// affinity the process was started with; does nothing when that fails. Only signing threads
/// call it: the threads that time requests keep the process's affinity.
fn widen_affinity(online: &str) {
    let Ok(link) = std::fs::read_link("/proc/thread-self") else { return };
    let Some(tid) = link.file_name().and_then(|t| t.to_str()).map(str::to_owned) else { return };
    let _ = std::process::Command::new("taskset")
        .args(["-p", "-c", online, &tid])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// `n` requests for `path` signed by `signer`, each with its own nonce, as `request_head`s,
/// signed on every online CPU.
fn sign_pool(addr: &str, path: &str, signer: &Signer, n: usize) -> Vec<String> {
    let (online, threads) =
        online_cpus().unwrap_or_else(|| (String::new(), std::thread::available_parallelism().map_or(1, |n| n.get())));
    let per_thread = n.div_ceil(threads.max(1));
    let target = format!("{path}{QUERY}");
    let uri = format!("http://{addr}{target}");
    let (online, target, uri) = (online.as_str(), target.as_str(), uri.as_str());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let count = per_thread.min(n.saturating_sub(t * per_thread));
                s.spawn(move || {
                    if !online.is_empty() {
                        widen_affinity(online);
                    }
                    (0..count)
                        .map(|_| {
                            let signed = signer.sign(http::Request::get(uri).body(Vec::new()).unwrap()).unwrap();
                            request_head(addr, target, signed.headers()["authorization"].to_str().unwrap())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// Requests to sign for a round of `seconds` at `rps`: a quarter more than it should take,
/// within `[MIN_POOL, max]`.
fn pool_size(rps: f64, seconds: u64, max: usize) -> usize {
    let want = rps * seconds as f64 * 1.25;
    let want = if want.is_finite() && want > 0.0 { want.ceil() as usize } else { 0 };
    want.clamp(MIN_POOL, max.max(MIN_POOL))
}

/// RSA mode's client: `OAUTH1_LOAD_RSA_CLIENT` signing with the key at `OAUTH1_LOAD_RSA_KEY`.
struct RsaClient {
    id: String,
    key: RsaPrivateKey,
}

impl RsaClient {
    /// Its signer: RSA-SHA1, in the header, no shared secret.
    fn signer(&self) -> Signer {
        Signer::new(&self.id, "").method(SigningMethod::Rsa(Algorithm::Sha1, Box::new(self.key.clone())))
    }
}

/// The RSA client when `OAUTH1_LOAD_RSA_KEY` is set (not empty).
fn rsa_client_from_env() -> Option<RsaClient> {
    let path = std::env::var("OAUTH1_LOAD_RSA_KEY").ok().filter(|p| !p.is_empty())?;
    let id = std::env::var("OAUTH1_LOAD_RSA_CLIENT")
        .ok()
        .filter(|c| !c.is_empty())
        .expect("OAUTH1_LOAD_RSA_CLIENT: the client id of OAUTH1_LOAD_RSA_KEY");
    let pem = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("OAUTH1_LOAD_RSA_KEY={path}: {e}"));
    let key = RsaPrivateKey::from_pem(&pem).unwrap_or_else(|e| panic!("OAUTH1_LOAD_RSA_KEY={path}: {e}"));
    Some(RsaClient { id, key })
}

/// A route of RSA mode.
struct Route {
    name: &'static str,
    path: &'static str,
    signer: Signer,
    /// Requests per second assumed before the first round (its pool's size).
    first_estimate: f64,
}

/// RSA mode (see the header): `/public`, `/photos` with HMAC-SHA1 and `/photos` with RSA-SHA1
/// in interleaved rounds of pre-signed requests.
fn rsa_mode(addr: &str, connections: usize, seconds: u64, rounds: usize, server_pid: Option<&str>, rsa: &RsaClient) {
    let pool_max: usize = std::env::var("OAUTH1_LOAD_POOL_MAX")
        .ok()
        .map(|v| v.parse().expect("OAUTH1_LOAD_POOL_MAX is a number"))
        .unwrap_or(DEFAULT_POOL_MAX);
    let printer = Signer::new(KEY, SECRET);
    let hmac_token = token_credentials(addr, &printer);
    let rsa_token = token_credentials(addr, &rsa.signer());
    let hmac = printer.token(&hmac_token.0, &hmac_token.1);
    let routes = [
        Route { name: "/public", path: "/public", signer: hmac.clone(), first_estimate: 20_000.0 },
        Route { name: "/photos", path: "/photos", signer: hmac, first_estimate: 20_000.0 },
        Route {
            name: "/photos RSA",
            path: "/photos",
            signer: rsa.signer().token(&rsa_token.0, &rsa_token.1),
            first_estimate: 4_000.0,
        },
    ];
    println!(
        "RSA mode (client {}): {connections} keep-alive connections, {rounds} rounds of at most {seconds} s per \
         route, interleaved; every request signed before its round",
        rsa.id
    );
    println!(
        "{:>5} {:>11} {:>10} {:>10} {:>10} {:>7} {:>12} {:>12} {:>8} {:>9} {:>8} {:>5}",
        "round",
        "route",
        "rps",
        "p50",
        "p99",
        "errors",
        "server CPU",
        "client CPU",
        "pool",
        "signing",
        "elapsed",
        "end"
    );
    let mut estimate: Vec<f64> = routes.iter().map(|r| r.first_estimate).collect();
    // Per route: rps and server CPU µs per request, one entry per round.
    let mut rps: [Vec<f64>; 3] = Default::default();
    let mut server_cpu: [Vec<f64>; 3] = Default::default();
    for r in 0..rounds {
        for (i, route) in routes.iter().enumerate() {
            let n = pool_size(estimate[i], seconds, pool_max);
            let signing = Instant::now();
            let pool = sign_pool(addr, route.path, &route.signer, n);
            let signing = signing.elapsed();
            let (x, cpu) = measured(server_pid, || presigned_round(addr, connections, seconds, &pool));
            drop(pool);
            let (server, client) = match &cpu {
                Some(c) => (format!("{:.1?}", c.server), format!("{:.1?}", c.client)),
                None => ("-".into(), "-".into()),
            };
            println!(
                "{r:>5} {:>11} {:>10.0} {:>10.1?} {:>10.1?} {:>7} {server:>12} {client:>12} {n:>8} {:>9.1?} {:>8.2?} {:>5}",
                route.name,
                x.rps,
                x.p50,
                x.p99,
                x.errors,
                signing,
                x.elapsed,
                if x.exhausted { "pool" } else { "time" }
            );
            assert_eq!(x.errors, 0, "every request must succeed ({})", route.name);
            if x.rps > 0.0 {
                estimate[i] = x.rps;
            }
            rps[i].push(x.rps);
            if let Some(c) = cpu {
                server_cpu[i].push(c.server.as_secs_f64() * 1e6);
            }
        }
    }
    let ratio = |a: usize, b: usize| median(rps[a].iter().zip(&rps[b]).map(|(x, y)| x / y).collect());
    let (hmac_over_public, rsa_over_hmac) = (ratio(1, 0), ratio(2, 1));
    println!("/photos HMAC-SHA1 ÷ /public, median of {rounds} rounds: {hmac_over_public:.3}");
    println!("/photos RSA-SHA1 ÷ /photos HMAC-SHA1, median of {rounds} rounds: {rsa_over_hmac:.3}");
    let cpu = |i: usize| median(server_cpu[i].clone());
    let difference =
        |a: usize, b: usize| median(server_cpu[a].iter().zip(&server_cpu[b]).map(|(x, y)| x - y).collect());
    if server_cpu.iter().all(|v| v.len() == rounds && rounds > 0) {
        println!(
            "server CPU per request, median of {rounds} rounds: /public {:.1} µs, /photos HMAC {:.1} µs, /photos RSA \
             {:.1} µs; RSA − HMAC {:.1} µs",
            cpu(0),
            cpu(1),
            cpu(2),
            difference(2, 1)
        );
    }
    // One line for scripts (tests/load/rsa-e2e.sh).
    println!(
        "summary rps_public={:.0} rps_hmac={:.0} rps_rsa={:.0} hmac_over_public={hmac_over_public:.3} \
         rsa_over_hmac={rsa_over_hmac:.3} server_us_public={:.1} server_us_hmac={:.1} server_us_rsa={:.1} \
         server_us_rsa_minus_hmac={:.1}",
        median(rps[0].clone()),
        median(rps[1].clone()),
        median(rps[2].clone()),
        cpu(0),
        cpu(1),
        cpu(2),
        difference(2, 1)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).cloned().unwrap_or_else(|| "127.0.0.1:8000".into());
    let parsed: SocketAddr = addr.parse().expect("ADDR is ip:port");
    assert!(parsed.ip().is_loopback(), "the load generator only targets loopback addresses");
    let connections: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3).min(300);
    let rounds: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(5).min(50);

    let server_pid = args.get(5).map(String::as_str);
    if let Some(pid) = server_pid {
        assert!(cpu_time(pid).is_some(), "cannot read /proc/{pid}/stat");
    }

    if let Some(rsa) = rsa_client_from_env() {
        return rsa_mode(&addr, connections, seconds, rounds, server_pid, &rsa);
    }
    let token = token_credentials(&addr, &Signer::new(KEY, SECRET));
    println!("{connections} keep-alive connections, {rounds} rounds of {seconds} s per route, interleaved");
    println!(
        "{:>5} {:>8} {:>10} {:>10} {:>10} {:>7} {:>12} {:>12}",
        "round", "route", "rps", "p50", "p99", "errors", "server CPU", "client CPU"
    );
    let mut ratios = Vec::new();
    let mut server_cpu: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for r in 0..rounds {
        let public = measured(server_pid, || round(&addr, "/public", connections, seconds, &token));
        let photos = measured(server_pid, || round(&addr, "/photos", connections, seconds, &token));
        for (i, (name, (x, cpu))) in [("/public", &public), ("/photos", &photos)].into_iter().enumerate() {
            let (server, client) = match cpu {
                Some(c) => (format!("{:.1?}", c.server), format!("{:.1?}", c.client)),
                None => ("-".into(), "-".into()),
            };
            println!(
                "{r:>5} {name:>8} {:>10.0} {:>10.1?} {:>10.1?} {:>7} {server:>12} {client:>12}",
                x.rps, x.p50, x.p99, x.errors
            );
            if let (Some(c), Some(v)) = (cpu, server_cpu.get_mut(i)) {
                v.push(c.server.as_secs_f64() * 1e6);
            }
        }
        assert_eq!(photos.0.errors + public.0.errors, 0, "every request must succeed");
        ratios.push(photos.0.rps / public.0.rps);
    }
    println!("protected/unprotected throughput, median of {rounds} rounds: {:.3}", median(ratios));
    if let [public, photos] = &server_cpu
        && !public.is_empty()
    {
        let differences: Vec<f64> = public.iter().zip(photos).map(|(a, b)| b - a).collect();
        println!(
            "server CPU per request, median of {rounds} rounds: /public {:.1} µs, /photos {:.1} µs, \
             protection {:.1} µs",
            median(public.clone()),
            median(photos.clone()),
            median(differences)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_utime_plus_stime() {
        let stat = "4242 (photos (warp) x) S 1 4242 4242 0 -1 4194304 812 0 0 0 1234 56 0 0 20 0 3 0 99 1 2";
        assert_eq!(cpu_time_of_stat(stat), Some(Duration::from_millis(12_900)));
        assert_eq!(cpu_time_of_stat("4242 (photos) S 1"), None);
        assert!(cpu_time("self").is_some(), "this process's own /proc entry reads");
    }

    #[test]
    fn cpu_lists_are_counted() {
        assert_eq!(cpu_count("0-1\n"), Some(2));
        assert_eq!(cpu_count("0"), Some(1));
        assert_eq!(cpu_count("0,2-3,8-11"), Some(7));
        assert_eq!(cpu_count(""), None);
        assert_eq!(cpu_count("3-1"), None);
        assert_eq!(cpu_count("a-b"), None);
        let (_, n) = online_cpus().expect("Linux says which CPUs are online");
        assert!(n >= 1);
    }

    #[test]
    fn pools_last_a_quarter_longer_than_the_round_within_bounds() {
        assert_eq!(pool_size(4_000.0, 3, 150_000), 15_000);
        assert_eq!(pool_size(100.0, 3, 150_000), MIN_POOL);
        assert_eq!(pool_size(1e9, 3, 150_000), 150_000);
        assert_eq!(pool_size(f64::NAN, 3, 150_000), MIN_POOL);
        assert_eq!(pool_size(f64::INFINITY, 3, 150_000), MIN_POOL);
        assert_eq!(pool_size(4_000.0, 3, 10), MIN_POOL, "the floor wins over a smaller maximum");
    }

    #[test]
    fn a_request_head_is_a_keep_alive_get() {
        assert_eq!(
            request_head("127.0.0.1:8000", "/photos?x=1", "OAuth a=\"b\""),
            "GET /photos?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8000\r\nauthorization: OAuth a=\"b\"\r\n\r\n"
        );
    }

    #[test]
    fn median_of_an_odd_and_an_even_count() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(median(Vec::new()).is_nan());
    }
}
