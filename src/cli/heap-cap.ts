import type { BuildOptions } from "../build.js";
import { compiledWorker } from "../worker-entry.js";
import type { BuildReport } from "./build-report.js";

// A big build runs in a worker thread whose heap is capped. V8 sizes its heap from the machine's memory
// (4 GB on a 24 GB machine) and collects hard only near that limit, so a 100,000-article build grew to 3.9 GB
// although its live data is well under 1 GB; capped (with its own workers capped too), it peaks at 1.6 GB. A heap limit cannot be
// changed once a process runs, and re-running the process would leave a child behind when the parent is killed;
// a worker is part of the process. Set --max-old-space-size yourself (e.g. in NODE_OPTIONS) to choose another.
// Only the pipeline runs there: the CLI, and the stamp check that ends a no-op build, stay in the main thread,
// so a build with nothing to do starts no worker (which cost more than the check itself).

/** The build's heap limit in MB; its parse and render workers have WORKER_HEAP_MB each on top. */
export const HEAP_CAP_MB = 1280;

/** The capped build ran out of memory. */
export class OutOfMemoryError extends Error {}

/** True when no heap size was chosen (in the node flags or NODE_OPTIONS): then a build is capped. */
export function wantsHeapCap(execArgv: string[], env: NodeJS.ProcessEnv): boolean {
  return ![...execArgv, env.NODE_OPTIONS ?? ""].some((a) => a.includes("--max-old-space-size"));
}

/** `build(options)` in a worker with a capped heap; rejects with OutOfMemoryError, or the worker's own error. */
export async function buildWithHeapCap(options: BuildOptions, capMb = HEAP_CAP_MB): Promise<BuildReport> {
  // Loaded here, not with this module: a no-op build never starts a worker. The worker runs the bundle of
  // capped-build.ts that `npm run compile` makes (scripts/bundle.mjs).
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(compiledWorker(new URL("../bundle/capped-build.js", import.meta.url), import.meta.url), {
    workerData: options,
    resourceLimits: { maxOldGenerationSizeMb: capMb },
  });
  return new Promise((resolve, reject) => {
    let report: BuildReport | undefined;
    let failure: Error | undefined;
    worker.on("message", (message: BuildReport) => (report = message));
    worker.on("error", (cause: Error & { code?: string }) => {
      failure = cause.code === "ERR_WORKER_OUT_OF_MEMORY" ? new OutOfMemoryError(cause.message) : cause;
    });
    // Settled when the worker has ended, as the process would: its own workers and files are closed by then.
    worker.on("exit", (code) => {
      if (report && !failure) resolve(report);
      else reject(failure ?? new Error(`the build stopped (exit code ${code}) without a result`));
    });
  });
}
