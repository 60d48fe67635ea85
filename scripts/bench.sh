#!/usr/bin/env bash
# Full-build benchmark: `rapport build` against Hugo (and Zola, if installed) on the
# same generated blog-with-comments corpus, timed in the same run.
#
# Usage: scripts/bench.sh N K [RUNS]
#   N     number of posts
#   K     typical comments per post (0 = no thread files at all)
#   RUNS  timed runs per tool (default: 10 if N <= 2000, else 3)
#
# Environment (all optional):
#   BENCH_ROOT  scratch directory (default /tmp/rapport-bench); the corpus is cached in
#               $BENCH_ROOT/n<N>-k<K> and rows are appended to $BENCH_ROOT/results.tsv
#               (same columns as ../shared/corpus/bench.sh)
#   CORPUS_GEN  corpus generator (default ../shared/corpus/gen.py, or /work/shared/corpus/gen.py)
#   SEED        corpus seed (default 42, as the shared bench.sh)
#   OUT_ROOT    where the tools write (default /dev/shm/rapport-bench-out if /dev/shm is a
#               tmpfs, else $BENCH_ROOT)
#   RAPPORT     rapport binary (default target/release/rapport, built if missing; it is
#               copied to $BENCH_ROOT/bin so that a rebuild during the run changes nothing)
#   HUGO, ZOLA  binaries (default: on PATH; Zola is skipped when absent)
#   TOOLS       tools to compare with rapport: "hugo zola", "hugo", or "" for rapport alone
#               (default: hugo, which must be installed, and zola if installed)
#   WARMUP      untimed warm-up rounds before the timed ones (default 1 if N <= 2000, else 0:
#               the verification build already warmed the page cache)
#
# Steps: generate the corpus (once) -> one build per tool under /usr/bin/time -v (peak RSS,
# output size, and a check that the probe post's nested thread was really rendered) ->
# RUNS timed rounds with hyperfine, each round running every tool once, in alternating
# order (interleaved, so that load drifting on a shared machine hits all tools alike);
# the output folder is removed before every timed run of every tool (--prepare) ->
# a markdown table: tool, median s, peak MB, ratio rapport/tool.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
    exit 2
fi
N=$1
K=$2
case "$N$K${3:-1}" in *[!0-9]*) echo "N, K and RUNS must be whole numbers" >&2; exit 2 ;; esac
if [ $# -ge 3 ]; then RUNS=$3; elif [ "$N" -le 2000 ]; then RUNS=10; else RUNS=3; fi
[ "$N" -ge 1 ] && [ "$RUNS" -ge 1 ] || { echo "N and RUNS must be at least 1" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
SEED=${SEED:-42}
if [ "$N" -le 2000 ]; then WARMUP=${WARMUP:-1}; else WARMUP=${WARMUP:-0}; fi
BENCH_ROOT=${BENCH_ROOT:-/tmp/rapport-bench}
if [ -z "${CORPUS_GEN:-}" ]; then
    for g in "$REPO/../shared/corpus/gen.py" /work/shared/corpus/gen.py; do
        [ -f "$g" ] && { CORPUS_GEN=$g; break; }
    done
fi
[ -n "${CORPUS_GEN:-}" ] && [ -f "$CORPUS_GEN" ] || { echo "corpus generator gen.py not found (set CORPUS_GEN=)" >&2; exit 1; }

# ------------------------------------------------------------------ tools
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }
HUGO=${HUGO:-$(command -v hugo || true)}
ZOLA=${ZOLA:-$(command -v zola || true)}
if [ -z "${TOOLS+set}" ]; then
    TOOLS=""
    [ -n "$HUGO" ] && TOOLS="hugo"
    [ -n "$ZOLA" ] && TOOLS="$TOOLS zola"
    [ -n "$HUGO" ] || { echo "error: hugo not found: apt-get install hugo (or set HUGO=; TOOLS= times rapport alone)" >&2; exit 1; }
fi
for t in $TOOLS; do
    case $t in
        hugo) [ -n "$HUGO" ] && [ -x "$HUGO" ] || { echo "hugo not found (apt-get install hugo, or set HUGO=)" >&2; exit 1; } ;;
        zola) [ -n "$ZOLA" ] && [ -x "$ZOLA" ] || { echo "zola not found (set ZOLA=)" >&2; exit 1; } ;;
        *) echo "unknown tool $t (hugo, zola)" >&2; exit 1 ;;
    esac
done

mkdir -p "$BENCH_ROOT/bin"
if [ -z "${RAPPORT:-}" ]; then
    RAPPORT_SRC=$REPO/target/release/rapport
    if [ ! -x "$RAPPORT_SRC" ]; then
        echo "== building $RAPPORT_SRC"
        (cd "$REPO" && cargo build --release --locked)
    elif [ -n "$(find "$REPO/src" "$REPO/themes" "$REPO/Cargo.toml" "$REPO/Cargo.lock" -newer "$RAPPORT_SRC" -print -quit 2>/dev/null)" ]; then
        echo "warning: sources are newer than $RAPPORT_SRC; run cargo build --release to time the current code" >&2
    fi
    # A private copy: a `cargo build` during the run must not swap the binary under us.
    RAPPORT=$BENCH_ROOT/bin/rapport-$$
    cp "$RAPPORT_SRC" "$RAPPORT.tmp" && mv "$RAPPORT.tmp" "$RAPPORT"
    trap 'rm -f "$RAPPORT"' EXIT
fi
[ -x "$RAPPORT" ] || { echo "rapport binary $RAPPORT not executable" >&2; exit 1; }
RAPPORT_SHA=$(sha256sum "$RAPPORT" | cut -c1-12)
echo "== rapport binary: ${RAPPORT_SRC:-$RAPPORT} (modified $(date -r "${RAPPORT_SRC:-$RAPPORT}" '+%F %T'), sha256 $RAPPORT_SHA)"

# ------------------------------------------------------------------ corpus (cached)
W=$BENCH_ROOT/n$N-k$K
STAMP="posts=$N comments=$K seed=$SEED gen=$(sha256sum "$CORPUS_GEN" | cut -c1-16)"
if [ -f "$W/.corpus-stamp" ] && [ "$(cat "$W/.corpus-stamp")" = "$STAMP" ] && [ -f "$W/manifest.json" ]; then
    echo "== corpus: N=$N K=$K seed=$SEED: cached in $W"
else
    echo "== corpus: N=$N K=$K seed=$SEED -> $W"
    rm -f "$W/.corpus-stamp"
    mkdir -p "$W"
    python3 "$CORPUS_GEN" --posts "$N" --comments "$K" --seed "$SEED" --out "$W"
    echo "$STAMP" > "$W/.corpus-stamp"
fi
python3 - "$W/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("  %d posts, %d comments (%d author replies), %d posts without comments, probe: %s"
      % (m["posts"], m["total_comments"], m["author_replies"], m["posts_without_comments"], m["probe"]))
PY

if [ -z "${OUT_ROOT:-}" ]; then
    if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then OUT_ROOT=/dev/shm/rapport-bench-out; else OUT_ROOT=$BENCH_ROOT; fi
fi
OD=$OUT_ROOT/n$N-k$K
mkdir -p "$OD"
ALL_TOOLS="rapport $TOOLS"
declare -A OUT CMD
OUT[rapport]=$OD/out-rapport
OUT[hugo]=$OD/out-hugo
OUT[zola]=$OD/out-zola
CMD[rapport]="$RAPPORT build --root $W/rapport --output ${OUT[rapport]}"
CMD[hugo]="$HUGO --quiet -s $W/hugo -d ${OUT[hugo]}"
CMD[zola]="$ZOLA --root $W/zola build --output-dir ${OUT[zola]}"
echo "== load: $(uptime)"
echo "== outputs under $OD"

# ------------------------------------------------------------------ verification
verify() { # tool outdir
    python3 - "$1" "$2" "$W/manifest.json" <<'PY'
import json, os, re, sys
tool, out, mf = sys.argv[1:4]
m = json.load(open(mf))
errs = []
if not os.path.exists(os.path.join(out, "index.html")):
    errs.append("no index.html")
pages = [d for d in os.listdir(os.path.join(out, "posts")) if os.path.exists(os.path.join(out, "posts", d, "index.html"))] \
    if os.path.isdir(os.path.join(out, "posts")) else []
if len(pages) < m["posts"]:
    errs.append("%d post pages under posts/, expected %d" % (len(pages), m["posts"]))
p = m["probe"]
if p:
    f = os.path.join(out, "posts", p["slug"], "index.html")
    if not os.path.exists(f):
        errs.append("probe page %s missing" % f)
    else:
        h = open(f, encoding="utf-8").read()
        if tool == "rapport":
            lis = re.findall(r'<li class="comment[^"]*" id="comment-(c\d+)" data-depth="(\d+)"', h)
            badges = h.count('class="author-badge"')
        else:  # the corpus' Hugo and Zola templates
            lis = re.findall(r'<li id="comment-(c\d+)" class="comment [^"]*" data-depth="(\d+)"', h)
            badges = h.count('class="badge author-badge"')
        depth = dict(lis)
        if len(depth) != p["comments"]:
            errs.append("probe: %d comments rendered, expected %d" % (len(depth), p["comments"]))
        if badges != p["author_replies"]:
            errs.append("probe: %d author badges, expected %d" % (badges, p["author_replies"]))
        got = depth.get(p["deepest_id"])
        if got is None or int(got) != p["max_depth"]:
            errs.append("probe: deepest comment %s at depth %s, expected %s" % (p["deepest_id"], got, p["max_depth"]))
        print("  verify %s: %d post pages; probe %s: %d/%d comments, %d author badges, %s at data-depth %s (expected %s): %s"
              % (tool, len(pages), p["slug"], len(depth), p["comments"], badges, p["deepest_id"], got, p["max_depth"],
                 "OK" if not errs else "FAIL"))
else:
    print("  verify %s: %d post pages; no comments in corpus (K=0): %s" % (tool, len(pages), "OK" if not errs else "FAIL"))
for e in errs:
    print("  ERROR:", e)
sys.exit(1 if errs else 0)
PY
}

declare -A RSS FILES HTML BYTES HUMAN VERSION
VERSION[rapport]=$("$RAPPORT" --version | awk '{print $2}')+$RAPPORT_SHA
[ -n "$HUGO" ] && VERSION[hugo]=$("$HUGO" version | awk '{print $2}')
[ -n "$ZOLA" ] && VERSION[zola]=$("$ZOLA" --version | awk '{print $2}')
for t in $ALL_TOOLS; do
    out=${OUT[$t]}
    rm -rf "$out"
    cmd=$(echo "${CMD[$t]}" | sed 's/ --quiet//')
    echo "== $t: verification build under /usr/bin/time -v: $cmd"
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$W/$t.time" $cmd > "$W/$t.log" 2>&1 || {
        echo "$t build FAILED:" >&2; tail -30 "$W/$t.log" >&2; exit 1; }
    grep -E '^Built |Total in|Done in|Creating|Pages +\|' "$W/$t.log" | sed 's/^/  /' || true
    verify "$t" "$out"
    RSS[$t]=$(awk -F': ' '/Maximum resident set size/{print $2}' "$W/$t.time")
    FILES[$t]=$(find "$out" -type f | wc -l)
    HTML[$t]=$(find "$out" -type f -name '*.html' | wc -l)
    BYTES[$t]=$(du -sb "$out" | cut -f1)
    HUMAN[$t]=$(du -sh "$out" | cut -f1)
    echo "  wall $(awk -F': ' '/Elapsed/{print $2}' "$W/$t.time"), max RSS ${RSS[$t]} KiB, ${FILES[$t]} files (${HTML[$t]} .html), ${HUMAN[$t]}"
done

# ------------------------------------------------------------------ timing (interleaved rounds)
TAG=$(date +%Y%m%d-%H%M%S)
RD=$W/rounds-$TAG
mkdir -p "$RD"
read -r -a TL <<< "$ALL_TOOLS"
round() { # index json-file [hyperfine-args...]
    local i=$1 json=$2; shift 2
    local order=("${TL[@]}") args=() t j
    if [ $((i % 2)) -eq 1 ]; then  # alternate the order: A B, B A, A B, ...
        order=()
        for ((j = ${#TL[@]} - 1; j >= 0; j--)); do order+=("${TL[$j]}"); done
    fi
    for t in "${order[@]}"; do args+=(--prepare "rm -rf ${OUT[$t]}" -n "$t" "${CMD[$t]}"); done
    hyperfine --style basic --shell=none --runs 1 "$@" --export-json "$json" "${args[@]}" | grep -E '^(Benchmark|  Time)' || true
}
for ((i = 0; i < WARMUP; i++)); do
    echo "== warm-up round $((i + 1))/$WARMUP (not counted)"
    round "$i" "$RD/warmup-$i.json"
done
for ((i = 0; i < RUNS; i++)); do
    echo "== timed round $((i + 1))/$RUNS ($(cut -d' ' -f1-3 /proc/loadavg) load)"
    round "$i" "$RD/round-$i.json"
done
echo "== load: $(uptime)"

# ------------------------------------------------------------------ summary
RES=$BENCH_ROOT/results.tsv
[ -f "$RES" ] || printf 'tool\tversion\tN\tK\tout_fs\truns\tmedian_s\tmean_s\tstddev_s\tmin_s\tmax_s\tuser_s\tsys_s\tmax_rss_kib\tfiles\thtml_files\tbytes\tsize\n' > "$RES"
OUT_FS=$(stat -f -c %T "$OUT_ROOT")
META=()
for t in $ALL_TOOLS; do META+=("$t=${VERSION[$t]:-};${RSS[$t]};${FILES[$t]};${HTML[$t]};${BYTES[$t]};${HUMAN[$t]}"); done
python3 - "$RD" "$N" "$K" "$RUNS" "$RES" "$OUT_FS" "${META[@]}" <<'PY'
import glob, json, os, statistics as st, sys
rd, n, k, runs, res, outfs = sys.argv[1:7]
meta = {}
order = []
for a in sys.argv[7:]:
    tool, rest = a.split("=", 1)
    meta[tool] = rest.split(";")
    order.append(tool)
times = {t: [] for t in order}
user = {t: [] for t in order}
sys_ = {t: [] for t in order}
for f in sorted(glob.glob(os.path.join(rd, "round-*.json"))):
    for r in json.load(open(f))["results"]:
        times[r["command"]] += r["times"]
        user[r["command"]].append(r["user"])
        sys_[r["command"]].append(r["system"])
json.dump({"times": times, "user": user, "system": sys_}, open(os.path.join(rd, "all.json"), "w"), indent=1)
med = {t: st.median(times[t]) for t in order}
rss = {t: int(meta[t][1]) for t in order}
print("\nN=%s posts, K=%s comments/post, %s interleaved runs per tool, output on %s\n" % (n, k, runs, outfs))
print("| tool | median s | min–max s | user+sys s | peak MiB | ratio rapport/tool (time) | ratio rapport/tool (peak RSS) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for t in order:
    name = "%s %s" % (t, meta[t][0])
    cpu = st.mean(user[t]) + st.mean(sys_[t])
    print("| %s | %.3f | %.3f–%.3f | %.2f | %.0f | %s | %s |" % (
        name, med[t], min(times[t]), max(times[t]), cpu, rss[t] / 1024,
        "%.3f" % (med["rapport"] / med[t]) if t != "rapport" else "–",
        "%.3f" % (rss["rapport"] / rss[t]) if t != "rapport" else "–"))
with open(res, "a") as f:
    for t in order:
        v, r, files, html, byts, human = meta[t]
        ts = times[t]
        f.write("\t".join(str(x) for x in [
            t, v, n, k, outfs, runs, "%.4f" % med[t], "%.4f" % st.mean(ts),
            "%.4f" % (st.stdev(ts) if len(ts) > 1 else 0), "%.4f" % min(ts), "%.4f" % max(ts),
            "%.3f" % st.mean(user[t]), "%.3f" % st.mean(sys_[t]), r, files, html, byts, human]) + "\n")
print("\nrows appended to", res)
PY
