//! What every demo provider shares (`shared/demo-contract.md`): its clients, its settings, the
//! consent page and the photos JSON, so each adapter's example is only routing.

use std::sync::Arc;

use oauth1::Origin;
use oauth1::server::{Config, PendingAuthorization};
use oauth1::store::Client;

use crate::{ClientsError, MemoryStore};

/// The RFC 5849 example client: the printer.
pub const PRINTER_KEY: &str = "dpf43f3p2l4k3l03";
/// Its secret.
pub const PRINTER_SECRET: &str = "kd94hf93k423kf44";
/// Its redirect URI.
pub const PRINTER_CALLBACK: &str = "http://printer.example.com/ready";

/// The listen address: `OAUTH1_DEMO_ADDR`, default `127.0.0.1:8000`.
pub fn addr_from_env() -> String {
    std::env::var("OAUTH1_DEMO_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned())
}

/// A memory store with the clients of the JSON file named by `OAUTH1_DEMO_CLIENTS`, or the
/// printer when it is unset; `OAUTH1_DEMO_MAX_NONCES` caps its live nonces (default
/// [`crate::DEFAULT_MAX_NONCES`]; the load test sets a small cap to drive the store past it).
pub fn store_from_env() -> Result<Arc<MemoryStore>, ClientsError> {
    let mut store = MemoryStore::new();
    if let Ok(cap) = std::env::var("OAUTH1_DEMO_MAX_NONCES") {
        let cap = cap.parse().map_err(|_| ClientsError(format!("OAUTH1_DEMO_MAX_NONCES={cap}: not a number")))?;
        store = store.with_max_nonces(cap);
    }
    match std::env::var("OAUTH1_DEMO_CLIENTS") {
        Ok(path) => {
            let json = std::fs::read_to_string(&path).map_err(|e| ClientsError(format!("{path}: {e}")))?;
            store.load_clients_json(&json)?;
        }
        Err(_) => store.insert_client(
            Client::new(PRINTER_KEY, PRINTER_SECRET).with_name("Printer").with_callback(PRINTER_CALLBACK),
        ),
    }
    Ok(Arc::new(store))
}

/// The warning line a demo prints when it starts: it serves PLAINTEXT over plain http.
pub const PLAINTEXT_WARNING: &str = "warning: this demo accepts PLAINTEXT signatures over plain http \
    (Config::insecure_allow_plaintext_over_http): PLAINTEXT sends the secrets themselves; never do this \
    outside a local test";

/// The demo's provider settings: realm `Photos`, every built-in method allowed so that every
/// client can be tried, PLAINTEXT over plain http through the library's named opt-out (print
/// [`PLAINTEXT_WARNING`]; a real deployment allows PLAINTEXT over TLS only), and the base
/// string URI's origin from `OAUTH1_DEMO_ORIGIN` (e.g. `https://photos.example.net`; unset:
/// `http://` and the request's `Host`).
pub fn config() -> Result<Config, ClientsError> {
    let config = Config::default()
        .with_realm("Photos")
        .allow_signature_method("PLAINTEXT")
        .allow_signature_method("HMAC-SHA512")
        .allow_signature_method("RSA-SHA512")
        .insecure_allow_plaintext_over_http();
    Ok(match std::env::var("OAUTH1_DEMO_ORIGIN") {
        Ok(origin) if !origin.is_empty() => config.with_origin(
            Origin::fixed(&origin).map_err(|e| ClientsError(format!("OAUTH1_DEMO_ORIGIN={origin}: {e}")))?,
        ),
        _ => config,
    })
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The consent page for a pending request; everything shown is escaped. It carries the
/// anti-forgery form value in a hidden field; serve it with the anti-forgery cookie and
/// [`oauth1::consent::page_headers`].
pub fn consent_page(pending: &PendingAuthorization) -> String {
    let name = if pending.client.name.is_empty() { &pending.client.consumer_key } else { &pending.client.name };
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Authorize {name}</title></head><body>\n\
         <h1>Authorize {name}</h1>\n<p>{name} asks for access to your photos. Afterwards you return to {callback}.</p>\n\
         <form method=\"post\" action=\"/authorize\">\n\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\n\
         <input type=\"hidden\" name=\"{field}\" value=\"{anti_forgery}\">\n\
         <label>Your name <input name=\"user\"></label>\n\
         <button name=\"decision\" value=\"allow\">Allow</button>\n\
         <button name=\"decision\" value=\"deny\">Deny</button>\n</form>\n</body></html>\n",
        name = escape_html(name),
        callback = escape_html(if pending.callback == "oob" {
            "the application (it will ask for a code)"
        } else {
            &pending.callback
        }),
        token = escape_html(&pending.token),
        field = oauth1::consent::FORM_FIELD,
        anti_forgery = escape_html(pending.anti_forgery.form_value()),
    )
}

/// The photos JSON: `{"user", "client_id", "file", "size"}`.
pub fn photos_json(user: Option<&str>, client_id: Option<&str>, file: Option<&str>, size: Option<&str>) -> String {
    serde_json::json!({ "user": user, "client_id": client_id, "file": file, "size": size }).to_string()
}

/// The first value of `name` among decoded form pairs.
pub fn first<'a>(pairs: &'a [oauth1::encoding::FormPair<'_>], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_page_escapes_what_it_shows() {
        let pending = PendingAuthorization::new(
            "t\"><script>",
            Client::new("k", "s").with_name("<b>Evil & Co</b>"),
            "http://x/?a=<i>",
            None,
        );
        let page = consent_page(&pending);
        assert!(page.contains("&lt;b&gt;Evil &amp; Co&lt;/b&gt;"));
        assert!(page.contains("value=\"t&quot;&gt;&lt;script&gt;\""));
        assert!(!page.contains("<script>") && !page.contains("<i>"));
    }

    #[test]
    fn photos_json_has_nulls() {
        assert_eq!(
            photos_json(None, None, Some("a"), None),
            r#"{"client_id":null,"file":"a","size":null,"user":null}"#
        );
    }
}
