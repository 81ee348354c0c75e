//! Where the scheme and authority of the base string URI come from
//! ([RFC 5849 §3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)).
//!
//! The client signs the URI it used. Behind a TLS-terminating proxy the server sees `http` and
//! maybe another host, so where the origin comes from is a deployment policy:
//!
//! * [`Origin::host`] (the default, `http`): the `Host` header (or the request URI's authority
//!   when there is no `Host`, as with HTTP/2) and a scheme you configure. The client chooses
//!   the `Host`: a request signed for another of the client's providers with the same
//!   credentials, sent here with that provider's name as `Host`, verifies. Fine for local
//!   development and tests; in production use `fixed` or `allowed_hosts`;
//! * [`Origin::fixed`]: one public origin, e.g. `https://api.example.com`, whatever the request
//!   says: the safest choice for a service with one public name, and **the one to use in
//!   production**;
//! * [`Origin::allowed_hosts`]: the `Host` header when it is one of yours (a 400 otherwise),
//!   for a service with several public names;
//! * [`Origin::forwarded`]: trust `Forwarded` (RFC 7239) or `X-Forwarded-Proto` /
//!   `X-Forwarded-Host` set by your proxy. Only use it when a proxy you run overwrites these
//!   headers; otherwise clients choose them.
//!
//! ```
//! use oauth1::Origin;
//! let o = Origin::fixed("HTTPS://API.Example.com:443").unwrap();
//! assert_eq!(o.to_string(), "https://api.example.com");
//! ```

use std::fmt;

use http::HeaderMap;
use http::uri::{Authority, Uri};

use crate::error::Error;

/// The policy for the scheme and authority of the base string URI. See the [module docs](self).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Kind);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Host {
        scheme: String,
    },
    /// Normalized `host[:port]`s, in the order given.
    AllowedHosts {
        scheme: String,
        hosts: Vec<String>,
    },
    Fixed {
        scheme: String,
        authority: String,
    },
    Forwarded {
        default_scheme: String,
    },
}

fn valid_scheme(s: &str) -> Result<String, Error> {
    let mut bytes = s.bytes();
    let ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if ok { Ok(s.to_ascii_lowercase()) } else { Err(Error::malformed("invalid URI scheme")) }
}

/// Lower-cases the host, drops the scheme's default port, keeps IPv6 brackets
/// ([RFC 5849 §3.4.1.2](https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1.2)).
pub(crate) fn normalize_authority(scheme: &str, raw: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(raw.len());
    push_authority(scheme, raw, &mut out)?;
    Ok(out)
}

/// RFC 3986 `reg-name` bytes: unreserved, sub-delims and `%` (no `@`: no userinfo).
fn is_reg_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'%'
        )
}

/// Validates `host[:port]` and appends its normalized form to `out`, without allocating.
fn push_authority(scheme: &str, raw: &str, out: &mut String) -> Result<(), Error> {
    let bad = || Error::malformed("invalid Host");
    let (host, rest) = if raw.starts_with('[') {
        let close = raw.find(']').ok_or_else(bad)?;
        let inner = raw.get(1..close).unwrap_or_default();
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return Err(bad());
        }
        (raw.get(..=close).unwrap_or_default(), raw.get(close + 1..).unwrap_or_default())
    } else {
        // One pass: up to the port's `:`, every byte a reg-name byte.
        let mut end = raw.len();
        for (i, b) in raw.bytes().enumerate() {
            if b == b':' {
                end = i;
                break;
            }
            if !is_reg_name_byte(b) {
                return Err(bad());
            }
        }
        let host = raw.get(..end).unwrap_or_default();
        if host.is_empty() {
            return Err(bad());
        }
        (host, raw.get(end..).unwrap_or_default())
    };
    // What follows the host is empty or `:` and an optional decimal port.
    let port = match rest {
        "" | ":" => None,
        rest => match rest.strip_prefix(':') {
            Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
                Some(digits.parse::<u16>().map_err(|_| bad())?)
            }
            _ => return Err(bad()),
        },
    };
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push_str(&host.to_ascii_lowercase());
    } else {
        out.push_str(host);
    }
    match (scheme, port) {
        (_, None) | ("http", Some(80)) | ("https", Some(443)) => {}
        (_, Some(p)) => {
            use std::fmt::Write as _;
            let _ = write!(out, ":{p}");
        }
    }
    Ok(())
}

impl Origin {
    /// The `Host` header with a fixed scheme (normally `"http"` or `"https"`).
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest};
    /// # fn base_string_uri(origin: &oauth1::Origin, req: &http::Request<Vec<u8>>) -> Result<String, oauth1::Error> {
    /// #     Ok(SignedRequest::parse(req, &ParseOptions::with_origin(origin.clone()))?.base_string_uri().to_owned())
    /// # }
    /// use oauth1::Origin;
    ///
    /// // Behind a TLS-terminating proxy that passes `Host` through: the scheme is fixed to https.
    /// let origin = Origin::host("https")?;
    /// let req = http::Request::get("/photos").header("host", "Photos.Example:443").body(Vec::new())?;
    /// assert_eq!(base_string_uri(&origin, &req)?, "https://photos.example/photos");
    /// // No `Host` (nor an authority in the URI): 400.
    /// let req = http::Request::get("/photos").body(Vec::new())?;
    /// assert_eq!(base_string_uri(&origin, &req).unwrap_err().status(), 400);
    /// // Not a scheme.
    /// assert!(Origin::host("ht tp").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn host(scheme: &str) -> Result<Self, Error> {
        Ok(Origin(Kind::Host { scheme: valid_scheme(scheme)? }))
    }

    /// The `Host` header, when it names one of `hosts` (`host` or `host:port`, compared
    /// after normalization: case, default port), with a fixed scheme; any other `Host` is a 400.
    /// For a service known by several names: unlike [`Origin::host`], a request signed for a
    /// host that is not yours, sent with that `Host`, is refused.
    ///
    /// ```
    /// use oauth1::{Origin, ParseOptions, SignedRequest};
    /// let o = Origin::allowed_hosts("https", ["api.example.com", "API.example.net:443"])?;
    /// assert_eq!(o.to_string(), "https://{api.example.com,api.example.net}");
    ///
    /// let options = ParseOptions::with_origin(o);
    /// // One of ours: accepted, normalized.
    /// let req = http::Request::get("/photos").header("host", "api.example.net:443").body(Vec::new())?;
    /// assert_eq!(SignedRequest::parse(&req, &options)?.base_string_uri(), "https://api.example.net/photos");
    /// // Another host: refused (400).
    /// let req = http::Request::get("/photos").header("host", "evil.example").body(Vec::new())?;
    /// assert_eq!(SignedRequest::parse(&req, &options).unwrap_err().status(), 400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allowed_hosts<'h>(scheme: &str, hosts: impl IntoIterator<Item = &'h str>) -> Result<Self, Error> {
        let scheme = valid_scheme(scheme)?;
        let hosts = hosts.into_iter().map(|h| normalize_authority(&scheme, h)).collect::<Result<Vec<_>, _>>()?;
        if hosts.is_empty() {
            return Err(Error::malformed("an allowlist needs at least one host"));
        }
        Ok(Origin(Kind::AllowedHosts { scheme, hosts }))
    }

    /// One public origin such as `https://api.example.com` or `http://localhost:8000`.
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest};
    /// # fn base_string_uri(origin: &oauth1::Origin, req: &http::Request<Vec<u8>>) -> Result<String, oauth1::Error> {
    /// #     Ok(SignedRequest::parse(req, &ParseOptions::with_origin(origin.clone()))?.base_string_uri().to_owned())
    /// # }
    /// use oauth1::Origin;
    ///
    /// let origin = Origin::fixed("https://api.example.com")?;
    /// // Whatever the request says: its `Host` is not used.
    /// let req = http::Request::get("/photos").header("host", "10.0.0.7:8080").body(Vec::new())?;
    /// assert_eq!(base_string_uri(&origin, &req)?, "https://api.example.com/photos");
    /// // An origin has a scheme and a host, and nothing more.
    /// assert!(Origin::fixed("api.example.com").is_err());
    /// assert!(Origin::fixed("https://api.example.com/v1").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fixed(origin: &str) -> Result<Self, Error> {
        let uri: Uri = origin.parse().map_err(|_| Error::malformed("invalid origin"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(Error::malformed("an origin needs a scheme and a host"));
        };
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(Error::malformed("an origin has no path or query"));
        }
        let scheme = valid_scheme(scheme)?;
        let authority = normalize_authority(&scheme, authority.as_str())?;
        Ok(Origin(Kind::Fixed { scheme, authority }))
    }

    /// Trust `Forwarded`, else `X-Forwarded-Proto` / `X-Forwarded-Host`, falling back to the
    /// `Host` header and `default_scheme` for whatever they do not say. The first element of
    /// each is used: the one your edge proxy writes, **so the proxy must overwrite (or strip)
    /// both header families**; a proxy that sets `X-Forwarded-Proto` but passes a client's
    /// `Forwarded` through would let the client choose the scheme and host. A request carrying
    /// both families is refused (400): one of them came from the client.
    ///
    /// ```
    /// # use oauth1::{ParseOptions, SignedRequest};
    /// # fn base_string_uri(origin: &oauth1::Origin, req: &http::Request<Vec<u8>>) -> Result<String, oauth1::Error> {
    /// #     Ok(SignedRequest::parse(req, &ParseOptions::with_origin(origin.clone()))?.base_string_uri().to_owned())
    /// # }
    /// use oauth1::Origin;
    ///
    /// let origin = Origin::forwarded("http")?;
    /// // What your proxy wrote.
    /// let req = http::Request::get("/photos")
    ///     .header("host", "10.0.0.7:8080")
    ///     .header("x-forwarded-proto", "https")
    ///     .header("x-forwarded-host", "api.example.com")
    ///     .body(Vec::new())?;
    /// assert_eq!(base_string_uri(&origin, &req)?, "https://api.example.com/photos");
    /// // Both header families: one of them came from the client. Refused (400).
    /// let req = http::Request::get("/photos")
    ///     .header("forwarded", "proto=https;host=evil.example")
    ///     .header("x-forwarded-proto", "https")
    ///     .body(Vec::new())?;
    /// assert_eq!(base_string_uri(&origin, &req).unwrap_err().status(), 400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn forwarded(default_scheme: &str) -> Result<Self, Error> {
        Ok(Origin(Kind::Forwarded { default_scheme: valid_scheme(default_scheme)? }))
    }

    /// Appends `scheme://authority` for one request to `out`.
    pub(crate) fn write_origin(&self, uri: &Uri, headers: &HeaderMap, out: &mut String) -> Result<(), Error> {
        match &self.0 {
            Kind::Fixed { scheme, authority } => {
                out.push_str(scheme);
                out.push_str("://");
                out.push_str(authority);
            }
            Kind::Host { scheme } => {
                out.push_str(scheme);
                out.push_str("://");
                push_authority(scheme, request_host(uri, headers)?, out)?;
            }
            Kind::AllowedHosts { scheme, hosts } => {
                let start = out.len();
                out.push_str(scheme);
                out.push_str("://");
                let host_start = out.len();
                push_authority(scheme, request_host(uri, headers)?, out)?;
                let host = out.get(host_start..).unwrap_or_default();
                if !hosts.iter().any(|h| h == host) {
                    out.truncate(start);
                    return Err(Error::malformed("this Host is not served here"));
                }
            }
            Kind::Forwarded { default_scheme } => {
                let (proto, host) = forwarded_values(headers)?;
                let scheme = match proto {
                    Some(p) => valid_scheme(p)?,
                    None => default_scheme.clone(),
                };
                let host = match host {
                    Some(h) => h,
                    None => request_host(uri, headers)?,
                };
                out.push_str(&scheme);
                out.push_str("://");
                push_authority(&scheme, host, out)?;
            }
        }
        Ok(())
    }
}

impl Default for Origin {
    fn default() -> Self {
        Origin(Kind::Host { scheme: "http".to_owned() })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Fixed { scheme, authority } => write!(f, "{scheme}://{authority}"),
            Kind::Host { scheme } => write!(f, "{scheme}://<Host>"),
            Kind::AllowedHosts { scheme, hosts } => write!(f, "{scheme}://{{{}}}", hosts.join(",")),
            Kind::Forwarded { default_scheme } => write!(f, "<forwarded, default {default_scheme}>"),
        }
    }
}

/// The `Host` header; without one (HTTP/2), the request URI's authority.
fn request_host<'h>(uri: &'h Uri, headers: &'h HeaderMap) -> Result<&'h str, Error> {
    let mut hosts = headers.get_all(http::header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => Err(Error::malformed("more than one Host header")),
        (Some(h), None) => h.to_str().map_err(|_| Error::malformed("invalid Host")),
        (None, _) => uri.authority().map(Authority::as_str).ok_or_else(|| Error::malformed("no Host header")),
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn first_list_item(v: &str) -> Option<&str> {
    v.split(',').next().map(str::trim).filter(|s| !s.is_empty())
}

/// `(proto, host)` from `Forwarded` (its first element) or else `X-Forwarded-*`; both
/// families at once is an error (one was written by the client).
fn forwarded_values(headers: &HeaderMap) -> Result<(Option<&str>, Option<&str>), Error> {
    let x_forwarded = headers.contains_key("x-forwarded-proto") || headers.contains_key("x-forwarded-host");
    if headers.contains_key(http::header::FORWARDED) && x_forwarded {
        return Err(Error::malformed("both Forwarded and X-Forwarded-* headers: which one the proxy wrote is unclear"));
    }
    if let Some(fwd) = header_str(headers, "forwarded") {
        let first = first_element(fwd);
        let mut proto = None;
        let mut host = None;
        for pair in first.split(';') {
            let Some((name, value)) = pair.split_once('=') else { continue };
            let value = value.trim();
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
            match name.trim().to_ascii_lowercase().as_str() {
                "proto" => proto = Some(value),
                "host" => host = Some(value),
                _ => {}
            }
        }
        if proto.is_some() || host.is_some() {
            return Ok((proto, host));
        }
    }
    Ok((
        header_str(headers, "x-forwarded-proto").and_then(first_list_item),
        header_str(headers, "x-forwarded-host").and_then(first_list_item),
    ))
}

/// The first comma-separated element of a `Forwarded` value, honouring quotes.
fn first_element(v: &str) -> &str {
    let mut in_quotes = false;
    for (i, c) in v.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => return v.get(..i).unwrap_or(v),
            _ => {}
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(origin: &Origin, headers: &[(&str, &str)]) -> Result<String, Error> {
        let mut map = HeaderMap::new();
        for (n, v) in headers {
            map.append(http::HeaderName::from_bytes(n.as_bytes()).unwrap(), v.parse().unwrap());
        }
        let uri: Uri = "/x".parse().unwrap();
        let mut out = String::new();
        origin.write_origin(&uri, &map, &mut out).map(|()| out)
    }

    #[test]
    fn host_header_normalized() {
        let o = Origin::default();
        assert_eq!(resolve(&o, &[("host", "EXAMPLE.com:80")]).unwrap(), "http://example.com");
        assert_eq!(resolve(&o, &[("host", "example.com:8080")]).unwrap(), "http://example.com:8080");
        assert_eq!(resolve(&o, &[("host", "example.com:")]).unwrap(), "http://example.com");
        assert_eq!(resolve(&o, &[("host", "[::1]:80")]).unwrap(), "http://[::1]", "IPv6 default port is dropped");
        assert_eq!(resolve(&o, &[("host", "[2001:DB8::1]:8443")]).unwrap(), "http://[2001:db8::1]:8443");
        let tls = Origin::host("HTTPS").unwrap();
        assert_eq!(resolve(&tls, &[("host", "a.b:443")]).unwrap(), "https://a.b");
        assert_eq!(resolve(&tls, &[("host", "a.b:80")]).unwrap(), "https://a.b:80");
    }

    #[test]
    fn bad_hosts_are_400() {
        let o = Origin::default();
        for h in ["", "user@evil.test", "a.b:99999", "a.b:x", "a b", "[::1", "[zz]", ":80", "a.b:80:80"] {
            assert!(resolve(&o, &[("host", h)]).is_err(), "{h:?}");
        }
        assert!(resolve(&o, &[]).is_err(), "no host at all");
        assert!(resolve(&o, &[("host", "a"), ("host", "b")]).is_err());
    }

    #[test]
    fn allowed_hosts_refuse_other_hosts() {
        let o = Origin::allowed_hosts("https", ["api.example.com", "api.example.net:8443"]).unwrap();
        assert_eq!(resolve(&o, &[("host", "API.example.com:443")]).unwrap(), "https://api.example.com");
        assert_eq!(resolve(&o, &[("host", "api.example.net:8443")]).unwrap(), "https://api.example.net:8443");
        // The attack: a request signed for another of the client's providers, sent with its Host.
        for h in ["other.example.com", "api.example.net", "api.example.com:8443", "api.example.com.evil.test"] {
            assert!(resolve(&o, &[("host", h)]).is_err(), "{h}");
        }
        assert!(Origin::allowed_hosts("https", []).is_err());
        assert!(Origin::allowed_hosts("https", ["user@evil.test"]).is_err());
    }

    #[test]
    fn fixed_ignores_the_request() {
        let o = Origin::fixed("https://API.example.com:443/").unwrap();
        assert_eq!(resolve(&o, &[("host", "internal:8080")]).unwrap(), "https://api.example.com");
        assert!(Origin::fixed("https://a.b/path").is_err());
        assert!(Origin::fixed("a.b").is_err());
    }

    #[test]
    fn forwarded_headers_only_when_trusted() {
        let headers =
            [("host", "internal:8080"), ("x-forwarded-proto", "https"), ("x-forwarded-host", "API.example.com:443")];
        assert_eq!(resolve(&Origin::default(), &headers).unwrap(), "http://internal:8080");
        let o = Origin::forwarded("http").unwrap();
        assert_eq!(resolve(&o, &headers).unwrap(), "https://api.example.com");
        let rfc7239 =
            [("host", "internal"), ("forwarded", "for=1.2.3.4;proto=https;host=\"api.example.com:8443\", for=5.6.7.8")];
        assert_eq!(resolve(&o, &rfc7239).unwrap(), "https://api.example.com:8443");
        assert_eq!(resolve(&o, &[("host", "a.b"), ("x-forwarded-proto", "https, http")]).unwrap(), "https://a.b");
        // A proxy that overwrites X-Forwarded-Proto but passes a client's Forwarded: refused.
        let both = [("host", "a.b"), ("x-forwarded-proto", "http"), ("forwarded", "proto=https")];
        assert!(resolve(&o, &both).is_err());
    }
}
