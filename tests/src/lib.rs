//! Cross-crate integration and interop tests of the oauth1 provider (see `tests/`).
#![forbid(unsafe_code)]
