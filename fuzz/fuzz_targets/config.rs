//! `site.toml` parsing: never a panic; every error is located on a line of the file
//! (but a missing required key, which names the file);
//! a configuration that parses has a usable base path and limits.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rapport::Error;
use rapport_fuzz::{assert_located, assert_segment};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match rapport::config::parse(text, Path::new("site.toml"), Path::new("/nonexistent-site")) {
        Err(Error::Content(ds)) => {
            // A required key that is missing is about the whole file, which may be
            // empty: it names the file and the key, not a line.
            let missing = |d: &rapport::Diagnostic| {
                d.location.line.is_none() && d.message.ends_with("which is required")
            };
            if !ds.iter().all(missing) {
                let located: Vec<_> = ds.into_iter().filter(|d| !missing(d)).collect();
                assert_located(&located, text);
            }
        }
        Err(other) => panic!("site.toml parse failed without a diagnostic: {other}"),
        Ok(config) => {
            assert!(config.base_path.starts_with('/') && config.base_path.ends_with('/'));
            assert!(config.base_url.ends_with(&config.base_path));
            assert!(!config.base_path.split('/').any(|s| s == ".."));
            assert!(config.posts_per_page >= 1);
            assert!(config.max_depth >= 1);
            if let Some(theme) = &config.theme {
                assert_segment(theme, "theme");
            }
        }
    }
});
