import { parentPort, workerData } from "node:worker_threads";
import type { BuildOptions } from "../build.js";
import { secondThreadFor } from "../parallel/second-thread.js";
import { WORKER_THRESHOLD } from "../render/parallel/render-queue.js";
import { reportOf } from "./build-report.js";

// The heap-capped worker of src/cli/heap-cap.ts: runs the pipeline and posts back what the CLI prints.
// A failure (out of memory included) ends the worker with an error, which the main thread reports.

const options = workerData as BuildOptions;
// A cold build of a big site starts its second thread first, while this one loads the pipeline.
const second = secondThreadFor(options, options.workerThreshold ?? WORKER_THRESHOLD);
const { build } = await import("../build.js");
parentPort?.postMessage(reportOf(await build({ ...options, ...(second && { second }) })));
