#!/usr/bin/env bash
# Warm-start benchmark: `rapport build` with the state the last build saved beside
# the output, on a generated corpus, against a full build.
#
# Usage: scripts/bench-warm.sh N K [RUNS]
#   N     number of posts
#   K     typical comments per post
#   RUNS  timed builds of each kind (default 3)
#
# Environment (all optional):
#   BENCH_ROOT  scratch directory (default /tmp/rapport-bench); the corpus is cached in
#               $BENCH_ROOT/n<N>-k<K> (made by ../shared/corpus/gen.py, seed 42)
#   CORPUS_GEN  corpus generator (default ../shared/corpus/gen.py, or /work/shared/corpus/gen.py)
#   OUT_ROOT    where builds go (default /dev/shm/rapport-bench-warm)
#   RAPPORT     rapport binary (default target/release/rapport)
#   PREV        another rapport binary (e.g. an earlier main) to build the same edit with
#   VERIFY      1 (default): compare the warm output with a full build (diff -r)
#
# Steps: a full build that saves the state (--full) -> RUNS builds with nothing changed
# -> RUNS builds each after appending a paragraph to the probe post (the corpus's
# manifest names it; restored at the end) -> the same edit built by $PREV -> a full
# build into another folder compared with the warm output. Each build runs under
# /usr/bin/time: wall seconds and peak memory.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
    exit 2
fi
N=$1
K=$2
RUNS=${3:-3}
case "$N$K$RUNS" in *[!0-9]*) echo "N, K and RUNS must be whole numbers" >&2; exit 2 ;; esac

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_ROOT=${BENCH_ROOT:-/tmp/rapport-bench}
OUT_ROOT=${OUT_ROOT:-/dev/shm/rapport-bench-warm}
RAPPORT=${RAPPORT:-$REPO/target/release/rapport}
VERIFY=${VERIFY:-1}
[ -x "$RAPPORT" ] || { echo "no rapport binary at $RAPPORT (cargo build --release)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

CORPUS=$BENCH_ROOT/n$N-k$K
if [ ! -f "$CORPUS/manifest.json" ]; then
    if [ -z "${CORPUS_GEN:-}" ]; then
        for g in "$REPO/../shared/corpus/gen.py" /work/shared/corpus/gen.py; do
            [ -f "$g" ] && { CORPUS_GEN=$g; break; }
        done
    fi
    [ -n "${CORPUS_GEN:-}" ] || { echo "corpus generator gen.py not found (set CORPUS_GEN=)" >&2; exit 1; }
    mkdir -p "$CORPUS"
    python3 "$CORPUS_GEN" --posts "$N" --comments "$K" --seed 42 --out "$CORPUS"
fi
SITE=$CORPUS/rapport
SLUG=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['probe']['slug'])" "$CORPUS/manifest.json")
PROBE=$SITE/content/posts/$SLUG.md
[ -f "$PROBE" ] || { echo "probe post $PROBE not found" >&2; exit 1; }

WORK=$(mktemp -d)
cp -p "$PROBE" "$WORK/probe.md"
restore() { cp -p "$WORK/probe.md" "$PROBE"; rm -rf "$WORK"; }
trap restore EXIT
mkdir -p "$OUT_ROOT"
OUT=$OUT_ROOT/public

# build LABEL BINARY ARGS...: one build under /usr/bin/time, printed as a table row.
build() {
    local label=$1 bin=$2
    shift 2
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$bin" build --root "$SITE" "$@" >"$WORK/log"
    read -r secs kb <"$WORK/time"
    printf '| %s | %s s | %d MiB | %s |\n' "$label" "$secs" $((kb / 1024)) \
        "$(grep -o 'in [0-9]* ms (.*)' "$WORK/log" | head -c 300)"
}

edit() {
    printf '\nAn edit made at %s.\n' "$(date +%s.%N)" >>"$PROBE"
}

echo "corpus: $N posts, K=$K ($SITE); output: $OUT; binary: $RAPPORT"
echo
echo "| build | wall | peak memory | steps |"
echo "|---|---:|---:|---|"
build "full (--full), saving the state" "$RAPPORT" --output "$OUT" --full
for _ in $(seq "$RUNS"); do
    build "nothing changed" "$RAPPORT" --output "$OUT"
done
for _ in $(seq "$RUNS"); do
    edit
    build "one post edited" "$RAPPORT" --output "$OUT"
done
if [ -n "${PREV:-}" ]; then
    build "one post edited, $(basename "$PREV") (a full build)" "$PREV" --output "$OUT_ROOT/prev"
    rm -rf "$OUT_ROOT/prev" "$OUT_ROOT/.prev.rapport-"*
fi
if [ "$VERIFY" = 1 ]; then
    build "full (--full), for the comparison" "$RAPPORT" --output "$OUT_ROOT/full" --full
    if diff -r "$OUT" "$OUT_ROOT/full" >/dev/null; then
        echo
        echo "warm output identical to a full build (diff -r)"
    else
        echo
        echo "warm output DIFFERS from a full build" >&2
        exit 1
    fi
    rm -rf "$OUT_ROOT/full" "$OUT_ROOT/.full.rapport-"*
fi
