import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { YamlPositions } from "../yaml/parse-yaml.js";

// The parse cache: each content file's front matter as parsed last time (plain data and positions), keyed by
// the digest of its bytes, with the size and time the file had then. A rebuild reads and parses only files
// whose size or time changed and whose bytes then differ: a newsroom's no-op build parses nothing, and one
// edit parses one file. After `git clone` every time differs, so each file is read and digested once, and
// still not parsed. Bodies are not kept: a cached document reads its body from the file when it is needed.
// The cache describes one content folder; entries never outlive the files they describe (a save keeps only
// the files of that build). It lives in .broadsheet-cache/ with the image cache, and is safe to delete.

const VERSION = 2;

export interface ParsedFile {
  /** Digest of the file's bytes. */
  source: string;
  /** Digest of the front matter's text (all before the body): the same head means the same fields at the same lines. */
  head: string;
  value: unknown;
  positions: YamlPositions;
  bodyLine: number;
  /** Where the body starts in the decoded text (LF line endings, no BOM). */
  bodyOffset: number;
  blankBody: boolean;
  bodyHasImages: boolean;
}

interface Entry extends ParsedFile {
  size: number;
  mtimeMs: number;
}

interface CacheFile {
  version: number;
  contentDir: string;
  /** null only in content.more.json: that file's entry is forgotten. */
  entries: Record<string, Entry | null>;
}

export interface ParseCache {
  /** The entry of `rel` if the file still has the size and time it had when it was cached. */
  byStat(rel: string, size: number, mtimeMs: number): ParsedFile | undefined;
  /** True when `rel` was cached (in whatever state). */
  has(rel: string): boolean;
  /** The entry of `rel` if its bytes are still the ones cached (remember it again with its new time). */
  bySource(rel: string, source: string): ParsedFile | undefined;
  remember(rel: string, size: number, mtimeMs: number, parsed: ParsedFile): void;
  /** Writes the cache for the files of this build (others are forgotten), if anything changed; the next build starts from it. */
  save(): Promise<void>;
}

/** The folder of the caches that describe `contentDir`: `cacheDir` if given, else .broadsheet-cache/ beside it. */
export function contentCacheDir(contentDir: string, cacheDir?: string): string {
  return cacheDir ?? path.join(path.dirname(path.resolve(contentDir)), ".broadsheet-cache");
}

/** The cache in `cacheDir` for `contentDir`; empty when `fresh` (a cold build), missing, or from another version. */
export function openParseCache(cacheDir: string, contentDir: string, options: { fresh: boolean }): ParseCache {
  const file = path.join(cacheDir, "content.json");
  const more = path.join(cacheDir, MORE);
  const root = path.resolve(contentDir);
  let previous = options.fresh ? {} : (readEntries(file, root) as Record<string, Entry>);
  // Files a resumed build read since the cache was written (see addToParseCache): their entries win.
  const added = options.fresh ? {} : readEntries(more, root);
  for (const [rel, entry] of Object.entries(added)) {
    if (entry) previous[rel] = entry;
    else delete previous[rel];
  }
  let next: Record<string, Entry> = {};
  let changed = options.fresh || Object.keys(added).length > 0;
  const keep = (rel: string, entry: Entry) => {
    next[rel] = entry;
    return entry;
  };
  return {
    byStat(rel, size, mtimeMs) {
      const old = previous[rel];
      return old && old.size === size && old.mtimeMs === mtimeMs ? keep(rel, old) : undefined;
    },
    has: (rel) => rel in previous,
    bySource(rel, source) {
      const old = previous[rel];
      return old?.source === source ? old : undefined;
    },
    remember(rel, size, mtimeMs, parsed) {
      changed = true;
      keep(rel, { ...parsed, size, mtimeMs });
    },
    async save() {
      const entries = next;
      const write = changed || Object.keys(entries).length !== Object.keys(previous).length;
      // A long-lived cache (the dev server's) starts its next build from this one.
      previous = entries;
      next = {};
      changed = false;
      if (!write) return;
      await mkdir(cacheDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify({ version: VERSION, contentDir: root, entries } satisfies CacheFile));
      await rename(temp, file);
      await rm(more, { force: true });
    },
  };
}

/** Entries added by builds that do not open the cache (resumed ones); merged into it when it is next opened. */
const MORE = "content.more.json";

/**
 * Remembers files a build read without opening the cache: a build resumed from the last build's snapshot
 * (build-resume.ts) reads the files it sees edited, and the next full build must not take their previous
 * entries for them (a file may yet get back the size and time of an entry, with other bytes).
 */
export function addToParseCache(cacheDir: string, contentDir: string, files: { rel: string; size: number; mtimeMs: number; parsed: ParsedFile }[]): void {
  const root = path.resolve(contentDir);
  const file = path.join(cacheDir, MORE);
  // null: the file's entry is forgotten (its front matter does not survive JSON; it is parsed each time).
  const entries = readEntries(file, root);
  for (const { rel, size, mtimeMs, parsed } of files) entries[rel] = survivesJson(parsed.value) ? { ...parsed, size, mtimeMs } : null;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ version: VERSION, contentDir: root, entries } satisfies CacheFile));
  renameSync(`${file}.${process.pid}.tmp`, file);
}

function readEntries(file: string, root: string): Record<string, Entry | null> {
  try {
    const cache = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    return cache.version === VERSION && cache.contentDir === root && typeof cache.entries === "object" ? cache.entries : {};
  } catch {
    return {}; // missing or damaged: a cache is only ever a shortcut
  }
}

/** True when JSON keeps `value` as it is (no NaN or ±Infinity from `.nan`/`.inf`, which JSON turns into null). */
export function survivesJson(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value === "object" && value !== null) return Object.values(value).every(survivesJson);
  return true;
}
