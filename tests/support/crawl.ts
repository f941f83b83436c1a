import { load } from "cheerio";

export interface BrokenLink {
  url: string;
  status: number;
  /** A page that links to it. */
  from: string;
}

// Every attribute through which a page makes the browser or a reader fetch a same-origin URL.
const REFERENCES = "a[href], link[href], img[src], script[src], source[src], img[srcset], source[srcset]";

/**
 * Follows every same-origin reference from the start pages with plain HTTP requests (a page load in
 * a browser per page would take minutes on a busy machine) and returns those that do not answer 200.
 */
export async function crawl(origin: string, start: string[], concurrency = 8): Promise<{ visited: string[]; broken: BrokenLink[] }> {
  const seen = new Map<string, string>(start.map((u) => [u, "(start)"]));
  const queue = [...start];
  const broken: BrokenLink[] = [];
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const res = await fetch(origin + url, { redirect: "manual" });
      if (res.status !== 200) {
        broken.push({ url, status: res.status, from: seen.get(url)! });
        await res.body?.cancel();
        continue;
      }
      if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) {
        await res.body?.cancel();
        continue;
      }
      for (const ref of references(await res.text(), origin + url, origin)) {
        if (!seen.has(ref)) {
          seen.set(ref, url);
          queue.push(ref);
        }
      }
    }
  };
  // Workers stop when the queue is empty; new links found meanwhile get a second pass.
  while (queue.length > 0) await Promise.all(Array.from({ length: concurrency }, worker));
  return { visited: [...seen.keys()].sort(), broken: broken.sort((a, b) => a.url.localeCompare(b.url)) };
}

function references(html: string, base: string, origin: string): string[] {
  const $ = load(html);
  const found: string[] = [];
  $(REFERENCES).each((_, el) => {
    const values = [$(el).attr("href"), $(el).attr("src"), ...($(el).attr("srcset") ?? "").split(",").map((s) => s.trim().split(/\s+/)[0])];
    for (const value of values) {
      if (!value) continue;
      const url = new URL(value, base);
      if (url.origin === origin) found.push(url.pathname);
    }
  });
  return found;
}
