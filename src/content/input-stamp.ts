import { createHash } from "node:crypto";
import { lstatSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { scanFiles, type WalkSeen } from "./scan.js";
import { joinUnder } from "../config/display-path.js";

/**
 * A digest of the name, size and modification time of every file a build reads (everything under content/
 * and templates/ that a build does not ignore), with `settings` (options and Broadsheet's own identity).
 * Equal stamps mean equal inputs, as far as file times tell: what lets a no-op build stop before reading.
 *
 * `changed`: the paths a watcher reported since the last stamp (`build --watch`, once keepInputWalks() was
 * called). When each is a file the last walk listed and still a file, or a file that came and went (an
 * editor's temp file), only those are asked again (a walk of 10,000 articles is 10,000 stat calls, ~70-90 ms
 * of each edit's build); anything else (a file added or removed, a folder, a link in the tree) walks again.
 * `byEvents` says which: the watch checks such a stamp against a walk once idle (a watcher can miss changes).
 *
 * `goOn`: asked every few thousand files, after other work of this thread has had its turn; the walk is given
 * up (WalkGivenUp) when it says no. The watch's check runs in the CLI's thread and takes ~1 s at 100,000
 * articles: a change the watcher reports meanwhile is built at once, and the check is no longer needed.
 *
 * `listed`: told the content folder's files (relative paths with "/") once the walk is through that folder,
 * before the templates (see earlySecondThread in src/cli/build-command.ts).
 */
export async function inputStamp(
  contentDir: string,
  templatesDir: string,
  settings: unknown,
  changed?: readonly string[],
  goOn?: () => boolean,
  listed?: (files: readonly string[]) => void,
): Promise<{ stamp: string; stats: () => FileStats; byEvents: boolean }> {
  const head = JSON.stringify(settings);
  const fromEvents = changed && last && last.head === head && last.dirs === `${contentDir}\0${templatesDir}` ? restat(last, changed) : undefined;
  const walk = fromEvents ?? (await walkInputs(contentDir, templatesDir, head, goOn, listed));
  if (keeping) last = walk;
  return { stamp: walk.stamp, stats: walk.stats, byEvents: fromEvents !== undefined };
}

/** Size and time of each file the stamp covers, by path: loading reuses them instead of asking again. */
export type FileStats = Map<string, { size: number; mtimeMs: number }>;

/** A walk's result: the stamp's lines in walk order, and the folders. */
interface Walk {
  head: string;
  dirs: string;
  /** The digest of `head` and the stamp's lines. */
  stamp: string;
  /** Each file with its line: only in a walk that is kept (see keepInputWalks). */
  files: { abs: string; line: string }[];
  /** Position in `files`, by path. */
  at: Map<string, number>;
  /**
   * The files' sizes and times, made when first asked: a build with nothing to do never asks, and a map of
   * 4,000 paths took ~12 ms of its ~190 (the paths hashed, the table grown a dozen times, and all of it kept).
   */
  stats: () => FileStats;
  folders: Set<string>;
  /**
   * Only a walk will do: the walk met a symbolic link (a file reached through one is listed under the link's
   * path too, which no watcher reports), or listed a file twice (a templates folder inside the content folder).
   */
  walkOnly: boolean;
}

let keeping = false;
let last: Walk | undefined;

/** `build --watch`: keep each walk, for the next stamp to ask only the files a watcher reports (see inputStamp). */
export function keepInputWalks(): void {
  keeping = true;
}

/** A walk was given up (see inputStamp). */
export class WalkGivenUp extends Error {}

async function walkInputs(contentDir: string, templatesDir: string, head: string, goOn?: () => boolean, listed?: (files: readonly string[]) => void): Promise<Walk> {
  // What the stats are made from, when asked: each folder's files with their size and time, in walk order, then
  // the links that lead outside it (size and time -1).
  const found: Found[] = [];
  let stats: FileStats | undefined;
  const made = () => (stats ??= statsOf(found));
  const walk: Walk = { head, dirs: `${contentDir}\0${templatesDir}`, stamp: "", files: [], at: new Map(), stats: made, folders: new Set(), walkOnly: false };
  const lines = new StampHash(head);
  const breathe = goOn
    ? async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (!goOn()) throw new WalkGivenUp();
      }
    : undefined;
  for (const [label, dir] of [["content", contentDir], ["templates", templatesDir]] as const) {
    const join = joinUnder(dir);
    const seen: WalkSeen = { folders: [], linked: false };
    const outside: string[] = [];
    const numbers: number[] = [];
    const files = await scanFiles(dir, "", outside, seen, { numbers, ...(breathe && { breathe }) });
    if (label === "content") listed?.(files);
    const links: string[] = [];
    found.push({ join, files, numbers, links });
    files.forEach((rel, i) => {
      const line = `${label}/${rel}\u0000${numbers[2 * i]}\u0000${numbers[2 * i + 1]}`;
      lines.add(line);
      // Each file and where it is, only for a walk that is kept (a build without a watcher, a no-op one above all, has no use for them).
      if (keeping) {
        const abs = join(rel);
        if (walk.at.has(abs)) walk.walkOnly = true;
        walk.at.set(abs, walk.files.length);
        walk.files.push({ abs, line });
      }
    });
    // A link that leads outside the folder (or nowhere): under articles/, pages/ and media/ it is not read and
    // a build warns of it (symlink-outside); site.yml and authors.yml are read through it. Its coming, going,
    // new target or the size and time of what it leads to change the stamp, and it is listed with size and
    // time -1, which no build resumes with (see resumeCandidate); one that stays is in the last build's warnings.
    for (const rel of outside) {
      const abs = path.join(dir, rel);
      let target = "";
      let info: { size: number; mtimeMs: number } | undefined;
      try {
        target = readlinkSync(abs);
        info = statSync(abs, { throwIfNoEntry: false });
      } catch {
        // gone since the walk, or a loop: the next build sees
      }
      links.push(abs);
      const line = `${label}/${rel}\u0000outside\u0000${target}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`;
      lines.add(line);
      if (keeping) walk.files.push({ abs, line });
    }
    if (keeping) for (const folder of seen.folders) walk.folders.add(folder);
    walk.folders.add(path.normalize(dir));
    walk.walkOnly ||= seen.linked;
  }
  walk.stamp = lines.digest();
  // A kept walk's stats are made now: the next stamp's restat copies them.
  if (keeping) made();
  return walk;
}

/**
 * The stamp: `head` and each line after a line break, hashed a few hundred lines at a time. Kept whole until
 * the walk ended, the lines of 4,000 files were copied by every collection of the young generation meanwhile.
 */
class StampHash {
  private readonly sha = createHash("sha256");
  private lines: string[] = [];
  constructor(head: string) {
    this.sha.update(head);
  }
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length === 256) this.flush();
  }
  digest(): string {
    this.flush();
    return this.sha.digest("base64");
  }
  private flush(): void {
    if (this.lines.length > 0) this.sha.update(`\n${this.lines.join("\n")}`);
    this.lines = [];
  }
}

/** A folder's files as a walk found them: sizes and times as [size, time, …], and the links that lead outside it. */
interface Found {
  join: (rel: string) => string;
  files: readonly string[];
  numbers: number[];
  links: string[];
}

/** The stats of a walk's files, in walk order (see walkInputs); a link that leads outside has size and time -1. */
function statsOf(found: readonly Found[]): FileStats {
  const stats: FileStats = new Map();
  for (const { join, files, numbers, links } of found) {
    files.forEach((rel, i) => stats.set(join(rel), { size: numbers[2 * i]!, mtimeMs: numbers[2 * i + 1]! }));
    for (const abs of links) stats.set(abs, { size: -1, mtimeMs: -1 });
  }
  return stats;
}

/** The last walk with the reported files asked again; undefined when only a new walk will do. */
function restat(walk: Walk, changed: readonly string[]): Walk | undefined {
  if (walk.walkOnly || changed.length > 256) return undefined;
  const files = [...walk.files];
  const stats = new Map(walk.stats());
  for (const reported of changed) {
    const abs = path.normalize(reported);
    const i = walk.at.get(abs);
    let info;
    try {
      info = lstatSync(abs, { throwIfNoEntry: false });
    } catch {
      return undefined; // a folder on its path is a file now, or a link loop: as a walk finds it
    }
    if (i === undefined) {
      // Neither listed nor there: a temp file gone already. Anything else that was not listed is new.
      if (info === undefined && !walk.folders.has(abs)) continue;
      return undefined;
    }
    if (!info?.isFile()) return undefined;
    stats.set(abs, { size: info.size, mtimeMs: info.mtimeMs });
    const line = files[i]!.line;
    files[i] = { abs, line: `${line.slice(0, line.indexOf("\u0000"))}\u0000${info.size}\u0000${info.mtimeMs}` };
  }
  const lines = new StampHash(walk.head);
  for (const file of files) lines.add(file.line);
  return { ...walk, files, stamp: lines.digest(), stats: () => stats };
}
