//! The photos demo provider on Rocket and the memory store, per `shared/demo-contract.md`.
//!
//! `cargo run --release -p oauth1-rocket --example photos`
//! (`OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`; `OAUTH1_DEMO_CLIENTS`, a JSON clients file;
//! `OAUTH1_DEMO_REDIS_URL`, Redis for nonces and credentials shared by several processes).
#![allow(missing_docs)]

use std::net::SocketAddr;

use oauth1::consent::ConsentProof;
use oauth1::{AuthorizationServer, Error, ErrorKind};
use oauth1_memory::demo;
use oauth1_rocket::{Challenge, OAuth1, OAuthRequest, OAuthResponse, Signed, SignedForm};
use rocket::fairing::AdHoc;
use rocket::form::{Form, FromForm};
use rocket::http::CookieJar;
use rocket::response::content::RawJson;
use rocket::{State, get, post, routes};

#[post("/initiate", data = "<req>")]
async fn initiate(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::temporary_credentials(server, &req).await
}

#[post("/token", data = "<req>")]
async fn token(server: &State<AuthorizationServer>, req: OAuthRequest) -> OAuthResponse {
    oauth1_rocket::token_credentials(server, &req).await
}

#[get("/authorize?<oauth_token>")]
async fn consent(server: &State<AuthorizationServer>, oauth_token: Option<&str>) -> Result<OAuthResponse, Challenge> {
    let pending = server.pending_authorization(oauth_token.unwrap_or_default()).await?;
    let mut res = http::Response::new(demo::consent_page(&pending).into_bytes());
    let headers = res.headers_mut();
    headers.insert("content-type", http::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.extend(oauth1::consent::page_headers());
    headers.insert("set-cookie", pending.anti_forgery.set_cookie(false));
    Ok(OAuthResponse(res))
}

#[derive(FromForm)]
struct Decision<'r> {
    oauth_token: &'r str,
    user: Option<&'r str>,
    decision: &'r str,
    #[field(name = "oauth1_consent")]
    anti_forgery: Option<&'r str>,
}

#[post("/authorize", data = "<form>")]
async fn decide(
    server: &State<AuthorizationServer>,
    cookies: &CookieJar<'_>,
    form: Form<Decision<'_>>,
) -> Result<OAuthResponse, Challenge> {
    let cookie = cookies.get(oauth1::consent::COOKIE_NAME).map(|c| c.value().to_owned()).unwrap_or_default();
    let proof = ConsentProof { cookie_value: &cookie, form_value: form.anti_forgery.unwrap_or_default() };
    match form.decision {
        "allow" => {
            let user = form.user.filter(|u| !u.is_empty()).ok_or_else(|| Error::missing("user"))?;
            Ok(OAuthResponse(server.grant(form.oauth_token, user, &proof).await?.to_response()))
        }
        "deny" => Ok(OAuthResponse(server.deny(form.oauth_token, &proof).await?.to_response())),
        _ => Err(Error::with_description(ErrorKind::InvalidParameter, "decision must be allow or deny").into()),
    }
}

#[get("/photos?<file>&<size>")]
fn photos(who: Signed, file: Option<&str>, size: Option<&str>) -> RawJson<String> {
    RawJson(demo::photos_json(who.0.user_id(), Some(who.0.consumer_key()), file, size))
}

#[derive(FromForm)]
struct Photo {
    file: Option<String>,
    size: Option<String>,
}

#[post("/photos", data = "<signed>")]
fn photos_form(signed: SignedForm<Photo>) -> RawJson<String> {
    let SignedForm { auth, form } = signed;
    RawJson(demo::photos_json(auth.user_id(), Some(auth.consumer_key()), form.file.as_deref(), form.size.as_deref()))
}

#[get("/public?<file>&<size>")]
fn public(file: Option<&str>, size: Option<&str>) -> RawJson<String> {
    RawJson(demo::photos_json(None, None, file, size))
}

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = demo::addr_from_env().parse()?;
    let config = oauth1_redis::demo::config_from_env().await.map_err(|e| e as Box<dyn std::error::Error>)?;
    let server = AuthorizationServer::new(oauth1_redis::demo::stores_from_env()?, config);
    println!("{}", demo::PLAINTEXT_WARNING);
    let figment = rocket::Config::figment()
        .merge(("address", addr.ip()))
        .merge(("port", addr.port()))
        .merge(("log_level", "critical"))
        .merge(("cli_colors", false));
    let _ = rocket::custom(figment)
        .attach(OAuth1::fairing(server))
        .attach(AdHoc::on_liftoff("announce", |rocket| {
            Box::pin(async move {
                let c = rocket.config();
                println!("listening on http://{}:{}", c.address, c.port);
            })
        }))
        .mount("/", routes![initiate, token, consent, decide, photos, photos_form, public])
        .register("/", oauth1_rocket::catchers())
        .launch()
        .await?;
    Ok(())
}
