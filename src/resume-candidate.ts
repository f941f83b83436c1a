import type { BuildOptions } from "./build.js";
import type { Checked } from "./build-stamp.js";
import type { FileStats } from "./content/input-stamp.js";
import { readSnapshotInputs, type SnapshotDoc, type SnapshotInputs, type SnapshotEdits } from "./write/site-snapshot.js";

// The first half of deciding whether a build may resume from the last build's snapshot (see build-resume.ts),
// from the snapshot's small file and the files' sizes and times alone: this module loads none of the
// pipeline, so the CLI asks it before choosing the thread a build runs in.

/** More edited files than this go the usual way, which parses them on two cores. */
const MOST_EDITED = 64;

/** A build that may resume, if the edited files' front matter proves unchanged. */
export interface ResumeCandidate {
  /** What the last build read, with the edits since its snapshot (see readSnapshotInputs). */
  stored: { read: SnapshotInputs; edits: SnapshotEdits; base: string };
  /** The changed files (absolute path, size and time now): each an article or page of that site whose body had no image. */
  edited: EditedFile[];
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
  const changed = changedFiles(stored.read.files, stats);
  if (!changed || changed.length === 0 || changed.length > MOST_EDITED) return undefined;
  const edited: EditedFile[] = [];
  for (const abs of changed) {
    const doc = stored.read.files.get(abs)?.doc;
    // Images in a body are processed and checked by line: such an edit takes the full way.
    if (!doc || doc.images) return undefined;
    edited.push({ abs, ...stats.get(abs)!, doc });
  }
  return { stored, edited };
}

/** The files whose size or time changed, or undefined when a file was added or removed. */
function changedFiles(before: ReadonlyMap<string, { size: number; mtimeMs: number }>, after: FileStats): string[] | undefined {
  if (before.size !== after.size) return undefined;
  const changed: string[] = [];
  for (const [file, now] of after) {
    const then = before.get(file);
    if (!then) return undefined;
    if (then.size !== now.size || then.mtimeMs !== now.mtimeMs) changed.push(file);
  }
  return changed;
}
