//! `oauth1::encoding::decode_form` and `encode` (and through them the crate-private `decode`
//! and `parse_form`) on arbitrary strings.
//!
//! Properties:
//! * no panic; every error is a 400 `MalformedRequest`;
//! * `decode_form` agrees with a byte-at-a-time reference (split at `&`, skip empty segments,
//!   split at the first `=`, `%XX` strict, `+` a space, UTF-8 required): same pairs, or an
//!   error exactly when the reference has one;
//! * `decode(encode(x)) == x` for any `x`, in a form (`+`-as-space decoding) and in the
//!   `Authorization` header (`+` literal);
//! * a form built from arbitrary pairs, by `encode` or by `oauth1::response::form_encode`, with
//!   `%20` written as `+` or lower-case hex, decodes to those pairs;
//! * `oauth1::request::normalize` agrees with a reference normalization.
//!
//! Input: the bytes as UTF-8 (lossily). For the pairs properties the same string is cut at
//! `\n` into pairs and each pair at the first `\t` into name and value. To keep executions
//! cheap, each input checks one of: the header round trip, the pairs round trip, `normalize`
//! (chosen by its length), besides `decode_form` and `decode(encode(x))`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1::ErrorKind;
use oauth1::encoding::{decode_form, encode};
use oauth1_fuzz::{enc, ref_form, ref_normalize};

fn owned(pairs: Vec<oauth1::encoding::FormPair<'_>>) -> Vec<(String, String)> {
    pairs.into_iter().map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
}

fn lower_hex(s: &str) -> String {
    // Every `%XY` written by `encode` has upper-case hex: lower it.
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s: &str = &text;

    // decode_form against the reference.
    let ours = decode_form(s);
    let reference = ref_form(s);
    match (&ours, &reference) {
        (Ok(p), Some(r)) => assert_eq!(&owned(p.clone()), r, "{s:?}"),
        (Err(e), None) => {
            assert_eq!(e.kind(), ErrorKind::MalformedRequest);
            assert_eq!(e.status(), 400);
        }
        (Ok(p), None) => panic!("decode_form accepted {s:?} as {p:?}; the reference refuses it"),
        (Err(e), Some(r)) => panic!("decode_form refused {s:?} ({e:?}); the reference reads {r:?}"),
    }

    // decode(encode(x)) == x: a lone name in a form, a value in the header.
    let e = enc(s);
    assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{e:?}");
    let back = owned(decode_form(&e).expect("an encoded string decodes"));
    if s.is_empty() {
        assert!(back.is_empty());
    } else {
        assert_eq!(back, [(s.to_owned(), String::new())]);
    }
    // Each input checks one of the costlier properties below (chosen by its length).
    let choice = s.len() % 3;
    if choice == 0 {
        // In the header `+` is literal (and hex may be lower-case); in a form `+` is a space.
        let header = format!("OAuth x=\"{e}\", y={}, z=\"{}\"", lower_hex(&e), e.replace("%20", "+"));
        let parsed = oauth1::header::parse(header.as_bytes()).expect("encoded values parse").expect("ours");
        assert_eq!(parsed.len(), 3);
        assert_eq!((parsed[0].1.as_ref(), parsed[1].1.as_ref()), (s, s), "{header:?}");
        assert_eq!(parsed[2].1, s.replace(' ', "+"));
    }

    // Forms built from pairs decode to the pairs.
    let pairs: Vec<(&str, &str)> = s.split('\n').map(|p| p.split_once('\t').unwrap_or((p, ""))).collect();
    if choice == 1 {
        let by_encode = pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&");
        let by_form_encode = oauth1::response::form_encode(pairs.iter().copied());
        assert_eq!(by_encode, by_form_encode);
        let expected: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let form = match data.first().map_or(0, |b| b % 3) {
            0 => by_encode.clone(),
            1 => by_encode.replace("%20", "+"),
            _ => lower_hex(&by_encode),
        };
        let got = owned(decode_form(&form).unwrap_or_else(|e| panic!("{form:?}: {e:?}")));
        assert_eq!(got, expected, "{form:?}");
        // Single decoding only: an encoded form encoded again decodes to the first encoding.
        let twice = enc(&by_encode);
        let got = owned(decode_form(&twice).expect("decodes"));
        assert_eq!(got, [(by_encode.clone(), String::new())]);
    }

    // normalize against the reference.
    if choice == 2 {
        assert_eq!(oauth1::request::normalize(pairs.iter().copied()), ref_normalize(pairs.iter().copied()));
    }
});
