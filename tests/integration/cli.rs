//! The command line's contract: exit statuses and usage errors.

use crate::harness::SiteTest;

#[test]
fn usage_errors_exit_2() {
    let site = SiteTest::empty();
    site.run(&["build", "--no-such-flag"]).failure(2);
    site.run(&["frobnicate"]).failure(2);
    site.run(&[]).failure(2);
}

#[test]
fn help_and_version_exit_0() {
    let site = SiteTest::empty();
    assert!(site.run(&["--help"]).success().stdout.contains("build"));
    assert!(site
        .run(&["--version"])
        .success()
        .stdout
        .starts_with("rapport "));
}

#[test]
fn missing_site_is_a_clear_error() {
    let site = SiteTest::empty();
    let run = site.run(&["build"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: site.toml: no site.toml here\n  help: run rapport in a site's folder, pass --root DIR, or create a site with `rapport init DIR`\n"
    );
}

#[test]
fn bad_base_url_flag() {
    let site = SiteTest::fixture("site/basic");
    let run = site.run(&["build", "--base-url", "example.org"]).failure(1);
    assert!(
        run.stderr.starts_with(
            "error: --base-url: base_url \"example.org\" must start with http:// or https://"
        ),
        "{}",
        run.stderr
    );
}
