import type { SpliceJob } from "../parallel/second-thread-worker.js";
import type { TemplateSource } from "../config/load-templates.js";
import type { Route } from "../model.js";
import { previousBytes } from "../write/previous-page.js";
import type { PageRenderer, PageSink } from "./render-pages.js";

/**
 * Publishing a story changes Latest news on every page, and little else on most of them. A page whose other
 * inputs are unchanged is made from its previous bytes, the old Latest news block replaced by the new one:
 * a file read instead of Markdown and a template rendered. The default theme prints the block as it is; in
 * case a theme does not, the first page of each kind made this way is also rendered and compared (here), and
 * on any difference this build renders every page. The other pages of a checked kind may be made on the
 * second thread (`away` gives the hash their previous bytes must have).
 */
export interface Splicer {
  here(route: Route, base: string): { bytes: Buffer } | undefined;
  away(route: Route, base: string): string | undefined;
  job(pages: [string, string][]): SpliceJob;
}

export function splicer(sink: PageSink | undefined, latestNews: string, renderer: PageRenderer, sources: readonly TemplateSource[]): Splicer {
  const previous = sink?.previousBlock("latest-news");
  if (!sink || previous === undefined || previous === latestNews || previous === "" || !printsBlockAsIs(sources)) return { here: () => undefined, away: () => undefined, job: () => ({ folder: "", before: "", after: "", pages: [] }) };
  const before = Buffer.from(previous);
  const after = Buffer.from(latestNews);
  const checked = new Set<Route["kind"]>();
  let trusted = true;
  return {
    here(route, base) {
      const hash = trusted ? sink.previousHash(route.outPath, base) : undefined;
      const old = hash === undefined ? undefined : previousBytes(sink.folder, route.outPath, hash);
      const bytes = old && spliceBlock(old, before, after);
      if (!bytes) return undefined;
      if (!checked.has(route.kind)) {
        checked.add(route.kind);
        const rendered = renderer.render(route);
        if (!("html" in rendered) || !bytes.equals(Buffer.from(rendered.html))) {
          trusted = false;
          return undefined;
        }
      }
      return { bytes };
    },
    away: (route, base) => (trusted && checked.has(route.kind) ? sink.previousHash(route.outPath, base) : undefined),
    job: (pages) => ({ folder: sink.folder, before: previous, after: latestNews, pages }),
  };
}

/**
 * `old` with every occurrence of the block `before` replaced by `after`, as bytes (a page is neither decoded
 * nor encoded again); undefined when `before` is not in it.
 */
export function spliceBlock(old: Uint8Array, before: Uint8Array, after: Uint8Array): Buffer | undefined {
  const page = Buffer.from(old.buffer, old.byteOffset, old.byteLength);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let at = page.indexOf(before); at !== -1; at = page.indexOf(before, from)) {
    parts.push(page.subarray(from, at), after);
    from = at + before.length;
  }
  if (parts.length === 0) return undefined;
  parts.push(page.subarray(from));
  // A buffer of its own, not Buffer.concat's: that takes a page under 4 KB from Node's shared pool, whose
  // ArrayBuffer the second thread cannot hand over (Node 20 copies the whole pool; Node 22 throws).
  const out = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * True when the templates use Latest news only by printing it as it is (`<%~ it.latestNews %>`): then a page's
 * block can be replaced in its bytes. A theme that uses it otherwise on some pages only (its length, a part of
 * it) would pass the check of the first page of a kind and leave the others stale, so it is never spliced.
 */
export function printsBlockAsIs(sources: readonly TemplateSource[]): boolean {
  return sources.every((s) => !s.text.replace(/<%~\s*it\.latestNews\s*%>/g, "").includes("latestNews"));
}
