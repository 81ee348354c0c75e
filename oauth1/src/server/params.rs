//! The protocol parameters a step needs, checked once and kept: pure, synchronous policy
//! (steps 2–4 of the [server module docs](super)). Everything after this works with
//! [`ProtocolParams`], never with the raw request's optional values again.

use crate::error::Error;
use crate::request::SignedRequest;
use crate::signature::SignatureMethod;

use super::Config;
use super::callback::{MAX_REALM_LEN, check_callback_shape};

/// Which credentials a protected request is signed with
/// ([RFC 5849 §3](https://www.rfc-editor.org/rfc/rfc5849#section-3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// Client and token credentials (three-legged): `oauth_token` required.
    Token,
    /// Client credentials only (two-legged, LTI 1.1 launches): no `oauth_token`.
    ConsumerOnly,
}

/// The step of the protocol a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// §2.1: no token; `oauth_callback` required.
    TemporaryCredentials,
    /// §2.3: temporary credentials and `oauth_verifier`.
    TokenCredentials,
    /// §3: a protected resource.
    Resource(Scope),
}

impl Step {
    /// The name logs use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::TemporaryCredentials => "temporary_credentials",
            Step::TokenCredentials => "token_credentials",
            Step::Resource(Scope::Token) => "resource",
            Step::Resource(Scope::ConsumerOnly) => "consumer",
        }
    }
}

/// Whether `name` is a protocol parameter RFC 5849 (or the body hash extension) defines.
///
/// Each is accepted at every step when signed: one defined for another step (`oauth_callback`
/// outside §2.1, `oauth_verifier` outside §2.3; Authlib's and oauthlib's clients send them on
/// every request of a session) is ignored, and stays in the base string, so the signature still
/// covers it. A token where none may be is refused by the required-parameter checks.
fn is_protocol_parameter(name: &str) -> bool {
    matches!(
        name,
        "oauth_consumer_key"
            | "oauth_signature_method"
            | "oauth_timestamp"
            | "oauth_nonce"
            | "oauth_version"
            | "oauth_body_hash"
            | "oauth_callback"
            | "oauth_verifier"
            | "oauth_token"
    )
}

/// The longest `oauth_nonce` accepted, in bytes (it is stored).
const MAX_NONCE_LEN: usize = 255;

/// The validated protocol parameters of one request, as parsed (decoded once).
#[derive(Clone, Copy)]
pub(crate) struct ProtocolParams<'r, 'c> {
    pub(crate) consumer_key: &'r str,
    /// `oauth_token`, when the step takes one (present and non-empty).
    pub(crate) token: Option<&'r str>,
    pub(crate) method: &'c dyn SignatureMethod,
    /// `oauth_timestamp` and `oauth_nonce`; `None` only for a PLAINTEXT request without them
    /// under [`Config::insecure_allow_plaintext_without_nonce`].
    pub(crate) timestamp_and_nonce: Option<(u64, &'r str)>,
    /// `oauth_callback` at §2.1 (checked: `oob` or an allowed absolute URI, bounded).
    pub(crate) callback: Option<&'r str>,
    /// `oauth_verifier` at §2.3.
    pub(crate) verifier: Option<&'r str>,
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

impl<'r, 'c> ProtocolParams<'r, 'c> {
    /// Checks `signed` for `step` at `now` (Unix seconds), in this order: the consumer key;
    /// the step's own parameters; unknown `oauth_*` names; `oauth_version`; timestamp and
    /// nonce presence; the signature method and signature presence; the method's transport
    /// and nonce rules; the nonce length; the timestamp's form and window.
    pub(crate) fn check(
        signed: &'r SignedRequest<'_>,
        step: Step,
        config: &'c Config,
        now: u64,
    ) -> Result<Self, Error> {
        let consumer_key = non_empty(signed.consumer_key()).ok_or_else(|| Error::missing("oauth_consumer_key"))?;
        let token = non_empty(signed.token());
        let (mut callback, mut verifier) = (None, None);
        match step {
            Step::TemporaryCredentials => {
                let cb = non_empty(signed.callback()).ok_or_else(|| Error::missing("oauth_callback"))?;
                check_callback_shape(cb, &config.callback_schemes)?;
                callback = Some(cb);
                if signed.realm().is_some_and(|r| r.len() > MAX_REALM_LEN) {
                    return Err(Error::too_long("realm"));
                }
                if token.is_some() {
                    return Err(Error::unsupported("oauth_token"));
                }
            }
            Step::TokenCredentials => {
                if token.is_none() {
                    return Err(Error::missing("oauth_token"));
                }
                verifier = Some(non_empty(signed.verifier()).ok_or_else(|| Error::missing("oauth_verifier"))?);
            }
            Step::Resource(Scope::Token) => {
                if token.is_none() {
                    return Err(Error::missing("oauth_token"));
                }
            }
            Step::Resource(Scope::ConsumerOnly) => {
                if token.is_some() {
                    return Err(Error::unsupported("oauth_token"));
                }
            }
        }
        if config.reject_unknown_protocol_parameters
            && let Some((name, _, _)) =
                signed.params().find(|(n, _, _)| n.starts_with("oauth_") && !is_protocol_parameter(n))
        {
            return Err(Error::unsupported(name.to_owned()));
        }
        if let Some(v) = signed.version()
            && v != "1.0"
        {
            return Err(Error::with_description(crate::ErrorKind::VersionRejected, "\"oauth_version\" must be 1.0")
                .with_advice(crate::error::Advice::AcceptableVersions));
        }
        let method_name = non_empty(signed.signature_method());
        let (timestamp, nonce) = (non_empty(signed.timestamp()), non_empty(signed.nonce()));
        let may_omit = method_name
            .and_then(|n| config.signature_methods.get(n))
            .is_some_and(|m| m.allows_omitting_timestamp_and_nonce());
        if !(may_omit && timestamp.is_none() && nonce.is_none()) {
            if timestamp.is_none() {
                return Err(Error::missing("oauth_timestamp"));
            }
            if nonce.is_none() {
                return Err(Error::missing("oauth_nonce"));
            }
        }
        if method_name.is_none() {
            return Err(Error::missing("oauth_signature_method"));
        }
        if non_empty(signed.signature()).is_none() {
            return Err(Error::missing("oauth_signature"));
        }
        let method = config.signature_methods.resolve(method_name)?;
        // A method that does not sign the base string (PLAINTEXT) sends the secrets: TLS only
        // (RFC 5849 §3.4.4), unless explicitly allowed.
        if !method.uses_base_string()
            && !config.insecure_plaintext_over_http
            && !signed.base_string_uri().starts_with("https://")
        {
            return Err(Error::with_description(
                crate::ErrorKind::UnsupportedSignatureMethod,
                "this signature method is only accepted over https",
            ));
        }
        let (Some(timestamp), Some(nonce)) = (timestamp, nonce) else {
            // Without a nonce the request can be replayed as it is: only when explicitly allowed.
            if !config.insecure_plaintext_without_nonce {
                return Err(Error::missing("oauth_timestamp"));
            }
            return Ok(ProtocolParams { consumer_key, token, method, timestamp_and_nonce: None, callback, verifier });
        };
        if nonce.len() > MAX_NONCE_LEN {
            return Err(Error::too_long("oauth_nonce"));
        }
        let timestamp = parse_timestamp(timestamp).ok_or_else(|| Error::invalid_value("oauth_timestamp"))?;
        let (earliest, latest) =
            (now.saturating_sub(config.timestamp_past), now.saturating_add(config.timestamp_future));
        if timestamp < earliest || timestamp > latest {
            return Err(Error::timestamp_refused(Some((earliest, latest))));
        }
        Ok(ProtocolParams {
            consumer_key,
            token,
            method,
            timestamp_and_nonce: Some((timestamp, nonce)),
            callback,
            verifier,
        })
    }

    /// When a nonce recorded for this request may be forgotten: once its timestamp has left
    /// the accepted window.
    pub(crate) fn nonce_expiry(timestamp: u64, config: &Config) -> u64 {
        timestamp.saturating_add(config.timestamp_past).saturating_add(1)
    }
}

/// ASCII digits only (no sign, no spaces), at most 19 of them: a `u64`.
fn parse_timestamp(timestamp: &str) -> Option<u64> {
    if timestamp.is_empty() || timestamp.len() > 19 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    timestamp.parse().ok()
}
