#!/usr/bin/env python3
"""Two rapport binaries built alternately on one corpus, for comparing a change with
the binary before it on a noisy machine.

Usage: scripts/bench-ab.py MODE N K RUNS OLD NEW
  MODE  full: builds with --full into an emptied folder;
        warm: builds with nothing changed since the last one (its state beside it);
        edit: builds each after a paragraph is appended to the corpus's probe post
              (restored at the end);
        fetch: builds each after a comment is appended to 100 thread files, the probe
              post's and the 99 after it by slug, as `rapport fetch` does (restored at
              the end); prints each binary's last report (what it rendered again)
  N, K  the corpus: $BENCH_ROOT/n<N>-k<K> (default BENCH_ROOT /tmp/rapport-bench), as
        scripts/bench.sh or scripts/bench-warm.sh made it
  RUNS  builds of each binary, alternating which goes first

Each build runs under /usr/bin/time into its own folder on /dev/shm (warm, edit and
fetch start from a full build of each). Prints, per binary, the medians of wall, user
and system seconds and of peak memory, and the slowest wall time."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def build(binary, site, out, extra):
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", binary, "build", "--root", site,
         "--output", out, *extra],
        capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{binary} failed:\n{run.stdout}{run.stderr}")
    wall, user, system, kb = run.stderr.strip().splitlines()[-1].split()
    build.last_report[binary] = run.stdout.strip()
    return float(wall), float(user), float(system), int(kb) / 1024


build.last_report = {}


def fetched_threads(site, probe_slug, n=100):
    posts = os.path.join(site, "content", "posts")
    slugs = sorted(f[:-len(".comments.yaml")] for f in os.listdir(posts) if f.endswith(".comments.yaml"))
    # Fewer would wrap round and give a thread the same comment twice: a duplicate id.
    if len(slugs) < n or probe_slug not in slugs:
        sys.exit(f"fetch needs the probe post and {n - 1} others with a thread file; {posts} has {len(slugs)}")
    start = slugs.index(probe_slug)
    return [os.path.join(posts, slugs[(start + i) % len(slugs)] + ".comments.yaml") for i in range(n)]


def main():
    if len(sys.argv) != 7 or sys.argv[1] not in ("full", "warm", "edit", "fetch"):
        sys.exit(__doc__)
    mode, n, k, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    binaries = sys.argv[5:7]
    corpus = os.path.join(os.environ.get("BENCH_ROOT", "/tmp/rapport-bench"), f"n{n}-k{k}")
    site = os.path.join(corpus, "rapport")
    with open(os.path.join(corpus, "manifest.json")) as f:
        probe_slug = json.load(f)["probe"]["slug"]
    probe = os.path.join(site, "content", "posts", probe_slug + ".md")
    threads = fetched_threads(site, probe_slug) if mode == "fetch" else []
    originals = {}
    for path in [probe] + threads:
        with open(path) as f:
            originals[path] = f.read()
    outs = {b: f"/dev/shm/rapport-bench-ab{i}/public" for i, b in enumerate(binaries)}
    times = {b: [] for b in binaries}
    fetches = 0
    try:
        if mode != "full":
            for b in binaries:
                shutil.rmtree(os.path.dirname(outs[b]), ignore_errors=True)
                build(b, site, outs[b], ["--full"])
        for i in range(runs):
            for b in binaries if i % 2 == 0 else binaries[::-1]:
                if mode == "full":
                    shutil.rmtree(os.path.dirname(outs[b]), ignore_errors=True)
                elif mode == "edit":
                    with open(probe, "a") as f:
                        f.write(f"\nAn edit made at {time.time()}.\n")
                elif mode == "fetch":
                    fetches += 1
                    for thread in threads:
                        with open(thread, "a") as f:
                            f.write(f'  - id: "bench-ab-{fetches}"\n    author: "Fetched Reader"\n'
                                    f'    date: 2026-01-01T00:00:00Z\n    via: mastodon\n'
                                    f'    body: "A reply fetched at {time.time()}."\n')
                times[b].append(build(b, site, outs[b], ["--full"] if mode == "full" else []))
    finally:
        for path, text in originals.items():
            with open(path, "w") as f:
                f.write(text)
        for b in binaries:
            shutil.rmtree(os.path.dirname(outs[b]), ignore_errors=True)
    for b in binaries:
        median = [statistics.median(t[i] for t in times[b]) for i in range(4)]
        slowest = max(t[0] for t in times[b])
        print(f"{b}: wall {median[0]:.3f} s, user {median[1]:.3f} s, system {median[2]:.3f} s, "
              f"peak {median[3]:.1f} MiB (median of {runs}); slowest {slowest:.3f} s")
        if mode == "fetch":
            print(f"  last build: {build.last_report[b]}")


if __name__ == "__main__":
    main()
