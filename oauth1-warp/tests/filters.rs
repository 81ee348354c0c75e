//! Every filter, every error mapping and the whole three-legged flow, through `warp::test`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use bytes::Bytes;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::Algorithm;
use oauth1::{Authenticated, Transport};
use oauth1_tests::{CLIENT, NOW, Provider, form, request, rsa_sha1, signer};
use warp::http::Response;
use warp::{Filter, Rejection, Reply};

const LIMIT: u64 = 1024;

/// Sends a signed `http::Request` through `filter` (the `Host` header from its URI).
async fn send<F>(filter: &F, req: http::Request<Vec<u8>>) -> Response<Bytes>
where
    F: Filter + 'static,
    F::Extract: Reply + Send,
{
    let mut t = warp::test::request().method(req.method().as_str()).path(req.uri().path_and_query().unwrap().as_str());
    if let Some(host) = req.uri().authority() {
        t = t.header("host", host.as_str());
    }
    for (k, v) in req.headers() {
        t = t.header(k.as_str(), v.to_str().unwrap());
    }
    t.body(req.body().clone()).reply(filter).await
}

fn routes(p: &Provider) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone + 'static {
    let rp = p.server.resource_protector();
    let initiate = warp::path!("oauth" / "initiate").and(oauth1_warp::temporary_credentials(p.server.clone(), LIMIT));
    let token = warp::path!("oauth" / "token").and(oauth1_warp::token_credentials(p.server.clone(), LIMIT));
    let user = warp::path!("user")
        .and(warp::get())
        .and(oauth1_warp::protected(rp.clone()))
        .map(|who: Authenticated| who.user_id().unwrap_or_default().to_owned());
    let post = warp::path!("user").and(warp::post()).and(oauth1_warp::protected_form(rp.clone(), LIMIT)).map(
        |who: Authenticated, body: Bytes| {
            format!("{}:{}", who.user_id().unwrap_or_default(), String::from_utf8_lossy(&body))
        },
    );
    let lti = warp::path!("lti")
        .and(oauth1_warp::consumer_only(rp, LIMIT))
        .map(|who: Authenticated, _body: Bytes| who.consumer_key().to_owned());
    initiate
        .map(Reply::into_response)
        .or(token.map(Reply::into_response))
        .unify()
        .or(user.map(Reply::into_response))
        .unify()
        .or(post.map(Reply::into_response))
        .unify()
        .or(lti.map(Reply::into_response))
        .unify()
        .recover(oauth1_warp::recover)
        .unify()
}

fn body_text(res: &Response<Bytes>) -> String {
    String::from_utf8(res.body().to_vec()).unwrap()
}

#[tokio::test]
async fn endpoints_answer_errors_themselves() {
    let p = Provider::new();
    let r = routes(&p);
    let res = send(&r, request("GET", "http://localhost/oauth/initiate", None)).await;
    assert_eq!((res.status().as_u16(), res.headers()["allow"].to_str().unwrap()), (405, "POST"));
    let res = send(&r, request("POST", "http://localhost/oauth/initiate", Some(""))).await;
    assert_eq!(res.status(), 400);
    assert_eq!(form(res.body())["oauth_problem"], "parameter_absent");
    let bad = Signer::new(CLIENT, "wrong")
        .timestamp(NOW)
        .callback("oob")
        .sign(request("POST", "http://localhost/oauth/initiate", None))
        .unwrap();
    let res = send(&r, bad).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    let res = send(&r, request("POST", "http://localhost/oauth/token", Some("oauth_consumer_key=client"))).await;
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (400, "missing_required_parameter"));
}

#[tokio::test]
async fn protected_reads_header_and_query_signatures() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    for transport in [Transport::Header, Transport::Query] {
        let req = signer()
            .token("valid-token", "valid-token-secret")
            .transport(transport)
            .sign(request("GET", "http://localhost/user?x=1", None))
            .unwrap();
        let res = send(&r, req.clone()).await;
        assert_eq!((res.status().as_u16(), body_text(&res)), (200, "1".to_owned()), "{transport:?}");
        // Replay.
        let res = send(&r, req).await;
        assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_nonce"));
        assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    }
    // Unsigned: 400 through recover.
    let res = send(&r, request("GET", "http://localhost/user", None)).await;
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (400, "missing_required_parameter"));
    // A wrong token secret: 401.
    let req = signer().token("valid-token", "nope").sign(request("GET", "http://localhost/user", None)).unwrap();
    assert_eq!(send(&r, req).await.status(), 401);
}

#[tokio::test]
async fn protected_fails_closed_on_form_bodies_and_protected_form_reads_them() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let header_only =
        warp::path!("user").and(oauth1_warp::protected(rp)).map(|_: Authenticated| "ok").recover(oauth1_warp::recover);
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/user", Some("a=1")))
        .unwrap();
    let res = send(&header_only, req.clone()).await;
    assert_eq!(res.status(), 400, "{}", body_text(&res));
    // The form-reading filter accepts the same request and hands the body over.
    let res = send(&routes(&p), req).await;
    assert_eq!(res.status(), 200, "{}", body_text(&res));
    assert!(body_text(&res).starts_with("1:a=1&oauth_"));
}

#[tokio::test]
async fn protected_never_touches_other_bodies() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let route = warp::path!("upload")
        .and(oauth1_warp::protected(rp))
        .and(warp::body::bytes())
        .map(|_: Authenticated, body: Bytes| body.len().to_string())
        .recover(oauth1_warp::recover);
    let req = http::Request::post("http://localhost/upload")
        .header("content-type", "image/jpeg")
        .body(vec![7u8; 5000])
        .unwrap();
    let req = signer().token("valid-token", "valid-token-secret").sign(req).unwrap();
    let res = send(&route, req).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "5000".to_owned()));
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let p = Provider::new().with_token().await;
    let big = format!("a={}", "x".repeat(2000));
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/user", Some(&big)))
        .unwrap();
    let res = send(&routes(&p), req).await;
    assert_eq!(res.status(), 413);
    let req = signer()
        .callback("oob")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/oauth/initiate", Some(&big)))
        .unwrap();
    assert_eq!(send(&routes(&p), req).await.status(), 413);
}

#[tokio::test]
async fn consumer_only_launches() {
    let p = Provider::new();
    let req = signer()
        .transport(Transport::Body)
        .callback("about:blank")
        .sign(request(
            "POST",
            "http://localhost/lti",
            Some("lti_message_type=basic-lti-launch-request&resource_link_id=1"),
        ))
        .unwrap();
    let res = send(&routes(&p), req).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, CLIENT.to_owned()));
}

#[tokio::test]
async fn pending_authorization_filter() {
    let p = Provider::new();
    let filter = oauth1_warp::pending_authorization(p.server.clone())
        .map(|pending: oauth1::server::PendingAuthorization| pending.client.name)
        .recover(oauth1_warp::recover);
    let res = warp::test::request().path("/authorize").reply(&filter).await;
    assert_eq!(res.status(), 400);
    let res = warp::test::request().path("/authorize?oauth_token=nope").reply(&filter).await;
    assert_eq!(res.status(), 401);
    // The refusal carries the server's realm.
    assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
    let token = p.temporary("oob").await;
    let res = warp::test::request().path(&format!("/authorize?oauth_token={token}")).reply(&filter).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "Authlib test client".to_owned()));
    let twice = format!("/authorize?oauth_token={token}&oauth_token={token}");
    let res = warp::test::request().path(&twice).reply(&filter).await;
    assert_eq!(
        (res.status().as_u16(), form(res.body())["error"].as_str()),
        (400, "duplicated_oauth_protocol_parameter")
    );
}

/// A handler refuses with a core error the way the filters do.
#[tokio::test]
async fn handlers_reject_with_core_errors() {
    let filter = warp::path("admin")
        .and_then(|| async {
            Err::<String, _>(warp::reject::custom(
                oauth1_warp::Rejected::new(oauth1::Error::invalid_token()).with_realm("Photos"),
            ))
        })
        .recover(oauth1_warp::recover);
    let res = warp::test::request().path("/admin").reply(&filter).await;
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_token"));
    assert_eq!(res.headers()["www-authenticate"], "OAuth realm=\"Photos\"");
}

#[tokio::test]
async fn other_rejections_pass_through_recover() {
    let p = Provider::new();
    let res = warp::test::request().path("/nowhere").reply(&routes(&p)).await;
    assert_eq!(res.status(), 404);
}

/// warp tries `a.or(b)` in order: protection placed after the path filter runs once; placed
/// before it, the first branch spends the nonce and the second sees a replay.
#[tokio::test]
async fn nonce_is_consumed_once_when_protection_comes_last() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let right = warp::path!("a")
        .and(oauth1_warp::protected(rp.clone()))
        .map(|_: Authenticated| "a")
        .or(warp::path!("b").and(oauth1_warp::protected(rp.clone())).map(|_: Authenticated| "b"))
        .recover(oauth1_warp::recover);
    let req =
        signer().token("valid-token", "valid-token-secret").sign(request("GET", "http://localhost/b", None)).unwrap();
    let res = send(&right, req).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "b".to_owned()));

    let wrong = oauth1_warp::protected(rp.clone())
        .and(warp::path!("a"))
        .map(|_: Authenticated| "a")
        .or(oauth1_warp::protected(rp).and(warp::path!("b")).map(|_: Authenticated| "b"))
        .recover(oauth1_warp::recover);
    let req =
        signer().token("valid-token", "valid-token-secret").sign(request("GET", "http://localhost/b", None)).unwrap();
    let res = send(&wrong, req).await;
    assert_eq!((res.status().as_u16(), form(res.body())["error"].as_str()), (401, "invalid_nonce"));
}

#[tokio::test]
async fn three_legged_flow_every_transport_method_and_callback() {
    let methods = || [SigningMethod::Hmac(Algorithm::Sha1), rsa_sha1(), SigningMethod::Plaintext];
    for transport in [Transport::Header, Transport::Query, Transport::Body] {
        for (i, method) in methods().into_iter().enumerate() {
            for callback in ["oob", "https://client.test/ready?x=a%20b&y=1"] {
                let p = Provider::new();
                let r = routes(&p);
                let body = (transport == Transport::Body).then_some("");
                let s =
                    || signer().method(method.clone()).transport(transport).nonce(format!("n{i}{}", callback.len()));
                let res = send(
                    &r,
                    s().callback(callback).sign(request("POST", "http://localhost/oauth/initiate", body)).unwrap(),
                )
                .await;
                assert_eq!(res.status(), 200, "{transport:?} {method:?} {callback}: {}", body_text(&res));
                let f = form(res.body());
                let (token, secret) = (f["oauth_token"].clone(), f["oauth_token_secret"].clone());
                let verifier = oauth1_tests::grant_verifier(&p.server, &token, callback).await;
                let req = s()
                    .token(&token, &secret)
                    .verifier(&verifier)
                    .sign(request("POST", "http://localhost/oauth/token", body))
                    .unwrap();
                let res = send(&r, req).await;
                assert_eq!(res.status(), 200, "{transport:?} {method:?}: {}", body_text(&res));
                let f = form(res.body());
                let req = s()
                    .token(&f["oauth_token"], &f["oauth_token_secret"])
                    .sign(request(
                        if body.is_some() { "POST" } else { "GET" },
                        "http://localhost/user?file=vacation.jpg",
                        body,
                    ))
                    .unwrap();
                let res = send(&r, req).await;
                assert_eq!(res.status(), 200, "{transport:?} {method:?}: {}", body_text(&res));
                assert!(body_text(&res).starts_with("alice"));
            }
        }
    }
}

/// Sends `req` as an HTTP/2 request reaches warp: the authority in the request URI (from
/// `:authority`) and no `Host` header.
async fn send_without_host<F>(filter: &F, req: http::Request<Vec<u8>>) -> Response<Bytes>
where
    F: Filter + 'static,
    F::Extract: Reply + Send,
{
    let mut t = warp::test::request().method(req.method().as_str()).path(&req.uri().to_string());
    for (k, v) in req.headers() {
        t = t.header(k.as_str(), v.to_str().unwrap());
    }
    assert!(!req.headers().contains_key("host"));
    t.body(req.body().clone()).reply(filter).await
}

/// HTTP/2 carries the authority in `:authority`, not `Host`: every filter must still find it.
#[tokio::test]
async fn the_authority_is_taken_from_the_uri_without_a_host_header() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    let get = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", "http://localhost/user?x=1", None))
        .unwrap();
    let res = send_without_host(&r, get).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "1".to_owned()));
    let post = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/user", Some("a=1")))
        .unwrap();
    let res = send_without_host(&r, post).await;
    assert_eq!(res.status(), 200, "{}", body_text(&res));
    assert!(body_text(&res).starts_with("1:a=1&oauth_"));
    let initiate = signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    let res = send_without_host(&r, initiate).await;
    assert_eq!(res.status(), 200, "{}", body_text(&res));
    // The signature still covers the authority: one signed for another host fails.
    let other = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", "http://evil.test/user", None))
        .unwrap();
    let (mut parts, body) = other.into_parts();
    parts.uri = "http://localhost/user".parse().unwrap();
    let res = send_without_host(&r, http::Request::from_parts(parts, body)).await;
    assert_eq!(res.status(), 401);
}

/// A form body may arrive without `Content-Length` (HTTP/2, or HTTP/1.1 chunked): `protected`,
/// which never reads the body, cannot know its parameters and must refuse.
#[tokio::test]
async fn protected_fails_closed_on_form_bodies_without_content_length() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let header_only =
        warp::path!("user").and(oauth1_warp::protected(rp)).map(|_: Authenticated| "ok").recover(oauth1_warp::recover);
    let signed = || {
        signer()
            .token("valid-token", "valid-token-secret")
            .sign(request("POST", "http://localhost/user", None))
            .unwrap()
    };
    // The headers of an HTTP/2 form post: a form type, no Content-Length (warp::test adds one
    // only with a body, which `protected` never reads anyway).
    let head = |extra: &[(&str, &str)]| {
        let req = signed();
        let mut t = warp::test::request().method("POST").path("/user").header("host", "localhost");
        for (k, v) in req.headers() {
            t = t.header(k.as_str(), v.to_str().unwrap());
        }
        t = t.header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in extra {
            t = t.header(*k, *v);
        }
        t
    };
    let res = head(&[]).reply(&header_only).await;
    assert_eq!(res.status(), 400, "{}", body_text(&res));
    assert!(form(res.body())["error_description"].contains("does not read request bodies"));
    let res = head(&[("transfer-encoding", "chunked")]).reply(&header_only).await;
    assert_eq!(res.status(), 400, "{}", body_text(&res));
    // An announced empty body is no body.
    let res = head(&[("content-length", "0")]).reply(&header_only).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "ok".to_owned()));
}

/// warp's `content_length_limit` answers 411 without `Content-Length`; the form-reading
/// filters read such bodies (chunked, HTTP/2) with their own limit.
#[tokio::test]
async fn form_filters_read_bodies_without_content_length() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("POST", "http://localhost/user", Some("")))
        .unwrap();
    let mut t = warp::test::request().method("POST").path("/user").header("host", "localhost");
    for (k, v) in req.headers() {
        t = t.header(k.as_str(), v.to_str().unwrap());
    }
    let res = t.header("transfer-encoding", "chunked").reply(&r).await;
    assert_eq!((res.status().as_u16(), body_text(&res)), (200, "1:".to_owned()));
    let req = signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", Some(""))).unwrap();
    let mut t = warp::test::request().method("POST").path("/oauth/initiate").header("host", "localhost");
    for (k, v) in req.headers() {
        t = t.header(k.as_str(), v.to_str().unwrap());
    }
    let res = t.header("transfer-encoding", "chunked").reply(&r).await;
    assert_eq!(res.status(), 200, "{}", body_text(&res));
}
