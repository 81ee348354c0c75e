//! Every extractor, the layer, the endpoints, every error mapping, verification once per
//! request, and the whole three-legged flow, through `tower::ServiceExt::oneshot`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use http_body_util::BodyExt;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::Algorithm;
use oauth1::{Authenticated, Error, Scope, Transport};
use oauth1_axum::{
    BodyLimit, ConsumerOnly, OAuthRejection, OAuthState, PendingConsent, ProtectLayer, Signed, SignedBody, SignedForm,
};
use oauth1_tests::{CLIENT, NOW, Provider, form, request, rsa_sha1, signer};
use tower::{Layer, ServiceExt};

const LIMIT: usize = 1024;

struct Reply {
    status: u16,
    headers: http::HeaderMap,
    body: String,
}

impl Reply {
    fn error(&self) -> String {
        form(self.body.as_bytes()).get("error").cloned().unwrap_or_default()
    }
}

/// Sends a signed `http::Request` through `app`, as HTTP/1.1 reaches axum: the target in
/// origin form and the authority in `Host`.
async fn send(app: &Router, req: http::Request<Vec<u8>>) -> Reply {
    let (mut parts, body) = req.into_parts();
    if let Some(authority) = parts.uri.authority() {
        parts.headers.insert("host", authority.as_str().parse().unwrap());
        parts.uri = parts.uri.path_and_query().unwrap().as_str().parse().unwrap();
    }
    send_as_is(app, http::Request::from_parts(parts, Body::from(body))).await
}

/// Sends `req` unchanged (an absolute URI without `Host` is what HTTP/2 looks like).
async fn send_as_is(app: &Router, req: http::Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8(body.to_vec()).unwrap() }
}

async fn user(Signed(who): Signed) -> String {
    who.user_id().unwrap_or_default().to_owned()
}

async fn user_form(SignedForm(who, f): SignedForm<HashMap<String, String>>) -> String {
    format!("{}:{}", who.user_id().unwrap_or_default(), f.get("a").cloned().unwrap_or_default())
}

async fn body_len(SignedBody(_, body): SignedBody) -> String {
    body.len().to_string()
}

async fn lti(ConsumerOnly(who, f): ConsumerOnly<HashMap<String, String>>) -> String {
    format!("{}:{}", who.consumer_key(), f.get("resource_link_id").cloned().unwrap_or_default())
}

fn routes(p: &Provider) -> Router {
    Router::new()
        .nest("/oauth", oauth1_axum::endpoints(p.server.clone()))
        .route("/user", get(user).post(user_form))
        .route("/body", post(body_len))
        .route("/lti", post(lti))
        .with_state(OAuthState::new(p.server.clone()))
        .layer(Extension(BodyLimit::new(LIMIT)))
}

fn token_signer() -> Signer {
    signer().token("valid-token", "valid-token-secret")
}

#[tokio::test]
async fn endpoints_answer_errors_themselves() {
    let p = Provider::new();
    let r = routes(&p);
    let res = send(&r, request("GET", "http://localhost/oauth/initiate", None)).await;
    assert_eq!((res.status, res.headers["allow"].to_str().unwrap()), (405, "POST"));
    let res = send(&r, request("POST", "http://localhost/oauth/initiate", Some(""))).await;
    assert_eq!(res.status, 400);
    assert_eq!(form(res.body.as_bytes())["oauth_problem"], "parameter_absent");
    let bad = Signer::new(CLIENT, "wrong")
        .timestamp(NOW)
        .callback("oob")
        .sign(request("POST", "http://localhost/oauth/initiate", None))
        .unwrap();
    let res = send(&r, bad).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.headers["www-authenticate"], "OAuth realm=\"Photos\"");
    let res = send(&r, request("POST", "http://localhost/oauth/token", Some("oauth_consumer_key=client"))).await;
    assert_eq!((res.status, res.error().as_str()), (400, "missing_required_parameter"));
}

#[tokio::test]
async fn signed_reads_header_and_query_signatures() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    for transport in [Transport::Header, Transport::Query] {
        let req = token_signer().transport(transport).sign(request("GET", "http://localhost/user?x=1", None)).unwrap();
        let res = send(&r, req.clone()).await;
        assert_eq!((res.status, res.body.as_str()), (200, "1"), "{transport:?}");
        // Replay.
        let res = send(&r, req).await;
        assert_eq!((res.status, res.error().as_str()), (401, "invalid_nonce"));
        assert_eq!(res.headers["www-authenticate"], "OAuth realm=\"Photos\"");
    }
    // Unsigned: 400.
    let res = send(&r, request("GET", "http://localhost/user", None)).await;
    assert_eq!((res.status, res.error().as_str()), (400, "missing_required_parameter"));
    // A wrong token secret: 401.
    let req = signer().token("valid-token", "nope").sign(request("GET", "http://localhost/user", None)).unwrap();
    assert_eq!(send(&r, req).await.status, 401);
}

#[tokio::test]
async fn signed_fails_closed_on_form_bodies_and_signed_form_reads_them() {
    let p = Provider::new().with_token().await;
    let header_only = Router::new().route("/user", post(user)).with_state(p.server.resource_protector());
    let req =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/user", Some("a=1"))).unwrap();
    let res = send(&header_only, req.clone()).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(form(res.body.as_bytes())["error_description"].contains("does not read request bodies"));
    // The form-reading extractor accepts the same request and parses the form.
    let res = send(&routes(&p), req).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1:1"));
    // A body of another type is not a form.
    let req = http::Request::post("http://localhost/user").header("content-type", "text/plain").body(b"a=1".to_vec());
    let res = send(&routes(&p), token_signer().sign(req.unwrap()).unwrap()).await;
    assert_eq!((res.status, res.error().as_str()), (400, "invalid_request"), "{}", res.body);
}

#[tokio::test]
async fn signed_never_touches_other_bodies() {
    let p = Provider::new().with_token().await;
    let route = Router::new()
        .route("/upload", post(|_: Signed, body: Bytes| async move { body.len().to_string() }))
        .with_state(p.server.resource_protector());
    let req = http::Request::post("http://localhost/upload")
        .header("content-type", "image/jpeg")
        .body(vec![7u8; 5000])
        .unwrap();
    let res = send(&route, token_signer().sign(req).unwrap()).await;
    assert_eq!((res.status, res.body.as_str()), (200, "5000"));
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let p = Provider::new().with_token().await;
    let big = format!("a={}", "x".repeat(2000));
    let req =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/user", Some(&big))).unwrap();
    let res = send(&routes(&p), req.clone()).await;
    assert_eq!((res.status, res.error().as_str()), (413, "request_too_large"));
    let initiate = signer().callback("oob").transport(Transport::Body);
    let res =
        send(&routes(&p), initiate.sign(request("POST", "http://localhost/oauth/initiate", Some(&big))).unwrap()).await;
    assert_eq!(res.status, 413);
    // The default limit (64 KiB) takes it.
    let default = Router::new().route("/user", post(user_form)).with_state(p.server.resource_protector());
    assert_eq!(send(&default, req).await.status, 200);
}

#[tokio::test]
async fn signed_body_checks_the_body_hash() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    let json = || {
        http::Request::post("http://localhost/body")
            .header("content-type", "application/json")
            .body(br#"{"a":1}"#.to_vec())
            .unwrap()
    };
    let req = token_signer().body_hash(true).sign(json()).unwrap();
    let res = send(&r, req.clone()).await;
    assert_eq!((res.status, res.body.as_str()), (200, "7"));
    let (parts, _) = req.into_parts();
    let tampered = http::Request::from_parts(parts, br#"{"a":2}"#.to_vec());
    let res = send(&r, tampered).await;
    assert_eq!(res.status, 401, "{}", res.body);
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
    assert_eq!((res.status, res.body), (200, format!("{CLIENT}:1")));
    // A token is not consumer-only.
    let p = Provider::new().with_token().await;
    let req =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/lti", Some("a=1"))).unwrap();
    assert_eq!(send(&routes(&p), req).await.status, 400);
}

#[tokio::test]
async fn pending_consent_extractor() {
    let p = Provider::new();
    let app = Router::new()
        .route("/authorize", get(|c: PendingConsent| async move { c.0.client.name }))
        .with_state(p.server.clone());
    let get_ = |target: String| http::Request::get(target).body(Body::empty()).unwrap();
    let res = send_as_is(&app, get_("/authorize".into())).await;
    assert_eq!(res.status, 400);
    let res = send_as_is(&app, get_("/authorize?oauth_token=nope".into())).await;
    assert_eq!(res.status, 401);
    // The refusal carries the server's realm.
    assert_eq!(res.headers["www-authenticate"], "OAuth realm=\"Photos\"");
    let token = p.temporary("oob").await;
    let res = send_as_is(&app, get_(format!("/authorize?oauth_token={token}"))).await;
    assert_eq!((res.status, res.body.as_str()), (200, "Authlib test client"));
    let res = send_as_is(&app, get_(format!("/authorize?oauth_token={token}&oauth_token={token}"))).await;
    assert_eq!((res.status, res.error().as_str()), (400, "duplicated_oauth_protocol_parameter"));
}

/// A handler refuses with a core error the way the extractors do.
#[tokio::test]
async fn handlers_reject_with_core_errors() {
    let app = Router::new().route(
        "/admin",
        get(|| async { Err::<String, _>(OAuthRejection::new(Error::invalid_token()).with_realm("Photos")) }),
    );
    let res = send_as_is(&app, http::Request::get("/admin").body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.error().as_str()), (401, "invalid_token"));
    assert_eq!(res.headers["www-authenticate"], "OAuth realm=\"Photos\"");
}

/// Two extractors in one handler, and the layer with extractors behind it: one verification
/// (one nonce recorded), and every one of them sees the credential.
#[tokio::test]
async fn verification_happens_once_per_request() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let both = |Signed(a): Signed, SignedBody(b, body): SignedBody| async move {
        assert_eq!(a, b);
        format!("{}:{}", a.user_id().unwrap_or_default(), body.len())
    };
    let behind_layer = |Extension(a): Extension<Authenticated>,
                        Signed(b): Signed,
                        SignedForm(c, f): SignedForm<HashMap<String, String>>| async move {
        assert!(a == b && b == c);
        format!("{}:{}", a.user_id().unwrap_or_default(), f["a"])
    };
    let app = Router::new()
        .route("/both", get(both))
        .merge(Router::new().route("/layered", post(behind_layer)).route_layer(ProtectLayer::new(rp.clone())))
        .with_state(rp);

    let req = token_signer().sign(request("GET", "http://localhost/both", None)).unwrap();
    let res = send(&app, req.clone()).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1:0"));
    assert_eq!(p.store.nonce_count(), 1);
    let res = send(&app, req).await;
    assert_eq!((res.status, res.error().as_str()), (401, "invalid_nonce"), "a replay is still a replay");

    // The layer read the form body, verified it, and passed it on for `SignedForm` to parse.
    let req = token_signer()
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/layered", Some("a=7")))
        .unwrap();
    let res = send(&app, req.clone()).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1:7"));
    assert_eq!(p.store.nonce_count(), 2);
    let res = send(&app, req).await;
    assert_eq!((res.status, res.error().as_str()), (401, "invalid_nonce"));
    assert_eq!(p.store.nonce_count(), 2);
}

/// axum picks the route before anything verifies: extractors, and the layer on a method
/// router, run only for the handler chosen, so a request for another method or path, or one
/// that matches no route, spends no nonce, and the same nonce still passes where the request
/// was meant to go. `Router::route_layer` also verifies a matched path's wrong method (then
/// 405), `Router::layer` also requests that match nothing (then 404).
#[tokio::test]
async fn routes_that_are_not_chosen_spend_no_nonce() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let who = |Extension(who): Extension<Authenticated>| async move { who.consumer_key().to_owned() };
    let app = Router::new()
        .route("/a", get(user))
        .route("/b", post(who).route_layer(ProtectLayer::new(rp.clone())))
        .route("/c", get(user))
        .with_state(rp.clone());
    for (method, path, status) in [("POST", "/a", 405), ("GET", "/b", 405), ("GET", "/nowhere", 404)] {
        let req = token_signer().nonce("same").sign(request(method, &format!("http://localhost{path}"), None)).unwrap();
        assert_eq!(send(&app, req).await.status, status, "{method} {path}");
    }
    assert_eq!(p.store.nonce_count(), 0);
    let req = token_signer().nonce("same").sign(request("GET", "http://localhost/c", None)).unwrap();
    assert_eq!(send(&app, req).await.status, 200);
    assert_eq!(p.store.nonce_count(), 1);

    let router_wide = Router::new().route("/b", post(who)).route_layer(ProtectLayer::new(rp.clone()));
    let req = token_signer().nonce("other").sign(request("GET", "http://localhost/nowhere", None)).unwrap();
    assert_eq!(send(&router_wide, req).await.status, 404);
    assert_eq!(p.store.nonce_count(), 1, "Router::route_layer: no route, no verification");
    let req = token_signer().nonce("other").sign(request("GET", "http://localhost/b", None)).unwrap();
    assert_eq!(send(&router_wide, req).await.status, 405);
    assert_eq!(p.store.nonce_count(), 2, "Router::route_layer: the matched path's other methods are verified");

    let everything = Router::new().route("/b", post(who)).layer(ProtectLayer::new(rp));
    let req = token_signer().nonce("third").sign(request("GET", "http://localhost/nowhere", None)).unwrap();
    assert_eq!(send(&everything, req).await.status, 404);
    assert_eq!(p.store.nonce_count(), 3, "Router::layer: every request is verified");
}

/// An app asking for one request in two scopes is misconfigured: the second is refused (503),
/// never verified again.
#[tokio::test]
async fn one_request_is_never_verified_in_two_scopes() {
    let p = Provider::new();
    let rp = p.server.resource_protector();
    let app = Router::new()
        .route("/mixed", post(|_: Signed| async { "unreachable" }))
        .route_layer(ProtectLayer::new(rp.clone()).scope(Scope::ConsumerOnly))
        .with_state(rp);
    let req = signer().sign(request("POST", "http://localhost/mixed", None)).unwrap();
    let res = send(&app, req).await;
    assert_eq!((res.status, res.error().as_str()), (503, "temporarily_unavailable"), "{}", res.body);
    assert_eq!(p.store.nonce_count(), 1);
}

/// The layer protects any tower service (here not axum's), and refuses before calling it.
#[tokio::test]
async fn the_layer_wraps_any_service() {
    let p = Provider::new().with_token().await;
    let service = ProtectLayer::new(p.server.resource_protector()).body_limit(LIMIT).layer(tower::service_fn(
        |req: Request| async move {
            let who = req.extensions().get::<Authenticated>().unwrap().user_id().unwrap_or_default().to_owned();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            Ok::<_, Infallible>(format!("{who}:{}", String::from_utf8_lossy(&body)).into_response())
        },
    ));
    let call = |req: http::Request<Vec<u8>>| {
        let service = service.clone();
        async move {
            let res = service.oneshot(req.map(Bytes::from).map(http_body_util::Full::new)).await.unwrap();
            let status = res.status().as_u16();
            (status, String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
        }
    };
    let req =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/x", Some("a=1"))).unwrap();
    let (status, body) = call(req).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("1:a=1&oauth_"), "the form body is passed on: {body}");
    let (status, _) = call(request("GET", "http://localhost/x", None)).await;
    assert_eq!(status, 400);
    let big = format!("a={}", "x".repeat(2000));
    let req =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/x", Some(&big))).unwrap();
    assert_eq!(call(req).await.0, 413);
    // With `read_every_body`, a body hash is checked; without, the layer cannot and refuses.
    let json = http::Request::post("http://localhost/x")
        .header("content-type", "application/json")
        .body(br#"{"a":1}"#.to_vec())
        .unwrap();
    let req = token_signer().body_hash(true).sign(json).unwrap();
    assert_eq!(call(req.clone()).await.0, 400);
    let hashed = ProtectLayer::new(p.server.resource_protector())
        .read_every_body()
        .layer(tower::service_fn(|req: Request| async move { Ok::<_, Infallible>(req.into_body().into_response()) }));
    let res = hashed.oneshot(req.map(Body::from)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(&res.into_body().collect().await.unwrap().to_bytes()[..], br#"{"a":1}"#);
}

/// `nest` strips its prefix from the URI; the client signed the whole path.
#[tokio::test]
async fn nested_routes_verify_the_uri_the_client_signed() {
    let p = Provider::new().with_token().await;
    let rp = p.server.resource_protector();
    let inner = Router::new().route("/user", get(user).post(user_form)).route(
        "/layered",
        get(|Extension(who): Extension<Authenticated>| async move { who.consumer_key().to_owned() }),
    );
    let app = Router::new()
        .nest("/api", inner.clone())
        .nest("/api2", inner.route_layer(ProtectLayer::new(rp.clone())))
        .with_state(rp);
    let req = token_signer().sign(request("GET", "http://localhost/api/user?x=1", None)).unwrap();
    assert_eq!(send(&app, req).await.body, "1");
    let req = token_signer()
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/api/user", Some("a=2")))
        .unwrap();
    assert_eq!(send(&app, req).await.body, "1:2");
    let req = token_signer().sign(request("GET", "http://localhost/api2/layered", None)).unwrap();
    assert_eq!(send(&app, req).await.body, CLIENT);
}

/// HTTP/2 carries the authority in `:authority`, not `Host`: hyper puts it in the request URI.
#[tokio::test]
async fn the_authority_is_taken_from_the_uri_without_a_host_header() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    let as_h2 = |req: http::Request<Vec<u8>>| {
        assert!(!req.headers().contains_key("host"));
        req.map(Body::from)
    };
    let get_ = token_signer().sign(request("GET", "http://localhost/user?x=1", None)).unwrap();
    assert_eq!(send_as_is(&r, as_h2(get_)).await.body, "1");
    let post_ =
        token_signer().transport(Transport::Body).sign(request("POST", "http://localhost/user", Some("a=1"))).unwrap();
    assert_eq!(send_as_is(&r, as_h2(post_)).await.body, "1:1");
    let initiate = signer().callback("oob").sign(request("POST", "http://localhost/oauth/initiate", None)).unwrap();
    assert_eq!(send_as_is(&r, as_h2(initiate)).await.status, 200);
    // The signature still covers the authority: one signed for another host fails.
    let other = token_signer().sign(request("GET", "http://evil.test/user", None)).unwrap();
    let (mut parts, body) = other.into_parts();
    parts.uri = "http://localhost/user".parse().unwrap();
    assert_eq!(send_as_is(&r, as_h2(http::Request::from_parts(parts, body))).await.status, 401);
}

/// A form body may come without `Content-Length` (HTTP/2, HTTP/1.1 chunked): `Signed`, which
/// never reads the body, must refuse it; the body-reading extractors read it.
#[tokio::test]
async fn form_bodies_without_content_length() {
    let p = Provider::new().with_token().await;
    let r = routes(&p);
    let header_only = Router::new().route("/user", post(user)).with_state(p.server.resource_protector());
    let streamed = |nonce: &str, extra: &[(&str, &str)], body: &'static str| {
        let mut req = token_signer().nonce(nonce).sign(request("POST", "http://localhost/user", None)).unwrap();
        req.headers_mut().insert("host", "localhost".parse().unwrap());
        req.headers_mut().insert("content-type", "application/x-www-form-urlencoded".parse().unwrap());
        for (k, v) in extra {
            req.headers_mut().insert(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        let (mut parts, _) = req.into_parts();
        parts.uri = "/user".parse().unwrap();
        http::Request::from_parts(parts, Body::new(Unsized(Some(Bytes::from_static(body.as_bytes())))))
    };
    let res = send_as_is(&header_only, streamed("n1", &[], "")).await;
    assert_eq!(res.status, 400, "{}", res.body);
    let res = send_as_is(&header_only, streamed("n2", &[("transfer-encoding", "chunked")], "")).await;
    assert_eq!(res.status, 400, "{}", res.body);
    // An announced empty body is no body.
    let res = send_as_is(&header_only, streamed("n3", &[("content-length", "0")], "")).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1"));
    // The form-reading extractor reads a streamed empty form.
    let res = send_as_is(&r, streamed("n4", &[("transfer-encoding", "chunked")], "")).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1:"), "{}", res.body);
}

/// A body of unknown length (no exact `size_hint`, not known to be empty), in one frame: what
/// hyper gives for a chunked or HTTP/2 body.
struct Unsized(Option<Bytes>);

impl http_body::Body for Unsized {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        std::task::Poll::Ready(self.0.take().filter(|b| !b.is_empty()).map(|b| Ok(http_body::Frame::data(b))))
    }
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
                let req =
                    s().callback(callback).sign(request("POST", "http://localhost/oauth/initiate", body)).unwrap();
                let res = send(&r, req).await;
                assert_eq!(res.status, 200, "{transport:?} {method:?} {callback}: {}", res.body);
                let f = form(res.body.as_bytes());
                let (token, secret) = (f["oauth_token"].clone(), f["oauth_token_secret"].clone());
                let verifier = oauth1_tests::grant_verifier(&p.server, &token, callback).await;
                let req = s()
                    .token(&token, &secret)
                    .verifier(&verifier)
                    .sign(request("POST", "http://localhost/oauth/token", body))
                    .unwrap();
                let res = send(&r, req).await;
                assert_eq!(res.status, 200, "{transport:?} {method:?}: {}", res.body);
                let f = form(res.body.as_bytes());
                let req = s()
                    .token(&f["oauth_token"], &f["oauth_token_secret"])
                    .sign(request(
                        if body.is_some() { "POST" } else { "GET" },
                        "http://localhost/user?file=vacation.jpg",
                        body,
                    ))
                    .unwrap();
                let res = send(&r, req).await;
                assert_eq!(res.status, 200, "{transport:?} {method:?}: {}", res.body);
                assert!(res.body.starts_with("alice"), "{}", res.body);
            }
        }
    }
}

/// Any method reaches the endpoints router: the core answers 405 (never axum's empty one).
#[tokio::test]
async fn endpoints_router_answers_every_method() {
    let p = Provider::new();
    let app: Router = Router::new().route("/x", any(|| async { "x" })).merge(oauth1_axum::endpoints(p.server.clone()));
    for method in ["GET", "PUT", "DELETE"] {
        let res = send(&app, request(method, "http://localhost/token", None)).await;
        assert_eq!((res.status, res.headers["allow"].to_str().unwrap()), (405, "POST"), "{method}");
    }
}
