//! The demo providers (`OAUTH1_DEMO_DATABASE_URL`) as processes on a SQL database: token
//! credentials outlive a restart (SQLite), and two processes on one PostgreSQL act as one
//! provider. Loopback only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::collections::HashMap;

use oauth1::sign::Signer;
use oauth1_tests::contract::decide_at;
use oauth1_tests::form;
use oauth1_tests::process::{Demo, example_binary};

const KEY: &str = "dpf43f3p2l4k3l03";
const SECRET: &str = "kd94hf93k423kf44";

fn printer() -> Signer {
    Signer::new(KEY, SECRET)
}

fn post(addr: &str, path: &str) -> http::Request<Vec<u8>> {
    http::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Vec::new())
        .unwrap()
}

fn photos(addr: &str, access: &HashMap<String, String>) -> http::Request<Vec<u8>> {
    printer()
        .token(&access["oauth_token"], &access["oauth_token_secret"])
        .sign(http::Request::get(format!("http://{addr}/photos?file=f")).body(Vec::new()).unwrap())
        .unwrap()
}

/// Temporary credentials from `a`, authorized by alice on `b`'s side of the consent page (the
/// page from `a`, the decision to `b`); returns them and the verifier.
fn authorized(a: &Demo, b: &Demo) -> (HashMap<String, String>, String) {
    let res = a.send(&printer().callback("oob").sign(post(&a.addr, "/initiate")).unwrap());
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let temp = form(res.body());
    // decide_at views the page and posts the decision at one address; to answer on another
    // process, view the page on `a` first (a process that never served the page can still
    // check its values: the key is shared through the database).
    let page = a.send(
        &http::Request::get(format!("http://{}/authorize?oauth_token={}", a.addr, temp["oauth_token"]))
            .body(Vec::new())
            .unwrap(),
    );
    assert_eq!(page.status(), 200);
    let html = String::from_utf8(page.body().clone()).unwrap();
    let marker = "name=\"oauth1_consent\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let hidden = &html[start..start + html[start..].find('"').unwrap()];
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let mut decision = http::Request::post(format!("http://{}/authorize", b.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(
            format!("oauth_token={}&user=alice&decision=allow&oauth1_consent={hidden}", temp["oauth_token"])
                .into_bytes(),
        )
        .unwrap();
    decision.headers_mut().insert("host", b.addr.parse().unwrap());
    let res = b.send(&decision);
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let verifier = form(res.body())["oauth_verifier"].clone();
    (temp, verifier)
}

/// A token issued by the demo on SQLite works after the demo restarts; a request accepted
/// before the restart is still a replay after it (the nonce was kept too).
#[test]
fn a_token_issued_before_a_restart_still_works_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("oauth1-sqlx-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/photos.db?mode=rwc", dir.display());
    let binary = example_binary("oauth1-warp", "photos");
    let env = [("OAUTH1_DEMO_DATABASE_URL", url.as_str())];

    let demo = Demo::start(&binary, &env);
    let res = demo.send(&printer().callback("oob").sign(post(&demo.addr, "/initiate")).unwrap());
    let temp = form(res.body());
    let res = decide_at(&demo.addr, &temp["oauth_token"], "user=alice&decision=allow");
    let verifier = form(res.body())["oauth_verifier"].clone();
    let res = demo.send(
        &printer()
            .token(&temp["oauth_token"], &temp["oauth_token_secret"])
            .verifier(&verifier)
            .sign(post(&demo.addr, "/token"))
            .unwrap(),
    );
    assert_eq!(res.status(), 200);
    let access = form(res.body());
    let before = photos(&demo.addr, &access);
    assert_eq!(demo.send(&before).status(), 200);
    let old_addr = demo.addr.clone();
    drop(demo);

    let demo = Demo::start(&binary, &env);
    let res = demo.send(&photos(&demo.addr, &access));
    assert_eq!(res.status(), 200, "{}", String::from_utf8_lossy(res.body()));
    let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!((json["user"].as_str(), json["client_id"].as_str()), (Some("alice"), Some(KEY)));
    // The request accepted before the restart, replayed to the new process (as signed: same Host).
    let mut replay = before.clone();
    *replay.uri_mut() = format!("http://{}/photos?file=f", demo.addr).parse().unwrap();
    replay.headers_mut().insert("host", old_addr.parse().unwrap());
    let res = demo.send(&replay);
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_nonce"));
    drop(demo);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The warp demo and the Rocket demo as two processes on one PostgreSQL: the consent page from
/// one answered on the other, ten concurrent exchanges of one verifier spread over both (one
/// wins), and a request accepted by one replayed to the other (refused).
#[test]
fn two_demo_processes_on_one_postgres_act_as_one() {
    let Some(url) = oauth1_tests::database_url("OAUTH1_TEST_POSTGRES_URL", "the SQL demo test on PostgreSQL") else {
        return;
    };
    let env = [("OAUTH1_DEMO_DATABASE_URL", url.as_str())];
    let a = Demo::start(&example_binary("oauth1-warp", "photos"), &env);
    let b = Demo::start(&example_binary("oauth1-rocket", "photos"), &env);

    let (temp, verifier) = authorized(&a, &b);
    let exchanges: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let demo = if i % 2 == 0 { &a } else { &b };
                let req = printer()
                    .token(&temp["oauth_token"], &temp["oauth_token_secret"])
                    .verifier(&verifier)
                    .nonce(format!("exchange-{i}"))
                    .sign(post(&demo.addr, "/token"))
                    .unwrap();
                s.spawn(move || demo.send(&req))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap().status().as_u16()).collect()
    });
    let won: Vec<_> = exchanges.iter().filter(|&&s| s == 200).collect();
    assert_eq!(won.len(), 1, "exactly one exchange wins: {exchanges:?}");
    assert!(exchanges.iter().all(|&s| s == 200 || s == 401), "{exchanges:?}");

    // The winner's token: the last exchange on one process, used on the other.
    let (temp, verifier) = authorized(&b, &a);
    let res = b.send(
        &printer()
            .token(&temp["oauth_token"], &temp["oauth_token_secret"])
            .verifier(&verifier)
            .sign(post(&b.addr, "/token"))
            .unwrap(),
    );
    assert_eq!(res.status(), 200);
    let access = form(res.body());
    let req = photos(&a.addr, &access);
    assert_eq!(a.send(&req).status(), 200);
    let mut replay = req.clone();
    *replay.uri_mut() = format!("http://{}/photos?file=f", b.addr).parse().unwrap();
    replay.headers_mut().insert("host", a.addr.parse().unwrap());
    let res = b.send(&replay);
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_nonce"));
}
