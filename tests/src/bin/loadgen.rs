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
    let granted = oauth1_tests::contract::decide_at(addr, &temp["oauth_token"], "user=loadgen&decision=allow");
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
    requests: usize,
    p50: Duration,
    p99: Duration,
    errors: u64,
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
    RoundResult { rps: all.len() as f64 / elapsed, requests: all.len(), p50: pick(0.50), p99: pick(0.99), errors }
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

    let token = token_credentials(&addr);
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
    fn median_of_an_odd_and_an_even_count() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(median(Vec::new()).is_nan());
    }
}
