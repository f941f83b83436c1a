import { parentPort, workerData } from "node:worker_threads";
import type { BuildOptions, BuildResult } from "../build.js";
import { secondThreadFor, WORKER_THRESHOLD } from "../parallel/second-thread.js";
import { reportOf } from "./build-report.js";

// The heap-capped worker of src/cli/heap-cap.ts: runs the pipeline and posts back what the CLI prints.
// A failure (out of memory included) ends the worker with an error, which the main thread reports.

const options = workerData as BuildOptions & { keep?: boolean };
// A cold build of a big site starts its second thread first, while this one loads the pipeline.
const second = secondThreadFor(options, options.workerThreshold ?? WORKER_THRESHOLD);
const { build } = await import("../build.js");
const snapshots = await import("../write/site-snapshot.js");
if (options.keep) {
  snapshots.keepSnapshots();
  (await import("../content/input-stamp.js")).keepInputWalks();
  (await import("../write/manifest.js")).keepManifests();
}
const answer = (result: BuildResult, outDir: string) => {
  parentPort?.postMessage(reportOf(result));
  // Idle until the next change: read ahead the snapshot that a body edit would resume from (a full build wrote
  // it). Not after a failed build: the next one reads every file (a build that does not end unchanged drops the stamp).
  if (options.keep && result.ok) setImmediate(() => snapshots.prefetchSnapshot(outDir));
};
answer(await build({ ...options, ...(second && { second }) }), options.outDir);
// `build --watch` keeps this worker, its modules loaded and its code compiled and optimized, for the builds
// that follow (src/cli/watch-build.ts): each request is the options of one build, answered by its report.
if (options.keep) parentPort?.on("message", (next: BuildOptions) => void build(next).then((result) => answer(result, next.outDir)));
