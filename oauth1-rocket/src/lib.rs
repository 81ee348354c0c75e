//! Rocket fairing and guards for the oauth1 provider core. Filled in by the oauth1-rocket issue.
#![forbid(unsafe_code)]
