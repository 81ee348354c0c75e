//! In-memory stores for the oauth1 provider core (tests, demos, single-process apps). Filled in by the oauth1-memory issue.
#![forbid(unsafe_code)]
