//! Linli (邻里): grid-based community governance on one binary.
#![forbid(unsafe_code)]

rust_i18n::i18n!("locales", fallback = "zh-CN");

pub mod app;
pub mod audit;
pub mod auditing;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod councils;
pub mod db;
pub mod demands;
pub mod demo;
#[cfg(test)]
mod edge_tests;
pub mod error;
pub mod export;
pub mod measures;
pub mod openapi;
pub mod rights;
pub mod roster;
pub mod state;
pub mod tls;
pub mod vault;
pub mod web;
