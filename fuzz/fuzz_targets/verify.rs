//! The whole `ResourceProtector::verify` (and `verify_consumer`) against a provider on
//! `oauth1_memory::MemoryStore`, driven by a no-op-waker executor.
//!
//! Input: a first byte choosing the mode, then
//! * mode `% 4 == 0`: a [`RawRequest`] (as the `base_string` target) verified as it is;
//! * otherwise a [`Structured`] request: arbitrary parameters, encodings, transports, methods,
//!   hosts, realm, body and credentials that the target signs itself with `oauth1::sign::Signer`,
//!   verifies, replays, then mutates (flipped / inserted / deleted bytes, re-encoded values,
//!   duplicated / removed / reordered parameters, protocol parameters moved to the query, …)
//!   and verifies again.
//!
//! Properties:
//! * no panic; every refusal is a 4xx; `TemporarilyUnavailable` (503) never happens;
//! * every accepted request is correctly signed with the real secrets of the consumer and
//!   token it was accepted for: HMAC re-computed over its own base string (or, when accepted
//!   through the interop fallback, over the base string with `oauth_*` values decoded twice)
//!   equals the presented signature; PLAINTEXT equals the signing key; RSA verifies;
//! * replaying an accepted request is refused (`InvalidNonce`);
//! * a structured request is accepted exactly when nothing is wrong with it (valid credentials,
//!   timestamp in the window, no unknown `oauth_*` parameter, …), for the right consumer, token,
//!   user, method and realm, and never through the fallback; otherwise refused with the kind
//!   that its one defect calls for;
//! * a mutated request that a fresh provider still accepts has the same signed parameter set
//!   (the same base string, or the same after the fallback's second decoding) as the original,
//!   or for PLAINTEXT the same credentials; and the provider that already accepted the
//!   original refuses it as a replay.
#![no_main]

use oauth1::server::Scope;
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use oauth1::sign::{Signer, SigningMethod};
use oauth1::signature::{Algorithm, HmacMethod, RsaMethod, SignatureMethod, VerifyingKeys, signing_key};
use oauth1::{Authenticated, Error, ErrorKind, Origin, ParseOptions, SignedRequest, Transport};
use oauth1_fuzz::{
    CLIENT, CLIENT2, CONTENT_TYPES, METHODS, NOW, RawRequest, SECRET, SECRET2, TOKEN, TOKEN_SECRET, TOKEN2,
    TOKEN2_SECRET, block_on, double_decoded, enc, protector, ref_base_string, rsa_pair,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let u = Unstructured::new(rest);
    if mode % 4 == 0 {
        if let Ok(raw) = RawRequest::arbitrary_take_rest(u) {
            raw_case(&raw);
        }
    } else if let Ok(s) = Structured::arbitrary_take_rest(u) {
        structured_case(&s);
    }
});

/// `OAUTH1_FUZZ_TRACE=1` prints what became of each structured request (to check that the
/// properties are not vacuous: how many originals and mutated requests are accepted).
fn trace(what: std::fmt::Arguments<'_>) {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *TRACE.get_or_init(|| std::env::var_os("OAUTH1_FUZZ_TRACE").is_some_and(|v| v == "1")) {
        eprintln!("trace: {what}");
    }
}

fn check_refusal(e: &Error) {
    assert_ne!(e.kind(), ErrorKind::TemporarilyUnavailable, "503 from the memory store: {e:?}");
    assert!(e.status().is_client_error(), "not a 4xx: {e:?}");
}

fn options(https: bool) -> ParseOptions {
    ParseOptions::with_origin(Origin::host(if https { "https" } else { "http" }).expect("scheme"))
}

fn consumer_secret(key: &str) -> &'static str {
    match key {
        CLIENT => SECRET,
        CLIENT2 => SECRET2,
        other => panic!("accepted for an unknown consumer {other:?}"),
    }
}

fn token_secret(token: Option<&str>) -> &'static str {
    match token {
        None => "",
        Some(TOKEN) => TOKEN_SECRET,
        Some(TOKEN2) => TOKEN2_SECRET,
        Some(other) => panic!("accepted with an unknown token {other:?}"),
    }
}

/// The independent check of an accepted request: it is signed with the real secrets.
fn check_accepted(req: &http::Request<Vec<u8>>, auth: &Authenticated, https: bool, consumer_only: bool) {
    let signed = SignedRequest::parse(req, &options(https)).expect("an accepted request parses");
    assert_eq!(signed.consumer_key(), Some(auth.consumer_key()));
    assert_eq!(auth.realm(), signed.realm());
    assert_eq!(auth.signature_method(), signed.signature_method().unwrap_or_default());
    if consumer_only {
        assert_eq!(auth.token(), None);
        assert!(signed.token().is_none_or(str::is_empty), "consumer-only request with a token accepted");
    } else {
        assert_eq!(auth.token(), signed.token());
        assert!(auth.token().is_some());
    }
    let expected_user = match auth.token() {
        Some(TOKEN) => Some("1"),
        Some(TOKEN2) => Some("2"),
        _ => None,
    };
    assert_eq!(auth.user_id(), expected_user);
    match (auth.consumer_key(), auth.token()) {
        (CLIENT2, Some(TOKEN)) | (CLIENT, Some(TOKEN2)) => panic!("token of another consumer accepted"),
        _ => {}
    }
    // The timestamp is in the window and the nonce is there.
    let ts: u64 = signed.timestamp().expect("timestamp").parse().expect("digits");
    assert!(ts.abs_diff(NOW) <= 300, "timestamp {ts} outside the window");
    assert!(signed.nonce().is_some_and(|n| !n.is_empty() && n.len() <= 255));
    assert_eq!(signed.version().unwrap_or("1.0"), "1.0");

    let cs = consumer_secret(auth.consumer_key());
    let ts_secret = token_secret(auth.token());
    let signature = signed.signature().expect("an accepted request has a signature");
    let pairs: Vec<(String, String)> = signed.params().map(|(n, v, _)| (n.to_owned(), v.to_owned())).collect();
    let rfc_base = ref_base_string(signed.method(), signed.base_string_uri(), pairs.iter().map(|(n, v)| (&**n, &**v)));
    assert_eq!(signed.base_string().to_string(), rfc_base);
    let base = if auth.interop_fallback() {
        let dd = double_decoded(&pairs);
        assert_ne!(dd, pairs, "the fallback matched without a value to decode again");
        ref_base_string(signed.method(), signed.base_string_uri(), dd.iter().map(|(n, v)| (&**n, &**v)))
    } else {
        rfc_base
    };
    let hmac = |alg| HmacMethod(alg).sign_text(&base, cs, ts_secret);
    match auth.signature_method() {
        "HMAC-SHA1" => assert_eq!(hmac(Algorithm::Sha1), signature),
        "HMAC-SHA256" => assert_eq!(hmac(Algorithm::Sha256), signature),
        "HMAC-SHA512" => assert_eq!(hmac(Algorithm::Sha512), signature),
        "PLAINTEXT" => {
            assert!(!auth.interop_fallback());
            assert_eq!(signing_key(cs, ts_secret), signature);
        }
        m @ ("RSA-SHA1" | "RSA-SHA256" | "RSA-SHA512") => {
            assert_eq!(auth.consumer_key(), CLIENT, "only `client` has an RSA key");
            if !auth.interop_fallback() {
                let alg = match m {
                    "RSA-SHA1" => Algorithm::Sha1,
                    "RSA-SHA256" => Algorithm::Sha256,
                    _ => Algorithm::Sha512,
                };
                let keys = VerifyingKeys {
                    consumer_secret: "",
                    token_secret: "",
                    rsa_public_keys: std::slice::from_ref(&rsa_pair().1),
                };
                assert!(RsaMethod(alg).verify(&signed.base_string(), signature, &keys));
            }
        }
        other => panic!("accepted with an unexpected method {other:?}"),
    }
}

fn verify(
    p: &oauth1::ResourceProtector,
    req: &http::Request<Vec<u8>>,
    consumer_only: bool,
) -> Result<Authenticated, Error> {
    let res = if consumer_only { block_on(p.verify(req, Scope::ConsumerOnly)) } else { block_on(p.verify(req, Scope::Token)) };
    if let Err(e) = &res {
        check_refusal(e);
    }
    res
}

fn raw_case(raw: &RawRequest<'_>) {
    let Some(req) = raw.build() else { return };
    let https = raw.extra & 16 != 0;
    let consumer_only = raw.extra & 32 != 0;
    let p = protector(https);
    if let Ok(auth) = verify(&p, &req, consumer_only) {
        check_accepted(&req, &auth, https, consumer_only);
        let again = verify(&p, &req, consumer_only).expect_err("a replay was accepted");
        assert_eq!(again.kind(), ErrorKind::InvalidNonce);
    }
}

/// A request the target signs itself.
#[derive(Arbitrary, Debug)]
struct Structured {
    /// Index into `METHODS`.
    method: u8,
    /// Which credentials (see [`Creds`]).
    creds: u8,
    /// Which signature method.
    sig: u8,
    /// Header, query or body.
    transport: u8,
    /// Bit 0: `https`; bits 1-2: `Host` header and/or absolute URI.
    origin: u8,
    /// Index into [`HOSTS`].
    host: u8,
    /// `% 16 == 0`: an `oauth_*` parameter the endpoint does not use.
    extra_protocol: u8,
    ts_offset: i16,
    no_version: bool,
    body_hash: bool,
    path: String,
    query: Vec<(String, String)>,
    body: BodySpec,
    realm: Option<String>,
    nonce: String,
    mutations: Vec<Mutation>,
}

#[derive(Arbitrary, Debug)]
enum BodySpec {
    None,
    /// A form body; the `u8` picks its `Content-Type` spelling.
    Form(u8, Vec<(String, String)>),
    /// Any other body; the `u8` picks its `Content-Type` (possibly none).
    Raw(u8, Vec<u8>),
}

const HOSTS: [&str; 8] = [
    "example.com",
    "Example.COM",
    "example.com:8080",
    "[::1]:8443",
    "127.0.0.1",
    "a.b-c_d~e.example",
    "EXAMPLE.com:80",
    "example.com:443",
];

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Part {
    Method,
    Path,
    Query,
    Authorization,
    Host,
    Body,
    ContentType,
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    Flip {
        part: Part,
        pos: u16,
        bit: u8,
    },
    Insert {
        part: Part,
        pos: u16,
        byte: u8,
    },
    Delete {
        part: Part,
        pos: u16,
    },
    /// Percent-encode the character at `pos` (`%XX`, or `%25XX` when `twice`).
    Encode {
        part: Part,
        pos: u16,
        twice: bool,
    },
    /// Lower-case every `%XX` escape.
    LowerHex {
        part: Part,
    },
    /// `%20` ⇄ `+`.
    PlusForSpace {
        part: Part,
    },
    /// Duplicate, remove or move the `which`-th list element (`&` or `,` separated).
    Duplicate {
        part: Part,
        which: u8,
    },
    Remove {
        part: Part,
        which: u8,
    },
    Swap {
        part: Part,
        which: u8,
    },
    /// Percent-encode (`%XX`, or `%25XX` when `twice`) a byte of the `which`-th `oauth_*` value,
    /// wherever it is: what a re-encoding replay or the interop fallback turns on.
    EncodeProtocol {
        which: u8,
        pos: u8,
        twice: bool,
    },
    /// The `Authorization` header's parameters moved to the query.
    HeaderToQuery,
    /// Lower-case the method.
    MethodCase,
    Append {
        part: Part,
        text: String,
    },
}

/// What the target signs with, and what the provider should make of it.
struct Creds {
    consumer: &'static str,
    consumer_secret: &'static str,
    token: Option<(&'static str, &'static str)>,
    consumer_only: bool,
    /// The refusal this choice alone calls for (`None`: acceptable), given whether the method is
    /// RSA (which ignores the shared secrets).
    defect: fn(rsa: bool) -> Option<ErrorKind>,
}

fn creds(choice: u8) -> Creds {
    let c = |consumer, consumer_secret, token, consumer_only, defect| Creds {
        consumer,
        consumer_secret,
        token,
        consumer_only,
        defect,
    };
    match choice % 8 {
        0 => c(CLIENT, SECRET, Some((TOKEN, TOKEN_SECRET)), false, |_| None),
        1 => c(CLIENT2, SECRET2, Some((TOKEN2, TOKEN2_SECRET)), false, |rsa| {
            rsa.then_some(ErrorKind::InvalidSignature) // client2 has no RSA key
        }),
        2 => c(CLIENT, SECRET, None, true, |_| None),
        3 => c(CLIENT, SECRET, None, false, |_| Some(ErrorKind::MissingParameter)),
        4 => c("nobody", SECRET, Some((TOKEN, TOKEN_SECRET)), false, |_| Some(ErrorKind::InvalidClient)),
        5 => {
            c(CLIENT, "wrong", Some((TOKEN, TOKEN_SECRET)), false, |rsa| (!rsa).then_some(ErrorKind::InvalidSignature))
        }
        6 => c(CLIENT, SECRET, Some((TOKEN, "wrong")), false, |rsa| (!rsa).then_some(ErrorKind::InvalidSignature)),
        _ => c(CLIENT2, SECRET2, Some((TOKEN, TOKEN_SECRET)), false, |_| Some(ErrorKind::InvalidToken)),
    }
}

fn signing_method(choice: u8) -> SigningMethod {
    // RSA signing costs a private-key operation (about a millisecond): one input in 128.
    match choice {
        0..=79 => SigningMethod::Hmac(Algorithm::Sha1),
        80..=139 => SigningMethod::Hmac(Algorithm::Sha256),
        140..=189 => SigningMethod::Hmac(Algorithm::Sha512),
        190..=253 => SigningMethod::Plaintext,
        254 => SigningMethod::Rsa(Algorithm::Sha1, Box::new(rsa_pair().0.clone())),
        255 => SigningMethod::Rsa(Algorithm::Sha256, Box::new(rsa_pair().0.clone())),
    }
}

/// A path that `http` accepts: unusual bytes percent-encoded, `%` kept as it is.
fn path_of(s: &str) -> String {
    let mut out = String::from("/");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Names that are not protocol parameters.
fn plain_name(n: &str) -> String {
    if n.starts_with("oauth_") { format!("x{n}") } else { n.to_owned() }
}

fn form_of(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(n, v)| format!("{}={}", enc(&plain_name(n)), enc(v))).collect::<Vec<_>>().join("&")
}

fn structured_case(s: &Structured) {
    let creds = creds(s.creds);
    let method = signing_method(s.sig);
    let method_name = method.name();
    let rsa = matches!(method, SigningMethod::Rsa(..));
    let plaintext = matches!(method, SigningMethod::Plaintext);
    // PLAINTEXT only over https (RFC 5849 §3.4.4).
    let https = s.origin & 1 != 0 || plaintext;
    let scheme = if https { "https" } else { "http" };
    let host = HOSTS[usize::from(s.host) % HOSTS.len()];
    // The signer takes the scheme from an absolute URI (else `http`) and the authority from it
    // (else `Host`); the provider takes `Host` (else the URI's authority) and its own scheme.
    let (absolute, host_header) = match (https, (s.origin >> 1) & 3) {
        (false, 0) => (false, true),
        (_, 1) => (true, true),
        _ => (true, false),
    };
    let mut transport = match s.transport % 3 {
        0 => Transport::Header,
        1 => Transport::Query,
        _ => Transport::Body,
    };

    let mut target = path_of(&s.path);
    if !s.query.is_empty() {
        target.push('?');
        target.push_str(&form_of(&s.query));
    }
    let uri = if absolute { format!("{scheme}://{host}{target}") } else { target };
    let mut b = http::Request::builder().method(METHODS[usize::from(s.method) % METHODS.len()]).uri(uri);
    if host_header {
        b = b.header(http::header::HOST, host);
    }
    let body = match &s.body {
        BodySpec::None => Vec::new(),
        BodySpec::Form(ct, pairs) => {
            let ct = [1, 2, 5][usize::from(*ct) % 3];
            b = b.header(http::header::CONTENT_TYPE, CONTENT_TYPES[ct].expect("a form type"));
            form_of(pairs).into_bytes()
        }
        BodySpec::Raw(ct, bytes) => {
            if let Some(ct) = [None, CONTENT_TYPES[3], CONTENT_TYPES[4], CONTENT_TYPES[6]][usize::from(*ct) % 4] {
                b = b.header(http::header::CONTENT_TYPE, ct);
            }
            if transport == Transport::Body {
                // The body transport needs a form body.
                transport = Transport::Header;
            }
            bytes.clone()
        }
    };
    let Ok(req) = b.body(body) else { return };

    let nonce = if s.nonce.is_empty() { "n".to_owned() } else { s.nonce.clone() };
    let offset = i64::from(s.ts_offset) % 400;
    let timestamp = NOW.saturating_add_signed(offset);
    let mut signer = Signer::new(creds.consumer, creds.consumer_secret)
        .method(method)
        .transport(transport)
        .nonce(nonce.clone())
        .timestamp(timestamp)
        .version(!s.no_version)
        .body_hash(s.body_hash);
    if let Some((t, ts)) = creds.token {
        signer = signer.token(t, ts);
    }
    let realm: Option<String> = match (&s.realm, transport) {
        (Some(r), Transport::Header) => {
            Some(r.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect())
        }
        _ => None,
    };
    if let Some(r) = &realm {
        signer = signer.realm(r.clone());
    }
    let extra_protocol = s.extra_protocol.is_multiple_of(16);
    if extra_protocol {
        signer = signer.param("oauth_extra", nonce.clone());
    }
    let signed = match signer.sign(req) {
        Ok(r) => r,
        Err(e) => panic!("the signer refused a request built to be signable: {e:?}"),
    };

    // What the provider must answer.
    let mut defects: Vec<ErrorKind> = Vec::new();
    defects.extend((creds.defect)(rsa));
    if extra_protocol {
        defects.push(ErrorKind::UnsupportedParameter);
    }
    if offset.abs() > 300 {
        defects.push(ErrorKind::TimestampRefused);
    }
    if nonce.len() > 255 {
        defects.push(ErrorKind::InvalidParameter);
    }

    let p1 = protector(https);
    let first = verify(&p1, &signed, creds.consumer_only);
    trace(format_args!("original {:?} ({})", first.as_ref().map(|_| "accepted").map_err(Error::kind), method_name));
    let accepted = match (&first, defects.as_slice()) {
        (Ok(auth), []) => {
            assert_eq!(auth.consumer_key(), creds.consumer);
            assert_eq!(auth.token(), creds.token.map(|(t, _)| t));
            assert_eq!(auth.signature_method(), method_name);
            assert_eq!(auth.realm(), realm.as_deref());
            assert!(!auth.interop_fallback(), "an RFC-signed request matched only through the fallback");
            check_accepted(&signed, auth, https, creds.consumer_only);
            let again = verify(&p1, &signed, creds.consumer_only).expect_err("a replay was accepted");
            assert_eq!(again.kind(), ErrorKind::InvalidNonce);
            true
        }
        (Err(e), []) => panic!("a correctly signed request was refused: {e:?}\n{signed:?}"),
        (Ok(_), d) => panic!("accepted despite {d:?}\n{signed:?}"),
        (Err(e), [one]) => {
            assert_eq!(e.kind(), *one, "{e:?}");
            false
        }
        (Err(_), _) => false,
    };

    if s.mutations.is_empty() {
        return;
    }
    let Some(mutated) = mutate(&signed, &s.mutations) else { return };
    let p2 = protector(https);
    let second = verify(&p2, &mutated, creds.consumer_only);
    trace(format_args!(
        "mutated {:?} (fallback: {})",
        second.as_ref().map(|_| "accepted").map_err(Error::kind),
        second.as_ref().is_ok_and(Authenticated::interop_fallback)
    ));
    let Ok(auth2) = second else { return };
    check_accepted(&mutated, &auth2, https, creds.consumer_only);
    let original = SignedRequest::parse(&signed, &options(https)).expect("the original parses");
    let changed = SignedRequest::parse(&mutated, &options(https)).expect("the mutated request parses");
    assert_eq!(auth2.consumer_key(), creds.consumer);
    assert_eq!(auth2.token(), creds.token.map(|(t, _)| t));
    if plaintext {
        assert_eq!(changed.signature(), original.signature());
    } else {
        let pairs: Vec<(String, String)> = changed.params().map(|(n, v, _)| (n.to_owned(), v.to_owned())).collect();
        let pairs = if auth2.interop_fallback() { double_decoded(&pairs) } else { pairs };
        let base =
            ref_base_string(changed.method(), changed.base_string_uri(), pairs.iter().map(|(n, v)| (&**n, &**v)));
        assert_eq!(
            base,
            original.base_string().to_string(),
            "a mutated request verified with another signed parameter set\n{mutated:?}"
        );
    }
    if accepted {
        // The nonce the signature covers is spent: the provider that accepted the original
        // must refuse the mutated request as a replay (PLAINTEXT signs no nonce: only when the
        // nonce and timestamp are unchanged).
        let same_nonce = !plaintext
            || (changed.nonce() == original.nonce()
                && changed.timestamp().and_then(|t| t.parse::<u64>().ok())
                    == original.timestamp().and_then(|t| t.parse::<u64>().ok()));
        let replay = verify(&p1, &mutated, creds.consumer_only);
        if same_nonce {
            let e = replay.expect_err("a re-encoded replay of an accepted request was accepted again");
            assert_eq!(e.kind(), ErrorKind::InvalidNonce, "{e:?}");
        }
    }
}

/// The parts of a request that mutations edit, as bytes.
struct Parts {
    method: Vec<u8>,
    scheme: Option<String>,
    authority: Vec<u8>,
    host: Option<Vec<u8>>,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    authorization: Option<Vec<u8>>,
    content_type: Option<Vec<u8>>,
    content_length: bool,
    body: Vec<u8>,
}

impl Parts {
    fn of(req: &http::Request<Vec<u8>>) -> Self {
        let header = |name| req.headers().get(name).map(|v: &http::HeaderValue| v.as_bytes().to_vec());
        Parts {
            method: req.method().as_str().as_bytes().to_vec(),
            scheme: req.uri().scheme_str().map(str::to_owned),
            authority: req.uri().authority().map(|a| a.as_str().as_bytes().to_vec()).unwrap_or_default(),
            host: header(http::header::HOST),
            path: req.uri().path().as_bytes().to_vec(),
            query: req.uri().query().map(|q| q.as_bytes().to_vec()),
            authorization: header(http::header::AUTHORIZATION),
            content_type: header(http::header::CONTENT_TYPE),
            content_length: req.headers().contains_key(http::header::CONTENT_LENGTH),
            body: req.body().clone(),
        }
    }

    fn part(&mut self, part: Part) -> &mut Vec<u8> {
        match part {
            Part::Method => &mut self.method,
            Part::Path => &mut self.path,
            Part::Query => self.query.get_or_insert_with(Vec::new),
            Part::Authorization => self.authorization.get_or_insert_with(Vec::new),
            Part::Host => match &mut self.host {
                Some(h) => h,
                None => &mut self.authority,
            },
            Part::Body => &mut self.body,
            Part::ContentType => self.content_type.get_or_insert_with(Vec::new),
        }
    }

    fn build(self) -> Option<http::Request<Vec<u8>>> {
        let mut uri = Vec::new();
        if let Some(scheme) = &self.scheme {
            uri.extend_from_slice(scheme.as_bytes());
            uri.extend_from_slice(b"://");
            uri.extend_from_slice(&self.authority);
        }
        uri.extend_from_slice(&self.path);
        if let Some(q) = &self.query {
            uri.push(b'?');
            uri.extend_from_slice(q);
        }
        let mut b = http::Request::builder()
            .method(http::Method::from_bytes(&self.method).ok()?)
            .uri(http::Uri::try_from(uri).ok()?);
        for (name, value) in [
            (http::header::HOST, &self.host),
            (http::header::AUTHORIZATION, &self.authorization),
            (http::header::CONTENT_TYPE, &self.content_type),
        ] {
            if let Some(v) = value {
                b = b.header(name, http::HeaderValue::from_bytes(v).ok()?);
            }
        }
        if self.content_length {
            b = b.header(http::header::CONTENT_LENGTH, self.body.len());
        }
        b.body(self.body).ok()
    }
}

/// Where the values of `oauth_*` parameters are: (part, start, end) byte spans.
fn protocol_values(parts: &Parts) -> Vec<(Part, usize, usize)> {
    let mut out = Vec::new();
    for (part, bytes) in [
        (Part::Authorization, parts.authorization.as_deref()),
        (Part::Query, parts.query.as_deref()),
        (Part::Body, Some(parts.body.as_slice())),
    ] {
        let Some(bytes) = bytes else { continue };
        let mut i = 0;
        while let Some(at) = bytes[i..].windows(6).position(|w| w == b"oauth_") {
            let name = i + at;
            let Some(eq) = bytes[name..].iter().position(|&b| b == b'=') else { break };
            let mut start = name + eq + 1;
            if bytes.get(start) == Some(&b'"') {
                start += 1;
            }
            let end =
                bytes[start..].iter().position(|&b| matches!(b, b'"' | b',' | b'&')).map_or(bytes.len(), |e| start + e);
            out.push((part, start, end));
            i = end.max(name + 6);
        }
    }
    out
}

fn separator(part: Part) -> u8 {
    if matches!(part, Part::Authorization) { b',' } else { b'&' }
}

fn elements(bytes: &[u8], sep: u8) -> Vec<Vec<u8>> {
    bytes.split(|b| *b == sep).map(<[u8]>::to_vec).collect()
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn mutate(req: &http::Request<Vec<u8>>, mutations: &[Mutation]) -> Option<http::Request<Vec<u8>>> {
    let mut parts = Parts::of(req);
    for m in mutations.iter().take(4) {
        match m {
            Mutation::Flip { part, pos, bit } => {
                let v = parts.part(*part);
                if !v.is_empty() {
                    let i = usize::from(*pos) % v.len();
                    v[i] ^= 1 << (bit % 8);
                }
            }
            Mutation::Insert { part, pos, byte } => {
                let v = parts.part(*part);
                let i = usize::from(*pos) % (v.len() + 1);
                v.insert(i, *byte);
            }
            Mutation::Delete { part, pos } => {
                let v = parts.part(*part);
                if !v.is_empty() {
                    let i = usize::from(*pos) % v.len();
                    v.remove(i);
                }
            }
            Mutation::Encode { part, pos, twice } => {
                let v = parts.part(*part);
                if !v.is_empty() {
                    let i = usize::from(*pos) % v.len();
                    let escape = if *twice { format!("%25{:02X}", v[i]) } else { format!("%{:02X}", v[i]) };
                    v.splice(i..=i, escape.into_bytes());
                }
            }
            Mutation::LowerHex { part } => {
                let v = parts.part(*part);
                let mut i = 0;
                while i + 2 < v.len() {
                    if v[i] == b'%' && v[i + 1].is_ascii_hexdigit() && v[i + 2].is_ascii_hexdigit() {
                        v[i + 1] = v[i + 1].to_ascii_lowercase();
                        v[i + 2] = v[i + 2].to_ascii_lowercase();
                        i += 3;
                    } else {
                        i += 1;
                    }
                }
            }
            Mutation::PlusForSpace { part } => {
                let v = parts.part(*part);
                *v = if v.contains(&b'+') { replace_all(v, b"+", b"%20") } else { replace_all(v, b"%20", b"+") };
            }
            Mutation::Duplicate { part, which } | Mutation::Remove { part, which } | Mutation::Swap { part, which } => {
                let sep = separator(*part);
                let v = parts.part(*part);
                let mut els = elements(v, sep);
                let i = usize::from(*which) % els.len();
                match m {
                    Mutation::Duplicate { .. } => {
                        let e = els[i].clone();
                        els.push(e);
                    }
                    Mutation::Remove { .. } => {
                        els.remove(i);
                    }
                    _ => {
                        let j = (i + 1) % els.len();
                        els.swap(i, j);
                    }
                }
                *v = els.join(&sep);
            }
            Mutation::HeaderToQuery => {
                let Some(h) = parts.authorization.take() else { continue };
                let text = String::from_utf8_lossy(&h).into_owned();
                let params = text.trim_start().strip_prefix("OAuth").unwrap_or(&text).to_owned();
                let moved: Vec<String> = params
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty() && !p.starts_with("realm="))
                    .map(|p| p.replacen("=\"", "=", 1).trim_end_matches('"').to_owned())
                    .collect();
                let q = parts.query.get_or_insert_with(Vec::new);
                for p in moved {
                    if !q.is_empty() {
                        q.push(b'&');
                    }
                    q.extend_from_slice(p.as_bytes());
                }
            }
            Mutation::EncodeProtocol { which, pos, twice } => {
                let spans = protocol_values(&parts);
                if spans.is_empty() {
                    continue;
                }
                let (part, start, end) = spans[usize::from(*which) % spans.len()];
                let v = parts.part(part);
                if start < end {
                    let i = start + usize::from(*pos) % (end - start);
                    let escape = if *twice { format!("%25{:02X}", v[i]) } else { format!("%{:02X}", v[i]) };
                    v.splice(i..=i, escape.into_bytes());
                }
            }
            Mutation::MethodCase => parts.method.make_ascii_lowercase(),
            Mutation::Append { part, text } => parts.part(*part).extend_from_slice(text.as_bytes()),
        }
    }
    parts.build()
}
