//! The photos demo (`examples/photos.rs`) as its own process on a free port, driven over real
//! HTTP through the demo contract (`oauth1_tests::contract`).
#![allow(missing_docs)]

oauth1_tests::demo_contract_tests!("oauth1-axum");
