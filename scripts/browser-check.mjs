#!/usr/bin/env node
// Real-browser checks of the default theme (issue 7, "Accessibility and the real
// browser"). Builds the example site and tests/fixtures/a11y with target/release/rapport,
// serves each on loopback, and in Debian's headless Chromium, for every page, in the
// light and dark colour schemes, at 390 px and 1280 px:
//
//   axe       axe-core (WCAG 2.0/2.1/2.2 A and AA, plus best practices): zero violations
//   overflow  at 390 px nothing overflows: documentElement.scrollWidth <= innerWidth
//   thread    comments are a nested list (ol > li.comment > ol.replies > li.comment);
//             every comment's level and whom it replies to are in the accessibility
//             tree, not only in the indentation; author replies carry a visible text badge
//   keyboard  no positive tabindex; Tab reaches every link in order, each with a
//             visible focus outline (3:1 against its background) and scrolled into
//             view; the skip link comes first, shows when focused and leads to <main>
//   svg       text of the inline SVG chart has 4.5:1 contrast, its bars 3:1 (axe leaves
//             SVG text undecided)
//   requests  the page makes no request outside the local server, and no script error
//   motion    with prefers-reduced-motion: reduce, no animation, transition or smooth
//             scrolling is left (checked once per site on a post with a thread)
//   search    typing in the search page's box lists the expected post, from the
//             index the build wrote, with no outside request; without JavaScript the
//             page hides the box and offers the tag list
//
// Usage: node scripts/browser-check.mjs [--required-only] [--verbose] [--site=NAME]
//   --required-only  only the pages the issue names (index, post, tag, engagement, 404)
//   --site=NAME      only the site of that name in browser-common.mjs (a11y, french, example)
// Environment: RAPPORT (binary, default target/release/rapport), CHROMIUM (default
// /usr/bin/chromium). Exit status 0 when every check passes, 1 otherwise.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import {
  SCHEMES,
  SITES,
  WIDTHS,
  allPages,
  buildSites,
  launch,
  newContext,
  serve,
} from "./browser-common.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// Colour helpers available in every page as window.__rapport (WCAG relative luminance).
const PAGE_HELPERS = `
window.__rapport = {
  rgba(css) {
    const m = /rgba?\\(([^)]+)\\)/.exec(css || "");
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  },
  background(el) {
    // The first opaque background colour behind el (the theme uses no background images).
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = this.rgba(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255 };
    for (const c of layers.reverse()) out = { r: c.r * c.a + out.r * (1 - c.a), g: c.g * c.a + out.g * (1 - c.a), b: c.b * c.a + out.b * (1 - c.a) };
    return out;
  },
  luminance({ r, g, b }) {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  },
  contrast(a, b) {
    const [x, y] = [this.luminance(a), this.luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  },
};`;

const args = new Set(process.argv.slice(2));
const requiredOnly = args.has("--required-only");
const verbose = args.has("--verbose");
// `--site=french` checks that site alone.
const onlySite = [...args].find((a) => a.startsWith("--site="))?.slice("--site=".length);

let passed = 0;
let failed = 0;
let undecided = 0;
const failures = [];

// Results are logged through `out` (a buffer per browser context, as contexts run
// side by side; printed in a fixed order).
function record(label, problems, out = console) {
  if (problems.length === 0) {
    passed += 1;
    if (verbose) out.log(`ok   ${label}`);
  } else {
    failed += 1;
    failures.push(label);
    out.log(`FAIL ${label}`);
    for (const p of problems) out.log(`     ${p.replace(/\n/g, "\n     ")}`);
  }
}

function buffer() {
  const lines = [];
  return { log: (line) => lines.push(line), flush: () => lines.forEach((l) => console.log(l)) };
}

// ---------------------------------------------------------------- axe-core
async function checkAxe(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations", "incomplete"],
      }),
    AXE_TAGS,
  );
  const problems = [];
  for (const v of result.violations) {
    problems.push(`${v.id} (${v.impact}): ${v.help}`);
    for (const node of v.nodes.slice(0, 5)) {
      problems.push(`  at ${node.target.join(" ")}: ${(node.failureSummary || "").split("\n").slice(1).join(" ").trim()}`);
    }
    if (v.nodes.length > 5) problems.push(`  … and ${v.nodes.length - 5} more`);
  }
  // "Incomplete" means axe could not decide (SVG text, one-character table cells):
  // listed with --verbose, not failures.
  const notes = [];
  for (const v of result.incomplete) {
    for (const node of v.nodes) {
      const why = node.any.concat(node.all, node.none).map((c) => c.message).join("; ");
      notes.push(`${v.id} needs review at ${node.target.join(" ")}: ${why}`);
    }
  }
  return { problems, notes };
}

// ---------------------------------------------------------------- SVG contrast
// What axe leaves "needs review": text and bars of the inline SVG chart. Text needs
// 4.5:1 against the page, bars 3:1 (WCAG 1.4.3 and 1.4.11).
async function checkGraphics(page) {
  const found = await page.evaluate(() => {
    const h = window.__rapport;
    const out = [];
    for (const el of document.querySelectorAll("svg text, svg .bar")) {
      const fill = h.rgba(getComputedStyle(el).fill);
      const bg = h.background(el.closest("svg").parentElement);
      if (!fill) { out.push({ what: el.outerHTML.slice(0, 60), ratio: 0, need: 1 }); continue; }
      const isText = el.tagName.toLowerCase() === "text";
      if (!isText && Number(el.getAttribute("height")) === 0) continue;
      out.push({ what: el.outerHTML.slice(0, 60), ratio: h.contrast(fill, bg), need: isText ? 4.5 : 3 });
    }
    return out;
  });
  return {
    count: found.length,
    problems: found.filter((f) => f.ratio < f.need).map((f) => `contrast ${f.ratio.toFixed(2)}:1 < ${f.need}:1 at ${f.what}`),
  };
}

// ---------------------------------------------------------------- overflow
async function checkOverflow(page) {
  const r = await page.evaluate(() => {
    const doc = document.documentElement;
    const vw = window.innerWidth;
    const wide = [];
    if (doc.scrollWidth > vw) {
      // Name the outermost elements that stick out, to make a failure actionable.
      for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.right > vw + 0.5 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 0.5)) {
          wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} right=${Math.round(box.right)}`);
        }
      }
    }
    return { scrollWidth: doc.scrollWidth, bodyScrollWidth: document.body.scrollWidth, innerWidth: vw, wide: wide.slice(0, 8) };
  });
  const problems = [];
  if (r.scrollWidth > r.innerWidth || r.bodyScrollWidth > r.innerWidth) {
    problems.push(`page is ${r.scrollWidth}px wide (body ${r.bodyScrollWidth}px) in a ${r.innerWidth}px viewport`);
    for (const w of r.wide) problems.push(`  sticks out: ${w}`);
  }
  return problems;
}

// ---------------------------------------------------------------- thread semantics
// How the thread's screen-reader text says a comment's level and whom it answers, as
// patterns; a site in another language names its own (`threadWords` in SITES).
const THREAD_WORDS = { level: "level", replyTo: "repl(y|ying) to:?" };

async function checkThread(page, out = console, words = THREAD_WORDS) {
  const problems = [];
  const comments = await page.evaluate(() => {
    const authorOf = (li) => {
      const a = li.querySelector(":scope > .comment-card .comment-author");
      return a ? a.textContent.trim() : null;
    };
    return [...document.querySelectorAll("li.comment")].map((li) => {
      const list = li.parentElement;
      const listOk =
        list && list.tagName === "OL" && (list.classList.contains("thread") ||
          (list.classList.contains("replies") && list.parentElement && list.parentElement.matches("li.comment")));
      // Whom it answers: the comment it is nested in, or, once nesting stops at
      // max_depth, the comment its "Replying to" link points at.
      const link = li.querySelector(":scope > .comment-card .in-reply-to a[href^='#']");
      let parent = null;
      if (link) parent = document.getElementById(link.getAttribute("href").slice(1));
      else if (list && list.classList.contains("replies")) parent = list.parentElement;
      const badge = li.querySelector(":scope > .comment-card .author-badge");
      const badgeStyle = badge && getComputedStyle(badge);
      return {
        id: li.id,
        depth: li.dataset.depth,
        byAuthor: li.classList.contains("by-author"),
        listOk: !!listOk,
        nestedDepth: (() => {
          let n = 0;
          for (let el = li; el; el = el.parentElement.closest("li.comment")) n += 1;
          return n;
        })(),
        parentId: parent ? parent.id : null,
        parentDepth: parent ? parent.dataset.depth : null,
        parentAuthor: parent ? authorOf(parent) : null,
        hasReplyLink: !!link,
        author: authorOf(li),
        badge: badge
          ? {
              text: badge.textContent.trim(),
              shown: badgeStyle.display !== "none" && badgeStyle.visibility !== "hidden" && badge.getBoundingClientRect().width > 1,
            }
          : null,
      };
    });
  });
  for (const c of comments) {
    const where = `#${c.id}`;
    if (!/^comment-.+/.test(c.id)) problems.push(`${where}: id is not comment-<id>`);
    if (!/^[1-9][0-9]*$/.test(c.depth || "")) problems.push(`${where}: data-depth "${c.depth}" is not a level`);
    const depth = Number(c.depth);
    if (!c.listOk) problems.push(`${where}: not an <li> of ol.thread or of an ol.replies inside a comment`);
    if (c.nestedDepth > depth) problems.push(`${where}: drawn ${c.nestedDepth} levels deep but data-depth is ${depth}`);
    if (depth > 1) {
      if (!c.parentId) problems.push(`${where}: level ${depth} but neither nested in nor linked to the comment it answers`);
      else if (Number(c.parentDepth) !== depth - 1) problems.push(`${where}: level ${depth} answers #${c.parentId} at level ${c.parentDepth}`);
      if (c.nestedDepth < depth && !c.hasReplyLink) problems.push(`${where}: drawn at level ${c.nestedDepth} of ${depth} without a visible "Replying to" link`);
    } else if (c.nestedDepth !== 1) problems.push(`${where}: top-level comment nested ${c.nestedDepth} deep`);
    if (c.byAuthor && !(c.badge && c.badge.text && c.badge.shown)) problems.push(`${where}: author reply without a visible text badge`);
    if (!c.byAuthor && c.badge) problems.push(`${where}: badge on a comment that is not the author's`);

    // What a screen reader gets: the accessibility tree of the <li>.
    const tree = await page.locator(`[id="${c.id}"]`).ariaSnapshot();
    const flat = tree.replace(/\s+/g, " ");
    const expectLevel = new RegExp(`\\b${words.level} ${depth}\\b`, "i");
    if (!expectLevel.test(flat)) problems.push(`${where}: "level ${depth}" is not in its accessibility tree`);
    if (depth > 1 && c.parentAuthor) {
      const esc = c.parentAuthor.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (!new RegExp(`${words.replyTo} ${esc}`, "i").test(flat)) problems.push(`${where}: "reply to ${c.parentAuthor}" is not in its accessibility tree`);
    }
    if (c.byAuthor && c.badge && !flat.includes(c.badge.text)) problems.push(`${where}: the badge text "${c.badge.text}" is not in its accessibility tree`);
    if (verbose && Number(c.depth) >= 6) out.log(`     ${where}: ${flat.slice(0, 160)}`);
  }
  return { problems, count: comments.length };
}

// ---------------------------------------------------------------- keyboard
async function checkKeyboard(page) {
  const problems = [];
  const setup = await page.evaluate(() => {
    const positive = [...document.querySelectorAll("[tabindex]")].filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 80));
    const links = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")].filter((el) => {
      if (el.tabIndex < 0 || el.disabled) return false;
      const s = getComputedStyle(el);
      return s.visibility !== "hidden" && s.display !== "none" && el.getClientRects().length > 0;
    });
    links.forEach((el, i) => el.setAttribute("data-kbd", String(i)));
    return { positive, count: links.length };
  });
  for (const p of setup.positive) problems.push(`positive tabindex: ${p}`);

  const seen = new Set();
  const order = [];
  await page.evaluate(() => {
    document.activeElement && document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  // Tab through the whole page (plus scroll containers Chromium makes focusable).
  for (let i = 0; i < setup.count + 40; i += 1) {
    await page.keyboard.press("Tab");
    // Focus scrolls the element into view (smoothly, without reduced motion): wait
    // until it is in view and the page has stopped scrolling (same offset for 5 frames).
    await page
      .waitForFunction(
        () => {
          const w = window;
          const at = `${w.scrollX},${w.scrollY}`;
          w.__still = w.__lastScroll === at ? (w.__still || 0) + 1 : 0;
          w.__lastScroll = at;
          const el = document.activeElement;
          if (!el || el === document.body) return true;
          const box = el.getBoundingClientRect();
          const inView = box.bottom > 0 && box.top < w.innerHeight && box.right > 0 && box.left < w.innerWidth;
          return inView && w.__still >= 5;
        },
        null,
        { polling: "raf", timeout: 5000 },
      )
      .catch(() => {});
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
      const shadow = s.boxShadow && s.boxShadow !== "none";
      const h = window.__rapport;
      const ring = outline ? h.rgba(s.outlineColor) : null;
      return {
        ringContrast: ring ? h.contrast(ring, h.background(el.parentElement || el)) : null,
        kbd: el.getAttribute("data-kbd"),
        what: `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} “${(el.textContent || "").trim().slice(0, 30)}”`,
        focusVisible: el.matches(":focus-visible"),
        indicator: outline || shadow,
        inViewport: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
      };
    });
    if (!f) break; // focus left the document: every element has been visited
    if (f.kbd !== null) {
      if (seen.has(f.kbd)) break;
      seen.add(f.kbd);
      order.push(Number(f.kbd));
    }
    if (!f.focusVisible || !f.indicator) problems.push(`no visible focus indicator on ${f.what}`);
    else if (f.ringContrast !== null && f.ringContrast < 3) problems.push(`focus outline contrast ${f.ringContrast.toFixed(2)}:1 < 3:1 on ${f.what}`);
    if (!f.inViewport) problems.push(`focused element is off screen: ${f.what}`);
  }
  if (seen.size < setup.count) {
    const missed = await page.evaluate((seenList) => {
      const s = new Set(seenList);
      return [...document.querySelectorAll("[data-kbd]")].filter((el) => !s.has(el.getAttribute("data-kbd"))).slice(0, 5).map((el) => el.outerHTML.slice(0, 100));
    }, [...seen]);
    problems.push(`Tab reached ${seen.size} of ${setup.count} focusable elements; missed: ${missed.join(" | ")}`);
  }
  for (let i = 1; i < order.length; i += 1) {
    if (order[i] < order[i - 1]) {
      problems.push(`tab order differs from document order at element ${order[i]}`);
      break;
    }
  }
  // The skip link: first in the tab order, shown when focused, and it works.
  await page.goto(page.url(), { waitUntil: "load" });
  await page.keyboard.press("Tab");
  await page // let its slide-in transition finish
    .waitForFunction(
      () => {
        const box = document.activeElement.getBoundingClientRect();
        return box.top >= 0 && box.height > 0 && box.bottom <= window.innerHeight;
      },
      null,
      { polling: "raf", timeout: 2000 },
    )
    .catch(() => {});
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return { isSkip: el.classList.contains("skip-link"), href: el.getAttribute("href"), visible: box.top >= 0 && box.height > 0 && box.bottom <= window.innerHeight };
  });
  if (!skip.isSkip) problems.push("the first Tab does not focus the skip link");
  else {
    if (!skip.visible) problems.push("the skip link is not visible when focused");
    await page.keyboard.press("Enter");
    const target = await page.evaluate(() => location.hash);
    if (target !== skip.href) problems.push(`Enter on the skip link went to "${target}", not "${skip.href}"`);
  }
  return { problems, count: setup.count };
}

// ---------------------------------------------------------------- reduced motion
async function checkReducedMotion(browser, origin, path, anchor) {
  const problems = [];
  for (const scheme of SCHEMES) {
    const { context } = await newContext(browser, { origin, width: 1280, height: 800, scheme, reducedMotion: "reduce" });
    const page = await context.newPage();
    await page.goto(`${origin}${path}#${anchor}`, { waitUntil: "load" });
    const r = await page.evaluate((id) => {
      const toMs = (v) => Math.max(...v.split(",").map((t) => (t.trim().endsWith("ms") ? parseFloat(t) : parseFloat(t) * 1000)));
      const moving = [];
      for (const el of document.querySelectorAll("*")) {
        const s = getComputedStyle(el);
        if (s.animationName !== "none" && toMs(s.animationDuration) > 1) moving.push(`animation on ${el.tagName.toLowerCase()}.${el.className}`);
        if (toMs(s.transitionDuration) > 1 && s.transitionProperty !== "none") moving.push(`transition on ${el.tagName.toLowerCase()}.${el.className}`);
      }
      const card = document.getElementById(id).querySelector(".comment-card");
      return {
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
        moving: moving.slice(0, 5),
        targeted: document.getElementById(id).matches(":target"),
        animations: document.getAnimations().filter((a) => a.effect && a.effect.getTiming().duration > 1).length,
        cardAnimation: getComputedStyle(card).animationName,
      };
    }, anchor);
    if (!r.targeted) problems.push(`${scheme}: #${anchor} is not the :target`);
    if (r.scroll !== "auto") problems.push(`${scheme}: scroll-behavior is ${r.scroll} with reduced motion`);
    for (const m of r.moving) problems.push(`${scheme}: ${m} with reduced motion`);
    if (r.animations) problems.push(`${scheme}: ${r.animations} running animation(s) with reduced motion`);
    await context.close();
  }
  return problems;
}

// ---------------------------------------------------------------- search
async function checkSearch(browser, origin, { query, expect }) {
  const problems = [];
  const { context, external } = await newContext(browser, { origin, width: 390, height: 800, scheme: "light" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(origin + "/search/", { waitUntil: "load" });
  const box = page.locator("form.search-form input[name=q]");
  try {
    await box.waitFor({ state: "visible", timeout: 5000 });
    await box.fill(query);
    await page.locator(".search-results li a").first().waitFor({ timeout: 5000 });
  } catch (e) {
    problems.push(`no result for ${JSON.stringify(query)}: ${String(e).split("\n")[0]}`);
  }
  const results = await page.$$eval(".search-results li a", (links) => links.map((a) => ({ title: a.textContent, href: a.getAttribute("href") })));
  if (results.length && results[0].title !== expect) problems.push(`first result is ${JSON.stringify(results[0].title)}, not ${JSON.stringify(expect)}`);
  for (const r of results) {
    const response = await page.request.get(origin + r.href);
    if (response.status() !== 200) problems.push(`result ${r.href} answers HTTP ${response.status()}`);
  }
  const status = await page.textContent(".search-status");
  // The status line is in the site's language: it names the count, whatever its words.
  if (results.length && !(status || "").includes(String(results.length))) problems.push(`the status line says ${JSON.stringify(status)}`);
  // The query is kept in the address: reloading shows the same results.
  await page.reload({ waitUntil: "load" });
  try {
    await page.locator(".search-results li a").first().waitFor({ timeout: 5000 });
  } catch {
    problems.push("a reload with ?q= shows no results");
  }
  problems.push(...external.map((u) => `external request: ${u}`), ...errors.map((e) => `page error: ${e}`));
  await context.close();

  const noScript = await newContext(browser, { origin, width: 390, height: 800, scheme: "light", javaScriptEnabled: false });
  const plain = await noScript.context.newPage();
  await plain.goto(origin + "/search/", { waitUntil: "load" });
  if (await plain.locator("form.search-form").isVisible()) problems.push("without JavaScript the search box shows, and cannot work");
  if ((await plain.locator(".search-tags a").count()) === 0) problems.push("without JavaScript the page offers no tag");
  await noScript.context.close();
  return { problems, count: results.length };
}

// ---------------------------------------------------------------- main
async function main() {
  const started = Date.now();
  const { built, cleanup } = buildSites(onlySite ? SITES.filter((s) => s.name === onlySite) : SITES);
  const browser = await launch();
  console.log(`Chromium ${browser.version()}, axe-core ${JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version}`);
  try {
    for (const site of built) {
      const server = await serve(site.out);
      const pages = requiredOnly ? Object.values(site.pages) : allPages(site.out);
      console.log(`== ${site.name} (${site.root}): ${pages.length} pages × ${SCHEMES.length} colour schemes × ${WIDTHS.length} widths`);
      try {
        // The four colour scheme × width combinations run side by side (most of the
        // time goes into waiting for smooth scrolling while tabbing).
        const configs = SCHEMES.flatMap((scheme) => WIDTHS.map((w) => ({ scheme, w, out: buffer() })));
        await Promise.all(
          configs.map(async ({ scheme, w, out }) => {
            const { context, external } = await newContext(browser, { origin: server.origin, width: w.width, height: w.height, scheme, initScript: PAGE_HELPERS });
            const page = await context.newPage();
            const errors = [];
            page.on("pageerror", (e) => errors.push(String(e)));
            for (const path of pages) {
              const label = `${site.name} ${path} [${scheme}, ${w.width}px]`;
              external.length = 0;
              errors.length = 0;
              const response = await page.goto(server.origin + path, { waitUntil: "load" });
              if (!response || response.status() !== 200) {
                record(`${label} load`, [`HTTP ${response ? response.status() : "no response"}`], out);
                continue;
              }
              const axe = await checkAxe(page);
              record(`${label} axe`, axe.problems, out);
              undecided += axe.notes.length;
              if (verbose) for (const n of axe.notes) out.log(`     note: ${n}`);
              const graphics = await checkGraphics(page);
              if (graphics.count > 0) record(`${label} svg contrast (${graphics.count} marks)`, graphics.problems, out);
              if (w.width <= 400) record(`${label} overflow`, await checkOverflow(page), out);
              const thread = await checkThread(page, out, site.threadWords);
              if (thread.count > 0) record(`${label} thread (${thread.count} comments)`, thread.problems, out);
              const kbd = await checkKeyboard(page);
              record(`${label} keyboard (${kbd.count} focusable)`, kbd.problems, out);
              record(
                `${label} requests`,
                [...external.map((u) => `external request: ${u}`), ...errors.map((e) => `page error: ${e}`)],
                out,
              );
            }
            await context.close();
          }),
        );
        for (const c of configs) c.out.flush();
        const threadPage = Object.values(site.pages).find((p) => p.startsWith("/posts/"));
        const deepest = await (async () => {
          const { context } = await newContext(browser, { origin: server.origin, width: 1280, height: 800, scheme: "light" });
          const page = await context.newPage();
          await page.goto(server.origin + threadPage);
          const id = await page.evaluate(() => {
            const all = [...document.querySelectorAll("li.comment")].sort((a, b) => b.dataset.depth - a.dataset.depth);
            return all.length ? all[0].id : null;
          });
          await context.close();
          return id;
        })();
        if (deepest) {
          record(`${site.name} ${threadPage}#${deepest} reduced motion`, await checkReducedMotion(browser, server.origin, threadPage, deepest));
        }
        if (site.search) {
          const search = await checkSearch(browser, server.origin, site.search);
          record(`${site.name} /search/ ${JSON.stringify(site.search.query)} (${search.count} results)`, search.problems);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
    cleanup();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length) {
    console.log(`\nFailed checks:\n  ${failures.join("\n  ")}`);
  }
  console.log(`\nbrowser checks in ${seconds} s (axe could not decide on ${undecided} elements, SVG chart text among them: --verbose lists them)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
