//! Tokens, secrets and verifiers from the operating system's CSPRNG.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Makes the random strings the provider hands out.
pub trait TokenGenerator: Send + Sync {
    /// An `oauth_token` (temporary or token credentials).
    fn token(&self) -> String;
    /// An `oauth_token_secret`.
    fn secret(&self) -> String;
    /// An `oauth_verifier`.
    fn verifier(&self) -> String;
}

/// URL-safe random strings from the OS CSPRNG: 32-character tokens, 48-character secrets and
/// 32-character verifiers by default (192, 288 and 192 bits).
///
/// ```
/// use oauth1::Config;
/// use oauth1::generate::{RandomTokens, TokenGenerator};
///
/// let tokens = RandomTokens { secret_len: 64, ..RandomTokens::default() };
/// assert_eq!((tokens.token().len(), tokens.secret().len(), tokens.verifier().len()), (32, 64, 32));
/// let _config = Config::default().with_token_generator(tokens);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RandomTokens {
    /// Token length in characters.
    pub token_len: usize,
    /// Secret length in characters.
    pub secret_len: usize,
    /// Verifier length in characters.
    pub verifier_len: usize,
}

impl Default for RandomTokens {
    fn default() -> Self {
        RandomTokens { token_len: 32, secret_len: 48, verifier_len: 32 }
    }
}

/// `len` URL-safe characters (`A-Z a-z 0-9 - _`) from the OS CSPRNG.
///
/// # Panics
/// When the operating system has no randomness to give: handing out guessable credentials
/// would be worse than stopping.
///
/// ```
/// use oauth1::generate::random_string;
///
/// let token = random_string(32);
/// assert_eq!(token.len(), 32);
/// assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// assert_ne!(token, random_string(32));
/// ```
#[allow(clippy::expect_used)]
pub fn random_string(len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(4) * 3];
    getrandom::fill(&mut bytes).expect("the OS CSPRNG is unavailable");
    let mut s = URL_SAFE_NO_PAD.encode(&bytes);
    s.truncate(len);
    s
}

impl TokenGenerator for RandomTokens {
    fn token(&self) -> String {
        random_string(self.token_len)
    }

    fn secret(&self) -> String {
        random_string(self.secret_len)
    }

    fn verifier(&self) -> String {
        random_string(self.verifier_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_alphabet() {
        let g = RandomTokens::default();
        let (t, s, v) = (g.token(), g.secret(), g.verifier());
        assert_eq!((t.len(), s.len(), v.len()), (32, 48, 32));
        assert!(
            t.bytes().chain(s.bytes()).chain(v.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(g.token(), g.token());
    }
}
