import path from "node:path";
import type { BuildOptions, BuildResult } from "./build.js";
import { WalkGivenUp, inputStamp, type FileStats } from "./content/input-stamp.js";
import type { ResumeCandidate } from "./resume-candidate.js";
import { recoverJournal } from "./write/journal.js";
import { dropStamp, readStamp, type SiteStamp } from "./write/site-stamp.js";
import { overlappingFolder, recoverInterruptedSwap } from "./write/write-site.js";
import { outputFolderProblem } from "./write/output-folder.js";

// Before a build reads anything: a build whose inputs (every file, by size and time, and the options) are
// those of the last build into the same output folder, before that build's site could change with the clock,
// has nothing to do. This module loads none of the pipeline, so such a build costs a directory walk.

export interface Checked {
  /** The stamp to record once this build has committed. */
  stamp?: string;
  /** The options the stamp covers, as text: a build may resume from a snapshot made with the same ones. */
  settings?: string;
  stats?: FileStats;
  /** The stamp of the last build into the same folder, valid for it (see build-resume.ts). */
  last?: SiteStamp;
  /**
   * Whether the build may resume from the last build's snapshot, when the caller asked resumeCandidate()
   * already (false: it may not); else the build asks.
   */
  candidate?: ResumeCandidate | false;
  /** The build's result when there is nothing to do. */
  unchanged?: BuildResult;
  /** `stamp` was made from a watcher's reports, not a walk (see inputStamp). */
  byEvents?: boolean;
}

/**
 * `unchanged` when there is nothing to do; else the stamp to record once this build has committed. `listed`: see
 * inputStamp.
 */
export async function checkStamp(options: BuildOptions, listed?: (files: readonly string[]) => void): Promise<Checked> {
  // An output folder the build refuses: the build reports why (see prepareSite).
  if (options.dryRun || overlappingFolder(options.outDir, [options.contentDir, options.templatesDir]) !== undefined || outputFolderProblem(options.outDir)) return {};
  const started = performance.now();
  const out = path.resolve(options.outDir);
  // A killed build is finished or undone first: the stamp describes the output folder as it is.
  await recoverJournal(out);
  await recoverInterruptedSwap(out);
  const settings = stampSettings(options);
  const { stamp, stats, byEvents } = await inputStamp(options.contentDir, options.templatesDir, settings, options.changed, undefined, listed);
  const text = JSON.stringify(settings);
  const last = options.noCache ? undefined : await readStamp(out);
  // Same inputs, and the clock has not reached a scheduled story or the news sitemap's edge, nor gone back.
  if (last?.inputs === stamp && options.now >= last.validFrom && options.now < last.validUntil) {
    const written = { files: last.summary.files, written: 0, removed: 0, cold: false };
    const ms = Math.round(performance.now() - started);
    const unchanged: BuildResult = { ok: true, diagnostics: last.warnings, files: [], written, summary: last.summary, stages: [["unchanged", ms]] };
    return { unchanged: byEvents ? { ...unchanged, eventStamp: stamp } : unchanged };
  }
  // From here the output folder may change: until this build commits, no stamp describes it.
  await dropStamp(out);
  return { stamp, settings: text, stats: stats(), byEvents, ...(last && { last }) };
}

/** The options a stamp covers. */
export function stampSettings(options: BuildOptions) {
  return {
    // Diagnostics name files from the working folder: a build run from another reports them anew.
    cwd: process.cwd(),
    content: path.resolve(options.contentDir),
    templates: path.resolve(options.templatesDir),
    drafts: options.drafts,
    future: options.future,
    baseUrl: options.baseUrl,
    strict: options.strict,
    cacheDir: options.cacheDir,
  };
}

/**
 * The inputs' stamp from a walk of every file, as a build without a watcher makes it: `build --watch` checks
 * a stamp made from the watcher's reports (BuildResult.eventStamp) against it once idle. Undefined when
 * `goOn`, asked every few thousand files after other work has had its turn, said no.
 */
export async function walkedStamp(options: BuildOptions, goOn: () => boolean): Promise<string | undefined> {
  try {
    return (await inputStamp(options.contentDir, options.templatesDir, stampSettings(options), undefined, goOn)).stamp;
  } catch (cause) {
    if (cause instanceof WalkGivenUp) return undefined;
    throw cause;
  }
}
