//! warp filters for the oauth1 provider core. Filled in by the oauth1-warp issue.
#![forbid(unsafe_code)]
