import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { OutputFile } from "../model.js";

const STAGING = ".staging-";
const PREVIOUS = ".previous-";

/**
 * Writes the whole site into a staging folder beside `outDir`, then swaps it into place. A build that
 * fails or is killed before the swap leaves the previous output as it was; leftovers are removed
 * by the next build. (Incremental builds go through openSiteWriter, which uses this for cold builds.)
 */
export async function writeSite(files: OutputFile[], outDir: string): Promise<void> {
  const out = path.resolve(outDir);
  await recoverInterruptedSwap(out);
  const staging = await makeStaging(out);
  try {
    await writeFiles(files, staging);
    await swapInto(staging, out);
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw cause;
  }
}

/**
 * The folder `outDir` must not be, contain or lie inside (content/, templates/): the swap replaces the
 * output folder as a whole, so an output folder there would delete or overwrite sources.
 */
export function overlappingFolder(outDir: string, sources: readonly string[]): string | undefined {
  const out = path.resolve(outDir);
  return sources.find((dir) => {
    const source = path.resolve(dir);
    return isWithin(out, source) || isWithin(source, out);
  });
}

function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** A fresh folder name beside `out`, on the same file system (so renames are atomic). */
export function stagingFolder(out: string): string {
  return `${out}${STAGING}${process.pid}-${Date.now().toString(36)}`;
}

/** A new staging folder beside `out`, made with the folders above it that are missing. */
export async function makeStaging(out: string): Promise<string> {
  const staging = stagingFolder(out);
  // One mkdir per missing folder: Node's recursive mkdir retries forever where a folder exists but cannot
  // hold a new one (`--out /proc/self/site` never ended); here that is an error at once.
  const missing: string[] = [];
  for (let at = staging; !existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== "EEXIST") throw cause;
    });
  }
  return staging;
}

/**
 * Writes files under `root`, creating folders as needed. Synchronously: a page is a few tens of KB that the
 * kernel takes into its cache at once, and thousands of writes through the thread pool (open, write, close:
 * three round trips each) cost several times more than the writes themselves.
 */
export async function writeFiles(files: OutputFile[], root: string, made = new Set<string>()): Promise<void> {
  for (const file of files) {
    const target = path.join(root, safeRelative(file.path));
    const folder = path.dirname(target);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    if ("copyFrom" in file) copyFileSync(file.copyFrom, target);
    else writeFileSync(target, file.contents);
  }
}

/** Rejects a path that would land outside the output folder. */
export function safeRelative(file: string): string {
  const normal = path.posix.normalize(file);
  if (normal === ".." || normal.startsWith("../") || path.posix.isAbsolute(normal) || normal.includes("\0") || normal === ".") {
    throw new Error(`refusing to write ${JSON.stringify(file)}: outside the output folder`);
  }
  return normal;
}

export async function swapInto(staging: string, out: string): Promise<void> {
  const previous = `${out}${PREVIOUS}${process.pid}-${Date.now().toString(36)}`;
  let moved = false;
  try {
    await rename(out, previous);
    moved = true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOENT") throw cause;
  }
  await rename(staging, out);
  if (moved) await rm(previous, { recursive: true, force: true });
}

/**
 * Cleans what a killed build left: staging folders, and a previous output that was moved aside
 * but not yet replaced (killed between the two renames) is put back.
 */
export async function recoverInterruptedSwap(out: string): Promise<void> {
  const parent = path.dirname(out);
  const base = path.basename(out);
  // Synchronous: a no-op build asks this and little else.
  const entries = listFolder(parent);
  const previous = entries.filter((e) => e.startsWith(base + PREVIOUS)).sort();
  const outExists = entries.includes(base);
  if (!outExists && previous.length > 0) await rename(path.join(parent, previous.pop()!), out);
  for (const leftover of [...previous, ...entries.filter((e) => e.startsWith(base + STAGING))]) {
    await rm(path.join(parent, leftover), { recursive: true, force: true });
  }
}

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
