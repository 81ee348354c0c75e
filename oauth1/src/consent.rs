//! The resource owner's consent page ([RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)):
//! anti-forgery values and the response headers the page needs.
//!
//! The consent decision is a state-changing browser request, so it must come from the page the
//! provider served to *this* browser, not from a form on another site (cross-site request
//! forgery: a victim who is signed in would otherwise grant the attacker's temporary
//! credentials). [`AuthorizationServer::pending_authorization`] hands out an [`AntiForgery`]
//! pair, a signed double-submit cookie:
//!
//! * a random [cookie value](AntiForgery::cookie_value), set with
//!   [`AntiForgery::set_cookie`] (`HttpOnly; SameSite=Strict`: a cross-site POST does not carry
//!   it, and the page's scripts cannot read it);
//! * a [form value](AntiForgery::form_value) for a hidden field: an HMAC-SHA256, under a key of
//!   the server's, of the temporary token and the cookie value.
//!
//! [`AuthorizationServer::grant`] and [`AuthorizationServer::deny`] take both back as a
//! [`ConsentProof`] and refuse (403 `invalid_consent`, nothing changed) unless the form value
//! is the HMAC of *this* token and the cookie the browser sent. A cross-site form cannot read
//! the victim's cookie, and a pair taken from the attacker's own visit to the page fails
//! against the victim's cookie. A decision is final (a temporary credential is authorized or
//! denied once), so a proof is good for one decision only.
//!
//! **Bind it to the session.** A cookie *can* be planted: by a sibling subdomain (a cookie for
//! the parent domain), or by anyone on the path of a plain-http request. An attacker who plants
//! the cookie of their own visit to the page can then forge the pair. Two defences, use both
//! where you can:
//!
//! * serve the consent page over https and set the cookie with `secure`
//!   ([`AntiForgery::set_cookie`]): it is then named `__Host-oauth1_consent`, a name browsers
//!   only accept from the page's own origin over https, with no `Domain`;
//! * when your app has signed-in users, bind the pair to the session
//!   ([`AuthorizationServer::pending_authorization_in_session`](crate::AuthorizationServer::pending_authorization_in_session) and
//!   [`ConsentProof::in_session`] with the session's id, or the user's): the form value then
//!   covers it, and an attacker's pair is worthless in the victim's session.
//!
//! Several provider processes that serve one consent flow must share the key
//! ([`Config::with_consent_key`](crate::Config::with_consent_key)); by default each server
//! makes a random one.
//!
//! ```
//! use oauth1::consent::{AntiForgery, ConsentKey, ConsentProof};
//! let key = ConsentKey::random();
//! let page = AntiForgery::issue(&key, "temporary-token", "session-1");
//! // The browser comes back with the cookie and the hidden field, in the same session: accepted.
//! let proof = ConsentProof::new(page.cookie_value(), page.form_value()).in_session("session-1");
//! assert!(proof.verify(&key, "temporary-token"));
//! // Another token, another session, or a form value without the cookie: refused.
//! assert!(!proof.verify(&key, "another-token"));
//! assert!(!ConsentProof::new(page.cookie_value(), page.form_value()).in_session("session-2").verify(&key, "temporary-token"));
//! assert!(!ConsentProof::new("", page.form_value()).in_session("session-1").verify(&key, "temporary-token"));
//! ```
//!
//! [`AuthorizationServer::pending_authorization`]: crate::AuthorizationServer::pending_authorization
//! [`AuthorizationServer::grant`]: crate::AuthorizationServer::grant
//! [`AuthorizationServer::deny`]: crate::AuthorizationServer::deny

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderValue;
use http::header::{self, HeaderName};
use sha2::Sha256;

use crate::generate::random_string;
use crate::signature::ct_eq_str;

/// The name of the anti-forgery cookie set over plain http.
pub const COOKIE_NAME: &str = "oauth1_consent";

/// The name of the anti-forgery cookie set with `secure` (over https): the `__Host-` prefix
/// makes browsers refuse it from anywhere but the page's own origin (no sibling subdomain can
/// plant one).
pub const SECURE_COOKIE_NAME: &str = "__Host-oauth1_consent";

/// The cookie's name: [`SECURE_COOKIE_NAME`] when `secure`, else [`COOKIE_NAME`].
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE_NAME } else { COOKIE_NAME }
}

/// The name of the hidden form field that carries [`AntiForgery::form_value`] in the demos.
pub const FORM_FIELD: &str = "oauth1_consent";

/// The headers every consent page should carry: not stored by caches (`no-store`), not
/// framed by another site (`X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`, against
/// clickjacking), no `Referer` (the page's URL holds the temporary token), no MIME sniffing.
///
/// ```
/// let headers = oauth1::consent::page_headers();
/// assert!(headers.iter().any(|(n, v)| n == "cache-control" && v == "no-store"));
/// assert!(headers.iter().any(|(n, v)| n == "x-frame-options" && v == "DENY"));
/// ```
pub fn page_headers() -> [(HeaderName, HeaderValue); 6] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ]
}

/// The server's key for anti-forgery values. Its `Debug` never shows it.
#[derive(Clone)]
pub struct ConsentKey([u8; 32]);

impl ConsentKey {
    /// A fresh random key from the OS CSPRNG.
    ///
    /// # Panics
    /// When the operating system has no randomness to give (as [`random_string`] does).
    #[allow(clippy::expect_used)]
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS CSPRNG is unavailable");
        ConsentKey(key)
    }

    /// A key of your own: give every process that serves one consent flow the same bytes
    /// (keep them secret, e.g. from your secret store).
    ///
    /// ```
    /// use oauth1::Config;
    /// use oauth1::consent::{AntiForgery, ConsentKey};
    ///
    /// // Every instance reads the same 32 bytes from your secret store.
    /// let bytes = [7u8; 32];
    /// let (one, two) = (ConsentKey::from_bytes(bytes), ConsentKey::from_bytes(bytes));
    /// let page = AntiForgery::issue(&one, "temporary-token", "");
    /// assert!(page.proof().verify(&two, "temporary-token"));
    /// // A process with its own random key refuses the page's values.
    /// assert!(!page.proof().verify(&ConsentKey::random(), "temporary-token"));
    /// let _config = Config::default().with_consent_key(one);
    /// ```
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ConsentKey(bytes)
    }

    /// The key as 64 lower-case hex digits, for a secret store. Keep it secret.
    pub fn to_hex(&self) -> String {
        use std::fmt::Write as _;
        self.0.iter().fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    /// A key from 64 hex digits ([`to_hex`](Self::to_hex)); `None` for anything else.
    ///
    /// ```
    /// use oauth1::consent::ConsentKey;
    /// let key = ConsentKey::random();
    /// assert!(ConsentKey::from_hex(&key.to_hex()).is_some());
    /// assert!(ConsentKey::from_hex("00").is_none());
    /// ```
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (k, pair) in key.iter_mut().zip(bytes.chunks_exact(2)) {
            let text = std::str::from_utf8(pair).ok()?;
            *k = u8::from_str_radix(text, 16).ok()?;
        }
        Some(ConsentKey(key))
    }

    /// HMAC-SHA256 of the token and the session (each length-prefixed) and the cookie value,
    /// URL-safe base64.
    fn mac(&self, token: &str, session: &str, cookie_value: &str) -> String {
        // HMAC takes keys of any length; were it ever refused, the empty string matches no
        // proof (`ConsentProof::verify` wants a non-empty form value): fail closed.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0) else { return String::new() };
        mac.update(b"oauth1 consent\0");
        mac.update(&(token.len() as u64).to_be_bytes());
        mac.update(token.as_bytes());
        mac.update(&(session.len() as u64).to_be_bytes());
        mac.update(session.as_bytes());
        mac.update(cookie_value.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for ConsentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsentKey(..)")
    }
}

/// The anti-forgery pair of one consent page view. See the [module docs](self).
#[derive(Clone)]
pub struct AntiForgery {
    cookie_value: String,
    form_value: String,
}

impl AntiForgery {
    /// A new pair for the temporary `token` in `session` (empty: not bound to a session): a
    /// random cookie value and its HMAC.
    ///
    /// ```
    /// use oauth1::consent::{AntiForgery, ConsentKey};
    ///
    /// let key = ConsentKey::random();
    /// let page = AntiForgery::issue(&key, "temporary-token", "session-1");
    /// // The page sets the cookie and puts the form value in a hidden field.
    /// let set_cookie = page.set_cookie(true);
    /// assert!(set_cookie.to_str()?.starts_with(&format!("__Host-oauth1_consent={}; Path=/; HttpOnly; SameSite=Strict", page.cookie_value())));
    /// assert_ne!(page.form_value(), page.cookie_value());
    /// // Each view gets its own pair.
    /// assert_ne!(AntiForgery::issue(&key, "temporary-token", "session-1").cookie_value(), page.cookie_value());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issue(key: &ConsentKey, token: &str, session: &str) -> Self {
        let cookie_value = random_string(32);
        let form_value = key.mac(token, session, &cookie_value);
        AntiForgery { cookie_value, form_value }
    }

    /// The cookie's value (send it with [`set_cookie`](Self::set_cookie)).
    pub fn cookie_value(&self) -> &str {
        &self.cookie_value
    }

    /// The value of the page's hidden form field.
    pub fn form_value(&self) -> &str {
        &self.form_value
    }

    /// Both values as the browser hands them back: what a test, or a server that keeps them
    /// elsewhere than in a cookie and a form, passes to `grant` or `deny`.
    pub fn proof(&self) -> ConsentProof<'_> {
        ConsentProof::new(&self.cookie_value, &self.form_value)
    }

    /// The `Set-Cookie` header value: `oauth1_consent=…; Path=/; HttpOnly; SameSite=Strict;
    /// Max-Age=600`; with `secure`, `__Host-oauth1_consent=…` and `Secure` (serve the consent page
    /// over https and pass `true`: browsers do not keep `Secure` cookies set over http, and only
    /// take `__Host-` cookies from the origin itself). Read it back with
    /// [`cookie_value`]`(headers, `[`cookie_name`]`(secure))`.
    ///
    /// ```
    /// use oauth1::consent::{self, AntiForgery, ConsentKey};
    ///
    /// let page = AntiForgery::issue(&ConsentKey::random(), "temporary-token", "");
    /// let set_cookie = page.set_cookie(false);
    /// assert!(set_cookie.to_str()?.starts_with("oauth1_consent="));
    /// assert!(set_cookie.to_str()?.ends_with("; Max-Age=600"));
    ///
    /// // The browser sends it back; read it under the same name.
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("cookie", format!("theme=dark; oauth1_consent={}", page.cookie_value()).parse()?);
    /// assert_eq!(consent::cookie_value(&headers, consent::cookie_name(false)), Some(page.cookie_value()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_cookie(&self, secure: bool) -> HeaderValue {
        let value = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=600{}",
            cookie_name(secure),
            self.cookie_value,
            if secure { "; Secure" } else { "" }
        );
        // The value is URL-safe base64, the rest ASCII: always a valid header value.
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("oauth1_consent=; Max-Age=0"))
    }
}

impl fmt::Debug for AntiForgery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AntiForgery(..)")
    }
}

/// What the browser sent back with a consent decision: the anti-forgery cookie and hidden
/// field (empty strings for what is missing), and the session the decision is made in.
#[derive(Clone, Copy)]
pub struct ConsentProof<'a> {
    cookie_value: &'a str,
    form_value: &'a str,
    session: &'a str,
}

impl<'a> ConsentProof<'a> {
    /// The cookie's value (read it with [`cookie_value`]) and the hidden field's, not bound to a
    /// session.
    ///
    /// ```
    /// use oauth1::consent::{AntiForgery, ConsentKey, ConsentProof};
    ///
    /// let key = ConsentKey::random();
    /// let page = AntiForgery::issue(&key, "temporary-token", "");
    /// // From the decision's request: the cookie, and the form's hidden field.
    /// assert!(ConsentProof::new(page.cookie_value(), page.form_value()).verify(&key, "temporary-token"));
    /// // A cross-site form has no cookie: refused.
    /// assert!(!ConsentProof::new("", page.form_value()).verify(&key, "temporary-token"));
    /// ```
    pub fn new(cookie_value: &'a str, form_value: &'a str) -> Self {
        ConsentProof { cookie_value, form_value, session: "" }
    }

    /// The decision is made in `session` (its id, or the signed-in user's): it verifies only if
    /// the page was issued for the same one.
    ///
    /// ```
    /// use oauth1::consent::{AntiForgery, ConsentKey, ConsentProof};
    ///
    /// let key = ConsentKey::random();
    /// let page = AntiForgery::issue(&key, "temporary-token", "alice-session");
    /// let proof = ConsentProof::new(page.cookie_value(), page.form_value());
    /// assert!(proof.in_session("alice-session").verify(&key, "temporary-token"));
    /// assert!(!proof.in_session("mallory-session").verify(&key, "temporary-token"));
    /// assert!(!proof.verify(&key, "temporary-token"), "issued in a session, checked outside it");
    /// ```
    pub fn in_session(mut self, session: &'a str) -> Self {
        self.session = session;
        self
    }

    /// Whether this proof was issued for `token`, this cookie and this session, in constant
    /// time.
    pub fn verify(&self, key: &ConsentKey, token: &str) -> bool {
        !self.cookie_value.is_empty()
            && !self.form_value.is_empty()
            && ct_eq_str(&key.mac(token, self.session, self.cookie_value), self.form_value)
    }
}

impl fmt::Debug for ConsentProof<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsentProof(..)")
    }
}

/// The value of the cookie called `name` in a `Cookie` request header
/// (`a=1; oauth1_consent=…`); `None` when absent or when the headers hold it more than once.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("cookie", "theme=dark; oauth1_consent=abc".parse().unwrap());
/// assert_eq!(oauth1::consent::cookie_value(&headers, "oauth1_consent"), Some("abc"));
/// ```
pub fn cookie_value<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    let mut found = None;
    for value in headers.get_all(header::COOKIE) {
        // Bytes, not `to_str`: a planted cookie with non-ASCII bytes must not hide this one.
        for pair in value.as_bytes().split(|&b| b == b';') {
            let pair = pair.trim_ascii();
            let Some(eq) = pair.iter().position(|&b| b == b'=') else { continue };
            let (n, v) = (pair.get(..eq).unwrap_or_default(), pair.get(eq + 1..).unwrap_or_default());
            if n == name.as_bytes() {
                if found.is_some() {
                    // Two cookies of that name (one may have been planted for a parent domain):
                    // trust neither.
                    return None;
                }
                found = Some(std::str::from_utf8(v).ok()?);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_bind_token_cookie_and_key() {
        let key = ConsentKey::random();
        let a = AntiForgery::issue(&key, "t", "");
        let b = AntiForgery::issue(&key, "t", "");
        assert_ne!(a.cookie_value(), b.cookie_value(), "random per view");
        let ok = a.proof();
        assert!(ok.verify(&key, "t"));
        assert!(!ok.verify(&ConsentKey::random(), "t"), "another server's key");
        assert!(!ok.verify(&key, "t2"));
        assert!(!ok.in_session("s").verify(&key, "t"), "issued without a session");
        // Mixing two views' halves fails.
        assert!(!ConsentProof::new(b.cookie_value(), a.form_value()).verify(&key, "t"));
        assert!(!ConsentProof::new("", "").verify(&key, "t"));
        // Bound to a session: only in that session.
        let s = AntiForgery::issue(&key, "t", "alice's session");
        assert!(s.proof().in_session("alice's session").verify(&key, "t"));
        assert!(!s.proof().verify(&key, "t"));
        assert!(!s.proof().in_session("bob's session").verify(&key, "t"));
        // Token, session and cookie are length-delimited.
        let c = ConsentKey::from_bytes([7; 32]);
        assert_ne!(c.mac("ab", "", "c"), c.mac("a", "", "bc"));
        assert_ne!(c.mac("a", "b", "c"), c.mac("ab", "", "c"));
        assert_ne!(c.mac("a", "bc", "d"), c.mac("a", "b", "cd"));
    }

    #[test]
    fn cookie_header_and_debug() {
        let key = ConsentKey::from_bytes([1; 32]);
        let a = AntiForgery::issue(&key, "t", "");
        let set = a.set_cookie(true);
        let set = set.to_str().unwrap();
        assert!(set.starts_with(&format!("__Host-oauth1_consent={}", a.cookie_value())));
        assert!(a.set_cookie(false).to_str().unwrap().starts_with("oauth1_consent="));
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.ends_with("; Secure"));
        assert_eq!(format!("{key:?} {a:?}"), "ConsentKey(..) AntiForgery(..)");
    }

    #[test]
    fn cookies_are_read_once() {
        let mut h = http::HeaderMap::new();
        assert_eq!(cookie_value(&h, COOKIE_NAME), None);
        h.append(header::COOKIE, HeaderValue::from_static("a=1;oauth1_consent=x"));
        assert_eq!(cookie_value(&h, COOKIE_NAME), Some("x"));
        h.append(header::COOKIE, HeaderValue::from_static("oauth1_consent=y"));
        assert_eq!(cookie_value(&h, COOKIE_NAME), None, "two of them: neither");
        // A planted cookie field with non-ASCII bytes does not hide a second one.
        let mut h = http::HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_bytes(b"x=\xc3\xa9; oauth1_consent=planted").unwrap());
        h.append(header::COOKIE, HeaderValue::from_static("oauth1_consent=mine"));
        assert_eq!(cookie_value(&h, COOKIE_NAME), None);
        assert_eq!(cookie_value(&h, SECURE_COOKIE_NAME), None);
    }
}
