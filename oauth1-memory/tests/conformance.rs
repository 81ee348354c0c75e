//! The store conformance kit (`oauth1-conformance`) on the memory store, its clock moved by the kit.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;

use oauth1::clock::ManualClock;
use oauth1::store::Stores;
use oauth1_memory::MemoryStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_store_passes_the_conformance_kit() {
    let clock = ManualClock::new(1_800_000_000);
    let store = Arc::new(MemoryStore::new().with_clock(clock.clone()));
    let report = oauth1_conformance::Conformance::new(Stores::single(store))
        .with_manual_clock(clock)
        .run()
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    eprintln!("memory: {} checks passed", report.checks.len());
    assert_eq!(report.checks.len(), 14, "{:?}", report.checks);
}
