/// <reference lib="dom" />
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, fixture, listFiles, ROOT, type BuiltSite } from "./helpers.js";
import { launchChromium, seriousAxeViolations } from "./support/browser.js";
import { crawl } from "./support/crawl.js";
import { buildDemo, samplePages, type PageType } from "./support/sites.js";
import { serveStatic, type StaticServer } from "./support/static-server.js";

// The demo site in Debian's Chromium, at a phone width and a desktop width. Links are crawled over
// HTTP from Node; the browser loads one page of each type for what only a browser can tell.

const ARTIFACTS = path.join(ROOT, "tests", "artifacts");
const WIDTHS = [375, 1280] as const;

let site: BuiltSite;
let server: StaticServer;
let browser: Browser;
let pages: Map<PageType, string>;

beforeAll(async () => {
  site = await buildDemo();
  pages = await samplePages(site.out);
  server = await serveStatic(site.out);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.cleanup();
});

interface Visit {
  page: Page;
  context: BrowserContext;
  problems: string[];
}

/** Opens a URL at a width, recording console errors and failed same-origin requests. */
async function visit(url: string, width: number, options: { colorScheme?: "dark" } = {}): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 740 : 900 }, colorScheme: options.colorScheme ?? "light" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => r.url().startsWith(server.origin) && problems.push(`failed: ${r.url()}`));
  page.on("response", (r) => r.url().startsWith(server.origin) && r.status() >= 400 && problems.push(`${r.status()}: ${r.url()}`));
  // Sums layout shifts from the first paint on (system fonts, reserved image boxes: there should be none).
  await page.addInitScript(() => {
    const w = window as unknown as { layoutShift: number };
    w.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number }[]) w.layoutShift += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(server.origin + url, { waitUntil: "load" });
  return { page, context, problems };
}

const box = async (page: Page, selector: string) => {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not visible`);
  return b;
};

describe("links", () => {
  it("every same-origin link of every page resolves", async () => {
    const start = (await listFiles(site.out)).filter((f) => f.endsWith(".html")).map((f) => `/${f.replace(/index\.html$/, "")}`);
    const { visited, broken } = await crawl(server.origin, start);
    expect(visited.length).toBeGreaterThan(start.length);
    expect(broken).toEqual([]);
  });
});

describe.each(WIDTHS)("at %i px", (width) => {
  it("every page type loads cleanly without layout shift, passes axe and has one h1, landmarks and alt text", async () => {
    const report: Record<string, unknown> = {};
    for (const [type, url] of pages) {
      const { page, context, problems } = await visit(url, width);
      const facts = await page.evaluate(() => ({
        h1: document.querySelectorAll("h1").length,
        landmarks: ["header", "nav", "main", "aside", "footer"].filter((s) => !document.querySelector(s)),
        imagesWithoutAlt: document.querySelectorAll("img:not([alt])").length,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        layoutShift: (window as unknown as { layoutShift: number }).layoutShift,
      }));
      const axe = (await seriousAxeViolations(page)).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.slice(0, 3).join(", ")}`);
      const bad = {
        ...(problems.length > 0 && { problems }),
        ...(facts.h1 !== 1 && { h1: facts.h1 }),
        ...(facts.landmarks.length > 0 && { missingLandmarks: facts.landmarks }),
        ...(facts.imagesWithoutAlt > 0 && { imagesWithoutAlt: facts.imagesWithoutAlt }),
        ...(facts.overflow > 0 && { horizontalScroll: facts.overflow }),
        ...(facts.layoutShift > 0.01 && { layoutShift: facts.layoutShift }),
        ...(axe.length > 0 && { axe }),
      };
      if (Object.keys(bad).length > 0) report[`${type} ${url}`] = bad;
      await context.close();
    }
    expect(report).toEqual({});
  });

  it("has a skip link and a visible focus ring for keyboard users", async () => {
    const { page, context } = await visit(pages.get("article with dek")!, width);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { text: el.textContent, outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), onScreen: r.left >= 0 && r.top >= 0 && r.width > 0 };
    });
    expect(focused).toEqual({ text: "Skip to content", outline: "solid", outlineWidth: expect.any(Number), onScreen: true });
    expect(focused.outlineWidth).toBeGreaterThanOrEqual(2);
    await page.keyboard.press("Enter");
    // Following an in-page link completes after the key press returns: wait for it, do not race it.
    await page.waitForFunction(() => location.hash === "#main");
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { inMain: !!el.closest("main"), outline: getComputedStyle(el).outlineStyle };
    });
    expect(next).toEqual({ inMain: true, outline: "solid" });
    await context.close();
  });

  it("shows the article, Read also and Latest news where the design puts them", async () => {
    const url = pages.get("article with image") ?? pages.get("article with dek")!;
    const { page, context } = await visit(url, width);
    const main = await box(page, "main");
    const readAlso = await box(page, ".read-also");
    const latest = await box(page, "aside .latest-news");
    const headline = await box(page, "h1");
    expect(headline.y + headline.height).toBeLessThan(page.viewportSize()!.height);
    expect(readAlso.y).toBeGreaterThan(headline.y);
    await expect(page.locator(".read-also .cards > li").count()).resolves.toBeGreaterThan(0);
    if (width < 960) {
      // Phones: one column, Latest news after the article and its Read also.
      expect(latest.y).toBeGreaterThanOrEqual(readAlso.y + readAlso.height);
    } else {
      // Desktop: Latest news is a sidebar beside the article, starting at the top.
      expect(latest.x).toBeGreaterThanOrEqual(main.x + main.width);
      expect(latest.y).toBeLessThan(headline.y + 200);
    }
    await expect(page.locator("aside .latest-news a").last().textContent()).resolves.toBe("All news");
    await page.screenshot({ path: path.join(ARTIFACTS, `article-${width}.png`), fullPage: true });
    await context.close();
  });

  it("opens the home page with the lead story in the first screen", async () => {
    const { page, context } = await visit("/", width);
    const lead = await box(page, ".lead-story h2");
    expect(lead.y + lead.height).toBeLessThan(page.viewportSize()!.height);
    await page.screenshot({ path: path.join(ARTIFACTS, `home-${width}.png`), fullPage: true });
    await context.close();
  });
});

describe("dark mode and print", () => {
  it("renders the article dark and in print for a person to look at", async () => {
    const url = pages.get("article with image") ?? pages.get("article with dek")!;
    const dark = await visit(url, 1280, { colorScheme: "dark" });
    const colors = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(colors).not.toBe("rgb(255, 255, 255)");
    await dark.page.screenshot({ path: path.join(ARTIFACTS, "article-1280-dark.png"), fullPage: true });
    await dark.page.emulateMedia({ media: "print", colorScheme: "light" });
    const hidden = await dark.page.evaluate(() => ["aside", ".site-nav", ".read-also"].map((s) => getComputedStyle(document.querySelector(s)!).display));
    expect(hidden).toEqual(["none", "none", "none"]);
    await dark.page.screenshot({ path: path.join(ARTIFACTS, "article-print.png"), fullPage: true });
    await dark.context.close();
  });
});

describe("an embed, in the browser", () => {
  it("asks nothing of another site until the reader clicks it, then plays in place", async () => {
    const embeds = await buildSite(fixture("embeds"));
    const own = await serveStatic(embeds.out);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      // No network here: every request to another host is recorded and refused.
      const elsewhere: string[] = [];
      await context.route("**/*", (route) => {
        if (route.request().url().startsWith(own.origin)) return route.continue();
        elsewhere.push(route.request().url());
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${own.origin}/local/all-embeds/`, { waitUntil: "load" });
      const facades = page.locator("a[data-embed-src]");
      await expect(facades.count()).resolves.toBe(2);
      await expect(page.locator("iframe").count()).resolves.toBe(0);
      expect(elsewhere).toEqual([]);

      // A click with a modifier key keeps the link (the reader wants it in a new tab).
      const chart = page.locator('a[data-embed-title="Oil exports by month"]');
      await chart.evaluate((a) => a.addEventListener("click", (e) => e.preventDefault()));
      await chart.click({ modifiers: ["Control"] });
      await expect(page.locator("iframe").count()).resolves.toBe(0);

      await page.locator('a[data-embed-title="Big Buck Bunny, the trailer"]').click();
      const frame = page.locator("iframe");
      await frame.waitFor();
      expect(await frame.evaluate((f: HTMLIFrameElement) => ({ src: f.src, title: f.title, focused: document.activeElement === f, fullscreen: f.allowFullscreen }))).toEqual({
        src: "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        title: "Big Buck Bunny, the trailer",
        focused: true,
        fullscreen: true,
      });
      await expect(facades.count()).resolves.toBe(1);
      await expect.poll(() => elsewhere).toEqual(["https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await own.close();
      await embeds.cleanup();
    }
  });
});
