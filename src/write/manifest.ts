import { hash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeAtomically } from "./atomic-file.js";

// The incremental-build cache: for each file in the output folder, the hash of its bytes (and, for pages,
// the fingerprint of the inputs it was rendered from). It lives in .broadsheet-cache/ beside the output
// folder (git-ignored) and is trusted only for the very folder it describes: a folder replaced, deleted
// or restored from elsewhere has another identity, and the next build is cold.

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
  let info;
  try {
    info = statSync(dir, { bigint: true });
  } catch {
    return undefined;
  }
  return info.isDirectory() ? `${info.dev}:${info.ino}:${info.birthtimeNs}` : undefined;
}

/** The manifest of `outDir`, if there is one and it still describes that folder. */
export async function loadManifest(outDir: string): Promise<Manifest | undefined> {
  const text = await readFile(manifestPath(outDir), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.version !== VERSION || typeof manifest.files !== "object") return undefined;
  const current = manifest.folder === (await folderIdentity(outDir)) && manifest.tool === (await toolIdentity());
  return current ? manifest : undefined;
}

export async function saveManifest(outDir: string, files: Record<string, ManifestEntry>): Promise<void> {
  const folder = await folderIdentity(outDir);
  if (folder === undefined) return;
  const target = manifestPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  await writeAtomically(target, JSON.stringify({ version: VERSION, folder, tool: await toolIdentity(), files } satisfies Manifest));
}

let tool: Promise<string> | undefined;
/** Sizes and times of Broadsheet's compiled files (the folder this module runs from, and below). */
export function toolIdentity(): Promise<string> {
  tool ??= (async () => {
    const root = path.resolve(import.meta.dirname, "..");
    // Synchronous: a hundred stat calls through the thread pool took longer than the calls themselves.
    const entries = readdirSync(root, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && /\.[cm]?js$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
    const stamps = files.map((f) => {
      const info = statSync(f);
      return `${f.slice(root.length + 1)}:${info.size}:${info.mtimeMs}`;
    });
    return hashBytes(stamps.join("\n"));
  })();
  return tool;
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
