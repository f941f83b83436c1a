import { resumeBuild, type BuildOptions } from "../build.js";
import { reportOf, type BuildReport } from "./build-report.js";

// A build that resumes from the last build's snapshot runs in the CLI's own thread, from this module's chunk of
// the CLI's bundle (scripts/bundle.mjs): it holds the snapshot and a few pages, and starting the heap-capped
// worker would cost it more than the rest of its work (see build-command.ts).

/** The resumed build's report, or undefined, having written nothing, when it cannot resume. */
export async function resumeHere(options: BuildOptions): Promise<BuildReport | undefined> {
  const result = await resumeBuild(options);
  return result && reportOf(result);
}
