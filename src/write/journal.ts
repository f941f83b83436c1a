import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { mkdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { cacheDir, dropManifest, loadManifest, saveManifest, type ManifestEntry } from "./manifest.js";
import { dropStamp } from "./site-stamp.js";
import { inBatches, safeRelative } from "./write-site.js";

// An incremental build changes public/ in place, file by file, so it needs a commit point: the journal.
// Changed files are first written into a staging folder beside public/; then the journal (what moves
// where, what goes away) is saved in one rename — the commit point; then the moves are applied, and the new
// manifest saved. A build killed before the commit point leaves public/ as it was; one killed after it is
// finished by the next build (recoverJournal), because every step of applying can be repeated.
//
// The journal does not hold the new manifest (~0.9 MB of JSON at 4,000 articles): written there and again as
// the manifest, it was made and written twice per build, before the first page moved (~8 ms of a 60 ms
// `build --watch` edit). A killed build's journal is finished with the manifest it left, less the entries
// of every file the journal moves or removes: those pages are made and written again by the next build.

export interface Journal {
  staging: string;
  /** [file in staging, output path]. */
  moves: [string, string][];
  /** Output paths that the site no longer has. */
  removes: string[];
}

function journalPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.journal.json`);
}

/** Saves the journal: the commit point. */
export async function commitJournal(outDir: string, journal: Journal): Promise<void> {
  const target = journalPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(`${target}.tmp`, JSON.stringify(journal));
  await rename(`${target}.tmp`, target);
}

/**
 * `files`: the manifest once applied. Unknown when the journal is a killed build's (see recoverJournal): the
 * manifest it left, less the files the journal changes, then.
 */
export async function applyJournal(outDir: string, journal: Journal, files?: Record<string, ManifestEntry>): Promise<void> {
  const out = path.resolve(outDir);
  // Removed first: a file that goes away may stand where a moved file's folder goes, or be the folder a moved
  // file replaces (an alias /2019/05/story.html that became /2019/05/story.html/, or back).
  await inBatches(journal.removes, 64, (file) => rm(path.join(out, safeRelative(file)), { force: true }));
  await removeEmptyFolders(out, journal.removes);
  // Synchronous renames: for thousands of files, much cheaper than round trips through the thread pool. A
  // folder is made only for a file whose folder is new: a story published rewrites every page of the site,
  // a folder each, and making sure of each folder first cost two system calls a page.
  for (const [from, to] of journal.moves) {
    const source = path.join(journal.staging, from);
    const target = path.join(out, safeRelative(to));
    try {
      renameSync(source, target);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
      // Already moved by the run that was interrupted; or the file's folder is new.
      if (!existsSync(source)) continue;
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(source, target);
    }
  }
  const entries = files ?? (await untouchedEntries(out, journal));
  if (entries) await saveManifest(out, entries);
  else await dropManifest(out);
  await rm(journalPath(out), { force: true });
  await rm(journal.staging, { recursive: true, force: true });
}

/** The entries of the manifest in the cache but those of the files `journal` moves or removes. */
async function untouchedEntries(out: string, journal: Journal): Promise<Record<string, ManifestEntry> | undefined> {
  const manifest = await loadManifest(out);
  if (!manifest) return undefined;
  const files = Object.assign({}, manifest.files);
  for (const [, to] of journal.moves) delete files[to];
  for (const file of journal.removes) delete files[file];
  return files;
}

/**
 * Finishes a journal that a killed build committed but did not apply. If it cannot be applied (the
 * output folder was changed by hand meanwhile), the manifest is dropped so the next build is cold.
 */
export async function recoverJournal(outDir: string): Promise<void> {
  const text = readJournal(outDir);
  if (text === undefined) return;
  // The output changes under the last build's stamp: it no longer tells what the folder holds.
  await dropStamp(outDir);
  try {
    await applyJournal(outDir, JSON.parse(text) as Journal);
  } catch {
    await forgetJournal(outDir);
  }
}

// Synchronous: every build asks, there is almost never one, and a no-op build makes no other trip through the thread pool.
function readJournal(outDir: string): string | undefined {
  try {
    return readFileSync(journalPath(outDir), "utf8");
  } catch {
    return undefined;
  }
}

/** After a failure while applying: the next build must not trust the cache. */
export async function forgetJournal(outDir: string): Promise<void> {
  await dropManifest(outDir);
  await rm(journalPath(outDir), { force: true });
}

/** The folder of a removed article (politics/old-story/) goes too, when nothing else is in it. */
async function removeEmptyFolders(out: string, removed: string[]): Promise<void> {
  const folders = new Set<string>();
  for (const file of removed) {
    for (let dir = path.posix.dirname(file); dir !== "." && dir !== "/"; dir = path.posix.dirname(dir)) folders.add(dir);
  }
  // Deepest first, so a parent is tried after its children.
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) {
    await rmdir(path.join(out, safeRelative(dir))).catch(() => undefined);
  }
}
