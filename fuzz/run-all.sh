#!/usr/bin/env bash
# Runs every fuzz target in turn, each for SECONDS (default 600), at the lowest CPU
# priority, with the committed seeds, the repository's fixtures and the real exports
# of ../shared/fixtures/real/ as input corpora. New inputs go to fuzz/corpus/<target>/
# and crashes to fuzz/artifacts/<target>/ (both ignored by git). Logs: fuzz/logs/.
# A target that fails (a panic, a broken property, an input slower than 10 s) does not
# stop the others; the script then names each failed target and its input, and exits 1.
# Usage, from the repository root: fuzz/run-all.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"feeds sanitize thread front_matter slug config import_wxr import_disqus fetch"}
real=../shared/fixtures/real
mkdir -p fuzz/logs
failed=""
for target in $targets; do
    case $target in
        front_matter) extra="tests/fixtures content" ;;
        thread) extra="tests/fixtures content $real/staticman" ;;
        feeds) extra="" ;;
        fetch) extra="" ;;
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
    # Threads that outlive an input (a build hands what it held to one, so that
    # exiting need not wait for it) make the leak check report their own bookkeeping
    # now and then, which no input reproduces.
    case $target in
        fetch) leaks=0 ;;
        *) leaks=1 ;;
    esac
    mkdir -p "fuzz/corpus/$target"
    log="fuzz/logs/$target.log"
    # shellcheck disable=SC2086 # $extra is a list of folders
    if ! RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run "$target" \
        "fuzz/corpus/$target" "fuzz/seeds/$target" $extra -- \
        -max_total_time="$seconds" -timeout=10 -max_len="$max_len" -detect_leaks="$leaks" \
        -report_slow_units=2 -print_final_stats=1 >"$log" 2>&1; then
        failed="$failed $target"
    fi
    grep -E "DONE|NEW_FUNC|Slowest|ERROR|panicked|Test unit written" "$log" || true
done
if [ -n "$failed" ]; then
    for target in $failed; do
        echo "fuzz target $target failed; its input and the end of its log (fuzz/logs/$target.log):" >&2
        grep -E "Test unit written|panicked" "fuzz/logs/$target.log" >&2 || true
        tail -n 30 "fuzz/logs/$target.log" >&2
    done
    exit 1
fi
