import path from "node:path";
import type { BuildOptions } from "./build.js";
import type { Checked } from "./build-stamp.js";
import type { FileStats } from "./content/input-stamp.js";
import { readSnapshotInputs, type SnapshotDoc, type SnapshotInputs, type SnapshotEdits } from "./write/site-snapshot.js";

// The first half of deciding whether a build may resume from the last build's snapshot (see build-resume.ts),
// from the snapshot's small file and the files' sizes and times alone: this module loads none of the
// pipeline, so the CLI asks it before choosing the thread a build runs in.

/** More edited files than this go the usual way, which parses them on two cores. */
const MOST_EDITED = 64;
/** More stories added than this go the usual way too. */
const MOST_ADDED = 16;

/** A build that may resume, if the edited files' front matter proves unchanged. */
export interface ResumeCandidate {
  /** What the last build read, with the edits since its snapshot (see readSnapshotInputs). */
  stored: { read: SnapshotInputs; edits: SnapshotEdits; base: string };
  /** The changed files (absolute path, size and time now): each an article or page of that site whose body had no image. */
  edited: EditedFile[];
  /** Markdown files added under content/articles/ (stories published). */
  added: { abs: string; size: number; mtimeMs: number }[];
}

export interface EditedFile {
  abs: string;
  size: number;
  mtimeMs: number;
  /** The document as the last build read it. */
  doc: SnapshotDoc;
}

/** The files this build must check before it may resume, or undefined when it must read everything. */
export function resumeCandidate(options: BuildOptions, checked: Checked | undefined): ResumeCandidate | undefined {
  const { last, stats, settings } = checked ?? {};
  if (options.noCache || options.dryRun || !last || !stats || settings === undefined) return undefined;
  if (options.now >= last.validUntil) return undefined;
  const stored = readSnapshotInputs(options.outDir, last.inputs);
  if (!stored || stored.read.settings !== settings || options.now < stored.read.now) return undefined;
  const found = changedFiles(stored.read.files, stats);
  if (!found) return undefined;
  const { changed, added } = found;
  if (changed.length + added.length === 0 || changed.length > MOST_EDITED || added.length > MOST_ADDED) return undefined;
  const edited: EditedFile[] = [];
  for (const abs of changed) {
    const doc = stored.read.files.get(abs)?.doc;
    // Images in a body are processed and checked by line: such an edit takes the full way.
    if (!doc || doc.images) return undefined;
    edited.push({ abs, ...stats.get(abs)!, doc });
  }
  // A link that leads outside the content folder or nowhere (size -1, see inputStamp) is warned of by the full way.
  if (!added.every(storyFile(options.contentDir)) || added.some((abs) => stats.get(abs)!.size < 0)) return undefined;
  return { stored, edited, added: added.map((abs) => ({ abs, ...stats.get(abs)! })) };
}

/** The files whose size or time changed, and the files added; undefined when a file was removed. */
function changedFiles(before: ReadonlyMap<string, { size: number; mtimeMs: number }>, after: FileStats): { changed: string[]; added: string[] } | undefined {
  const changed: string[] = [];
  const added: string[] = [];
  for (const [file, now] of after) {
    const then = before.get(file);
    if (!then) added.push(file);
    else if (then.size !== now.size || then.mtimeMs !== now.mtimeMs) changed.push(file);
  }
  return before.size + added.length === after.size ? { changed, added } : undefined;
}

/** Whether a path is a Markdown file under content/articles/ (a story, or a draft). */
function storyFile(contentDir: string): (abs: string) => boolean {
  // As the stamp's walk names them: the content folder as given, joined.
  const articles = path.join(contentDir, "articles") + path.sep;
  return (abs) => abs.startsWith(articles) && /\.(md|markdown)$/i.test(abs);
}
