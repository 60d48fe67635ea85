#!/usr/bin/env node
// Screenshots of the default theme, for people to look at (not committed): the pages
// the browser checks name (index, a post with a thread, a tag page, /engagement/, the
// search page, alone and with the results of the site's search query, the 404 page) of
// tests/fixtures/a11y, tests/fixtures/french and the example site, at 390 px and
// 1280 px, light and dark, as full-page PNGs.
//
// Usage: node scripts/screenshots.mjs [OUTPUT_DIR]    (default /tmp/rapport-screenshots)
// Needs target/release/rapport (cargo build --release; RAPPORT=target/debug/rapport
// takes a debug build instead) and /usr/bin/chromium.
// Files: OUTPUT_DIR/<site>-<page>-<width>-<scheme>.png

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { SCHEMES, WIDTHS, buildSites, launch, newContext, serve } from "./browser-common.mjs";

async function main() {
  const outDir = resolve(process.argv[2] || "/tmp/rapport-screenshots");
  mkdirSync(outDir, { recursive: true });
  const { built, cleanup } = buildSites();
  const browser = await launch();
  let count = 0;
  try {
    for (const site of built) {
      const server = await serve(site.out);
      try {
        for (const scheme of SCHEMES) {
          for (const w of WIDTHS) {
            // Reduced motion: no smooth scrolling or fades half-way in a picture.
            const { context } = await newContext(browser, {
              origin: server.origin,
              width: w.width,
              height: w.height,
              scheme,
              reducedMotion: "reduce",
            });
            const page = await context.newPage();
            const shots = Object.entries(site.pages);
            // The search page once more, with the results of the site's search query.
            if (site.search) shots.push(["search-results", `/search/?q=${encodeURIComponent(site.search.query)}`]);
            for (const [name, path] of shots) {
              await page.goto(server.origin + path, { waitUntil: "load" });
              if (name === "search-results") {
                await page.locator(".search-results li a").first().waitFor({ timeout: 5000 });
              }
              const file = join(outDir, `${site.name}-${name}-${w.width}-${scheme}.png`);
              await page.screenshot({ path: file, fullPage: true });
              count += 1;
            }
            await context.close();
          }
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
    cleanup();
  }
  console.log(`${count} screenshots in ${outDir}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
