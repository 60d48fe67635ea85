#!/usr/bin/env python3
"""How long `rapport serve` takes to answer `/` after it starts, with the build it
kept in its cache folder from the start before: nothing changed since.

Usage: scripts/bench-serve-start.py --root SITE [--runs N] BINARY [BINARY ...]

Each binary gets its own cache folder (XDG_CACHE_HOME, on /dev/shm when it is a
tmpfs) and port; a first, untimed start fills the cache (a full build). Then RUNS
rounds start each binary in turn, time from spawning it until GET / answers 200,
and stop it. Prints each start and the range per binary."""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, root, cache, port, timeout):
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    began = time.monotonic()
    server = subprocess.Popen(
        [binary, "serve", "--root", root, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if server.poll() is not None:
                sys.exit(f"{binary} serve exited with status {server.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    if r.status == 200:
                        return time.monotonic() - began
            except OSError:
                time.sleep(0.01)
            if time.monotonic() - began > timeout:
                sys.exit(f"{binary} did not answer within {timeout} s")
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the site's folder")
    parser.add_argument("--runs", type=int, default=3, help="timed starts per binary")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for one start")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    scratch = tempfile.mkdtemp(prefix="rapport-serve-start-", dir=base)
    try:
        runs = []
        for i, binary in enumerate(args.binaries):
            cache, port = os.path.join(scratch, str(i)), free_port()
            first = start(binary, args.root, cache, port, args.timeout)
            print(f"{binary}: first start (fills the cache) {first:.2f} s", flush=True)
            runs.append((binary, cache, port, []))
        for _ in range(args.runs):
            for binary, cache, port, times in runs:
                times.append(start(binary, args.root, cache, port, args.timeout))
                print(f"{binary}: {times[-1]:.3f} s", flush=True)
        for binary, _, _, times in runs:
            print(f"{binary}: {min(times):.2f}–{max(times):.2f} s over {len(times)} starts")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
