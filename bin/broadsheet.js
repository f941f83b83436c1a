#!/usr/bin/env node
import { runWithHeapCap, wantsHeapCap } from "../dist/cli/heap-cap.js";

const argv = process.argv.slice(2);
// A build runs in a worker, which loads the program itself: this thread loads only what it runs.
const run = wantsHeapCap(argv, process.execArgv, process.env) ? runWithHeapCap(argv) : import("../dist/cli.js").then(({ main }) => main(argv));
run.then(
  (code) => {
    process.exitCode = code;
  },
  (cause) => {
    // Not a content problem (those are reported as diagnostics): a bug or an I/O failure.
    process.stderr.write(`broadsheet: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    if (process.env.BROADSHEET_DEBUG) process.stderr.write(`${cause instanceof Error ? cause.stack : ""}\n`);
    process.exitCode = 70;
  },
);
