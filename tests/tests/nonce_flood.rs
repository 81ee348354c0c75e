//! A full nonce store through the provider: a consumer flooding the nonce store at the edge of
//! the timestamp window narrows its own window (its dropped timestamps are refused 401
//! `timestamp_refused`, replays included) while another consumer is served throughout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::sync::Arc;

use oauth1::clock::ManualClock;
use oauth1::sign::Signer;
use oauth1::store::{Client, Stores};
use oauth1::{AuthorizationServer, Config};
use oauth1_memory::MemoryStore;
use oauth1_tests::*;

const INITIATE: &str = "http://localhost/oauth/initiate";

#[tokio::test]
async fn a_flooding_consumer_narrows_its_own_window_and_the_other_is_served() {
    // Sized for the legitimate load (3 requests a second for 20 s), not for the flood's.
    let cap = 200;
    let clock = ManualClock::new(NOW);
    let store = Arc::new(MemoryStore::new().with_clock(clock.clone()).with_max_nonces(cap));
    store.insert_client(Client::new(CLIENT, SECRET));
    store.insert_client(Client::new("flood", "flood-secret"));
    let server = AuthorizationServer::new(Stores::single(store.clone()), Config::default().with_clock(clock.clone()));
    let initiate = |consumer: &str, secret: &str, ts: u64, nonce: &str| {
        Signer::new(consumer, secret)
            .timestamp(ts)
            .nonce(nonce)
            .callback("oob")
            .sign(request("POST", INITIATE, None))
            .unwrap()
    };
    let mut flood_requests = Vec::new();
    let (mut flood_ok, mut flood_stale) = (0, 0);
    for second in 0..20u64 {
        let now = NOW + second;
        clock.set(now);
        for i in 0..100 {
            let req = initiate("flood", "flood-secret", now + 290, &format!("f{second}-{i}"));
            match server.temporary_credentials(&req).await {
                Ok(res) => {
                    assert_eq!(res.status(), 200);
                    flood_ok += 1;
                }
                Err(e) => {
                    assert_eq!((e.status().as_u16(), e.problem()), (401, "timestamp_refused"), "{e}");
                    assert!(e.description().unwrap().contains("outside the accepted window"));
                    flood_stale += 1;
                }
            }
            flood_requests.push(req);
            assert!(store.nonce_count() <= cap);
        }
        for (j, ts) in [now, now - 60, now + 60].into_iter().enumerate() {
            let req = initiate(CLIENT, SECRET, ts, &format!("s{second}-{j}"));
            let res = server.temporary_credentials(&req).await.unwrap();
            assert_eq!(res.status(), 200, "second {second}");
            assert!(store.nonce_count() <= cap);
        }
    }
    assert!(flood_ok > 0 && flood_stale > 0, "{flood_ok} {flood_stale}");
    // No flood request is accepted twice: a replay is a replay, or stale.
    for req in &flood_requests {
        let e = server.temporary_credentials(req).await.unwrap_err();
        assert!(matches!(e.problem(), "nonce_used" | "timestamp_refused"), "{e}");
    }
}
