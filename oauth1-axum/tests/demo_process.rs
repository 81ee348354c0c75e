//! The photos demo (`examples/photos.rs`) as its own process on a free port, driven over real
//! HTTP through the demo contract.
#![allow(clippy::unwrap_used, missing_docs)]

use oauth1_tests::contract;
use oauth1_tests::process::{Demo, example_binary};

fn demo() -> Demo {
    Demo::start(&example_binary("oauth1-axum", "photos"), &[])
}

#[test]
fn three_legged_flow_over_http() {
    contract::three_legged_flow_over_http(&demo());
}

#[test]
fn out_of_band_and_deny_over_http() {
    contract::out_of_band_and_deny_over_http(&demo());
}

#[test]
fn bad_input_is_4xx_and_the_server_survives() {
    contract::bad_input_is_4xx_and_the_server_survives(&demo());
}
