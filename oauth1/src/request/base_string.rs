//! The signature base string ([RFC 5849 §3.4.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1)),
//! written on demand, and the normalized parameters (§3.4.1.3.2).

use std::fmt;

use super::Param;
use crate::encoding::{cmp_encoded, encode_into};

/// A signature base string, written on demand ([RFC 5849 §3.4.1.1]).
///
/// Signature methods stream it into their MAC or hash with [`write_to`](Self::write_to), so it
/// is never allocated on the verification path; `to_string()` gives it for logs and tests.
///
/// [RFC 5849 §3.4.1.1]: https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.1
#[derive(Clone, Copy)]
pub struct BaseString<'r> {
    method: &'r str,
    uri: &'r str,
    params: &'r [Param<'r>],
}

impl<'r> BaseString<'r> {
    pub(crate) fn from_params(method: &'r str, uri: &'r str, params: &'r [Param<'r>]) -> Self {
        BaseString { method, uri, params }
    }

    /// Streams the base string into `sink`, in pieces of up to 512 bytes.
    pub fn write_to(&self, sink: &mut dyn FnMut(&[u8])) {
        let mut buffer = Buffered { buf: [0; 512], len: 0, out: sink };
        self.write_pieces(&mut |piece| buffer.write(piece));
        buffer.flush();
    }

    fn write_pieces(&self, sink: &mut dyn FnMut(&[u8])) {
        encode_into(self.method, b"%", sink);
        sink(b"&");
        encode_into(self.uri, b"%", sink);
        sink(b"&");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                sink(b"%26");
            }
            // Encoded twice: by the normalization (§3.4.1.3.2), then as part of the base string;
            // a plain name or value encodes as itself.
            let (name_plain, value_plain) = p.plain;
            if name_plain {
                sink(p.name.as_bytes())
            } else {
                encode_into(&p.name, b"%25", sink)
            }
            sink(b"%3D");
            if value_plain { sink(p.value.as_bytes()) } else { encode_into(&p.value, b"%25", sink) }
        }
    }

    /// The normalized request parameters ([§3.4.1.3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2)).
    pub fn normalized_parameters(&self) -> String {
        normalize(self.params.iter().map(|p| (p.name.as_ref(), p.value.as_ref())))
    }
}

/// Gathers the base string's pieces (a few bytes each) so the hash sees few, large updates.
/// It saves 1.3 k of 26.9 k instructions per verification (4.8 %), and 17 k of 224 k (7.7 %)
/// with 80 more query parameters (`examples/profile_hmac.rs`, `profile_verify` in `tests`).
struct Buffered<'s> {
    buf: [u8; 512],
    len: usize,
    out: &'s mut dyn FnMut(&[u8]),
}

impl Buffered<'_> {
    #[expect(clippy::indexing_slicing, reason = "there is room: the buffer was flushed if there was not")]
    fn write(&mut self, bytes: &[u8]) {
        if bytes.len() > self.buf.len() - self.len {
            self.flush();
        }
        if bytes.len() > self.buf.len() {
            (self.out)(bytes);
        } else {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    #[expect(clippy::indexing_slicing, reason = "`len` never passes the end of the buffer")]
    fn flush(&mut self) {
        (self.out)(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl fmt::Display for BaseString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(256);
        self.write_to(&mut |b| out.extend_from_slice(b));
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for BaseString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseString({self})")
    }
}

/// Normalizes decoded parameters ([RFC 5849 §3.4.1.3.2]): encode each name and value, sort by
/// name then value, join with `=` and `&`. Duplicates are all kept.
///
/// ```
/// assert_eq!(oauth1::request::normalize([("a", "x y"), ("a", "x!y")]), "a=x%20y&a=x%21y");
/// ```
///
/// [RFC 5849 §3.4.1.3.2]: https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2
pub fn normalize<'p>(params: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = params.into_iter().collect();
    pairs.sort_by(|a, b| cmp_encoded(a.0, b.0).then_with(|| cmp_encoded(a.1, b.1)));
    let mut out = String::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(crate::encoding::encode(n));
        out.push('=');
        out.extend(crate::encoding::encode(v));
    }
    out
}
