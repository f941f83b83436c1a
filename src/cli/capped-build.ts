import { parentPort, workerData } from "node:worker_threads";
import { build, type BuildOptions } from "../build.js";
import { reportOf } from "./build-report.js";

// The heap-capped worker of src/cli/heap-cap.ts: runs the pipeline and posts back what the CLI prints.
// A failure (out of memory included) ends the worker with an error, which the main thread reports.

parentPort?.postMessage(reportOf(await build(workerData as BuildOptions)));
