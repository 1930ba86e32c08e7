//! Integration tests: the real router, a fresh database per test.

mod accounts;
mod api_contract;
mod api_fuzz;
mod backup;
mod bad_input;
mod batch;
mod built;
mod cli;
mod common;
mod demands_loop;
mod export;
mod figures;
mod generate;
mod intake_paths;
mod jobs;
mod nodes;
mod one_door;
mod outage;
mod page_access;
mod pages;
mod rollups;
mod roster;
mod schema;
mod scope;
mod stories;
mod viewers;
