// Shared by browser-check.mjs and screenshots.mjs: build the sites with rapport,
// serve them on loopback, and launch Debian's Chromium through playwright-core.
// No browser is ever downloaded: playwright-core only drives /usr/bin/chromium.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const WIDTHS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
];
export const SCHEMES = ["light", "dark"];

// The sites the checks build. `pages` are the pages the issue names (index, a post
// with a thread, a tag page, /engagement/, /404.html); the check also visits every
// other built page, the screenshots only these.
export const SITES = [
  {
    name: "a11y",
    root: "tests/fixtures/a11y",
    pages: {
      index: "/",
      "post-deep-thread": "/posts/deep-conversation/",
      "post-code-tables": "/posts/code-and-tables/",
      tag: "/tags/accessibility/",
      engagement: "/engagement/",
      search: "/search/",
      "not-found": "/404.html",
    },
    // A search the browser check runs: a commenter's name finds the post.
    search: { query: "rossi", expect: "A conversation eight replies deep" },
  },
  {
    // The same parts of the theme in French: every label, date and count translated.
    name: "french",
    root: "tests/fixtures/french",
    threadWords: { level: "niveau", replyTo: "(en )?réponse à" },
    pages: {
      index: "/",
      "post-deep-thread": "/posts/longue-conversation/",
      tag: "/tags/conversations/",
      engagement: "/engagement/",
      search: "/search/",
      "not-found": "/404.html",
    },
    search: { query: "rossi", expect: "Une conversation profonde" },
  },
  {
    name: "example",
    root: ".",
    pages: {
      index: "/",
      post: "/posts/its-not-about-the-numbers/",
      tag: "/tags/engagement/",
      engagement: "/engagement/",
      search: "/search/",
      "not-found": "/404.html",
    },
    search: { query: "slow blog", expect: "In praise of slow blogging" },
  },
];

export function rapportBinary() {
  const bin = process.env.RAPPORT || join(REPO, "target", "release", "rapport");
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: run \`cargo build --release\` first (or set RAPPORT)`);
  }
  return bin;
}

/** Builds every site into a fresh temporary folder; returns [{...site, out}]. */
export function buildSites(sites = SITES) {
  const bin = rapportBinary();
  const base = mkdtempSync(join(tmpdir(), "rapport-browser-"));
  const built = sites.map((site) => {
    const out = join(base, site.name);
    execFileSync(bin, ["build", "--root", join(REPO, site.root), "--output", out], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    return { ...site, out };
  });
  return { built, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Every page of a built site as a URL path, except alias (meta refresh) pages. */
export function allPages(out) {
  const pages = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".html")) {
        if (/http-equiv="refresh"/i.test(readFileSync(path, "utf8"))) continue;
        const rel = relative(out, path).split(sep).join("/");
        pages.push("/" + (rel === "index.html" ? "" : rel.replace(/(^|\/)index\.html$/, "$1")));
      }
    }
  };
  walk(out);
  return pages;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".js": "text/javascript; charset=utf-8",
};

/** A tiny static file server on 127.0.0.1 and a free port, like a static host:
 *  `dir/` serves `dir/index.html`, anything missing gets 404.html with status 404. */
export function serve(root) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith("/")) {
        res.writeHead(301, { Location: path + "/" }).end();
        return;
      }
      file = join(file, "index.html");
    }
    let status = 200;
    if (!existsSync(file)) {
      status = 404;
      file = join(root, "404.html");
    }
    res.writeHead(status, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A browser context with a colour scheme and viewport; it refuses every request that
 *  leaves the local server, and records them (the theme must make none). */
export async function newContext(browser, { origin, width, height, scheme, reducedMotion = "no-preference", initScript, javaScriptEnabled = true }) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    colorScheme: scheme,
    reducedMotion,
    javaScriptEnabled,
  });
  if (initScript) await context.addInitScript(initScript);
  const external = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + "/") || url === origin) return route.continue();
    external.push(url);
    return route.abort();
  });
  return { context, external };
}
