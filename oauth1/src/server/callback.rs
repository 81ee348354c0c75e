//! Callbacks ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1),
//! [§2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)): which ones a client may name,
//! and the redirect back to them.

use std::borrow::Cow;

use crate::error::Error;
use crate::request::decoded_again;
use crate::response::form_encode;
use crate::signature::SignatureMatch;
use crate::store::Client;

/// Which callbacks a temporary credential request may name
/// ([RFC 5849 §2.1](https://www.rfc-editor.org/rfc/rfc5849#section-2.1)). `oob` is always
/// allowed; every URI must also have an allowed scheme
/// ([`Config::with_callback_schemes`](super::Config::with_callback_schemes)).
///
/// The callback is where the verifier goes: a client that registered its callbacks must not be
/// able to have the verifier sent anywhere else, which the default enforces.
///
/// ```
/// # use std::sync::Arc;
/// # use oauth1::{AuthorizationServer, Config, Stores, sign::Signer};
/// # let store = Arc::new(oauth1_memory::MemoryStore::new());
/// use oauth1::store::Client;
///
/// // Under the default policy, a client that registered its callback gets the verifier there only.
/// store.insert_client(Client::new("printer", "kd94hf93k423kf44").with_callback("https://printer.example/ready"));
/// let server = AuthorizationServer::new(Stores::single(store), Config::default());
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let initiate = |callback: &str| -> Result<_, Box<dyn std::error::Error>> {
///     Ok(Signer::new("printer", "kd94hf93k423kf44")
///         .callback(callback)
///         .sign(http::Request::post("http://photos.example/initiate").body(Vec::new())?)?)
/// };
/// // The registered callback, with query parameters of the client's own: accepted.
/// assert!(server.temporary_credentials(&initiate("https://printer.example/ready?job=42")?).await.is_ok());
/// // Anywhere else (someone holding the client's credentials): refused.
/// let refused = server.temporary_credentials(&initiate("https://attacker.example/")?).await.unwrap_err();
/// assert_eq!((refused.status().as_u16(), refused.code()), (400, "invalid_request"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CallbackPolicy {
    /// A client with registered callbacks must name one of them (to which the request may add
    /// query parameters); a client that registered none may name any URI (default).
    #[default]
    RegisteredWhenPresent,
    /// Every client must name one of its registered callbacks; a client that registered none
    /// may only use `oob`.
    Registered,
    /// **Unsafe**: any URI, even when the client registered its callbacks. Anybody holding a
    /// client's credentials can then have a resource owner's verifier sent to a host of their
    /// choosing (an open redirect). Only for providers whose clients cannot register callbacks.
    InsecureAnyUri,
}

/// The longest `oauth_callback` accepted, in bytes, after non-ASCII characters are
/// percent-encoded (it is stored with the temporary credentials): 400 beyond it.
pub const MAX_CALLBACK_LEN: usize = 2048;
/// The longest `realm` accepted from a temporary credential request, in bytes (it is stored
/// with the credentials): 400 beyond it.
pub const MAX_REALM_LEN: usize = 256;

/// `oob` or an absolute URI with an allowed scheme, a host and no userinfo, no longer than
/// [`MAX_CALLBACK_LEN`].
pub(crate) fn check_callback_shape(callback: &str, schemes: &[String]) -> Result<(), Error> {
    if callback_uri(callback).len() > MAX_CALLBACK_LEN {
        return Err(Error::too_long("oauth_callback"));
    }
    check_callback(callback, schemes)
}

/// Validates `oob` or an absolute URI with an allowed scheme, a host and no userinfo.
fn check_callback(callback: &str, schemes: &[String]) -> Result<(), Error> {
    let invalid = || Error::invalid_value("oauth_callback");
    if callback == "oob" {
        return Ok(());
    }
    if callback.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(invalid());
    }
    let (scheme, rest) = callback.split_once("://").ok_or_else(invalid)?;
    if !schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return Err(invalid());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    crate::origin::normalize_authority(&scheme.to_ascii_lowercase(), authority).map_err(|_| invalid())?;
    Ok(())
}

/// The callback as a URI: non-ASCII characters (an IRI, RFC 3987 §3.1) percent-encoded as
/// UTF-8, so that it can be sent in a `Location` header.
pub(crate) fn callback_uri(callback: &str) -> Cow<'_, str> {
    if callback.is_ascii() {
        return Cow::Borrowed(callback);
    }
    let mut out = String::with_capacity(callback.len() * 3);
    for c in callback.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push('%');
                out.push(char::from(crate::encoding::hex_upper(b >> 4)));
                out.push(char::from(crate::encoding::hex_upper(b & 0x0f)));
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `client` may have its verifier sent to `callback` (a URI, not `oob`) under `policy`.
pub(crate) fn callback_allowed(
    policy: CallbackPolicy,
    client: &Client,
    callback: &str,
    matched: SignatureMatch,
) -> bool {
    let registered = || {
        client.callbacks.iter().any(|r| {
            let r = callback_uri(r);
            // Through the interop fallback the client signed its registered callback decoded
            // a second time; accept that form only when the scheme, host and path are the
            // same in both (the second decoding only touched the query).
            matches_registered(callback, &r)
                || (matched == SignatureMatch::DoubleDecoded
                    && r.split(['?', '#']).next().is_some_and(|head| !head.contains('%'))
                    && matches_registered(callback, &decoded_again(&r)))
        })
    };
    match policy {
        CallbackPolicy::RegisteredWhenPresent => client.callbacks.is_empty() || registered(),
        CallbackPolicy::Registered => registered(),
        CallbackPolicy::InsecureAnyUri => true,
    }
}

/// Whether `callback` is `registered`, possibly with query parameters added.
fn matches_registered(callback: &str, registered: &str) -> bool {
    if callback == registered {
        return true;
    }
    let Some(rest) = callback.strip_prefix(registered) else { return false };
    let sep = if registered.contains('?') { '&' } else { '?' };
    rest.starts_with(sep) && !registered.contains('#')
}

/// Adds `pairs` to the query of `uri`, keeping its own query and fragment as they are (the
/// redirect of [RFC 5849 §2.2](https://www.rfc-editor.org/rfc/rfc5849#section-2.2)).
///
/// ```
/// use oauth1::server::add_query_parameters;
/// assert_eq!(
///     add_query_parameters("https://client.test/cb?x=1#top", &[("oauth_token", "hh5s93j4hdidpola")]),
///     "https://client.test/cb?x=1&oauth_token=hh5s93j4hdidpola#top"
/// );
/// ```
pub fn add_query_parameters(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri, None),
    };
    let mut out = String::from(base);
    if !out.ends_with(['?', '&']) {
        out.push(if base.contains('?') { '&' } else { '?' });
    }
    out.push_str(&form_encode(pairs.iter().copied()));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks() {
        let schemes = vec!["http".to_owned(), "https".to_owned()];
        for ok in [
            "oob",
            "https://provider.test/cb",
            "http://localhost:8080/cb",
            "https://a.b/c?next=user@a.b",
            "https://a.b/c#f",
        ] {
            assert!(check_callback(ok, &schemes).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "OOB",
            "invalid_url",
            "/cb",
            "provider.test/cb",
            "https://",
            "https://user:pass@provider.test/cb",
            "https://user@provider.test/cb",
            "https://provider.test@attacker.test/cb",
            "http://localhost:80@attacker.test/cb",
            "javascript://x/%0aalert(1)",
            "myapp://cb",
            "http://[not-an-ip]/cb",
            "http://a.b/c d",
        ] {
            assert!(check_callback(bad, &schemes).is_err(), "{bad}");
        }
        assert!(check_callback("myapp://cb", &["myapp".to_owned()]).is_ok());
    }

    #[test]
    fn registered_callbacks() {
        assert!(matches_registered("http://p.test/ready", "http://p.test/ready"));
        assert!(matches_registered("http://p.test/ready?x=1", "http://p.test/ready"));
        assert!(matches_registered("http://p.test/ready?a=1&x=1", "http://p.test/ready?a=1"));
        assert!(!matches_registered("http://p.test/ready.evil", "http://p.test/ready"));
        assert!(!matches_registered("http://p.test/readyx", "http://p.test/ready"));
        assert!(!matches_registered("http://p.test/ready?a=2", "http://p.test/ready?a=1"));
    }

    #[test]
    fn non_ascii_callbacks_are_percent_encoded() {
        assert_eq!(callback_uri("https://i.test/é"), "https://i.test/%C3%A9");
        assert!(matches!(callback_uri("https://i.test/e"), Cow::Borrowed(_)));
    }

    #[test]
    fn query_parameters_added_keep_query_and_fragment() {
        assert_eq!(
            add_query_parameters("https://i.test/cb?x=1#frag", &[("a", "b c")]),
            "https://i.test/cb?x=1&a=b%20c#frag"
        );
        assert_eq!(add_query_parameters("https://i.test/cb", &[("a", "1")]), "https://i.test/cb?a=1");
        assert_eq!(
            add_query_parameters("https://i.test/cb?next=%2Fhome&flag", &[("a", "1")]),
            "https://i.test/cb?next=%2Fhome&flag&a=1"
        );
        assert_eq!(add_query_parameters("https://i.test/cb?", &[("a", "1")]), "https://i.test/cb?a=1");
    }
}
