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

/// A byte class as a 256-entry table: ASCII letters and digits (when `alphanumeric`) and
/// `others`. One load per byte classifies it: `is_ascii_alphanumeric() || matches!(…)` for the
/// unreserved bytes and `tchar` instead cost 3.1 k of 28.1 k instructions per verification
/// (11 %, `examples/profile_hmac.rs`).
#[expect(clippy::indexing_slicing, reason = "a `u8` indexes 256 entries (and this runs at compile time)")]
pub(crate) const fn byte_class(alphanumeric: bool, others: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0u8;
    while b < 128 {
        if alphanumeric && b.is_ascii_alphanumeric() {
            table[b as usize] = true;
        }
        b += 1;
    }
    let mut rest = others;
    while let [first, tail @ ..] = rest {
        table[*first as usize] = true;
        rest = tail;
    }
    table
}

/// Whether `b` is in `class`.
#[inline]
#[expect(clippy::indexing_slicing, reason = "a `u8` indexes 256 entries")]
pub(crate) fn in_class(class: &[bool; 256], b: u8) -> bool {
    class[usize::from(b)]
}

static UNRESERVED: [bool; 256] = byte_class(true, b"-._~");

/// Whether `b` is left as is by [`ENCODE_SET`].
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    in_class(&UNRESERVED, b)
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The upper-case hex digit of the low four bits of `nibble`.
#[inline]
#[expect(clippy::indexing_slicing, reason = "`nibble & 15` indexes 16 digits")]
pub(crate) fn hex_upper(nibble: u8) -> u8 {
    HEX[usize::from(nibble & 15)]
}

/// Writes `s` percent-encoded ([§3.6](https://www.rfc-editor.org/rfc/rfc5849#section-3.6))
/// into `sink`: runs of unreserved bytes as they are, any other byte as `prefix` and two hex
/// digits (`prefix` is `%`, or `%25` to encode twice as the base string does).
///
/// Not [`encode`] (in the base string, twice): its iterators cost 3.7 k of 27.7 k
/// instructions per verification (13 %, `examples/profile_hmac.rs`).
pub(crate) fn encode_into(s: &str, prefix: &[u8], sink: &mut dyn FnMut(&[u8])) {
    let mut rest = s.as_bytes();
    loop {
        let run = rest.iter().position(|&b| !is_unreserved(b)).unwrap_or(rest.len());
        let (unreserved, escape) = rest.split_at(run);
        sink(unreserved);
        let Some((&b, tail)) = escape.split_first() else { break };
        sink(prefix);
        sink(&[hex_upper(b >> 4), hex_upper(b & 15)]);
        rest = tail;
    }
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
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Equal bytes encode equally, so only the first difference (or the lengths) decides.
    match a.iter().zip(b).find(|(x, y)| x != y) {
        Some((&x, &y)) => key(x).cmp(&key(y)),
        None => a.len().cmp(&b.len()),
    }
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

/// What one pass over a raw (still encoded) name or value learns of each byte.
const RESERVED: u8 = 1;
const PERCENT: u8 = 2;
const PLUS: u8 = 4;

/// [`RESERVED`], [`PERCENT`] and [`PLUS`] for each byte.
#[expect(clippy::indexing_slicing, reason = "a `u8` indexes 256 entries (and this runs at compile time)")]
static RAW_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        if !UNRESERVED[b] {
            table[b] = RESERVED;
        }
        b += 1;
    }
    table[b'%' as usize] |= PERCENT;
    table[b'+' as usize] |= PLUS;
    table
};

/// A decoded name or value, and whether it is *plain*: nothing was decoded and every byte is
/// unreserved, so it encodes ([§3.6](https://www.rfc-editor.org/rfc/rfc5849#section-3.6)) as
/// itself and the base string copies it without looking at it again.
pub(crate) type Marked<'a> = (Cow<'a, str>, bool);

/// Decodes `input` once, strictly: an invalid `%` escape or a result that is not UTF-8 is an
/// error, never passed through. Borrows when there is nothing to decode.
pub(crate) fn decode(input: &str, plus: Plus) -> Result<Cow<'_, str>, Error> {
    decode_marked(input, plus).map(|(text, _)| text)
}

/// As [`decode`], and whether the result is plain (see [`Marked`]): one pass over the bytes
/// tells both. It saves the base string's escaper a scan of nearly every parameter (names and
/// values of real requests are unreserved, save the signature and the callback).
pub(crate) fn decode_marked(input: &str, plus: Plus) -> Result<Marked<'_>, Error> {
    let special = match plus {
        Plus::Literal => PERCENT,
        Plus::Space => PERCENT | PLUS,
    };
    let bytes = input.as_bytes();
    #[expect(clippy::indexing_slicing, reason = "a `u8` indexes 256 entries")]
    let seen = bytes.iter().fold(0u8, |seen, &b| seen | RAW_CLASS[usize::from(b)]);
    if seen & special == 0 {
        return Ok((Cow::Borrowed(input), seen == 0));
    }
    let special = |b: u8| b == b'%' || (b == b'+' && plus == Plus::Space);
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        // Copy the run up to the next escape whole, then decode the escape.
        let run = rest.iter().position(|&b| special(b)).unwrap_or(rest.len());
        let (literal, escape) = rest.split_at(run);
        out.extend_from_slice(literal);
        rest = match escape {
            [] => break,
            [b'+', more @ ..] => {
                out.push(b' ');
                more
            }
            [b'%', hi, lo, more @ ..] => match (hex_value(*hi), hex_value(*lo)) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    more
                }
                _ => return Err(Error::malformed("invalid percent-encoding")),
            },
            _ => return Err(Error::malformed("invalid percent-encoding")),
        };
    }
    String::from_utf8(out)
        .map(|text| (Cow::Owned(text), false))
        .map_err(|_| Error::malformed("parameter is not valid UTF-8 after percent-decoding"))
}

/// Checks that a form body is UTF-8 (it is then split and decoded as a `str`).
pub(crate) fn form_text(body: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(body).map_err(|_| Error::malformed("form body is not valid UTF-8"))
}

/// Whether `s` still holds a valid `%XX` escape (the interop fallback's trigger).
pub(crate) fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3).any(|w| matches!(w, [b'%', h, l] if hex_value(*h).is_some() && hex_value(*l).is_some()))
}

/// A decoded name and value, borrowed when nothing had to be decoded.
pub type FormPair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Decodes an `application/x-www-form-urlencoded` string (a query or a form body) into pairs,
/// strictly: invalid percent-encoding or UTF-8 is a 400.
///
/// ```
/// let pairs = oauth1::encoding::decode_form("file=vacation.jpg&size=original&a=x+y").unwrap();
/// assert_eq!(pairs[2], ("a".into(), "x y".into()));
/// ```
pub fn decode_form(input: &str) -> Result<Vec<FormPair<'_>>, Error> {
    parse_form(input).map(|pair| pair.map(|((name, _), (value, _))| (name, value))).collect()
}

/// Splits an `application/x-www-form-urlencoded` string (a query or a form body) into decoded
/// pairs, each marked plain or not ([`Marked`]). Empty segments are skipped; a segment without
/// `=` is a name with an empty value.
pub(crate) fn parse_form(input: &str) -> impl Iterator<Item = Result<(Marked<'_>, Marked<'_>), Error>> {
    input.split('&').filter(|segment| !segment.is_empty()).map(|segment| {
        let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
        Ok((decode_marked(name, Plus::Space)?, decode_marked(value, Plus::Space)?))
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
            if let Ok(s) = decode(&encoded, Plus::Literal) {
                assert_eq!(s.as_bytes(), [b]);
            } else {
                assert!(b >= 0x80, "only lone non-ASCII bytes fail UTF-8");
            }
        }
    }

    #[test]
    fn encode_into_agrees_with_encode_once_and_twice() {
        let all: String = (0..=0x7f_u8).map(char::from).chain("é☃𝄞".chars()).collect();
        for s in ["", "a", "%", "a b", "~-._", "x%2Fy", "ab%", &all] {
            let mut once = Vec::new();
            encode_into(s, b"%", &mut |b| once.extend_from_slice(b));
            assert_eq!(String::from_utf8(once).unwrap(), encode(s).to_string(), "{s:?}");
            let mut twice = Vec::new();
            encode_into(s, b"%25", &mut |b| twice.extend_from_slice(b));
            assert_eq!(String::from_utf8(twice).unwrap(), encode(&encode(s).to_string()).to_string(), "{s:?}");
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

    /// Long strings that differ at every position, by every kind of byte, and strings that
    /// are prefixes of one another.
    #[test]
    fn encoded_order_of_long_strings_differing_anywhere() {
        let base: Vec<char> = "oauth_consumer_key_and_more".chars().collect();
        let kinds = ['a', 'Z', '0', '%', ' ', '~', '-', '!', '_', 'é', '\u{7f}'];
        for len in 0..base.len() {
            for pos in 0..len {
                for x in kinds {
                    for y in kinds {
                        let mut a = base.clone();
                        let mut b = base.clone();
                        a[pos] = x;
                        b[pos] = y;
                        let (a, b): (String, String) = (a[..len].iter().collect(), b[..len + 1].iter().collect());
                        for (a, b) in [(&a, &b), (&b, &a), (&a, &a)] {
                            let expected = encode(a).to_string().cmp(&encode(b).to_string());
                            assert_eq!(cmp_encoded(a, b), expected, "{a:?} vs {b:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn decode_is_strict() {
        assert_eq!(decode("a+b%20c", Plus::Space).unwrap(), "a b c");
        assert_eq!(decode("a+b", Plus::Space).unwrap(), "a b");
        assert_eq!(decode("a+b", Plus::Literal).unwrap(), "a+b");
        assert!(decode("%zz", Plus::Space).is_err());
        assert!(decode("%4", Plus::Space).is_err());
        assert!(decode("%", Plus::Space).is_err());
        assert!(decode("%ff", Plus::Space).is_err(), "invalid UTF-8");
        assert!(form_text(b"\xff").is_err());
        assert!(matches!(decode("plain", Plus::Space).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_only_when_nothing_was_decoded_and_every_byte_is_unreserved() {
        let plain = |s, plus| decode_marked(s, plus).unwrap().1;
        assert!(plain("Az09-._~", Plus::Literal));
        assert!(plain("", Plus::Space));
        assert!(!plain("a b", Plus::Literal), "a space is reserved");
        assert!(!plain("a+b", Plus::Literal), "`+` is kept, and reserved");
        assert!(!plain("a+b", Plus::Space));
        assert!(!plain("%41", Plus::Literal), "decoded: scanned again by the base string");
        assert!(!plain("é", Plus::Literal));
    }

    #[test]
    fn form_pairs() {
        let pairs: Vec<_> = parse_form("a=x%21y&a=x+y&a=&b&&a=X").map(Result::unwrap).collect();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|((n, _), (v, _))| (n.as_ref(), v.as_ref())).collect();
        assert_eq!(pairs, [("a", "x!y"), ("a", "x y"), ("a", ""), ("b", ""), ("a", "X")]);
    }

    /// The byte-at-a-time decoder the run-copying one replaced, as a reference.
    fn reference_decode(input: &str, plus: Plus) -> Option<String> {
        let mut out = Vec::new();
        let mut iter = input.bytes();
        while let Some(b) = iter.next() {
            match b {
                b'%' => out.push(hex_value(iter.next()?)? << 4 | hex_value(iter.next()?)?),
                b'+' if plus == Plus::Space => out.push(b' '),
                other => out.push(other),
            }
        }
        String::from_utf8(out).ok()
    }

    /// Every string of up to five symbols (and at most eight bytes) from an alphabet of escapes,
    /// hex digits, `+`, `=`, `&` and multi-byte characters: the decoder agrees with the
    /// reference (value or error), and the form splitter with `split('&')` / `split_once('=')`.
    #[test]
    fn decode_and_form_split_agree_with_references_exhaustively() {
        let alphabet = ["%", "+", "2", "0", "a", "F", "g", "=", "&", "é", "C3", "A9"];
        let mut inputs = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                inputs.iter().flat_map(|s| alphabet.iter().map(move |a| format!("{s}{a}"))).collect();
            inputs.extend(longer.into_iter().filter(|s| s.len() <= 8));
            inputs.sort();
            inputs.dedup();
        }
        assert!(inputs.len() > 10_000, "{} inputs", inputs.len());
        for input in &inputs {
            for plus in [Plus::Literal, Plus::Space] {
                let ours = decode(input, plus).ok().map(Cow::into_owned);
                assert_eq!(ours, reference_decode(input, plus), "{input:?} {plus:?}");
                // Plain means the base string may copy it: it encodes as itself.
                if let Ok((text, true)) = decode_marked(input, plus) {
                    assert_eq!(encode(&text).to_string(), text, "{input:?} {plus:?}");
                }
            }
            let ours: Vec<Option<(String, String)>> =
                parse_form(input).map(|r| r.ok().map(|((n, _), (v, _))| (n.into_owned(), v.into_owned()))).collect();
            let reference: Vec<Option<(String, String)>> = input
                .split('&')
                .filter(|seg| !seg.is_empty())
                .map(|seg| {
                    let (n, v) = seg.split_once('=').unwrap_or((seg, ""));
                    Some((reference_decode(n, Plus::Space)?, reference_decode(v, Plus::Space)?))
                })
                .collect();
            assert_eq!(ours, reference, "{input:?}");
        }
    }

    #[test]
    fn percent_escape_detection() {
        assert!(has_percent_escape("a%20b"));
        assert!(!has_percent_escape("a%2"));
        assert!(!has_percent_escape("100%"));
        assert!(!has_percent_escape("%zz"));
    }
}
