#!/usr/bin/env python3
"""Save-to-served latency of `rapport serve --watch`, beside `hugo server`.

Usage: scripts/bench-serve.py --posts N [--comments 20] [--runs 10] [--hugo-runs R]
                              [--tools rapport,hugo] [--hugo-mode default|full]
                              [--slug SLUG] [--pause 0.5] [--case post|comment|fetch]

For each tool: start its server on a working copy of the corpus (generated once by
../shared/corpus/gen.py with seed 42 and cached in $BENCH_ROOT/n<N>-k<K>, shared with
scripts/bench.sh; the cached corpus itself is never edited), wait until it serves, GET
the chosen post once, then RUNS times:

  append a paragraph with a unique marker to the post's markdown file (write, flush,
  close), take t0, GET /posts/<slug>/ over loopback every 1 ms until the body holds the
  marker, take t1; then wait for the server's rebuild line and pause before the next run.

With --case comment (rapport only: Hugo has no threads), each run appends a new
top-level comment with the marker, dated now, to the post's thread file instead, and
t1 is when both the post and the comments feed (/comments.xml) serve it; an update is
published whole, so the conversations page is updated with them. With --case fetch
(rapport only), each run appends such a comment to 100 thread files at once (the
post's and the 99 after it, by slug), as `rapport fetch` does; t1 is when the first and
the last of those posts serve it, and the report says how many updates the server
made for each run's 100 files (one is the target: the posts and the site-wide pages
rendered once).

Reports the median and p90 (nearest rank) of t1 - t0 in ms, and the median of the
rebuild time each server prints ("Changed ...: ... in N ms" for rapport, "Total in N ms"
for Hugo). Servers are stopped by their PID whatever happens.

Hugo is measured in its default mode (fast render: on a change it re-renders the pages
a browser has visited, here the polled post, and serves from memory) unless
--hugo-mode full (--disableFastRender: re-renders the whole site on every change).
rapport serves from its folder in the cache (XDG_CACHE_HOME pointed into the run's
working folder, removed with it: a cold start each time) unless --rapport-output DIR.

Environment: BENCH_ROOT (default /tmp/rapport-bench), CORPUS_GEN (gen.py), RAPPORT
(binary, default target/release/rapport), HUGO (binary, default hugo on PATH).
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg):
    print("error: " + msg, file=sys.stderr)
    sys.exit(1)


def find_gen():
    g = os.environ.get("CORPUS_GEN")
    for cand in ([g] if g else []) + [os.path.join(REPO, "..", "shared", "corpus", "gen.py"),
                                      "/work/shared/corpus/gen.py"]:
        if cand and os.path.isfile(cand):
            return os.path.abspath(cand)
    die("corpus generator gen.py not found (set CORPUS_GEN=)")


def ensure_corpus(root, n, k, seed):
    """Generates the corpus unless scripts/bench.sh (or an earlier run) cached it."""
    gen = find_gen()
    w = os.path.join(root, "n%d-k%d" % (n, k))
    sha = hashlib.sha256(open(gen, "rb").read()).hexdigest()[:16]
    stamp = "posts=%d comments=%d seed=%d gen=%s" % (n, k, seed, sha)
    sp = os.path.join(w, ".corpus-stamp")
    if os.path.exists(sp) and open(sp).read().strip() == stamp and os.path.exists(os.path.join(w, "manifest.json")):
        print("== corpus: N=%d K=%d seed=%d: cached in %s" % (n, k, seed, w))
    else:
        print("== corpus: N=%d K=%d seed=%d -> %s" % (n, k, seed, w), flush=True)
        if os.path.exists(sp):
            os.remove(sp)
        os.makedirs(w, exist_ok=True)
        subprocess.run([sys.executable, gen, "--posts", str(n), "--comments", str(k), "--seed", str(seed),
                        "--out", w], check=True)
        with open(sp, "w") as f:
            f.write(stamp + "\n")
    return w


class Server:
    """A server process whose output lines are collected, with arrival times, by a thread."""

    def __init__(self, name, argv, cwd=None, env=None):
        self.name = name
        self.argv = argv
        self.lines = queue.Queue()
        self.log = []
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            t = time.perf_counter()
            line = line.rstrip("\n")
            self.log.append(line)
            self.lines.put((t, line))
        self.lines.put((time.perf_counter(), None))

    def wait_for(self, pattern, timeout):
        """The first line matching `pattern` (regex), with its arrival time."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("%s: no line matching %r within %.0f s" % (self.name, pattern, timeout))
            try:
                t, line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("%s exited (status %s); last output:\n  %s"
                                   % (self.name, self.proc.wait(), "\n  ".join(self.log[-20:])))
            m = rx.search(line)
            if m:
                return t, line, m

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.lines.get_nowait())
            except queue.Empty:
                return out

    def stop(self):
        """Stops the process by its PID: SIGINT, then SIGTERM, then SIGKILL."""
        p = self.proc
        if p.poll() is None:
            for sig, wait in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.kill(p.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    p.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        return p.poll()


class Poller:
    """GETs one path over loopback, on a new connection each time.

    Not kept alive on purpose: tiny_http (rapport serve) answers a second request on a
    kept-alive connection only after a ~40 ms Nagle/delayed-ACK stall, which would
    round every rapport figure up to 40 ms steps; a fresh loopback connection costs
    under a millisecond, for both servers alike.
    """

    def __init__(self, port):
        self.port = port

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cache-Control": "no-cache"})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def close(self):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pctl(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def pick_post(w, slug):
    m = json.load(open(os.path.join(w, "manifest.json")))
    posts = os.path.join(w, "rapport", "content", "posts")
    if slug:
        if not os.path.exists(os.path.join(posts, slug + ".md")):
            die("no post %s in %s" % (slug, posts))
        return slug, m
    # A typical post with a conversation: the middle one, by slug, of those with a thread file.
    with_comments = sorted(f[:-len(".comments.yaml")] for f in os.listdir(posts) if f.endswith(".comments.yaml"))
    if not with_comments:
        die("no post with comments in %s (use --comments > 0)" % posts)
    return with_comments[len(with_comments) // 2], m


def add_paragraph(md_file, marker):
    with open(md_file, "a", encoding="utf-8") as f:
        f.write("\n\nParagraph added by bench-serve %s.\n" % marker)
        f.flush()


def add_comment(thread_file, marker):
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    with open(thread_file, "a", encoding="utf-8") as f:
        f.write('  - id: "%s"\n    author: "Bench Reader"\n    date: %s\n'
                '    body: "Comment added by bench-serve %s."\n' % (marker, now, marker))
        f.flush()


def fetched_posts(site, slug, n):
    """`slug` and the posts with a thread after it, by slug (wrapping round): `n` in all."""
    posts = os.path.join(site, "content", "posts")
    with_comments = sorted(f[:-len(".comments.yaml")] for f in os.listdir(posts) if f.endswith(".comments.yaml"))
    if len(with_comments) < n:
        die("--case fetch needs %d posts with comments; the corpus has %d" % (n, len(with_comments)))
    start = with_comments.index(slug)
    return [with_comments[(start + i) % len(with_comments)] for i in range(n)]


def measure(name, server, port, path, edit, runs, pause, rebuild_rx, rebuild_timeout, edit_timeout,
            also=()):
    """Runs the edit/poll loop against a running server; returns per-run figures.
    `edit(marker)` saves the change; the run ends when `path` and each of `also`
    serve the marker."""
    poll = Poller(port)
    try:
        status, body = poll.get(path)
        if status != 200:
            die("%s: GET %s returned %d before any edit" % (name, path, status))
        print("  %s: GET %s -> 200, %d bytes" % (name, path, len(body)))
        time.sleep(pause)
        server.drain()
        results = []
        for i in range(runs):
            marker = "benchmarker%s%02dx%08x" % (name, i, int.from_bytes(os.urandom(4), "big"))
            edit(marker)
            t0 = time.perf_counter()
            mb = marker.encode()
            polls = 0
            errors = []
            deadline = t0 + edit_timeout
            waiting = [path] + list(also)
            while True:
                try:
                    status, body = poll.get(waiting[0])
                except OSError as e:  # counted, retried until the deadline
                    status, body = None, b""
                    errors.append(str(e))
                polls += 1
                if status == 200 and mb in body:
                    waiting.pop(0)
                if not waiting:
                    t1 = time.perf_counter()
                    break
                if time.perf_counter() > deadline:
                    raise TimeoutError("%s: run %d: marker %s not served within %.0f s (--edit-timeout)"
                                       % (name, i + 1, marker, edit_timeout))
                time.sleep(0.001)
            # The rebuild line of this change (it may arrive before or after the page does).
            reported, line_ms, line = None, None, None
            try:
                tl, line, m = server.wait_for(rebuild_rx, rebuild_timeout)
                reported = float(m.group(1)) * (1000.0 if m.lastindex and m.lastindex >= 2 and m.group(2) == "s" else 1.0)
                line_ms = (tl - t0) * 1000.0
            except TimeoutError:
                line = "(no rebuild line within %.0f s)" % rebuild_timeout
            ms = (t1 - t0) * 1000.0
            result = {"ms": ms, "reported_ms": reported, "line_ms": line_ms, "polls": polls, "line": line,
                      "updates": 1 if reported is not None else 0}
            results.append(result)
            if errors:
                print("  %s run %2d: %d failed requests, e.g. %s" % (name, i + 1, len(errors), errors[0]))
            print("  %s run %2d: served after %7.1f ms (%d polls); rebuild line after %s ms: %s"
                  % (name, i + 1, ms, polls, "%.1f" % line_ms if line_ms is not None else "?", line))
            time.sleep(pause)
            for _, extra in server.drain():
                if extra is not None:
                    print("  %s: %s" % (name, extra))
                    result["updates"] += bool(re.search(rebuild_rx, extra))
        return results
    finally:
        poll.close()


def bench_rapport(args, w, slug, work):
    binary = os.environ.get("RAPPORT") or os.path.join(REPO, "target", "release", "rapport")
    if not os.path.exists(binary):
        print("== building %s" % binary, flush=True)
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    # A private copy, so that a `cargo build` meanwhile does not swap the binary under us.
    snap = os.path.join(args.bench_root, "bin", "rapport-serve-%d" % os.getpid())
    os.makedirs(os.path.dirname(snap), exist_ok=True)
    shutil.copy2(binary, snap + ".tmp")
    os.replace(snap + ".tmp", snap)
    sha = hashlib.sha256(open(snap, "rb").read()).hexdigest()[:12]
    print("== rapport binary: %s (modified %s, sha256 %s)"
          % (binary, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(binary))), sha))
    newer = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(REPO, "src")) for f in fs
             if os.path.getmtime(os.path.join(d, f)) > os.path.getmtime(binary)]
    if newer and not os.environ.get("RAPPORT"):
        print("warning: sources are newer than %s (e.g. %s); run cargo build --release to time the current code"
              % (binary, os.path.relpath(newer[0], REPO)), file=sys.stderr)
    site = os.path.join(work, "rapport")
    shutil.copytree(os.path.join(w, "rapport"), site)
    argv = [snap, "serve", "--root", site, "--watch", "--port", "0"]
    if args.rapport_output:
        shutil.rmtree(args.rapport_output, ignore_errors=True)
        argv += ["--output", args.rapport_output]
    print("== rapport: %s" % " ".join(argv), flush=True)
    # serve keeps its build in the user's cache folder: one under the working folder
    # here, so that no run starts warm and none leaves a site's build behind.
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    server = Server("rapport", argv, env=env)
    try:
        t_start = time.perf_counter()
        _, line, m = server.wait_for(r"Serving http://127\.0\.0\.1:(\d+)/", args.startup_timeout)
        port = int(m.group(1))
        print("  up after %.1f s: %s" % (time.perf_counter() - t_start, line))
        for l in server.log[:-1]:
            print("  " + l)
        posts = os.path.join(site, "content", "posts")
        if args.case == "comment":
            thread = os.path.join(posts, slug + ".comments.yaml")
            edit, also = (lambda marker: add_comment(thread, marker)), ["/comments.xml"]
        elif args.case == "fetch":
            fetched = fetched_posts(site, slug, 100)
            threads = [os.path.join(posts, s + ".comments.yaml") for s in fetched]
            edit = lambda marker: [add_comment(t, marker) for t in threads]
            also = ["/posts/%s/" % fetched[-1]]
        else:
            md = os.path.join(posts, slug + ".md")
            edit, also = (lambda marker: add_paragraph(md, marker)), []
        res = measure("rapport", server, port, "/posts/%s/" % slug, edit, args.runs, args.pause,
                      r"^Changed .*: .* in (\d+) ms", args.edit_timeout, args.edit_timeout, also)
        out = "its cache folder" if not args.rapport_output else "--output " + args.rapport_output
        return res, "%s, binary %s" % (out, sha)
    finally:
        pid = server.proc.pid
        code = server.stop()
        print("  rapport (pid %d) stopped, status %s" % (pid, code))
        os.remove(snap)
        # A server stopped by a signal cannot remove its own temporary output folder.
        for l in server.log:
            mm = re.search(r"\(built into (.*/rapport-serve-%d-\d+)/site\)" % pid, l)
            if mm and os.path.isdir(mm.group(1)):
                shutil.rmtree(mm.group(1), ignore_errors=True)


def bench_hugo(args, w, slug, work):
    hugo = os.environ.get("HUGO") or shutil.which("hugo")
    if not hugo:
        die("hugo not found (apt-get install hugo, or set HUGO=), or pass --tools rapport")
    site = os.path.join(work, "hugo")
    shutil.copytree(os.path.join(w, "hugo"), site)
    md = os.path.join(site, "content", "posts", slug + ".md")
    if not os.path.exists(md):
        die("hugo: %s missing" % md)
    port = free_port()
    argv = [hugo, "server", "-s", site, "--bind", "127.0.0.1", "--port", str(port), "--noHTTPCache"]
    if args.hugo_mode == "full":
        argv.append("--disableFastRender")
    print("== hugo (%s mode): %s" % (args.hugo_mode, " ".join(argv)), flush=True)
    server = Server("hugo", argv, cwd=site)
    try:
        t_start = time.perf_counter()
        _, line, m = server.wait_for(r"Web Server is available at http://[^:]+:(\d+)/", args.startup_timeout)
        port = int(m.group(1))
        print("  up after %.1f s: %s" % (time.perf_counter() - t_start, line))
        for l in server.log:
            if re.search(r"Pages|Total in|Built in", l):
                print("  " + l)
        res = measure("hugo", server, port, "/posts/%s/" % slug, lambda marker: add_paragraph(md, marker),
                      args.hugo_runs, args.pause,
                      r"Total in (\d+(?:\.\d+)?) ?(ms|s)\b", args.edit_timeout, args.edit_timeout)
        mode = "default (fast render, from memory)" if args.hugo_mode == "default" else "--disableFastRender (full re-render, from memory)"
        return res, mode
    finally:
        pid = server.proc.pid
        code = server.stop()
        print("  hugo (pid %d) stopped, status %s" % (pid, code))


CASES = {"post": "", "comment": "comment added; ", "fetch": "comments added to 100 threads; "}
WHAT = {"post": "edits", "comment": "comments added to the thread",
        "fetch": "comments added to 100 threads at once, from that"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--posts", type=int, required=True, help="number of posts (N)")
    ap.add_argument("--comments", type=int, default=20, help="typical comments per post (K, default 20)")
    ap.add_argument("--runs", type=int, default=10, help="edits per tool (default 10)")
    ap.add_argument("--hugo-runs", type=int,
                    help="edits for hugo (default: --runs; at 10,000 posts each Hugo rebuild takes minutes)")
    ap.add_argument("--seed", type=int, default=42, help="corpus seed (default 42, as bench.sh)")
    ap.add_argument("--tools", default="rapport,hugo", help="comma-separated: rapport, hugo (default both)")
    ap.add_argument("--hugo-mode", choices=["default", "full"], default="default",
                    help="default: hugo server's fast render; full: --disableFastRender")
    ap.add_argument("--slug", help="post to edit (default: the middle one, by slug, of those with comments)")
    ap.add_argument("--pause", type=float, default=0.5, help="seconds between runs (default 0.5)")
    ap.add_argument("--startup-timeout", type=float, default=900, help="seconds to wait for a server (default 900)")
    ap.add_argument("--edit-timeout", type=float, default=900,
                    help="seconds to wait for one edit to be served, and for its rebuild line (default 900)")
    ap.add_argument("--case", choices=["post", "comment", "fetch"], default="post",
                    help="post: a paragraph added to the post (default); comment: a comment added to its thread; "
                         "fetch: a comment added to 100 threads at once")
    ap.add_argument("--rapport-output", help="rapport serve --output DIR (default: its own temporary folder)")
    args = ap.parse_args()
    if args.hugo_runs is None:
        args.hugo_runs = args.runs
    if args.posts < 1 or args.runs < 1 or args.hugo_runs < 1 or args.comments < 0:
        ap.error("--posts, --runs and --hugo-runs must be >= 1, --comments >= 0")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if args.case in ("comment", "fetch") and "hugo" in tools:
        print("note: --case %s measures rapport only (Hugo's corpus has no threads)" % args.case, file=sys.stderr)
        tools = [t for t in tools if t != "hugo"]
    for t in tools:
        if t not in ("rapport", "hugo"):
            ap.error("unknown tool %s" % t)
    args.bench_root = os.environ.get("BENCH_ROOT", "/tmp/rapport-bench")

    w = ensure_corpus(args.bench_root, args.posts, args.comments, args.seed)
    slug, manifest = pick_post(w, args.slug)
    nthread = open(os.path.join(w, "rapport", "content", "posts", slug + ".comments.yaml"), encoding="utf-8").read()
    nthread = len(re.findall(r"^\s*- id:", nthread, re.M))
    print("== editing post %s (%s comments in its thread file); %d runs for rapport, %d for hugo, %.1f s apart"
          % (slug, nthread or "?", args.runs, args.hugo_runs, args.pause))
    print("== load: %s" % subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    work = os.path.join(args.bench_root, "serve-work-%d" % os.getpid())
    rows = []
    failed = []
    try:
        for t in tools:
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            try:
                res, mode = (bench_rapport if t == "rapport" else bench_hugo)(args, w, slug, work)
                rows.append((t, CASES[args.case] + mode, res))
            except (TimeoutError, RuntimeError, OSError, subprocess.CalledProcessError) as e:
                # The server was stopped by the tool's own finally; the other tools still run.
                failed.append((t, str(e)))
                print("error: %s: %s" % (t, e), file=sys.stderr, flush=True)
            print("== load: %s" % subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("\nSave-to-served, N=%d posts, K=%d comments/post, %s of posts/%s/, polled every 1 ms\n"
          % (args.posts, args.comments, WHAT[args.case], slug))
    print("| tool | mode | N | runs | median ms | p90 ms | min–max ms | server-reported rebuild, median ms | rebuild line after, median ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    tsv = os.path.join(args.bench_root, "serve-results.tsv")
    new = not os.path.exists(tsv)
    with open(tsv, "a") as f:
        if new:
            f.write("tool\tmode\tN\tK\truns\tslug\tmedian_ms\tp90_ms\tmin_ms\tmax_ms\treported_median_ms\tline_median_ms\tdate\n")
        for t, mode, res in rows:
            ms = [r["ms"] for r in res]
            rep = [r["reported_ms"] for r in res if r["reported_ms"] is not None]
            lin = [r["line_ms"] for r in res if r["line_ms"] is not None]
            rep_med = statistics.median(rep) if rep else float("nan")
            lin_med = statistics.median(lin) if lin else float("nan")
            print("| %s | %s | %d | %d | %.1f | %.1f | %.1f–%.1f | %.0f | %.1f |" % (
                t, mode, args.posts, len(ms), statistics.median(ms), pctl(ms, 90), min(ms), max(ms), rep_med, lin_med))
            f.write("\t".join(str(x) for x in [
                t, mode, args.posts, args.comments, len(ms), slug, "%.1f" % statistics.median(ms),
                "%.1f" % pctl(ms, 90), "%.1f" % min(ms), "%.1f" % max(ms), "%.1f" % rep_med, "%.1f" % lin_med,
                time.strftime("%Y-%m-%dT%H:%M:%S")]) + "\n")
    if args.case == "fetch":
        for t, _, res in rows:
            print("\n%s: updates made for each run's 100 thread files: %s"
                  % (t, ", ".join(str(r["updates"]) for r in res)))
    print("\nrows appended to %s" % tsv)
    for t, e in failed:
        print("FAILED: %s: %s" % (t, e))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
