//! The `rapport` command: parse arguments, run, exit with the status the run chose.

fn main() {
    std::process::exit(rapport::cli::main());
}
