//! The fairing, every guard, every error path, forwarding, Rocket's method rewrites, and the
//! whole three-legged flow, through `rocket::local::asynchronous::Client`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::collections::HashMap;

use oauth1::sign::SigningMethod;
use oauth1::signature::Algorithm;
use oauth1::{AuthorizationServer, Error, Transport};
use oauth1_rocket::{
    ConsumerForm, ErrorResponse, OAuth1, OAuthRequest, OAuthResponse, PendingConsent, Signed, SignedBody, SignedForm,
};
use oauth1_tests::{CLIENT, Provider, form, request, rsa_sha1, signer};
use rocket::http::{Header, Method, Status};
use rocket::local::asynchronous::Client;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Build, Rocket, State, delete, get, head, patch, post, put, routes};

#[post("/oauth/initiate", data = "<req>")]
async fn initiate(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::temporary_credentials(server, &req).await
}

#[post("/oauth/token", data = "<req>")]
async fn token(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::token_credentials(server, &req).await
}

#[get("/user")]
fn user(who: Signed) -> String {
    who.auth.user_id().unwrap_or_default().to_owned()
}

#[post("/user", data = "<f>")]
fn user_form(f: SignedForm<HashMap<String, String>>) -> String {
    format!("{}:{}", f.auth.user_id().unwrap_or_default(), f.form.get("a").cloned().unwrap_or_default())
}

#[get("/result")]
fn result(who: Result<Signed, Error>) -> Result<String, ErrorResponse> {
    Ok(who?.auth.consumer_key().to_owned())
}

#[post("/body", data = "<b>")]
fn body(b: SignedBody) -> String {
    b.body.len().to_string()
}

#[post("/lti", data = "<f>")]
fn lti(f: ConsumerForm<HashMap<String, String>>) -> String {
    format!("{}:{}", f.auth.consumer_key(), f.form.get("resource_link_id").cloned().unwrap_or_default())
}

#[put("/thing", data = "<f>")]
fn put_thing(f: SignedForm<HashMap<String, String>>) -> String {
    format!("put:{}", f.form.get("a").cloned().unwrap_or_default())
}

#[head("/never")]
fn never() {}

/// The `_method` routes: each answers with the method Rocket routed the request as.
#[post("/m", data = "<b>")]
fn m_post(b: SignedBody) -> String {
    format!("POST:{}", b.body.len())
}

#[put("/m", data = "<b>")]
fn m_put(b: SignedBody) -> String {
    format!("PUT:{}", b.body.len())
}

#[delete("/m", data = "<b>")]
fn m_delete(b: SignedBody) -> String {
    format!("DELETE:{}", b.body.len())
}

#[patch("/m", data = "<b>")]
fn m_patch(b: SignedBody) -> String {
    format!("PATCH:{}", b.body.len())
}

/// Always forwards: makes the first of two routes hand over to the second.
struct Forward;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Forward {
    type Error = ();
    async fn from_request(_: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Forward(Status::NotFound)
    }
}

/// An unrelated login guard of the app: fails with 401 unless `x-user` is set.
struct LoggedIn;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LoggedIn {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        if req.headers().contains("x-user") {
            Outcome::Success(LoggedIn)
        } else {
            Outcome::Error((Status::Unauthorized, ()))
        }
    }
}

#[get("/account")]
fn account(_user: LoggedIn) -> &'static str {
    "account"
}

#[get("/authorize")]
fn consent_page(consent: PendingConsent) -> String {
    format!("{} asks for {}", consent.pending.client.name, consent.pending.token)
}

#[rocket::catch(401)]
fn login_page() -> &'static str {
    "please sign in"
}

#[rocket::catch(default)]
fn app_default() -> &'static str {
    "the app's own error page"
}

#[get("/fwd", rank = 1)]
fn fwd_first(_who: Signed, _f: Forward) -> &'static str {
    "first"
}

#[get("/fwd", rank = 2)]
fn fwd_second(_who: Signed) -> &'static str {
    "second"
}

fn rocket(p: &Provider) -> Rocket<Build> {
    let figment = rocket::Config::figment().merge(("log_level", "off")).merge(("limits.form/oauth1", 2048));
    rocket::custom(figment)
        .attach(OAuth1::fairing(p.server.clone()))
        .mount(
            "/",
            routes![
                initiate,
                token,
                user,
                user_form,
                result,
                body,
                lti,
                put_thing,
                never,
                fwd_first,
                fwd_second,
                m_post,
                m_put,
                m_delete,
                m_patch,
                account,
                consent_page
            ],
        )
        .register("/", oauth1_rocket::catchers())
}

async fn client(p: &Provider) -> Client {
    Client::tracked(rocket(p)).await.unwrap()
}

struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// Sends a signed `http::Request` (its URI's authority as `Host`).
async fn send(client: &Client, req: http::Request<Vec<u8>>) -> Reply {
    let method = req.method().as_str().parse::<Method>().unwrap();
    let mut r = client.req(method, req.uri().path_and_query().unwrap().as_str().to_owned());
    if let Some(host) = req.uri().authority() {
        r.add_header(Header::new("host", host.as_str().to_owned()));
    }
    for (k, v) in req.headers() {
        r.add_header(Header::new(k.as_str().to_owned(), v.to_str().unwrap().to_owned()));
    }
    let res = r.body(req.body().clone()).dispatch().await;
    let status = res.status().code;
    let headers =
        res.headers().iter().map(|h| (h.name().as_str().to_ascii_lowercase(), h.value().to_owned())).collect();
    let body = res.into_bytes().await.unwrap_or_default();
    Reply { status, headers, body }
}

#[rocket::async_test]
async fn endpoints_answer_errors_themselves() {
    let p = Provider::new();
    let c = client(&p).await;
    let r = send(&c, request("POST", "http://localhost/oauth/initiate", Some(""))).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (400, "missing_required_parameter"));
    assert_eq!(r.headers["cache-control"], "no-store");
    let bad = oauth1::sign::Signer::new(CLIENT, "wrong")
        .timestamp(oauth1_tests::NOW)
        .callback("oob")
        .sign(request("POST", "http://localhost/oauth/initiate", None))
        .unwrap();
    let r = send(&c, bad).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.headers["www-authenticate"], "OAuth realm=\"Photos\"");
}

#[rocket::async_test]
async fn request_guard_and_catchers() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    for transport in [Transport::Header, Transport::Query] {
        let req = signer()
            .token("valid-token", "valid-token-secret")
            .transport(transport)
            .sign(request("GET", "http://localhost/user?x=1", None))
            .unwrap();
        let r = send(&c, req.clone()).await;
        assert_eq!((r.status, r.text()), (200, "1".to_owned()), "{transport:?}");
        // The replay reaches the 401 catcher, which answers with the stashed error.
        let r = send(&c, req).await;
        assert_eq!((r.status, form(&r.body)["error"].as_str()), (401, "invalid_nonce"));
        assert_eq!(r.headers["www-authenticate"], "OAuth realm=\"Photos\"");
    }
    let r = send(&c, request("GET", "http://localhost/user", None)).await;
    assert_eq!((r.status, form(&r.body)["oauth_problem"].as_str()), (400, "parameter_absent"));
    // A handler taking Result<Signed, Error> answers with ErrorResponse itself.
    let r = send(&c, request("GET", "http://localhost/result", None)).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (400, "missing_required_parameter"));
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", "http://localhost/result", None))
        .unwrap();
    assert_eq!(send(&c, req).await.text(), CLIENT);
}

#[rocket::async_test]
async fn request_guard_fails_closed_on_form_bodies() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    // The form-signed request on the GET route's path but as POST goes to the data guard...
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/user", Some("a=1")))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, r.text()), (200, "1:1".to_owned()));
    // ...while the request guard refuses a form body it cannot see.
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("GET", "http://localhost/result", Some("a=1")))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!(r.status, 400, "{}", r.text());
}

#[rocket::async_test]
async fn data_guards_limit_and_body_hash() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let big = format!("a={}", "x".repeat(3000));
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/user", Some(&big)))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (413, "request_too_large"));
    let json = http::Request::post("http://localhost/body")
        .header("content-type", "application/json")
        .body(br#"{"a":1}"#.to_vec())
        .unwrap();
    let req = signer().token("valid-token", "valid-token-secret").body_hash(true).sign(json).unwrap();
    let mut tampered = req.clone();
    *tampered.body_mut() = br#"{"a":2}"#.to_vec();
    assert_eq!(send(&c, req).await.text(), "7");
    assert_eq!(send(&c, tampered).await.status, 401);
}

#[rocket::async_test]
async fn consumer_only_data_guard() {
    let p = Provider::new();
    let c = client(&p).await;
    let req = signer()
        .transport(Transport::Body)
        .callback("about:blank")
        .sign(request(
            "POST",
            "http://localhost/lti",
            Some("lti_message_type=basic-lti-launch-request&resource_link_id=42"),
        ))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, r.text()), (200, format!("{CLIENT}:42")));
}

/// The first route's guard verifies (spending the nonce), then the route forwards; the second
/// route's guard reuses the cached result instead of seeing a replay.
#[rocket::async_test]
async fn forwarding_routes_verify_once() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let req =
        signer().token("valid-token", "valid-token-secret").sign(request("GET", "http://localhost/fwd", None)).unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, r.text()), (200, "second".to_owned()));
    assert_eq!(p.store.nonce_count(), 1);
}

/// Rocket turns `POST` + a leading `_method=put` field into `PUT`; the client signed `POST`.
#[rocket::async_test]
async fn method_override_is_undone_for_the_signature() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .transport(Transport::Body)
        .sign(request("POST", "http://localhost/thing", Some("_method=put&a=7")))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, r.text()), (200, "put:7".to_owned()));
}

/// Rocket answers `HEAD` with the `GET` route and tells the guard `GET`; the client signed `HEAD`.
#[rocket::async_test]
async fn head_is_verified_as_head() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let req = signer()
        .token("valid-token", "valid-token-secret")
        .sign(request("HEAD", "http://localhost/user", None))
        .unwrap();
    let r = send(&c, req).await;
    assert_eq!(r.status, 200);
}

#[rocket::async_test]
async fn routes_with_guards_do_not_launch_without_the_fairing() {
    let r = rocket::custom(rocket::Config::figment().merge(("log_level", "off"))).mount("/", routes![user]);
    let err = r.ignite().await.unwrap_err();
    assert!(matches!(err.kind(), rocket::error::ErrorKind::SentinelAborts(_)));
}

#[rocket::async_test]
async fn three_legged_flow_every_transport_method_and_callback() {
    let methods = || [SigningMethod::Hmac(Algorithm::Sha1), rsa_sha1(), SigningMethod::Plaintext];
    for transport in [Transport::Header, Transport::Query, Transport::Body] {
        for (i, method) in methods().into_iter().enumerate() {
            for callback in ["oob", "https://client.test/ready?x=a%20b&y=1"] {
                let p = Provider::new();
                let c = client(&p).await;
                let body = (transport == Transport::Body).then_some("");
                let s =
                    || signer().method(method.clone()).transport(transport).nonce(format!("n{i}{}", callback.len()));
                let r = send(
                    &c,
                    s().callback(callback).sign(request("POST", "http://localhost/oauth/initiate", body)).unwrap(),
                )
                .await;
                assert_eq!(r.status, 200, "{transport:?} {method:?}: {}", r.text());
                let f = form(&r.body);
                let (tok, secret) = (f["oauth_token"].clone(), f["oauth_token_secret"].clone());
                let grant = oauth1_tests::grant(&p.server, &tok, "alice").await.unwrap().to_response();
                let verifier = if callback == "oob" {
                    form(grant.body())["oauth_verifier"].clone()
                } else {
                    let to = grant.headers()["location"].to_str().unwrap().to_owned();
                    assert!(to.starts_with("https://client.test/ready?x=a%20b&y=1&oauth_token="));
                    to.split("oauth_verifier=").nth(1).unwrap().to_owned()
                };
                let r = send(
                    &c,
                    s().token(&tok, &secret)
                        .verifier(&verifier)
                        .sign(request("POST", "http://localhost/oauth/token", body))
                        .unwrap(),
                )
                .await;
                assert_eq!(r.status, 200, "{transport:?} {method:?}: {}", r.text());
                let f = form(&r.body);
                let method_name = if body.is_some() { "POST" } else { "GET" };
                let req = s()
                    .token(&f["oauth_token"], &f["oauth_token_secret"])
                    .sign(request(method_name, "http://localhost/user", body.map(|_| "a=b")))
                    .unwrap();
                let r = send(&c, req).await;
                assert_eq!(r.status, 200, "{transport:?} {method:?}: {}", r.text());
                assert!(r.text().starts_with("alice"));
            }
        }
    }
}

#[rocket::async_test]
async fn to_http_copies_method_target_and_every_header() {
    let client = Client::untracked(rocket::build()).await.unwrap();
    let target = "/photos/a%20b?file=vacation.jpg&size=original&x=%2F+y&empty=";
    let req = client
        .get(target)
        .header(Header::new("Authorization", "OAuth oauth_nonce=\"1\""))
        .header(Header::new("X-Repeated", "1"))
        .header(Header::new("X-Repeated", "2"));
    let http = oauth1_rocket::to_http(req.inner(), b"body".to_vec()).unwrap();
    assert_eq!(http.method(), http::Method::GET);
    assert_eq!(http.uri(), target);
    assert_eq!(http.headers()["authorization"], "OAuth oauth_nonce=\"1\"");
    assert_eq!(http.headers().get_all("x-repeated").iter().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(http.body(), b"body");
    let bare = oauth1_rocket::to_http(client.get("/photos").inner(), Vec::new()).unwrap();
    assert_eq!(bare.uri(), "/photos");
    assert_eq!(bare.uri().query(), None);
}

/// Rocket rewrites a `POST` whose form body starts with a `_method` field (its own parser:
/// empty `&` segments skipped, the first 14 bytes peeked, the value parsed as a method). The
/// fairing must agree on every input: the signature covers `POST`, the method on the wire, and
/// a request signed as the method Rocket routed it as is refused.
#[rocket::async_test]
async fn method_override_agrees_with_rockets_own_parsing() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let form_type = "application/x-www-form-urlencoded";
    let cases = [
        (form_type, "_method=put", "PUT"),
        (form_type, "&_method=put", "PUT"),
        (form_type, "&&_method=PUT&x=1", "PUT"),
        (form_type, "_method=delete&x=1", "DELETE"),
        (form_type, "_method=PaTcH", "PATCH"),
        // Rocket compares the field name's first key: `_method.x` and `_method[x]` are `_method`.
        (form_type, "_method.x=put", "PUT"),
        (form_type, "_method[x]=put", "PUT"),
        (form_type, "x=1&_method=put", "POST"),
        (form_type, "_method=", "POST"),
        (form_type, "_method=nope&x=1", "POST"),
        // Rocket peeks 14 bytes: the value is cut to "pu", which is no method.
        (form_type, "&&&&_method=put", "POST"),
        ("text/plain", "_method=put", "POST"),
    ];
    for (i, (content_type, body, routed)) in cases.into_iter().enumerate() {
        let req = |method: &str, nonce: String| {
            let r = http::Request::builder()
                .method(method)
                .uri("http://localhost/m")
                .header("content-type", content_type)
                .body(body.as_bytes().to_vec())
                .unwrap();
            // Form parameters are signed; other bodies through `oauth_body_hash`.
            let signed = signer()
                .token("valid-token", "valid-token-secret")
                .nonce(nonce)
                .body_hash(content_type != form_type)
                .sign(r)
                .unwrap();
            // Whatever it was signed as, it goes on the wire as POST.
            let (mut parts, body) = signed.into_parts();
            parts.method = http::Method::POST;
            http::Request::from_parts(parts, body)
        };
        let r = send(&c, req("POST", format!("wire{i}"))).await;
        assert_eq!((r.status, r.text()), (200, format!("{routed}:{}", body.len())), "{body:?} signed as POST");
        if routed != "POST" {
            let r = send(&c, req(routed, format!("routed{i}"))).await;
            assert_eq!(r.status, 401, "{body:?} signed as {routed}, sent as POST: {}", r.text());
        }
    }
}

/// Over HTTP/2 a request has no `Host` header: Rocket's `Request::host()` is the `:authority`
/// (as `Request::set_host` sets it here), which the core needs for the base string URI.
#[rocket::async_test]
async fn the_http2_authority_stands_in_for_a_missing_host_header() {
    let p = Provider::new().with_token().await;
    let c = client(&p).await;
    let dispatch = |nonce: &'static str, host: &'static str| {
        let signed = signer()
            .token("valid-token", "valid-token-secret")
            .nonce(nonce)
            .sign(request("GET", "http://localhost:8000/user?x=1", None))
            .unwrap();
        assert!(!signed.headers().contains_key("host"));
        let mut r = c.get("/user?x=1");
        for (k, v) in signed.headers() {
            r.add_header(Header::new(k.as_str().to_owned(), v.to_str().unwrap().to_owned()));
        }
        r.inner_mut().set_host(rocket::http::uri::Host::parse(host).unwrap());
        r.dispatch()
    };
    let res = dispatch("a", "localhost:8000").await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.into_string().await.unwrap(), "1");
    // The authority is signed: another one fails.
    let res = dispatch("b", "evil.test:8000").await;
    assert_eq!(res.status(), Status::Unauthorized);
    assert_eq!(form(&res.into_bytes().await.unwrap())["error"], "invalid_signature");
}

#[rocket::async_test]
async fn catchers_answer_only_what_an_oauth_guard_stashed() {
    let p = Provider::new().with_token().await;
    // With the library's catchers only: an unrelated guard's 401 gets Rocket's default page,
    // not an OAuth error with `WWW-Authenticate: OAuth`.
    let c = client(&p).await;
    let r = send(&c, request("GET", "http://localhost/account", None)).await;
    assert_eq!(r.status, 401);
    assert!(!r.headers.contains_key("www-authenticate"), "{:?}", r.headers);
    assert!(!r.text().contains("invalid_signature"), "{}", r.text());
    // A 404 is never touched.
    assert_eq!(send(&c, request("GET", "http://localhost/nowhere", None)).await.status, 404);

    // Over the app's own 401 catcher: it answers its own 401s, the OAuth guard's 401 is still
    // the core's response.
    let app = rocket::custom(rocket::Config::figment().merge(("log_level", "off")))
        .attach(OAuth1::fairing(p.server.clone()))
        .mount("/", routes![user, account])
        .register("/", oauth1_rocket::catchers_over(rocket::catchers![login_page]));
    let c = Client::tracked(app).await.unwrap();
    let r = send(&c, request("GET", "http://localhost/account", None)).await;
    assert_eq!((r.status, r.text()), (401, "please sign in".to_owned()));
    let req =
        signer().token("valid-token", "wrong-secret").sign(request("GET", "http://localhost/user", None)).unwrap();
    let r = send(&c, req).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (401, "invalid_signature"));
    assert_eq!(r.headers["www-authenticate"], "OAuth realm=\"Photos\"");

    // Over the app's default catcher: it answers the errors that are not OAuth refusals.
    let app = rocket::custom(rocket::Config::figment().merge(("log_level", "off")))
        .attach(OAuth1::fairing(p.server.clone()))
        .mount("/", routes![user, account])
        .register("/", oauth1_rocket::catchers_over(rocket::catchers![app_default]));
    let c = Client::tracked(app).await.unwrap();
    let r = send(&c, request("GET", "http://localhost/account", None)).await;
    assert_eq!((r.status, r.text()), (401, "the app's own error page".to_owned()));
    let r = send(&c, request("GET", "http://localhost/user", None)).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (400, "missing_required_parameter"));
}

#[rocket::async_test]
async fn the_consent_guard_finds_the_pending_request() {
    let p = Provider::new();
    let token = p.temporary("oob").await;
    let c = client(&p).await;
    let r = send(&c, request("GET", &format!("http://localhost/authorize?oauth_token={token}"), None)).await;
    assert_eq!((r.status, r.text()), (200, format!("Authlib test client asks for {token}")));
    let r = send(&c, request("GET", "http://localhost/authorize", None)).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (400, "missing_required_parameter"));
    let twice = format!("http://localhost/authorize?oauth_token={token}&oauth_token=other");
    let r = send(&c, request("GET", &twice, None)).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (400, "duplicated_oauth_protocol_parameter"));
    let r = send(&c, request("GET", "http://localhost/authorize?oauth_token=unknown", None)).await;
    assert_eq!((r.status, form(&r.body)["error"].as_str()), (401, "invalid_token"));
    assert_eq!(r.headers["www-authenticate"], "OAuth realm=\"Photos\"");
}
