//! # oauth1: the provider side of OAuth 1.0a ([RFC 5849])
//!
//! A sans-IO core: it reads an [`http::Request`], and (with the server parts) answers with an
//! [`http::Response`], talking to storage only through async store traits. Reading requests,
//! building base strings and checking signatures is pure, synchronous code:
//!
//! * [`request`]: the parameters of every transport and the signature base string (§3.4.1);
//! * [`header`]: the `Authorization: OAuth` header (§3.5.1);
//! * [`origin`]: where the base string URI's scheme and host come from (proxies);
//! * [`signature`]: HMAC-SHA1/256/512, RSA-SHA1/256/512, PLAINTEXT and a per-server registry;
//! * [`encoding`]: the §3.6 percent-encoding;
//! * [`sign`]: a client-side signer for tests and integrations;
//! * [`consent`]: anti-forgery values and headers for the resource owner's consent page;
//! * [`error`], [`response`]: one error type with its status, Authlib error code and
//!   `oauth_problem`, and the responses built from it;
//!
//! and, over async [`store`] traits, the endpoints:
//!
//! * [`server::AuthorizationServer`]: temporary credentials (§2.1), resource-owner
//!   authorization (§2.2) and token credentials (§2.3);
//! * [`server::ResourceProtector`]: protected resources (§3), including consumer-only
//!   (two-legged, LTI 1.1) requests and `oauth_body_hash`. Adapters call
//!   [`ResourceProtector::verify`] with the whole request or
//!   [`ResourceProtector::verify_head`] with its head, in a [`Scope`]: the type says
//!   whether the body was read.
//!
//! ```
//! use oauth1::{ParseOptions, SignedRequest};
//! use oauth1::signature::{InteropFallback, SignatureMethods, VerifyingKeys};
//!
//! // OAuth Core 1.0 Appendix A: the photos request.
//! let req = http::Request::get("/photos?file=vacation.jpg&size=original")
//!     .header("host", "photos.example.net")
//!     .header("authorization", "OAuth realm=\"http://photos.example.net/\", \
//!         oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", \
//!         oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", \
//!         oauth_timestamp=\"1191242096\", oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"")
//!     .body(Vec::new())?;
//! let signed = SignedRequest::parse(&req, &ParseOptions::default())?;
//! let keys = VerifyingKeys {
//!     consumer_secret: "kd94hf93k423kf44",
//!     token_secret: "pfkkdhi9sl3r4s00",
//!     rsa_public_keys: &[],
//! };
//! signed.verify(&SignatureMethods::default(), &keys, InteropFallback::Off)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Guides
//!
//! In the repository's `docs/` folder, every example compiled and run by the test suite:
//!
//! * `docs/migrating-from-authlib.md`: Authlib's Flask OAuth 1.0 server, item by item;
//! * `docs/writing-a-store.md`: the store traits, atomicity, SQL and Redis recipes, the
//!   conformance kit;
//! * `docs/testing.md`: testing a provider with each framework's test client and the signer;
//! * `docs/deploying.md`: several instances, proxies, sizing, clocks, monitoring;
//! * `docs/securing-the-consent-page.md`: the resource owner's sign-in, anti-forgery values,
//!   headers;
//! * `docs/demo-contract.md`: the demo providers' HTTP contract.
//!
//! [RFC 5849]: https://www.rfc-editor.org/rfc/rfc5849
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clock;
pub mod consent;
pub mod encoding;
pub mod error;
pub mod generate;
pub mod header;
pub mod origin;
pub mod request;
pub mod response;
pub mod server;
pub mod sign;
pub mod signature;
pub mod store;

pub use error::{Error, ErrorKind};
pub use origin::Origin;
pub use request::{BaseString, ParseOptions, SignedRequest, Transport};
pub use server::{Authenticated, AuthorizationServer, BodyHint, Config, ResourceProtector, Scope};
pub use signature::{Secret, SignatureMethod, SignatureMethods};
pub use store::Stores;
