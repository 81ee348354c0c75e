//! Slow clients against the photos demo (`examples/photos.rs`) as its own process, with short
//! limits set through its environment: the shared tests of `oauth1_tests::slow_clients`,
//! with HTTP/2 with prior knowledge, which warp and axum serve (Rocket's front is HTTP/1.1).
#![allow(missing_docs)]

oauth1_tests::slow_clients_tests!("oauth1-axum", h2c);
