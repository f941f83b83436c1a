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

/** What the CLI says when a build ran out of memory: a stack trace would not tell what to do. */
export function outOfMemoryAdvice(): string {
  return `broadsheet: the build needed more than ${HEAP_CAP_MB} MB of memory; run it with NODE_OPTIONS=--max-old-space-size=4096 (MB)\n`;
}

/**
 * Input files (articles, pages, media, templates, configuration) from which a build runs in the capped worker. Below,
 * it runs in the main thread: measured uncapped, such a build's memory is what the cap leaves it (peak RSS at
 * 10,000 articles 420-460 MB either way, at 40,000 745-770 MB), and the worker's start, its copy of the modules
 * and its own heap cost 5-8% of the build (cold, 4,000 articles: 2.56 s → 2.34 s, medians of 10 interleaved
 * runs). The heap runs away only far above it (3.9 GB uncapped at 100,000 articles). BROADSHEET_CAP_FROM
 * sets another count (0: always capped).
 */
export const CAP_FROM_FILES = 40_000;

/**
 * True when no heap size was chosen (in the node flags or NODE_OPTIONS) and the build is big enough to need
 * the cap, or of unknown size (`inputs`: its input files, when the stamp check has counted them).
 */
export function wantsHeapCap(execArgv: string[], env: NodeJS.ProcessEnv, inputs?: number): boolean {
  if ([...execArgv, env.NODE_OPTIONS ?? ""].some((a) => a.includes("--max-old-space-size"))) return false;
  // Anything but a count (unset, empty, "abc") leaves the default.
  const from = /^\d+$/.test(env.BROADSHEET_CAP_FROM ?? "") ? Number(env.BROADSHEET_CAP_FROM) : CAP_FROM_FILES;
  return inputs === undefined || inputs >= from;
}

/** `build(options)` in a worker with a capped heap; rejects with OutOfMemoryError, or the worker's own error. */
export async function buildWithHeapCap(options: BuildOptions, capMb = HEAP_CAP_MB): Promise<BuildReport> {
  const { worker, thrown } = await cappedWorker(options, capMb);
  return new Promise((resolve, reject) => {
    let report: BuildReport | undefined;
    worker.on("message", (message: BuildReport) => (report = message));
    // Settled when the worker has ended, as the process would: its own workers and files are closed by then.
    worker.on("exit", (code) => {
      const error = thrown();
      if (report && !error) resolve(report);
      else reject(error ?? stoppedWithout(code));
    });
  });
}

/** Builds one after another in one heap-capped worker, kept between them (`build --watch`). */
export interface KeptBuilder {
  /** `build(options)` in the worker; rejects as buildWithHeapCap does, and the next build starts a new worker. */
  build(options: BuildOptions): Promise<BuildReport>;
  close(): Promise<void>;
}

export function keptBuilder(capMb = HEAP_CAP_MB): KeptBuilder {
  let kept: { send(options: BuildOptions): Promise<BuildReport>; close(): Promise<void> } | undefined;
  return {
    async build(options) {
      kept ??= await keptWorker(options, capMb, () => (kept = undefined));
      return kept.send(options);
    },
    async close() {
      await kept?.close();
      kept = undefined;
    },
  };
}

/** A worker that runs the first build (`first`) and then waits for more; `ended` is called once it has ended. */
async function keptWorker(first: BuildOptions, capMb: number, ended: () => void) {
  const { worker, thrown } = await cappedWorker({ ...first, keep: true }, capMb);
  // The first build starts with the worker; each later one when it is sent.
  let firstUnderWay = true;
  let waiting: { resolve: (report: BuildReport) => void; reject: (cause: Error) => void } | undefined;
  worker.on("message", (report: BuildReport) => {
    const pending = waiting;
    waiting = undefined;
    pending?.resolve(report);
  });
  worker.on("exit", (code) => {
    ended();
    waiting?.reject(thrown() ?? stoppedWithout(code));
    waiting = undefined;
  });
  return {
    send(options: BuildOptions): Promise<BuildReport> {
      if (!firstUnderWay) worker.postMessage(options);
      firstUnderWay = false;
      return new Promise<BuildReport>((resolve, reject) => (waiting = { resolve, reject }));
    },
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * The worker that runs capped-build.ts (its bundle, which `npm run compile` makes: scripts/bundle.mjs), and
 * what it threw, if it did (OutOfMemoryError when it ran out of memory).
 */
async function cappedWorker(workerData: BuildOptions & { keep?: boolean }, capMb: number) {
  // Loaded here, not with this module: a no-op build never starts a worker.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(compiledWorker(new URL("../bundle/capped-build.js", import.meta.url), import.meta.url), {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: capMb },
  });
  let error: Error | undefined;
  worker.on("error", (cause: Error & { code?: string }) => {
    error = cause.code === "ERR_WORKER_OUT_OF_MEMORY" ? new OutOfMemoryError(cause.message) : cause;
  });
  return { worker, thrown: () => error };
}

function stoppedWithout(code: number): Error {
  return new Error(`the build stopped (exit code ${code}) without a result`);
}
