import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { compareText } from "../errors/diagnostic.js";

/** An article's or a page's file name. */
export const MARKDOWN = /\.(md|markdown)$/i;

/** Files editors' tools leave behind; never content. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith(".") || // hidden files and folders, .DS_Store, .#lock files
    name.endsWith("~") ||
    /\.(swp|swo|swx|tmp|bak|orig)$/i.test(name) ||
    name === "Thumbs.db" ||
    name === "desktop.ini"
  );
}

/**
 * Every file below `dir` (relative paths with "/"), sorted, ignoring editor leftovers.
 * Symbolic links are followed only when they stay inside `root`, and each real folder is
 * visited once, so a link loop cannot repeat files. Links that lead outside `root` (or nowhere) are
 * listed in `outside` so the caller can say why a file was not read.
 */
export async function scanFiles(root: string, dir: string, outside: string[] = [], seen?: WalkSeen, how: WalkOptions = {}): Promise<string[]> {
  const { numbers, breathe } = how;
  const realRoot = realPath(root) ?? path.resolve(root);
  const start = path.join(root, dir);
  const found: string[] = [];
  const visited = new Set<string>();
  let count = 0;
  // Synchronous calls, and a folder's real path is asked of the system only for the start and for links (a plain
  // subfolder's is its parent's plus its name): a no-op build is this walk, and a call per folder through the
  // thread pool, or a realpath of every folder, cost more than reading the folders.
  async function walk(abs: string, rel: string, real: string | undefined): Promise<void> {
    if (real === undefined || visited.has(real) || !isInside(realRoot, real)) return;
    visited.add(real);
    seen?.folders.push(abs);
    // Asked for sizes and times, the walk asks each entry (lstat), which tells its kind too; else the folder's
    // listing tells the kinds, with no call per entry.
    const names = numbers ? readdirSync(abs).sort(compareText) : undefined;
    const listed = numbers ? undefined : readdirSync(abs, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
    const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
    for (let i = 0; i < (names ?? listed!).length; i++) {
      const name = names ? names[i]! : listed![i]!.name;
      if (isIgnoredName(name)) continue;
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const childAbs = prefix + name;
      const info = names ? lstatSync(childAbs, { throwIfNoEntry: false }) : undefined;
      const entry = info ?? listed?.[i];
      if (entry === undefined) continue; // gone since the folder was listed
      if (entry.isFile()) {
        found.push(childRel);
        if (info) numbers!.push(info.size, info.mtimeMs);
        if (breathe && ++count % BREATHE_EVERY === 0) await breathe();
      } else if (entry.isDirectory()) {
        await walk(childAbs, childRel, path.join(real, name));
      } else if (entry.isSymbolicLink()) {
        if (seen) seen.linked = true;
        const target = realPath(childAbs);
        if (target === undefined || !isInside(realRoot, target)) {
          outside.push(childRel);
          continue;
        }
        const linked = statSync(target);
        // A link to this folder or one above it is a loop: everything under it is read already or elsewhere.
        if (linked.isDirectory() && isInside(target, real)) continue;
        if (linked.isDirectory()) await walk(childAbs, childRel, target);
        else if (linked.isFile()) {
          found.push(childRel);
          numbers?.push(linked.size, linked.mtimeMs);
        }
      }
    }
  }
  // A folder that is not there, or is a file: nothing in it (the build says which, see missingFolders).
  if (!isFolder(start)) return [];
  await walk(start, "", realPath(start));
  return found;
}

/** What a walk asks besides the files (see scanFiles). */
export interface WalkOptions {
  /**
   * Filled with each file's size and time, as [size, time, …] in the order of the list. A walk of 4,000 articles
   * that asks them of each entry took ~40 ms, against ~50 ms to list the folders' entries by kind, then stat each file.
   */
  numbers?: number[];
  /** Awaited every few thousand files, when given: other work of the thread has its turn, and it may stop the walk by throwing. */
  breathe?: () => Promise<void>;
}

/** Files between two calls of a walk's `breathe`: ~10-20 ms. */
const BREATHE_EVERY = 2000;

/** What a walk went through besides files: the folders it listed (as `root` + relative path), and any link. */
export interface WalkSeen {
  folders: string[];
  linked: boolean;
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    return undefined;
  }
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export type DecodeResult = { ok: true; text: string } | { ok: false; offset: number; line: number; column: number };

// Each decode without `stream` starts afresh, so one decoder serves every file.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Strict UTF-8 (bad bytes are an error, not U+FFFD), BOM removed, line endings made LF. */
export function decodeText(bytes: Uint8Array): DecodeResult {
  try {
    const text = STRICT_UTF8.decode(bytes);
    // Looking for a CR is ~10x cheaper than a replace that finds none (bodies are read twice a build).
    return { ok: true, text: text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset);
    // The column counts the characters before the bad byte on its line (the prefix decodes, by definition).
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const column = [...new TextDecoder("utf-8").decode(before.subarray(lineStart))].length + 1;
    return { ok: false, offset, line: before.filter((b) => b === 0x0a).length + 1, column };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that decodes, found by halving; streaming mode lets a prefix end inside a character.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // A prefix may end inside a character that the next byte breaks: the error is at that character's start.
  while (lo > 0 && !decodes(bytes.subarray(0, lo))) lo--;
  return lo;
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
