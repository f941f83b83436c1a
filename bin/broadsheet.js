#!/usr/bin/env node
import { main } from "../dist/bundle/cli.js";

// `build` and `check` run the pipeline in a heap-capped worker (src/cli/heap-cap.ts); everything else, and a
// build with nothing to do, runs here.
main(process.argv.slice(2)).then(
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
