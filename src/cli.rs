//! The command line: one clap struct per command, each run returns a result that
//! `main` turns into an exit status (0 ok, 1 content or input error, 2 usage error).
//! This is the only module that prints, and it prints only through `say` and
//! `complain` (and an import's progress bar, drawn on a terminal only).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::import::{Format, ImportOptions};
use crate::serve::ServeOptions;
use crate::site::BuildOptions;

#[derive(Debug, Parser)]
#[command(
    name = "rapport",
    version,
    about = "A static site generator for blogs where the conversation is the content"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new site that builds at once
    Init {
        /// Folder to create the site in (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// Build the site into public/ (or --output)
    Build(BuildArgs),
    /// Build, serve on loopback, and with --watch rebuild and reload on every save
    Serve(ServeArgs),
    /// Validate content, threads and internal links, reporting every problem
    Check(RootArgs),
    /// List fetched responses waiting for review, then reader comments waiting for an author reply
    Replies {
        #[command(flatten)]
        root: RootArgs,
        /// Print a JSON array instead of text
        #[arg(long)]
        json: bool,
        /// Only this post (its slug)
        #[arg(long)]
        post: Option<String>,
    },
    /// Publish fetched responses waiting for review (ids as `rapport replies` prints them)
    Approve(DecideArgs),
    /// Turn responses down: their name and text go, and no fetch brings them back
    Reject(DecideArgs),
    /// Bring posts and approved comments over from another platform
    #[command(subcommand)]
    Import(ImportCommand),
    /// Start a post: content/posts/<slug>.md, a draft dated now
    New(NewArgs),
    /// Bring new replies, mentions and likes from the sources in site.toml's [fetch]
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
struct FetchArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Only this source: webmention or mastodon
    #[arg(long)]
    source: Option<String>,
    /// Only this post (its slug)
    #[arg(long)]
    post: Option<String>,
    /// Read everything again, and withdraw responses deleted at their source
    #[arg(long)]
    full: bool,
    /// Say what would change, write nothing
    #[arg(long)]
    dry_run: bool,
    /// Show every request
    #[arg(long)]
    verbose: bool,
}

#[derive(Debug, Args)]
struct DecideArgs {
    /// Comment ids, as `rapport replies` prints them
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    #[command(flatten)]
    root: RootArgs,
    /// Only comments of this post (its slug), when an id is in several thread files
    #[arg(long)]
    post: Option<String>,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The title, in quotes; the file is named by its slug
    title: String,
    #[command(flatten)]
    root: RootArgs,
    /// Write a page, content/<slug>.md, instead of a post
    #[arg(long)]
    page: bool,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A WordPress export (WXR, from Tools → Export)
    Wordpress {
        /// The export file
        file: PathBuf,
        #[command(flatten)]
        root: RootArgs,
        /// WordPress user id of the blog's author, for exports that do not say it
        #[arg(long)]
        author_id: Option<u64>,
        /// Login of the blog's author, when a new site is made from an export
        /// whose posts have several authors
        #[arg(long, value_name = "LOGIN")]
        author: Option<String>,
        /// A copy of the old site's wp-content/uploads: the media of the imported
        /// posts are copied from it into static/wp-content/uploads
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
    },
    /// A Disqus export (XML, from the Disqus admin)
    Disqus {
        /// The export file
        file: PathBuf,
        #[command(flatten)]
        root: RootArgs,
        /// Disqus username of the blog's author
        #[arg(long)]
        author: Option<String>,
    },
}

#[derive(Debug, Args)]
struct RootArgs {
    /// The site's folder
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Where to write the site (default: ROOT/public)
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override base_url from site.toml
    #[arg(long)]
    base_url: Option<String>,
    /// Include drafts and future-dated posts
    #[arg(long)]
    drafts: bool,
    /// Build everything again, ignoring the state the last build saved beside the output
    #[arg(long)]
    full: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Rebuild on every change and reload the browser
    #[arg(long)]
    watch: bool,
    /// Address to listen on; anything but loopback must be asked for
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Show drafts and future posts (on by default while serving)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    drafts: bool,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Where to write the served build (default: the site's folder in the user's cache; never ROOT/public)
    #[arg(long)]
    output: Option<PathBuf>,
}

/// `1 post`, `2 posts`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Prints `text` on standard output, its control characters made visible
/// (`term::printable`). A reader that stopped reading (`rapport build | head -1`) is
/// no error: the rest of the output goes nowhere and the command ends as it would
/// have. Any other failure to write is an error, so output is never lost silently.
fn say(text: &str) -> Result<()> {
    write_printable(&mut io::stdout().lock(), text)
        .map_err(|e| Error::Other(format!("cannot write to the standard output: {e}")))
}

/// Prints `text` on standard error like `say`; there is nowhere left to report a
/// failure to write it.
fn complain(text: &str) {
    let _ = write_printable(&mut io::stderr().lock(), text);
}

fn write_printable(out: &mut impl Write, text: &str) -> io::Result<()> {
    let written = out
        .write_all(crate::term::printable(text).as_bytes())
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A progress bar for a long import, when standard error is a terminal (never in a
/// log or a pipe).
fn import_progress_bar() -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let style =
        indicatif::ProgressStyle::with_template("{msg:20} [{bar:30}] {percent:>3}% ({eta} left)")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    Some(indicatif::ProgressBar::new(0).with_style(style))
}

fn show_progress(bar: &indicatif::ProgressBar, p: crate::import::Progress) {
    let what = match p.pass {
        crate::import::Pass::Checking => "reading the export",
        crate::import::Pass::Importing => "importing",
    };
    bar.set_length(p.total);
    bar.set_position(p.read);
    if bar.message() != what {
        bar.set_message(what);
        bar.reset_eta();
    }
}

/// Runs the command line and returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            complain(&format!("error: {e}\n"));
            e.exit_code()
        }
    }
}

/// What `init` says it made: the folder as the user named it, or the current folder's
/// full path when they named none (a bare `.` read as "in .." ).
fn init_message(dir: Option<&Path>) -> String {
    match dir {
        Some(dir) => format!(
            "Created a new site in {}. Build it with: rapport build --root {}\n",
            dir.display(),
            dir.display()
        ),
        None => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            format!(
                "Created a new site in this folder ({}). Build it with: rapport build\n",
                here.display()
            )
        }
    }
}

/// `rapport approve` and `rapport reject`.
fn decide(decision: crate::moderation::Decision, args: &DecideArgs) -> Result<i32> {
    let verdict =
        crate::moderation::decide(&args.root.root, decision, &args.ids, args.post.as_deref())?;
    for line in &verdict.lines {
        say(&format!("{line}\n"))?;
    }
    Ok(0)
}

fn run(command: Command) -> Result<i32> {
    match command {
        Command::Init { dir } => {
            let here = PathBuf::from(".");
            crate::init::init(dir.as_ref().unwrap_or(&here))?;
            say(&init_message(dir.as_deref()))?;
            Ok(0)
        }
        Command::Build(args) => {
            let mut options = BuildOptions::new(&args.root.root);
            options.output = args.output;
            options.base_url = args.base_url;
            options.drafts = args.drafts;
            options.fresh = args.full;
            options.on_wait = |output, lock| {
                complain(&format!(
                    "waiting for another build of {} to finish ({} is locked)\n",
                    output.display(),
                    lock.display()
                ));
            };
            let report = crate::build(&options)?;
            let total: std::time::Duration = report.steps.iter().map(|(_, d)| *d).sum();
            let again = (report.rendered_again())
                .map(|n| format!(", {n} rendered again"))
                .unwrap_or_default();
            say(&format!(
                "Built {}, {} and {} into {} ({} files{again}) in {} ms ({})\n",
                count(report.posts, "post"),
                count(report.pages, "page"),
                count(report.comments, "comment"),
                report.output.display(),
                report.files,
                total.as_millis(),
                report
                    .steps
                    .iter()
                    .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
            Ok(0)
        }
        Command::Import(import) => {
            let options = match import {
                ImportCommand::Wordpress {
                    file,
                    root,
                    author_id,
                    author,
                    uploads,
                } => ImportOptions {
                    format: Format::WordPress,
                    file,
                    root: root.root,
                    author_id,
                    author,
                    uploads,
                },
                ImportCommand::Disqus { file, root, author } => ImportOptions {
                    format: Format::Disqus,
                    file,
                    root: root.root,
                    author_id: None,
                    author,
                    uploads: None,
                },
            };
            let bar = import_progress_bar();
            let report = crate::import::run_with_progress(&options, &|p| {
                if let Some(bar) = &bar {
                    show_progress(bar, p);
                }
            });
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            say(&report?.to_string())?;
            Ok(0)
        }
        Command::Serve(args) => {
            let mut build = BuildOptions::new(&args.root.root);
            build.output = args.output;
            build.drafts = args.drafts;
            let options = ServeOptions {
                build,
                bind: args.bind,
                port: args.port,
                watch: args.watch,
                open: args.open,
            };
            crate::serve::run(&options, &|notice| {
                let line = format!("{notice}\n");
                if notice.is_error() {
                    complain(&line);
                } else {
                    // The server goes on serving when nobody reads its notices.
                    let _ = say(&line);
                }
            })?;
            Ok(0)
        }
        Command::Replies { root, json, post } => {
            let waiting = crate::replies::awaiting(&root.root, post.as_deref())?;
            if json {
                let text = serde_json::to_string_pretty(&waiting)
                    .map_err(|e| Error::Other(e.to_string()))?;
                say(&format!("{}\n", crate::term::printable_json(&text)))?;
            } else {
                say(&crate::replies::render_text(&waiting))?;
            }
            Ok(0)
        }
        Command::Approve(args) => decide(crate::moderation::Decision::Approve, &args),
        Command::Reject(args) => decide(crate::moderation::Decision::Reject, &args),
        Command::New(args) => {
            let kind = if args.page {
                crate::new_post::NewKind::Page
            } else {
                crate::new_post::NewKind::Post
            };
            let path = crate::new_post::create(&args.root.root, &args.title, kind)?;
            say(&format!("{}\n", path.display()))?;
            Ok(0)
        }
        Command::Fetch(args) => {
            let options = crate::fetch::FetchOptions {
                root: args.root.root,
                source: args.source,
                post: args.post,
                full: args.full,
                dry_run: args.dry_run,
            };
            let verbose = args.verbose;
            let log = |line: &str| {
                if verbose {
                    complain(&format!("{line}\n"));
                }
            };
            let report = crate::fetch::run(&options, &log)?;
            say(&report.to_string())?;
            if report.failed.is_empty() {
                return Ok(0);
            }
            for failure in &report.failed {
                complain(&format!("error: {failure}\n"));
            }
            Ok(1)
        }
        Command::Check(args) => {
            let problems = crate::check::check(&BuildOptions::new(&args.root))?;
            if problems.is_empty() {
                say("No problems found.\n")?;
                return Ok(0);
            }
            complain(&format!("error: {}\n", Error::Content(problems)));
            Ok(1)
        }
    }
}
