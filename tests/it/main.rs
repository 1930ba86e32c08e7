//! Integration tests: the real router, a fresh database per test.

mod api_contract;
mod bad_input;
mod cli;
mod common;
mod demands_loop;
mod jobs;
mod roster;
mod scope;
mod stories;
