//! The `Authorization: OAuth …` header ([RFC 5849 §3.5.1], auth-params of [RFC 7235 §2.1]).
//!
//! * The scheme is matched case-insensitively; any other scheme (`Basic`, `Bearer`, …) is not
//!   ours and reads as "no OAuth header".
//! * Whitespace (spaces or tabs) may stand around `=` and `,`; empty list elements are allowed.
//! * Values are quoted strings (with `\` escapes, commas allowed inside) or bare tokens. Real
//!   clients put unescaped `+ / = &` inside quotes; those are taken literally.
//! * Names and values are then percent-decoded once (`+` stays `+`). `realm` is taken as it is,
//!   not percent-decoded: it is an RFC 7235 parameter, not an OAuth one.
//! * Anything else (an unterminated quote, a missing `=`, trailing garbage) is a 400.
//!
//! ```
//! let params = oauth1::header::parse(br#"OAuth realm="Photos", oauth_nonce="a%20b""#)
//!     .unwrap()
//!     .unwrap();
//! assert_eq!(params[0], ("realm".into(), "Photos".into()));
//! assert_eq!(params[1], ("oauth_nonce".into(), "a b".into()));
//! assert!(oauth1::header::parse(b"Basic QWxhZGRpbjpvcGVu").unwrap().is_none());
//! ```
//!
//! [RFC 5849 §3.5.1]: https://www.rfc-editor.org/rfc/rfc5849#section-3.5.1
//! [RFC 7235 §2.1]: https://www.rfc-editor.org/rfc/rfc7235#section-2.1

use std::borrow::Cow;

use crate::encoding::{Marked, Plus, byte_class, decode_marked, in_class};
use crate::error::Error;

/// A decoded header parameter: name and value.
pub type HeaderParam<'a> = (Cow<'a, str>, Cow<'a, str>);

static TCHAR: [bool; 256] = byte_class(true, b"!#$%&'*+-.^_`|~");

/// RFC 7230 `tchar`.
#[inline]
fn is_tchar(b: u8) -> bool {
    in_class(&TCHAR, b)
}

#[inline]
fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

struct Cursor<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.pos).copied()
    }

    #[expect(clippy::indexing_slicing, reason = "`pos` never passes the end of the input")]
    fn rest(&self) -> &'a [u8] {
        &self.input.as_bytes()[self.pos..]
    }

    fn skip_ows(&mut self) -> usize {
        let rest = self.rest();
        let n = rest.iter().position(|&b| !is_ows(b)).unwrap_or(rest.len());
        self.pos += n;
        n
    }

    /// The run of bytes from here for which `f` holds (always ASCII, so a `str` boundary).
    #[inline]
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        let rest = self.rest();
        self.pos += rest.iter().position(|&b| !f(b)).unwrap_or(rest.len());
        &self.input[start..self.pos]
    }

    /// A quoted-string; the cursor stands on the opening quote. Returns the unescaped content.
    /// (The quotes are ASCII, so slicing next to them stays on `str` boundaries.)
    fn quoted(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1;
        let start = self.pos;
        let rest = &self.input[start..];
        // Fast path: no escape before the closing quote (`http` has already refused CR, LF
        // and NUL in header values).
        match memchr::memchr2(b'"', b'\\', rest.as_bytes()) {
            None => return Err(Error::malformed("unterminated quoted string in Authorization header")),
            Some(end) if rest.as_bytes().get(end) == Some(&b'"') => {
                self.pos = start + end + 1;
                return Ok(Cow::Borrowed(&rest[..end]));
            }
            Some(_) => {}
        }
        self.quoted_slow(start, rest)
    }

    #[cold]
    fn quoted_slow(&mut self, start: usize, rest: &'a str) -> Result<Cow<'a, str>, Error> {
        let mut out = String::with_capacity(rest.len());
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = start + i + 1;
                    return Ok(Cow::Owned(out));
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) if escaped != '\r' && escaped != '\n' => out.push(escaped),
                    _ => return Err(Error::malformed("bad escape in Authorization header")),
                },
                c => out.push(c),
            }
        }
        Err(Error::malformed("unterminated quoted string in Authorization header"))
    }
}

fn decode_cow(raw: Cow<'_, str>) -> Result<Marked<'_>, Error> {
    match raw {
        Cow::Borrowed(b) => decode_marked(b, Plus::Literal),
        Cow::Owned(v) => decode_marked(&v, Plus::Literal).map(|(c, plain)| (Cow::Owned(c.into_owned()), plain)),
    }
}

/// Parses one `Authorization` header value.
///
/// Returns `Ok(None)` when the scheme is not `OAuth` (or the value is empty), the parameters in
/// order when it is, and a 400 error when an OAuth header is malformed. Duplicates are returned
/// as they are; the caller decides (protocol parameters must not repeat).
pub fn parse(value: &[u8]) -> Result<Option<Vec<HeaderParam<'_>>>, Error> {
    let mut params = Vec::with_capacity(8);
    let ours = parse_each(value, |(name, _), (value, _)| params.push((name, value)))?;
    Ok(ours.then_some(params))
}

/// As [`parse`], handing each parameter to `each` instead of collecting them. Returns whether
/// the header is an OAuth one. Names and values come marked plain or not ([`Marked`]).
pub(crate) fn parse_each<'a>(value: &'a [u8], mut each: impl FnMut(Marked<'a>, Marked<'a>)) -> Result<bool, Error> {
    // The scheme decides whether the header is ours before anything else is looked at.
    let trimmed = value.iter().position(|&b| !is_ows(b)).and_then(|i| value.get(i..)).unwrap_or_default();
    let scheme_len = trimmed.iter().position(|&b| !is_tchar(b)).unwrap_or(trimmed.len());
    #[expect(clippy::indexing_slicing, reason = "`scheme_len` is a position in `trimmed`, or its length")]
    let scheme = &trimmed[..scheme_len];
    if !scheme.eq_ignore_ascii_case(b"OAuth") {
        return Ok(false);
    }
    // Validated once, so every slice below is a `str` without further checks.
    let input = std::str::from_utf8(value).map_err(|_| Error::malformed("Authorization header is not UTF-8"))?;
    let mut c = Cursor { input, pos: value.len() - trimmed.len() + scheme_len };
    if c.peek().is_none() {
        return Ok(true);
    }
    if c.skip_ows() == 0 {
        return Err(Error::malformed("malformed Authorization header"));
    }
    loop {
        c.skip_ows();
        match c.peek() {
            None => break,
            Some(b',') => {
                c.pos += 1;
                continue;
            }
            Some(_) => {}
        }
        let name = c.take_while(is_tchar);
        if name.is_empty() {
            return Err(Error::malformed("malformed Authorization header: expected a parameter name"));
        }
        c.skip_ows();
        if c.peek() != Some(b'=') {
            return Err(Error::malformed("malformed Authorization header: expected '='"));
        }
        c.pos += 1;
        c.skip_ows();
        let raw_value = if c.peek() == Some(b'"') {
            c.quoted()?
        } else {
            Cow::Borrowed(c.take_while(|b| b > b' ' && b != b',' && b != b'"' && b != 0x7f))
        };
        let name = decode_marked(name, Plus::Literal)?;
        let value = if name.0 == "realm" { (raw_value, false) } else { decode_cow(raw_value)? };
        each(name, value);
        c.skip_ows();
        match c.peek() {
            None => break,
            Some(b',') => c.pos += 1,
            Some(_) => return Err(Error::malformed("malformed Authorization header: expected ','")),
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn tchar_over_all_256_bytes() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), expected, "byte {b:#04x}");
        }
    }

    fn ok(v: &str) -> Vec<(String, String)> {
        parse(v.as_bytes()).unwrap().unwrap().into_iter().map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    fn malformed(v: &str) {
        let e = parse(v.as_bytes()).expect_err(v);
        assert_eq!(e.kind(), ErrorKind::MalformedRequest, "{v}");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        for s in ["OAuth", "oauth", "OAUTH", "oAuTh"] {
            assert_eq!(ok(&format!("{s} a=\"1\"")), pairs(&[("a", "1")]));
        }
    }

    #[test]
    fn other_schemes_are_not_ours() {
        assert!(parse(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap().is_none());
        assert!(parse(b"Bearer abc.def").unwrap().is_none());
        assert!(parse(b"OAuth2 x=\"1\"").unwrap().is_none());
        assert!(parse(b"").unwrap().is_none());
        assert!(parse(b"   ").unwrap().is_none());
    }

    #[test]
    fn bare_scheme_has_no_parameters() {
        assert_eq!(ok("OAuth"), pairs(&[]));
        assert_eq!(ok("OAuth   "), pairs(&[]));
    }

    #[test]
    fn whitespace_and_tabs_around_separators() {
        let expected = pairs(&[("a", "1"), ("b", "2")]);
        assert_eq!(ok("OAuth a=\"1\",b=\"2\""), expected);
        assert_eq!(ok("OAuth a = \"1\" , b = \"2\""), expected);
        assert_eq!(ok("OAuth\ta=\"1\",\tb=\"2\""), expected, "a tab after the scheme (Authlib needs a space)");
        assert_eq!(ok("  OAuth  a=\"1\"\t,\t\tb=\"2\"  "), expected);
    }

    #[test]
    fn quoted_pair_and_comma_inside_quotes() {
        assert_eq!(ok(r#"OAuth a="x\"y", b="1,2""#), pairs(&[("a", "x\"y"), ("b", "1,2")]));
        assert_eq!(ok(r#"OAuth a="back\\slash""#), pairs(&[("a", "back\\slash")]));
    }

    #[test]
    fn unescaped_reserved_characters_in_quotes_are_literal() {
        // As Authlib's own tests send them: raw base64 and a raw PLAINTEXT '&'.
        assert_eq!(
            ok(r#"OAuth oauth_signature="secret&valid+token/secret=""#),
            pairs(&[("oauth_signature", "secret&valid+token/secret=")])
        );
    }

    #[test]
    fn values_are_percent_decoded_once() {
        assert_eq!(ok(r#"OAuth a="r6%2FTJ%2B%3D", b="%2520""#), pairs(&[("a", "r6/TJ+="), ("b", "%20")]));
    }

    /// Names, quoted values, unquoted values and values with quoted-pairs each decode their
    /// escapes (and refuse bad ones) and what holds none is borrowed from the
    /// header.
    #[test]
    fn escapes_decode_in_every_position() {
        assert_eq!(
            ok(r#"OAuth oauth%5Fnonce="a%20b", t=c%2Fd, q="e\%41f", plain="x""#),
            pairs(&[("oauth_nonce", "a b"), ("t", "c/d"), ("q", "eAf"), ("plain", "x")])
        );
        let parsed = parse(br#"OAuth plain="x", t=y"#).unwrap().unwrap();
        assert!(parsed.iter().all(|(n, v)| matches!((n, v), (Cow::Borrowed(_), Cow::Borrowed(_)))));
        malformed("OAuth a%zz=\"1\"");
        malformed("OAuth a=%zz");
        malformed("OAuth a=\"x\\%zz\"");
        malformed("OAuth a=%C3");
    }

    #[test]
    fn realm_is_not_percent_decoded() {
        assert_eq!(ok(r#"OAuth realm="100%", a="1""#), pairs(&[("realm", "100%"), ("a", "1")]));
    }

    #[test]
    fn empty_elements_and_trailing_comma() {
        assert_eq!(ok("OAuth ,a=\"1\",,b=\"2\","), pairs(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn unquoted_tokens_and_empty_values() {
        assert_eq!(ok("OAuth a=1, b=, c=\"\""), pairs(&[("a", "1"), ("b", ""), ("c", "")]));
    }

    #[test]
    fn duplicates_are_returned_for_the_caller_to_judge() {
        assert_eq!(ok("OAuth a=\"1\", a=\"2\""), pairs(&[("a", "1"), ("a", "2")]));
    }

    #[test]
    fn garbage_is_a_400_not_a_panic() {
        malformed("OAuth a=\"unterminated");
        malformed("OAuth a=\"bad escape\\");
        malformed("OAuth a");
        malformed("OAuth a=\"1\" b=\"2\"");
        malformed("OAuth =\"1\"");
        malformed("OAuth a=\"1\"x");
        malformed("OAuth a=\"%zz\"");
        malformed("OAuth a=\"%C3\"");
        malformed("OAuth=x");
        malformed("OAuth a=\"\\\r\"");
        assert_eq!(parse(b"OAuth a=\"\xff\"").unwrap_err().status(), 400, "not UTF-8");
    }
}
