//! Percent-encoding as [RFC 5849 §3.6] defines it, and the strict decoding of the transports.
//!
//! ```
//! assert_eq!(oauth1::encoding::encode("Ladies + Gentlemen ~ ☃").to_string(),
//!            "Ladies%20%2B%20Gentlemen%20~%20%E2%98%83");
//! ```
//!
//! [RFC 5849 §3.6]: https://www.rfc-editor.org/rfc/rfc5849#section-3.6

use std::borrow::Cow;
use std::cmp::Ordering;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};

use crate::error::Error;

/// The bytes [RFC 5849 §3.6] encodes: everything except the unreserved characters
/// `ALPHA / DIGIT / "-" / "." / "_" / "~"`.
///
/// [RFC 5849 §3.6]: https://www.rfc-editor.org/rfc/rfc5849#section-3.6
pub const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes `s` per [RFC 5849 §3.6](https://www.rfc-editor.org/rfc/rfc5849#section-3.6)
/// (UTF-8, upper-case hex). Display it or collect it into a `String`.
pub fn encode(s: &str) -> PercentEncode<'_> {
    utf8_percent_encode(s, ENCODE_SET)
}

/// Whether `b` is left as is by [`ENCODE_SET`].
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[inline]
pub(crate) fn hex_upper(nibble: u8) -> u8 {
    // `nibble & 15` keeps the index in bounds for any input.
    HEX.get(usize::from(nibble & 15)).copied().unwrap_or(b'0')
}

/// Compares two strings in the order of their encoded forms, without encoding them.
///
/// An encoded byte is either itself (unreserved) or `%XY`. `%` sorts below every unreserved
/// byte, and upper-case hex sorts like the byte value, so mapping each byte to a key that puts
/// reserved bytes (by value) below unreserved ones (by value) orders exactly like comparing the
/// encoded strings ([RFC 5849 §3.4.1.3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2)).
pub(crate) fn cmp_encoded(a: &str, b: &str) -> Ordering {
    fn key(b: u8) -> u16 {
        if is_unreserved(b) { 0x100 | u16::from(b) } else { u16::from(b) }
    }
    a.bytes().map(key).cmp(b.bytes().map(key))
}

#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Which decoding applies: the header decodes `%XX` only; query and form bodies also turn `+`
/// into a space (`application/x-www-form-urlencoded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plus {
    Literal,
    Space,
}

/// Decodes `input` once, strictly: an invalid `%` escape or a result that is not UTF-8 is an
/// error, never passed through. Borrows when there is nothing to decode.
pub(crate) fn decode(input: &[u8], plus: Plus) -> Result<Cow<'_, str>, Error> {
    let needs_work = input.iter().any(|&b| b == b'%' || (plus == Plus::Space && b == b'+'));
    if !needs_work {
        return std::str::from_utf8(input)
            .map(Cow::Borrowed)
            .map_err(|_| Error::malformed("parameter is not valid UTF-8"));
    }
    let mut out = Vec::with_capacity(input.len());
    let mut bytes = input.iter().copied();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hi = bytes.next().and_then(hex_value);
                let lo = bytes.next().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(Error::malformed("invalid percent-encoding")),
                }
            }
            b'+' if plus == Plus::Space => out.push(b' '),
            other => out.push(other),
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| Error::malformed("parameter is not valid UTF-8 after percent-decoding"))
}

/// Whether `s` still holds a valid `%XX` escape (the interop fallback's trigger).
pub(crate) fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3).any(|w| matches!(w, [b'%', h, l] if hex_value(*h).is_some() && hex_value(*l).is_some()))
}

/// Splits an `application/x-www-form-urlencoded` string (a query or a form body) into decoded
/// pairs. Empty segments are skipped; a segment without `=` is a name with an empty value.
pub(crate) fn parse_form(input: &[u8]) -> impl Iterator<Item = Result<(Cow<'_, str>, Cow<'_, str>), Error>> {
    input.split(|&b| b == b'&').filter(|seg| !seg.is_empty()).map(|seg| {
        let (name, value) = match seg.iter().position(|&b| b == b'=') {
            Some(i) => (seg.get(..i).unwrap_or_default(), seg.get(i + 1..).unwrap_or_default()),
            None => (seg, &[][..]),
        };
        Ok((decode(name, Plus::Space)?, decode(value, Plus::Space)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every one of the 256 byte values against the §3.6 rule.
    #[test]
    fn encode_set_over_all_256_bytes() {
        for b in 0u8..=255 {
            let unreserved = b.is_ascii_uppercase()
                || b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || b == b'-'
                || b == b'.'
                || b == b'_'
                || b == b'~';
            assert_eq!(is_unreserved(b), unreserved, "byte {b:#04x}");
            let encoded: String = percent_encoding::percent_encode(&[b], ENCODE_SET).collect();
            if unreserved {
                assert_eq!(encoded.as_bytes(), [b], "byte {b:#04x}");
            } else {
                assert_eq!(encoded, format!("%{b:02X}"), "byte {b:#04x}");
            }
            // Decoding the encoding gives the byte back.
            if let Ok(s) = decode(encoded.as_bytes(), Plus::Literal) {
                assert_eq!(s.as_bytes(), [b]);
            } else {
                assert!(b >= 0x80, "only lone non-ASCII bytes fail UTF-8");
            }
        }
    }

    #[test]
    fn encoded_order_matches_byte_order_of_encodings() {
        let samples = ["", "a", "A", "%", "~", "-", " ", "a b", "a!", "a~", "ab", "é", "x!y", "x y", "xy", "+", "*"];
        for a in samples {
            for b in samples {
                let ea = encode(a).to_string();
                let eb = encode(b).to_string();
                assert_eq!(cmp_encoded(a, b), ea.cmp(&eb), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn decode_is_strict() {
        assert_eq!(decode(b"a+b%20c", Plus::Space).unwrap(), "a b c");
        assert_eq!(decode(b"a+b", Plus::Literal).unwrap(), "a+b");
        assert!(decode(b"%zz", Plus::Space).is_err());
        assert!(decode(b"%4", Plus::Space).is_err());
        assert!(decode(b"%", Plus::Space).is_err());
        assert!(decode(b"%ff", Plus::Space).is_err(), "invalid UTF-8");
        assert!(decode(b"\xff", Plus::Space).is_err());
        assert!(matches!(decode(b"plain", Plus::Space).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn form_pairs() {
        let pairs: Vec<_> = parse_form(b"a=x%21y&a=x+y&a=&b&&a=X").map(Result::unwrap).collect();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref())).collect();
        assert_eq!(pairs, [("a", "x!y"), ("a", "x y"), ("a", ""), ("b", ""), ("a", "X")]);
    }

    #[test]
    fn percent_escape_detection() {
        assert!(has_percent_escape("a%20b"));
        assert!(!has_percent_escape("a%2"));
        assert!(!has_percent_escape("100%"));
        assert!(!has_percent_escape("%zz"));
    }
}
