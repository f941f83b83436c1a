import { hash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileIdentity, writeAtomically } from "./atomic-file.js";
import { readTransient, seenAs } from "./read-file.js";
import { toolIdentity } from "./tool-identity.js";
import { safeRelative } from "./write-site.js";

// The incremental-build cache: for each file in the output folder, the hash of its bytes (and, for pages,
// the fingerprint of the inputs it was rendered from). It lives in .broadsheet-cache/ beside the output
// folder (git-ignored) and is trusted as it is only for the very folder it describes. A folder with another
// identity (restored from a CI cache with the cache folder, copied, replaced) has its files checked against
// the entries first: an entry holds only for a file whose bytes are the ones it names (see loadManifest).

const VERSION = 2;

export interface ManifestEntry {
  /** Hash of the file's bytes (or of a copied file's size and time). */
  hash: string;
  /** Fingerprint of a page's inputs, when the renderer gave one. */
  inputs?: string;
  /** The files made together from `inputs` (a feed's formats, the sitemap's parts). */
  group?: string;
  /** A page's inputs but the blocks every page shows. */
  base?: string;
}

export interface Manifest {
  version: number;
  /** Identity of the output folder the entries describe. */
  folder: string;
  /** Identity of Broadsheet's own code: another version may render the same inputs differently. */
  tool: string;
  files: Record<string, ManifestEntry>;
  /** Set (never saved) when the entries were checked against a folder they did not describe: save them anew. */
  rehomed?: true;
  /**
   * Set (never saved) with `rehomed`: how each file whose bytes were checked was seen then (see seenAs), by path.
   * A page made from its previous bytes in the same build need not have them hashed again (see previousBytes).
   */
  verified?: Record<string, string>;
}

export function cacheDir(outDir: string): string {
  return path.join(path.dirname(path.resolve(outDir)), ".broadsheet-cache");
}

export function manifestPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.manifest.json`);
}

/** Whether an earlier build left a manifest for `outDir` (a build without one is cold). */
export function hasManifest(outDir: string): boolean {
  return existsSync(manifestPath(outDir));
}

export function hashBytes(contents: string | Uint8Array): string {
  // SHA-256 of bytes runs on the CPU's SHA instructions: 4x faster here than SHA-1 of the same page as a string.
  return hash("sha256", contents, "base64");
}

/** dev, inode and birth time of the folder: changes when the folder is swapped, removed or restored. */
export async function folderIdentity(dir: string): Promise<string | undefined> {
  return folderIdentityNow(dir);
}

export function folderIdentityNow(dir: string): string | undefined {
  let info;
  try {
    info = statSync(dir, { bigint: true });
  } catch {
    return undefined;
  }
  return info.isDirectory() ? `${info.dev}:${info.ino}:${info.birthtimeNs}` : undefined;
}

/**
 * The manifest of `outDir`, if there is one written by this Broadsheet (`tool`: its identity, as the thread that
 * writes the manifest knows it; by default this thread's), with the entries that hold for that folder.
 */
export async function loadManifest(outDir: string, tool?: string): Promise<Manifest | undefined> {
  const file = manifestPath(outDir);
  let manifest: Manifest;
  if (kept?.file === file && kept.identity === fileIdentity(file)) manifest = kept.manifest;
  else {
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      manifest = JSON.parse(text) as Manifest;
    } catch {
      return undefined;
    }
  }
  if (manifest.version !== VERSION || typeof manifest.files !== "object" || manifest.tool !== (tool ?? (await toolIdentity()))) return undefined;
  const folder = await folderIdentity(outDir);
  if (folder === undefined) return undefined;
  if (manifest.folder === folder) return manifest;
  const { files, verified } = filesStillThere(outDir, manifest.files);
  // Nothing holds (an emptied or unrelated folder): a cold build, which replaces the folder, is cheaper.
  return Object.values(files).some((entry) => entry.hash !== "") ? { ...manifest, files, rehomed: true, verified } : undefined;
}

/**
 * The entries of a manifest written for another folder (a CI runner restores the output folder and the cache
 * folder from its cache: a new folder, with the files of the last build), checked against the files of
 * `outDir`: an entry whose file has other bytes, or is missing, keeps only its path (a hash no file has), so
 * that its page is made again or, if the site has it no more, removed. A group (a feed's formats) with such a
 * file is made again whole. Copied files (content/media) are known by their source, not their bytes: copied
 * again. Reading and hashing every file costs a fraction of a cold build (~0.3 s for 5,000 pages).
 */
function filesStillThere(outDir: string, files: Record<string, ManifestEntry>): { files: Record<string, ManifestEntry>; verified: Record<string, string> } {
  const checked: Record<string, ManifestEntry> = {};
  const verified: Record<string, string> = {};
  const broken = new Set<string>();
  for (const [file, entry] of Object.entries(files)) {
    let read: ReturnType<typeof readTransient> | undefined;
    try {
      read = entry.hash.startsWith("copy:") ? undefined : readTransient(path.join(outDir, safeRelative(file)));
    } catch {
      read = undefined; // missing, or a path that would leave the folder (a damaged manifest)
    }
    if (read && hashBytes(read.bytes) === entry.hash) {
      checked[file] = entry;
      verified[file] = seenAs(read.info);
    } else {
      checked[file] = { hash: "" };
      if (entry.group !== undefined) broken.add(entry.group);
    }
  }
  for (const [file, entry] of Object.entries(checked)) {
    if (entry.group !== undefined && broken.has(entry.group)) checked[file] = { hash: entry.hash };
  }
  return { files: checked, verified };
}

export async function saveManifest(outDir: string, files: Record<string, ManifestEntry>): Promise<void> {
  const folder = await folderIdentity(outDir);
  if (folder === undefined) return;
  const target = manifestPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  const manifest: Manifest = { version: VERSION, folder, tool: await toolIdentity(), files };
  kept = undefined;
  await writeAtomically(target, JSON.stringify(manifest));
  if (keeping) {
    const identity = fileIdentity(target);
    if (identity !== undefined) kept = { file: target, identity, manifest };
  }
}

let keeping = false;
/** The manifest this thread saved last, while its file is the one it wrote (see keepManifests). */
let kept: { file: string; identity: string; manifest: Manifest } | undefined;

/**
 * `build --watch`: keep the manifest each build saves, for the next build to use while its file is the same
 * file (its device, inode, size and time), instead of reading and parsing it again (~20 ms at 10,000
 * articles). Its readers never change a manifest: each build makes a new one.
 */
export function keepManifests(): void {
  keeping = true;
}

function blocksPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.blocks.json`);
}

/** The blocks of HTML every page of the last build showed (Latest news), by name. */
export async function loadBlocks(outDir: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(blocksPath(outDir), "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

export async function saveBlocks(outDir: string, blocks: Record<string, string>): Promise<void> {
  const target = blocksPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  await writeAtomically(target, JSON.stringify(blocks));
}

export async function dropManifest(outDir: string): Promise<void> {
  await rm(manifestPath(outDir), { force: true });
}
