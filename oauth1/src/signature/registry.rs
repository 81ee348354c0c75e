//! The per-server registry of signature methods: which are known, which are allowed.

use std::fmt;
use std::sync::Arc;

use super::{HMAC_SHA1, HMAC_SHA256, HMAC_SHA512, PLAINTEXT, RSA_SHA1, RSA_SHA256, RSA_SHA512, SignatureMethod};
use crate::error::{Error, ErrorKind};

/// The signature methods one server knows, and which of them it allows.
/// See the [module docs](crate::signature).
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
    pub fn register(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), true)
    }

    /// Registers `method` without allowing it yet.
    pub fn register_disallowed(&mut self, method: impl SignatureMethod + 'static) -> &mut Self {
        self.insert(Arc::new(method), false)
    }

    /// Allows a registered method. Returns `false` when no method has that name.
    pub fn allow(&mut self, name: &str) -> bool {
        self.set_allowed(name, true)
    }

    /// Disallows a method. Returns `false` when no method has that name.
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
