import type { BuildResult } from "../build.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import type { BuildSummary } from "../write/site-stamp.js";

/**
 * What the CLI prints of a build: a few numbers and the diagnostics. It crosses from the heap-capped worker
 * to the main thread, so it holds plain data only, and not the site's index or a dry run's pages, which
 * would be copied for nothing.
 */
export interface BuildReport {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Files of the site (a dry run: the files it would write). */
  files: number;
  /** Files this build wrote (none when it had nothing to do); not known of a dry run. */
  written?: number;
  articles: number;
  stages: [string, number][];
  summary?: BuildSummary;
  /** The inputs' stamp, when made from a watcher's reports (see BuildResult.eventStamp). */
  eventStamp?: string;
}

export function reportOf(result: BuildResult): BuildReport {
  return {
    ok: result.ok,
    diagnostics: result.diagnostics,
    files: result.written?.files ?? result.files.length,
    ...(result.written && { written: result.written.written }),
    articles: result.summary?.articles ?? result.index?.articles.length ?? 0,
    stages: result.stages,
    ...(result.summary && { summary: result.summary }),
    ...(result.eventStamp !== undefined && { eventStamp: result.eventStamp }),
  };
}
