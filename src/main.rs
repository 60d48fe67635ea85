//! The `rapport` command: parse arguments, run, exit with the status the run chose.

// A build allocates and frees millions of small strings on every core: glibc's
// allocator was a fifth of a build's time; mimalloc made a 1,000-post build 1.3
// times faster. Its v2: v3 kept more memory (peak 85 MB there, v2 67 MB, glibc 50).
// It also serves the C code's `malloc` (Cargo feature `override`): the regular
// expressions of code highlighting allocate and free a few times in every search,
// and glibc's allocator did that in 2 % of the instructions of a 1,000-post build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(rapport::cli::main());
}
