//! The photos demo (`examples/photos.rs`) as its own process on a free port, driven over real
//! HTTP through the demo contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use oauth1::sign::Signer;
use oauth1_tests::form;
use oauth1_tests::process::{Demo, example_binary};

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

fn demo() -> Demo {
    Demo::start(&example_binary("oauth1-warp", "photos"), &[])
}

/// Initiate → consent page → allow → token → photos, with a callback that has its own query.
#[test]
fn three_legged_flow_over_http() {
    let demo = demo();
    let printer = Signer::new(KEY, SECRET);
    let req = printer
        .clone()
        .callback("http://printer.example.com/ready?job=7")
        .sign(post_form(&url(&demo, "/initiate"), ""))
        .unwrap();
    let res = demo.send(&req);
    assert_eq!(res.status(), 200, "{}", body(&res));
    let f = form(res.body());
    assert_eq!(f["oauth_callback_confirmed"], "true");
    let (token, secret) = (f["oauth_token"].clone(), f["oauth_token_secret"].clone());

    let res = demo.send(&get(&url(&demo, &format!("/authorize?oauth_token={token}"))));
    assert_eq!(res.status(), 200);
    assert!(body(&res).contains("Printer"), "{}", body(&res));

    let res =
        demo.send(&post_form(&url(&demo, "/authorize"), &format!("oauth_token={token}&user=alice&decision=allow")));
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("http://printer.example.com/ready?job=7&oauth_token={token}&oauth_verifier=")),
        "{location}"
    );
    let verifier = location.split("oauth_verifier=").nth(1).unwrap();

    let req =
        printer.clone().token(&token, &secret).verifier(verifier).sign(post_form(&url(&demo, "/token"), "")).unwrap();
    let res = demo.send(&req);
    assert_eq!(res.status(), 200, "{}", body(&res));
    let f = form(res.body());
    let access = printer.clone().token(&f["oauth_token"], &f["oauth_token_secret"]);

    let req = access.clone().sign(get(&url(&demo, "/photos?file=vacation.jpg&size=original"))).unwrap();
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

    let req = access
        .transport(oauth1::Transport::Body)
        .sign(post_form(&url(&demo, "/photos"), "file=a%20b.jpg&size=small"))
        .unwrap();
    let res = demo.send(&req);
    assert_eq!(res.status(), 200, "{}", body(&res));
    let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!((json["user"].as_str(), json["file"].as_str()), (Some("alice"), Some("a b.jpg")));

    let res = demo.send(&get(&url(&demo, "/public?file=f&size=s")));
    let json: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(json, serde_json::json!({"user": null, "client_id": null, "file": "f", "size": "s"}));
}

/// `oob`: the verifier comes back in a form body; deny discards the request.
#[test]
fn out_of_band_and_deny_over_http() {
    let demo = demo();
    let printer = Signer::new(KEY, SECRET);
    let initiate = || {
        let res = demo.send(&printer.clone().callback("oob").sign(post_form(&url(&demo, "/initiate"), "")).unwrap());
        let f = form(res.body());
        (f["oauth_token"].clone(), f["oauth_token_secret"].clone())
    };
    let (token, secret) = initiate();
    let res = demo.send(&post_form(&url(&demo, "/authorize"), &format!("oauth_token={token}&user=bob&decision=allow")));
    assert_eq!(res.status(), 200);
    let verifier = form(res.body())["oauth_verifier"].clone();
    let res = demo.send(
        &printer.clone().token(&token, &secret).verifier(&verifier).sign(post_form(&url(&demo, "/token"), "")).unwrap(),
    );
    assert_eq!(res.status(), 200);

    let (token, secret) = initiate();
    let res = demo.send(&post_form(&url(&demo, "/authorize"), &format!("oauth_token={token}&user=bob&decision=deny")));
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (400, "access_denied"));
    let res = demo.send(
        &printer.clone().token(&token, &secret).verifier("x").sign(post_form(&url(&demo, "/token"), "")).unwrap(),
    );
    assert_eq!(res.status(), 401);
    // Unknown or used tokens on the consent page are 4xx; so is an allow without a user.
    assert_eq!(demo.send(&get(&url(&demo, &format!("/authorize?oauth_token={token}")))).status(), 401);
    let (token, _) = initiate();
    let res = demo.send(&post_form(&url(&demo, "/authorize"), &format!("oauth_token={token}&decision=allow")));
    assert_eq!(res.status(), 400);
}

/// Garbage never crashes the server; it answers 4xx and keeps serving.
#[test]
fn bad_input_is_4xx_and_the_server_survives() {
    let demo = demo();
    for (method, path, auth) in [
        ("GET", "/photos?a=%zz", None),
        ("GET", "/photos", Some("OAuth a=\"unterminated")),
        ("GET", "/photos", Some("OAuth oauth_consumer_key=\"x\", oauth_consumer_key=\"y\"")),
        ("POST", "/initiate?oauth_nonce=1", Some("OAuth oauth_nonce=\"2\"")),
        ("GET", "/photos", Some("Basic Zm9vOmJhcg==")),
    ] {
        let mut req = http::Request::builder().method(method).uri(url(&demo, path));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = demo.send(&req.body(Vec::new()).unwrap());
        assert!(res.status().is_client_error(), "{method} {path} {auth:?}: {}", res.status());
    }
    assert_eq!(demo.send(&get(&url(&demo, "/public"))).status(), 200);
}
