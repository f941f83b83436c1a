import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Output } from "./output.js";

// A big build runs in a worker thread whose heap is capped. V8 sizes its heap from the machine's memory
// (4 GB on a 24 GB machine) and collects hard only near that limit, so a 100,000-article build grew to 3.9 GB
// although its live data is well under 1 GB; capped (with its own workers capped too), it peaks at 1.6 GB. A heap limit cannot be
// changed once a process runs, and re-running the process would leave a child behind when the parent is killed;
// a worker is part of the process. Set --max-old-space-size yourself (e.g. in NODE_OPTIONS) to choose another.

/** The build's heap limit in MB; its parse and render workers have WORKER_HEAP_MB each on top. */
export const HEAP_CAP_MB = 1280;

interface Job {
  argv: string[];
  outTTY: boolean;
  errTTY: boolean;
}

/** True when `argv` is a command worth capping (a build or check) and no heap size was chosen. */
export function wantsHeapCap(argv: string[], execArgv: string[], env: NodeJS.ProcessEnv): boolean {
  const chosen = [...execArgv, env.NODE_OPTIONS ?? ""].some((a) => a.includes("--max-old-space-size"));
  return !chosen && (argv[0] === "build" || argv[0] === "check") && !argv.includes("--help") && !argv.includes("-h");
}

/** Runs `main(argv)` in a worker with a capped heap; resolves to its exit code. */
export function runWithHeapCap(argv: string[]): Promise<number> {
  const job: Job = { argv, outTTY: process.stdout.isTTY === true, errTTY: process.stderr.isTTY === true };
  const worker = new Worker(new URL("./heap-cap.js", import.meta.url), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: HEAP_CAP_MB },
  });
  return new Promise((resolve) => {
    let code = 70;
    worker.on("message", (message: number) => (code = message));
    worker.on("error", (cause: Error & { code?: string }) => {
      const memory = cause.code === "ERR_WORKER_OUT_OF_MEMORY";
      process.stderr.write(
        memory
          ? `broadsheet: the build needed more than ${HEAP_CAP_MB} MB of memory; run it with NODE_OPTIONS=--max-old-space-size=4096 (MB)\n`
          : `broadsheet: internal error: ${cause.message}\n`,
      );
      if (process.env.BROADSHEET_DEBUG && !memory) process.stderr.write(`${cause.stack ?? ""}\n`);
      code = 70;
    });
    worker.on("exit", () => resolve(code));
  });
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.argv) {
  const job = workerData as Job;
  const port = parentPort;
  const { main } = await import("../cli.js");
  const io: Output = {
    out: { write: (text: string) => process.stdout.write(text), isTTY: job.outTTY },
    err: { write: (text: string) => process.stderr.write(text), isTTY: job.errTTY },
    env: process.env,
  };
  port.postMessage(await main(job.argv, io));
}
