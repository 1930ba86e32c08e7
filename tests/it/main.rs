//! Integration tests: the real router, a fresh database per test.

mod common;
