//! Integration tests: each drives the `rapport` binary on a small site and asserts on
//! what it wrote. See README.md in this folder for how to add a case.

#![allow(unreachable_pub)] // items are shared between test modules of one binary

mod harness;

mod build;
mod check;
mod cli;
mod engagement;
mod errors;
mod extras;
mod fetch;
mod fetch_bluesky;
mod fetch_staticman;
mod i18n;
mod import;
mod incremental;
mod limits;
mod migrate;
mod moderation;
mod new_post;
mod output_clients;
mod permalinks;
mod plan;
mod publish;
mod regression;
mod replies;
mod sanitize;
mod serve;
mod sharing;
mod shortcodes;
mod streaming;
mod taxonomies;
mod theme;
mod threads;
mod toml_front_matter;
mod warm_start;
