import { stat, rm } from "node:fs/promises";
import path from "node:path";
import type { OutputFile } from "../model.js";
import { applyJournal, commitJournal, forgetJournal, recoverJournal } from "./journal.js";
import { hashBytes, loadBlocks, loadManifest, saveBlocks, saveManifest, type Manifest, type ManifestEntry } from "./manifest.js";
import { makeStaging, recoverInterruptedSwap, swapInto, writeFiles } from "./write-site.js";

// The write stage. Files arrive in batches as they are rendered (so the whole site is never held in
// memory) and are staged beside the output folder; nothing in the output folder changes before commit().
//
// Cold build (no cache, --no-cache, or an output folder none of whose files the cache describes): every file
// is written into a staging copy of the site, which is swapped in with two renames.
// Incremental build: each file's bytes are hashed and compared with the manifest; only files whose bytes
// changed are staged, then moved into place through a journal (see journal.ts). A no-op build writes
// nothing. A staging copy made of hard links was measured instead: at 10,000 articles the 12,760 folders
// alone cost 1-3 s to create and as much to delete, over 10% of a cold build, for a one-page change.

/**
 * An output file, with the fingerprint of its inputs when the renderer computed one; files made together
 * from one set of inputs (a feed's three formats, the sitemap's parts) name their group; a page's `base` is
 * the digest of its inputs but the blocks every page shows (so a page whose base is unchanged can be made
 * from its previous bytes by replacing the old block with the new).
 */
export type PlannedFile = OutputFile & { inputs?: string; group?: string; base?: string; hash?: string };

export interface WriteReport {
  /** Files of the site. */
  files: number;
  /** Files written or replaced in the output folder. */
  written: number;
  removed: number;
  cold: boolean;
}

export interface SiteWriter {
  /** True when the page at `outPath` was made from the same `inputs` last time: it need not be rendered. */
  unchanged(outPath: string, inputs: string): boolean;
  /** Keeps the page at `outPath` as it was, when the caller knows its inputs are unchanged; false if there is none. */
  keep(outPath: string): boolean;
  /**
   * True when the files of `group` were made from the same inputs last time (or, without `inputs`, were made):
   * they are kept, not made. `inputs` is called only when there are such files.
   */
  reuse(group: string, inputs?: () => string): boolean;
  /** The output folder (absolute), where pages made last time are read back (see previous-page.ts). */
  readonly folder: string;
  /** The hash of the page last written at `outPath`, if it was made from `base` (see PlannedFile). */
  previousHash(outPath: string, base: string): string | undefined;
  /** How this build saw the file at `outPath` when it checked a restored folder's files (see Manifest.verified). */
  seen(outPath: string): string | undefined;
  /** A block of HTML every page showed last time (Latest news), by name; `keep` records this build's. */
  previousBlock(name: string): string | undefined;
  keepBlock(name: string, html: string): void;
  stage(files: PlannedFile[]): Promise<void>;
  /** Makes the staged site the output. */
  commit(): Promise<WriteReport>;
  /** Throws the staged files away; the output folder stays as it was. */
  abort(): Promise<void>;
}

/** `manifest`: the output folder's manifest, loaded already (by the second thread); by default, loaded here. */
export async function openSiteWriter(outDir: string, options: { cache: boolean; manifest?: Promise<Manifest | undefined> }): Promise<SiteWriter> {
  const out = path.resolve(outDir);
  await recoverJournal(out);
  await recoverInterruptedSwap(out);
  const previous = options.cache ? await (options.manifest ?? loadManifest(out)) : undefined;
  const staging = await makeStaging(out);
  const next: Record<string, ManifestEntry> = {};
  // A manifest checked against a folder it did not describe is saved for this one, even if no file changes.
  const state = { moves: [] as [string, string][], changedEntries: previous?.rehomed === true, made: new Set<string>() };
  const blocks = { previous: previous ? await loadBlocks(out) : {}, next: {} as Record<string, string> };

  const groupsOf = () => groupsIn(previous?.files ?? {});
  const record = (file: string, entry: ManifestEntry, old: ManifestEntry | undefined) => {
    next[file] = entry;
    if (old?.hash !== entry.hash || old.inputs !== entry.inputs) state.changedEntries = true;
  };

  return {
    unchanged(outPath, inputs) {
      const old = previous?.files[outPath];
      if (old?.inputs !== inputs) return false;
      next[outPath] = old;
      return true;
    },
    keep(outPath) {
      const old = previous?.files[outPath];
      if (old?.inputs === undefined) return false;
      next[outPath] = old;
      return true;
    },
    reuse(group, inputsOf) {
      const kept = groupsOf().get(group) ?? [];
      if (kept.length === 0) return false;
      const inputs = inputsOf?.();
      if (inputs !== undefined && kept.some(([, entry]) => entry.inputs !== inputs)) return false;
      for (const [file, entry] of kept) next[file] = entry;
      return true;
    },
    folder: out,
    previousHash(outPath, base) {
      const entry = previous?.files[outPath];
      return entry?.base === base ? entry.hash : undefined;
    },
    seen: (outPath) => previous?.verified?.[outPath],
    previousBlock: (name) => blocks.previous[name],
    keepBlock(name, html) {
      blocks.next[name] = html;
    },
    async stage(planned) {
      // Pages are encoded once: the bytes are hashed and written (hashing a string would encode it again).
      const files = planned.map((f) => ("contents" in f && typeof f.contents === "string" ? { ...f, contents: Buffer.from(f.contents) } : f));
      const entries = await Promise.all(files.map(entryOf));
      if (!previous) {
        files.forEach((f, i) => (next[f.path] = entries[i]!));
        await writeFiles(files, staging, state.made);
        return;
      }
      const changed: OutputFile[] = [];
      files.forEach((file, i) => {
        const old = previous.files[file.path];
        record(file.path, entries[i]!, old);
        if (old?.hash === entries[i]!.hash) return;
        // Staged under a short flat name; the journal says where it goes.
        const name = String(state.moves.length);
        state.moves.push([name, file.path]);
        changed.push({ ...file, path: name });
      });
      await writeFiles(changed, staging, state.made);
    },
    async commit() {
      const files = Object.keys(next).length;
      // Written first: a page is made from its previous bytes only if they hold the block recorded here.
      await saveBlocks(out, blocks.next);
      if (!previous) {
        await swapInto(staging, out);
        await saveManifest(out, next);
        return { files, written: files, removed: 0, cold: true };
      }
      return commitIncremental(out, staging, previous, next, state);
    },
    abort: () => rm(staging, { recursive: true, force: true }),
  };
}

/**
 * The files of each group (feeds, sitemaps) in a manifest's entries, found in one pass when first asked, and
 * remembered with the entries: a manifest is never changed, and `build --watch` keeps one for the next build
 * (see keepManifests), which would otherwise go over its entries again (~0.15 s at 100,000 articles).
 */
function groupsIn(files: Record<string, ManifestEntry>): Map<string, [string, ManifestEntry][]> {
  let groups = groupsByFiles.get(files);
  if (groups) return groups;
  groups = new Map();
  for (const file in files) {
    const entry = files[file]!;
    if (entry.group === undefined) continue;
    const members = groups.get(entry.group);
    if (members) members.push([file, entry]);
    else groups.set(entry.group, [[file, entry]]);
  }
  groupsByFiles.set(files, groups);
  return groups;
}
const groupsByFiles = new WeakMap<Record<string, ManifestEntry>, Map<string, [string, ManifestEntry][]>>();

async function commitIncremental(
  out: string,
  staging: string,
  previous: Manifest,
  next: Record<string, ManifestEntry>,
  state: { moves: [string, string][]; changedEntries: boolean },
): Promise<WriteReport> {
  const removes = Object.keys(previous.files).filter((file) => !(file in next));
  const report = { files: Object.keys(next).length, written: state.moves.length, removed: removes.length, cold: false };
  if (state.moves.length === 0 && removes.length === 0) {
    await rm(staging, { recursive: true, force: true });
    if (state.changedEntries) await saveManifest(out, next);
    return report;
  }
  const journal = { staging, moves: state.moves, removes };
  await commitJournal(out, journal);
  try {
    await applyJournal(out, journal, next);
  } catch (cause) {
    await forgetJournal(out);
    throw cause;
  }
  return report;
}

async function entryOf(file: PlannedFile): Promise<ManifestEntry> {
  // Media can be large: a copied file is known by its source's size and time, not read to be hashed.
  const info = "copyFrom" in file ? await stat(file.copyFrom) : undefined;
  const entry: ManifestEntry = { hash: info ? `copy:${info.size}:${info.mtimeMs}` : (file.hash ?? hashBytes((file as { contents: string | Uint8Array }).contents)) };
  // Keys set one by one, in this order, not spread in: V8 made a new hidden class for each entry (see mergedData in eta.ts).
  if (file.inputs !== undefined) entry.inputs = file.inputs;
  if (file.group !== undefined) entry.group = file.group;
  if (file.base !== undefined) entry.base = file.base;
  return entry;
}
