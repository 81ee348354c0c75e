//! Heap allocations on the verification hot path, counted with dhat (deterministic, unlike
//! time): a protected request on the memory store, Appendix A, header transport.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use oauth1::server::Scope;
use oauth1_tests::{Provider, request, signer};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[test]
fn allocations_per_verification() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let p = rt.block_on(Provider::new().with_token());
    let protector = p.server.resource_protector();
    let sign = |n: u32| {
        signer()
            .token("valid-token", "valid-token-secret")
            .nonce(format!("kllo9940pd{n:06}"))
            .realm("http://photos.example.net/")
            .sign(request("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", None))
            .unwrap()
    };
    // Warm up (first-use allocations of maps and shards).
    for n in 0..64 {
        rt.block_on(protector.verify(&sign(n), Scope::Token)).unwrap();
    }
    let mut counts = Vec::new();
    for n in 64..80 {
        let req = sign(n);
        let before = dhat::HeapStats::get();
        rt.block_on(protector.verify(&req, Scope::Token)).unwrap();
        let after = dhat::HeapStats::get();
        counts.push(after.total_blocks - before.total_blocks);
    }
    counts.sort();
    let median = counts[counts.len() / 2];
    eprintln!("heap allocations per verification (median of 16): {median}");
    assert!(median <= 8, "{median} allocations per verification: the hot path grew");
}
