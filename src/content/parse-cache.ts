import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeAtomically, writeAtomicallySync } from "../write/atomic-file.js";
import type { YamlPositions } from "../yaml/parse-yaml.js";

// The parse cache: each content file's front matter as parsed last time (plain data and positions), keyed by
// the digest of its bytes, with the size and time the file had then. A rebuild reads and parses only files
// whose size or time changed and whose bytes then differ: a newsroom's no-op build parses nothing, and one
// edit parses one file. After `git clone` every time differs, so each file is read and digested once, and
// still not parsed. Bodies are not kept: a cached document reads its body from the file when it is needed.
// The cache describes one content folder; entries never outlive the files they describe (a save keeps only
// the files of that build). It lives in .broadsheet-cache/ with the image cache, and is safe to delete.
//
// A build resumed from the last build's snapshot (build-resume.ts) reads the files it finds edited without
// opening this cache, whose entries for them then describe older states: a file could yet get back the size
// and time of such an entry with other bytes. Rewriting content.json for one edit costs ~0.1 s at 10,000
// articles, so such a build writes its files' entries to content.more.json instead, which the next full build
// takes in. The two files name each other: each save of content.json gets a new `generation`, and writes an
// empty content.more.json for it. content.json is trusted only with the content.more.json of its own
// generation, so a more file deleted, left by another content folder or by a save killed half-way, or never
// written, makes the cache start empty rather than give an older state of a file.

const VERSION = 3;

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
  /** Made anew by each save. */
  generation: string;
  entries: Record<string, Entry>;
}

/** Entries read since content.json of generation `base` was saved; null: the file's entry is forgotten. */
interface MoreFile {
  version: number;
  contentDir: string;
  base: string;
  entries: Record<string, Entry | null>;
}

export interface ParseCache {
  /** The entry of `rel` if the file still has the size and time it had when it was cached. */
  byStat(rel: string, size: number, mtimeMs: number): ParsedFile | undefined;
  /** True when `rel` was cached (in whatever state). */
  has(rel: string): boolean;
  /** The entry of `rel` if its bytes are still the ones cached (remember it again with its new time). */
  bySource(rel: string, source: string): ParsedFile | undefined;
  /**
   * Keeps `parsed` as the entry of `rel`, if JSON keeps its value as it is. Taken in when saved: a cold build
   * parses thousands of files, and the second thread waits for the site, not for the cache.
   */
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
  const moreFile = path.join(cacheDir, MORE);
  const root = path.resolve(contentDir);
  const cache = options.fresh ? undefined : (readJson(file, root) as CacheFile | undefined);
  const more = cache && (readJson(moreFile, root) as MoreFile | undefined);
  const trusted = cache !== undefined && more?.base === cache.generation;
  let previous: Record<string, Entry> = {};
  if (trusted) {
    previous = cache.entries;
    for (const [rel, entry] of Object.entries(more.entries)) {
      if (entry) previous[rel] = entry;
      else delete previous[rel];
    }
  }
  let next: Record<string, Entry> = {};
  let remembered: [string, number, number, ParsedFile][] = [];
  // Saved even if no file changed when the more file has entries to take in, or the pair did not match.
  let changed = !trusted || Object.keys(more.entries).length > 0;
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
      remembered.push([rel, size, mtimeMs, parsed]);
    },
    async save() {
      for (const [rel, size, mtimeMs, parsed] of remembered) {
        if (!survivesJson(parsed.value)) continue;
        changed = true;
        // Not { ...parsed, size, mtimeMs }: V8 made a new hidden class for each (see mergedData in render/eta.ts).
        keep(rel, Object.assign({}, parsed, { size, mtimeMs }));
      }
      remembered = [];
      const entries = next;
      const write = changed || Object.keys(entries).length !== Object.keys(previous).length;
      // A long-lived cache (the dev server's) starts its next build from this one.
      previous = entries;
      next = {};
      changed = false;
      if (!write) return;
      await mkdir(cacheDir, { recursive: true });
      const generation = randomUUID();
      await writeAtomically(file, JSON.stringify({ version: VERSION, contentDir: root, generation, entries } satisfies CacheFile));
      await writeAtomically(moreFile, JSON.stringify({ version: VERSION, contentDir: root, base: generation, entries: {} } satisfies MoreFile));
    },
  };
}


/** Entries of files read by builds that did not open the cache (resumed ones), for the cache's generation. */
const MORE = "content.more.json";

/**
 * Records files a build read without opening the cache (a resumed build's edited files) in content.more.json,
 * for the next full build. Without a more file of this content folder, content.json is not trusted anyway.
 */
export function addToParseCache(cacheDir: string, contentDir: string, files: { rel: string; size: number; mtimeMs: number; parsed: ParsedFile }[]): void {
  const root = path.resolve(contentDir);
  const file = path.join(cacheDir, MORE);
  const more = readJson(file, root) as MoreFile | undefined;
  if (!more) return;
  for (const { rel, size, mtimeMs, parsed } of files) more.entries[rel] = survivesJson(parsed.value) ? { ...parsed, size, mtimeMs } : null;
  writeAtomicallySync(file, JSON.stringify(more satisfies MoreFile));
}

/** content.json or content.more.json of this version and content folder; undefined if missing or damaged. */
function readJson(file: string, root: string): CacheFile | MoreFile | undefined {
  try {
    const read = JSON.parse(readFileSync(file, "utf8")) as (CacheFile | MoreFile) & { entries: unknown };
    return read.version === VERSION && read.contentDir === root && typeof read.entries === "object" && read.entries !== null ? read : undefined;
  } catch {
    return undefined; // a cache is only ever a shortcut
  }
}

/** True when JSON keeps `value` as it is (no NaN or ±Infinity from `.nan`/`.inf`, which JSON turns into null). */
export function survivesJson(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value === "object" && value !== null) return Object.values(value).every(survivesJson);
  return true;
}
