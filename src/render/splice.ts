import type { SpliceJob } from "../parallel/second-thread-worker.js";
import type { TemplateSource } from "../config/load-templates.js";
import { showsOnlyItsItem } from "./eta.js";
import type { Route } from "../model.js";
import { previousBytes } from "../write/previous-page.js";
import type { PageRenderer, PageSink } from "./render-pages.js";

/**
 * Publishing a story changes Latest news on every page, and little else on most of them. A page whose other
 * inputs are unchanged is made from its previous bytes, the old Latest news block replaced by the new one:
 * a file read instead of Markdown and a template rendered. So is the Read also of every other story of the
 * story's category (see sharedReadAlso). The default theme prints these blocks as they are; in case a theme
 * does not, the first page of each kind made this way is also rendered and compared (here), and on any
 * difference this build renders every page. The other pages of a checked kind may be made on the second
 * thread (`away` gives the hash their previous bytes must have).
 */
export interface Splicer {
  here(route: Route, base: string): { bytes: Buffer } | undefined;
  away(route: Route, base: string): string | undefined;
  job(pages: { route: Route; hash: string }[]): SpliceJob;
}

/** This build's blocks, when the theme prints them as they are: Latest news, and each category's shared Read also. */
export interface Blocks {
  latestNews?: string;
  readAlso: ReadonlyMap<string, string>;
  /** The category whose shared Read also a page shows (see sharedReadAlso). */
  readAlsoOf(route: Route): string | undefined;
}

export const LATEST_NEWS = "latest-news";
export const readAlsoBlock = (category: string) => `read-also:${category}`;

export function splicer(sink: PageSink | undefined, blocks: Blocks, renderer: PageRenderer): Splicer {
  const none: Splicer = { here: () => undefined, away: () => undefined, job: () => ({ folder: "", blocks: {}, pages: [] }) };
  if (!sink) return none;
  // Each block a page may hold: its bytes last time and now, or not to be replaced (none kept last time, or
  // empty: such a page is rendered). An unchanged block is looked for all the same: a build stopped between
  // saving the blocks and its commit left pages without the block it recorded.
  const changes = new Map<string, [Buffer, Buffer] | "no">();
  const change = (name: string, now: string | undefined) => {
    let known = changes.get(name);
    if (known === undefined) {
      const before = sink.previousBlock(name);
      known = now === undefined || before === undefined || before === "" || now === "" ? "no" : [Buffer.from(before), Buffer.from(now)];
      changes.set(name, known);
    }
    return known;
  };
  /** The blocks to replace in a page, or undefined when one cannot be. */
  const replaced = (route: Route): string[] | undefined => {
    const names = [LATEST_NEWS];
    const category = blocks.readAlsoOf(route);
    if (category !== undefined) names.push(readAlsoBlock(category));
    const now = (name: string) => (name === LATEST_NEWS ? blocks.latestNews : blocks.readAlso.get(category!));
    return names.every((name) => change(name, now(name)) !== "no") ? names : undefined;
  };
  const pairs = (names: string[]) => names.map((name) => changes.get(name) as [Buffer, Buffer]);
  const kindOf = (route: Route, names: string[]) => `${route.kind} ${names.map((n) => n.split(":")[0]).join(" ")}`;
  // How many times the checked page of each kind held each block. A page of the kind is made from its bytes
  // only if they hold each as many times: a block's bytes may also be found in a list the page shows (a
  // theme whose Latest news is made of the same item partial as Read also), which the checked page, rendered
  // and compared, did not have.
  const checked = new Map<string, number[]>();
  let trusted = true;
  return {
    here(route, base) {
      const names = trusted ? replaced(route) : undefined;
      const hash = names && sink.previousHash(route.outPath, base);
      // This thread's read buffer (see previousBytes): spliced and counted before the render below reads anything.
      const old = hash === undefined ? undefined : previousBytes(sink.folder, route.outPath, hash, sink.seen?.(route.outPath));
      if (!old) return undefined;
      const kind = kindOf(route, names!);
      const counts = checked.get(kind);
      const bytes = spliceBlocks(old, pairs(names!), counts);
      if (!bytes) return undefined;
      if (!counts) {
        checked.set(kind, occurrences(old, pairs(names!)));
        const rendered = renderer.render(route);
        if (!("html" in rendered) || !bytes.equals(Buffer.from(rendered.html))) {
          trusted = false;
          return undefined;
        }
      }
      return { bytes };
    },
    away(route, base) {
      const names = trusted ? replaced(route) : undefined;
      return names && checked.has(kindOf(route, names)) ? sink.previousHash(route.outPath, base) : undefined;
    },
    job(pages) {
      const used: SpliceJob["blocks"] = {};
      const made = pages.map(({ route, hash }): SpliceJob["pages"][number] => {
        const names = replaced(route) ?? [];
        for (const name of names) used[name] ??= changes.get(name) as [Buffer, Buffer];
        return [route.outPath, hash, names, checked.get(kindOf(route, names)) ?? [], sink.seen?.(route.outPath)];
      });
      return { folder: sink.folder, blocks: used, pages: made };
    },
  };
}

/**
 * `old` with every occurrence of each block's old bytes replaced by its new ones, as bytes (a page is neither
 * decoded nor encoded again); undefined when a block is not in it (or not `counts[i]` times, when given), or
 * two occurrences overlap.
 */
export function spliceBlocks(old: Uint8Array, blocks: readonly (readonly [Uint8Array, Uint8Array])[], counts?: readonly number[]): Buffer | undefined {
  const page = Buffer.from(old.buffer, old.byteOffset, old.byteLength);
  const found: { at: number; length: number; after: Uint8Array }[] = [];
  for (const [i, [before, after]] of blocks.entries()) {
    const at = positions(page, before);
    if (at.length === 0 || (counts !== undefined && at.length !== counts[i])) return undefined;
    for (const start of at) found.push({ at: start, length: before.length, after });
  }
  found.sort((a, b) => a.at - b.at);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const { at, length, after } of found) {
    if (at < from) return undefined;
    parts.push(page.subarray(from, at), after);
    from = at + length;
  }
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

/** How many times `old` holds each block's old bytes (as spliceBlocks finds them). */
function occurrences(old: Uint8Array, blocks: readonly (readonly [Uint8Array, Uint8Array])[]): number[] {
  const page = Buffer.from(old.buffer, old.byteOffset, old.byteLength);
  return blocks.map(([before]) => positions(page, before).length);
}

/** Where `block` starts in `page`, each occurrence after the end of the one before. */
function positions(page: Buffer, block: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = page.indexOf(block); at !== -1; at = page.indexOf(block, at + block.length)) out.push(at);
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

/** The default theme's Read also: each story through the item partial, nothing between them. */
const READ_ALSO_LOOP = /<%\s*for\s*\(\s*const\s+item\s+of\s+it\.readAlso\s*\)\s*\{\s*%><%~\s*include\(\s*(["'])@partials\/item\1\s*,\s*\{\s*item\s*\}\s*\)\s*%><%\s*\}\s*%>/g;

/**
 * True when the templates show Read also only as the default theme does (READ_ALSO_LOOP, and whether it has
 * any story), and the item partial shows only its story (and whether to name its category, which an article
 * page does not say): then the block is the partial's output for each story of the list, and a page's block
 * can be replaced in its bytes. Any other use, on some pages only, would pass the check of the first page and
 * leave the others stale.
 */
export function printsReadAlsoAsItems(sources: readonly TemplateSource[]): boolean {
  const item = sources.find((s) => s.name === "@partials/item");
  if (!item || !showsOnlyItsItem(item.text)) return false;
  return sources.every((s) => !s.text.replace(READ_ALSO_LOOP, "").replace(/\bit\.readAlso\.length\s*>\s*0\b/g, "").includes("readAlso"));
}
