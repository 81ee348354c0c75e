//! The per-server registry of signature methods: which are known, which are allowed.

use std::fmt;
use std::sync::Arc;

use super::{HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, PLAINTEXT, RSA_SHA1, RSA_SHA256, RSA_SHA512, SignatureMethod};
use crate::error::{Error, ErrorKind};

/// The signature methods one server knows, and which of them it allows.
/// See the [module docs](crate::signature).
///
/// ```
/// use oauth1::signature::SignatureMethods;
///
/// let methods = SignatureMethods::default();
/// assert_eq!(methods.allowed().collect::<Vec<_>>(), ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256"]);
/// // Registered, not allowed: PLAINTEXT and the -SHA512 methods.
/// assert!(methods.get("PLAINTEXT").is_some() && !methods.is_allowed("PLAINTEXT"));
/// ```
#[derive(Clone)]
pub struct SignatureMethods {
    pub(super) entries: Vec<(Arc<dyn SignatureMethod>, bool)>,
}

impl fmt::Debug for SignatureMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(m, a)| (m.name().to_owned(), *a))).finish()
    }
}

impl Default for SignatureMethods {
    fn default() -> Self {
        let mut m = SignatureMethods::empty();
        m.register(HMAC_SHA1).register(HMAC_SHA256).register(RSA_SHA1).register(RSA_SHA256);
        m.register_disallowed(HMAC_SHA512).register_disallowed(RSA_SHA512).register_disallowed(PLAINTEXT);
        m
    }
}

impl SignatureMethods {
    /// No methods at all.
    ///
    /// ```
    /// use oauth1::signature::{RSA_SHA256, SignatureMethods};
    ///
    /// // An RSA-SHA256-only server.
    /// let mut methods = SignatureMethods::empty();
    /// methods.register(RSA_SHA256);
    /// assert!(methods.is_allowed("RSA-SHA256"));
    /// assert!(methods.resolve(Some("HMAC-SHA1")).is_err());
    /// ```
    pub fn empty() -> Self {
        SignatureMethods { entries: Vec::new() }
    }

    fn insert(&mut self, method: Arc<dyn SignatureMethod>, allowed: bool) -> &mut Self {
        match self.entries.iter_mut().find(|(m, _)| m.name() == method.name()) {
            Some(entry) => *entry = (method, allowed),
            None => self.entries.push((method, allowed)),
        }
        self
    }

    /// Registers `method` and allows it, replacing a method of the same name.
    ///
    /// ```
    /// use oauth1::request::BaseString;
    /// use oauth1::signature::{SignatureMethod, SignatureMethods, VerifyingKeys};
    ///
    /// struct Nobody;
    /// impl SignatureMethod for Nobody {
    ///     fn name(&self) -> &'static str {
    ///         "X-NOBODY"
    ///     }
    ///     fn verify(&self, _: &BaseString<'_>, _: &str, _: &VerifyingKeys<'_>) -> bool {
    ///         false
    ///     }
    /// }
    ///
    /// let mut methods = SignatureMethods::default();
    /// methods.register(Nobody);
    /// assert!(methods.is_allowed("X-NOBODY"));
    /// // Only this registry changed: another server's is untouched.
    /// assert!(!SignatureMethods::default().is_allowed("X-NOBODY"));
    /// ```
    pub fn register(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), true)
    }

    /// Registers `method` without allowing it yet.
    ///
    /// ```
    /// use oauth1::signature::{HMAC_SHA512, SignatureMethods};
    ///
    /// let mut methods = SignatureMethods::empty();
    /// methods.register_disallowed(HMAC_SHA512);
    /// assert!(methods.get("HMAC-SHA512").is_some());
    /// assert!(!methods.is_allowed("HMAC-SHA512"));
    /// ```
    pub fn register_disallowed(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), false)
    }

    /// Allows a registered method. Returns `false` when no method has that name.
    ///
    /// ```
    /// use oauth1::signature::SignatureMethods;
    ///
    /// let mut methods = SignatureMethods::default();
    /// assert!(methods.allow("HMAC-SHA512"));
    /// assert!(methods.is_allowed("HMAC-SHA512"));
    /// // Only registered methods can be allowed.
    /// assert!(!methods.allow("HMAC-MD5"));
    /// assert!(!methods.is_allowed("HMAC-MD5"));
    /// ```
    pub fn allow(&mut self, name: &str) -> bool {
        self.set_allowed(name, true)
    }

    /// Disallows a method. Returns `false` when no method has that name.
    ///
    /// ```
    /// use oauth1::signature::SignatureMethods;
    ///
    /// let mut methods = SignatureMethods::default();
    /// assert!(methods.disallow("RSA-SHA1"));
    /// assert_eq!(methods.resolve(Some("RSA-SHA1")).err().map(|e| e.code()), Some("unsupported_signature_method"));
    /// assert!(methods.resolve(Some("RSA-SHA256")).is_ok());
    /// ```
    pub fn disallow(&mut self, name: &str) -> bool {
        self.set_allowed(name, false)
    }

    fn set_allowed(&mut self, name: &str, allowed: bool) -> bool {
        match self.entries.iter_mut().find(|(m, _)| m.name() == name) {
            Some(entry) => {
                entry.1 = allowed;
                true
            }
            None => false,
        }
    }

    /// The registered method called `name`, allowed or not.
    pub fn get(&self, name: &str) -> Option<&dyn SignatureMethod> {
        self.entries.iter().find(|(m, _)| m.name() == name).map(|(m, _)| m.as_ref())
    }

    /// Whether `name` is registered and allowed.
    pub fn is_allowed(&self, name: &str) -> bool {
        self.entries.iter().any(|(m, a)| *a && m.name() == name)
    }

    /// The names of the allowed methods.
    pub fn allowed(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter(|(_, a)| *a).map(|(m, _)| m.name())
    }

    /// The method a request names, if it is registered and allowed: a missing name is
    /// `missing_required_parameter`, an unknown or disallowed one `unsupported_signature_method`
    /// (exact, case-sensitive match).
    ///
    /// ```
    /// use oauth1::signature::SignatureMethods;
    ///
    /// let methods = SignatureMethods::default();
    /// assert_eq!(methods.resolve(Some("HMAC-SHA256")).map(|m| m.name()).ok(), Some("HMAC-SHA256"));
    /// // What the endpoints answer for a request that names no method, or one not allowed.
    /// assert_eq!(methods.resolve(None).err().map(|e| e.code()), Some("missing_required_parameter"));
    /// assert_eq!(methods.resolve(Some("PLAINTEXT")).err().map(|e| e.status().as_u16()), Some(400));
    /// ```
    pub fn resolve(&self, name: Option<&str>) -> Result<&dyn SignatureMethod, Error> {
        let name = match name {
            Some(n) if !n.is_empty() => n,
            _ => return Err(Error::missing("oauth_signature_method")),
        };
        self.entries
            .iter()
            .find(|(m, a)| *a && m.name() == name)
            .map(|(m, _)| m.as_ref())
            .ok_or_else(|| Error::new(ErrorKind::UnsupportedSignatureMethod))
    }
}
