#!/usr/bin/env bash
# Checks every internal link of a built site with LinkChecker, over HTTP as a browser
# follows them (links in a built site are root-relative, so a file:// check would miss
# them): serves SERVE_DIR on a free loopback port with python3's http.server, starts
# LinkChecker at every HTML page of it (pages nothing links to, like 404.html,
# included) and at its sitemap, and follows every link to that server: pages,
# stylesheets, feeds, robots.txt and the sitemap it names, and #fragments (with the
# AnchorCheck plugin, a link to an id the page lacks fails too). Links anywhere else
# are only syntax-checked, never fetched: no network beyond loopback.
#
# Usage: scripts/check-links.sh [--port PORT] SERVE_DIR
#   --port PORT  serve on this port (to check a site built with
#                --base-url http://127.0.0.1:PORT/PATH/ into SERVE_DIR/PATH, so its
#                absolute links, canonical and sitemap ones, point at the server too);
#                default: a free one
# LinkChecker is $LINKCHECKER, else `linkchecker` on PATH.
# Exit status 0 when every link resolves, 1 on a broken link or any warning, 2 on a
# usage or setup error.
set -euo pipefail

port=
if [ "${1:-}" = --port ]; then
  port=${2:?--port needs a number}
  shift 2
fi
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 [--port PORT] SERVE_DIR" >&2
  exit 2
fi
dir=$(cd "$1" && pwd)
linkchecker=${LINKCHECKER:-linkchecker}
if [ -z "$port" ]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
server="http://127.0.0.1:$port"

work=$(mktemp -d)
# http.server, plus the header by which a server tells LinkChecker it may be checked
# at full speed (otherwise it waits up to 0.6 s between two requests).
python3 -c '
import functools, http.server, sys

class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()

handler = functools.partial(Handler, directory=sys.argv[1])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), handler).serve_forever()
' "$dir" "$port" >"$work/http.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('$server/', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: http.server did not start on port $port:" >&2
    cat "$work/http.log" >&2
    exit 2
  fi
  sleep 0.2
done

# Run as root, LinkChecker drops to the user nobody before it loads its plugins and
# reads this file, so both must be readable by everyone.
chmod 755 "$work"
cat >"$work/linkcheckerrc" <<EOF
[checking]
maxrequestspersecond=100
[filtering]
internlinks=^${server//./\\.}/
[AnchorCheck]
EOF
chmod 644 "$work/linkcheckerrc"

# Every HTML page, as the URL a link to it uses (a folder's index.html as the folder),
# and the sitemap (found through robots.txt only when the site is at the server's root).
mapfile -t urls < <(cd "$dir" && find . -name '*.html' -o -name 'sitemap.xml' | LC_ALL=C sort | sed -e 's|^\./||' -e 's|^index\.html$||' -e 's|/index\.html$|/|' -e "s|^|$server/|")
if [ ${#urls[@]} -eq 0 ]; then
  echo "error: no HTML page in $dir" >&2
  exit 2
fi

echo "Checking the links of ${#urls[@]} pages of $dir, served at $server/"
"$linkchecker" --config "$work/linkcheckerrc" --no-status \
  --ignore-url "^(?!${server//./\\.}/)" "${urls[@]}"
