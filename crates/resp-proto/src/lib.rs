//! resp-proto
