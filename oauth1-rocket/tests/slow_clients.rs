//! Slow clients against the photos demo (`examples/photos.rs`) as its own process, with short
//! limits set through its environment: the shared tests of `oauth1_tests::slow_clients`.
#![allow(missing_docs)]

oauth1_tests::slow_clients_tests!("oauth1-rocket");
