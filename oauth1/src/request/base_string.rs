//! The signature base string ([RFC 5849 §3.4.1](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1)),
//! written on demand, and the normalized parameters (§3.4.1.3.2).

use std::fmt;

use super::Param;
use crate::encoding::{all_unreserved, cmp_encoded, hex_upper, is_unreserved};

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

/// Buffers small writes so hashes see few, large updates.
struct Buffered<'s> {
    buf: [u8; 512],
    len: usize,
    out: &'s mut dyn FnMut(&[u8]),
}

impl Buffered<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.buf.len() - self.len < bytes.len() {
            self.flush();
            if bytes.len() > self.buf.len() {
                (self.out)(bytes);
                return;
            }
        }
        if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    /// Percent-encodes (§3.6) straight into the buffer; `prefix` is `%` for one encoding and
    /// `%25` for two (normalization §3.4.1.3.2, then the base string §3.4.1.1).
    #[inline]
    fn encode(&mut self, s: &str, prefix: &[u8]) {
        let widest = prefix.len() + 2;
        // Each chunk fits an empty buffer even if every byte needs escaping.
        for chunk in s.as_bytes().chunks(self.buf.len() / widest) {
            if self.buf.len() - self.len < chunk.len() * widest {
                self.flush();
            }
            let mut len = self.len;
            // Runs of 16 unreserved bytes (most of any token, nonce or long value) are copied
            // whole; a block with something to escape, and the tail, go byte by byte.
            let mut rest = chunk;
            while let Some((block, tail)) = rest.split_first_chunk::<16>() {
                match self.buf.get_mut(len..len + 16) {
                    Some(d) if all_unreserved(block) => {
                        d.copy_from_slice(block);
                        len += 16;
                    }
                    _ => len = self.encode_bytes(len, block, prefix),
                }
                rest = tail;
            }
            self.len = self.encode_bytes(len, rest, prefix);
        }
    }

    /// Escapes `bytes` into the buffer at `len` (which has room); returns the new length.
    #[inline]
    fn encode_bytes(&mut self, mut len: usize, bytes: &[u8], prefix: &[u8]) -> usize {
        for &b in bytes {
            if is_unreserved(b) {
                if let Some(d) = self.buf.get_mut(len) {
                    *d = b;
                }
                len += 1;
            } else {
                if let Some(d) = self.buf.get_mut(len..len + prefix.len()) {
                    d.copy_from_slice(prefix);
                }
                len += prefix.len();
                if let Some([hi, lo]) = self.buf.get_mut(len..len + 2) {
                    *hi = hex_upper(b >> 4);
                    *lo = hex_upper(b);
                }
                len += 2;
            }
        }
        len
    }

    fn flush(&mut self) {
        if self.len > 0 {
            (self.out)(self.buf.get(..self.len).unwrap_or_default());
            self.len = 0;
        }
    }
}

impl<'r> BaseString<'r> {
    pub(crate) fn from_params(method: &'r str, uri: &'r str, params: &'r [Param<'r>]) -> Self {
        BaseString { method, uri, params }
    }

    /// Streams the base string into `sink` in a few large chunks.
    pub fn write_to(&self, sink: &mut dyn FnMut(&[u8])) {
        let mut w = Buffered { buf: [0; 512], len: 0, out: sink };
        w.encode(self.method, b"%");
        w.write(b"&");
        w.encode(self.uri, b"%");
        w.write(b"&");
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                w.write(b"%26");
            }
            w.encode(&p.name, b"%25");
            w.write(b"%3D");
            w.encode(&p.value, b"%25");
        }
        w.flush();
    }

    /// The normalized request parameters ([§3.4.1.3.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.3.2)).
    pub fn normalized_parameters(&self) -> String {
        normalize(self.params.iter().map(|p| (p.name.as_ref(), p.value.as_ref())))
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
