#!/bin/sh
# Runs every fuzz target in turn, each for SECONDS (default 600), at the lowest CPU
# priority, with the committed seeds, the repository's fixtures and the real exports
# of ../shared/fixtures/real/ as input corpora. New inputs go to fuzz/corpus/<target>/
# and crashes to fuzz/artifacts/<target>/ (both ignored by git). Logs: fuzz/logs/.
# Usage, from the repository root: fuzz/run-all.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"feeds sanitize thread front_matter slug config import_wxr import_disqus"}
real=../shared/fixtures/real
mkdir -p fuzz/logs
for target in $targets; do
    case $target in
        front_matter) extra="tests/fixtures content" ;;
        thread) extra="tests/fixtures content $real/staticman" ;;
        feeds) extra="" ;;
        sanitize) extra="" ;;
        slug) extra="" ;;
        config) extra="" ;;
        import_wxr) extra="tests/fixtures/import/wordpress $real/wxr" ;;
        import_disqus) extra="tests/fixtures/import/disqus $real/disqus" ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
    # The real exports lie outside the repository and may be missing.
    present=""
    for dir in $extra; do [ -d "$dir" ] && present="$present $dir"; done
    extra=$present
    case $target in
        import_*) max_len=65536 ;;
        *) max_len=16384 ;;
    esac
    mkdir -p "fuzz/corpus/$target"
    # shellcheck disable=SC2086 # $extra is a list of folders
    RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run "$target" \
        "fuzz/corpus/$target" "fuzz/seeds/$target" $extra -- \
        -max_total_time="$seconds" -timeout=10 -max_len="$max_len" \
        -report_slow_units=2 -print_final_stats=1 \
        2>&1 | tee "fuzz/logs/$target.log" | grep -E "DONE|pulse|NEW_FUNC|Slowest|ERROR|panicked" || true
done
