//! The `rapport` command: parse arguments, run, exit with the status the run chose.

// A build allocates and frees millions of small strings on every core: glibc's
// allocator was a fifth of a build's time; mimalloc made a 1,000-post build 1.3
// times faster. Its v2: v3 kept more memory (peak 85 MB there, v2 67 MB, glibc 50).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(rapport::cli::main());
}
