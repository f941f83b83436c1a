import { afterAll, describe, expect, it } from "vitest";
import { loadContent } from "../src/content/load-content.js";
import { openSecondThread, type SecondThread } from "../src/parallel/second-thread.js";
import { buildSite, fixture, siteBytes, type BuiltSite } from "./helpers.js";

// Whatever the build's second thread fails to do (it ran out of its 384 MB, say), the main thread does: the
// site is the same as one built on one thread, and no error is reported for it.

/** A second thread that died before it could do anything. */
function deadThread(): SecondThread {
  return {
    parse: async () => undefined,
    parseAhead: () => {},
    parsedAhead: () => undefined,
    loadManifest: async () => undefined,
    times: async () => undefined,
    render: () => ({ inFlight: 0, ready: false, send: (_routes, _spare, _bodies, done) => done(undefined), started: Promise.resolve(), replied: async () => {} }),
    splice: async () => undefined,
    syndicate: async () => undefined,
    close: async () => {},
  };
}

const built: BuiltSite[] = [];
afterAll(() => Promise.all(built.map((b) => b.cleanup())));

async function contentsOf(site: BuiltSite): Promise<Map<string, string>> {
  built.push(site);
  return siteBytes(site);
}

describe("a second thread that fails", () => {
  it("leaves the front matter to the main thread: the same documents and problems", async () => {
    const plain = (docs: Awaited<ReturnType<typeof loadContent>>) => ({
      articles: docs.articles.map((d) => ({ file: d.file, value: d.data.value, positions: d.data.positions, bodyLine: d.bodyLine, source: d.source })),
      diagnostics: docs.diagnostics,
    });
    const alone = plain(await loadContent(fixture("newsroom"), undefined, { parallelFrom: Infinity }));
    const left = plain(await loadContent(fixture("newsroom"), undefined, { parallelFrom: 0, second: deadThread() }));
    expect(alone.articles.length).toBeGreaterThan(20);
    expect(left).toEqual(alone);
  });

  it("leaves the pages, feeds and sitemaps to the main thread: the same site, byte for byte", async () => {
    const alone = await buildSite(fixture("newsroom"), { workerThreshold: Infinity });
    const left = await buildSite(fixture("newsroom"), { second: deadThread() });
    expect(left.result.diagnostics).toEqual(alone.result.diagnostics);
    const [a, b] = [await contentsOf(alone), await contentsOf(left)];
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()]).toEqual(expect.arrayContaining(["feed.xml", "sitemap.xml", "index.html"]));
    for (const [file, bytes] of a) expect(b.get(file), file).toBe(bytes);
  });
});

describe("closing the second thread", () => {
  // A build lets the thread end while it writes its last files, and closes it again before it returns: the
  // second close must wait for the same end, not forever (it once removed the listener the first one waited with).
  it("ends once, however many times it is closed, even while it is ending", async () => {
    const thread = openSecondThread();
    expect(await thread.parse([], false)).toEqual([]);
    const first = thread.close();
    const second = thread.close();
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve("hung"), 5000).unref());
    expect(await Promise.race([Promise.all([first, second]).then(() => "closed"), hung])).toBe("closed");
    expect(await Promise.race([thread.close().then(() => "closed"), hung])).toBe("closed");
  });
});
