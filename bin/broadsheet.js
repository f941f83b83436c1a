#!/usr/bin/env node
// CommonJS (bin/package.json says so, for this folder only): Node starts a CommonJS entry ~7 ms sooner than an ES
// module, and loads the CLI's CommonJS bundle (dist/bundle/cli.cjs) without its ES module loader (see
// scripts/bundle.mjs).
const { setFlagsFromString } = require("node:v8");

// A build runs each function a few thousand times, then exits. V8's default interrupt budget sends a function to
// its optimizing compiler after ~67 KB of bytecode has run in it: so early that many are optimized on too little
// type feedback, thrown away, and compiled again, in every thread; and each thread compiles its own (the
// compiler's threads took ~13% of a cold build's CPU at 4,000 articles, measured with perf). A budget of 250,000
// made a cold build of 4,000 articles ~10% faster; 600,000 another 2.8-2.9% (bench:ab, two runs of 14-16 rounds),
// 3.4% at 1,000 and 6% on a body edit (tests/bench/RESULTS.md); 1,000,000 no better. Set before the CLI's
// modules are loaded, for this thread and the worker threads it starts. Node 20 only (V8 11.3, where it was
// measured): V8 12 (Node 22) has no such flag, and says so on stderr for every command, `--quiet` or not.
if (process.versions.node.split(".")[0] === "20") setFlagsFromString("--interrupt-budget=600000");

// `build` and `check` run the pipeline in a heap-capped worker (src/cli/heap-cap.ts) on a large site; everything
// else, a smaller site's build and a build with nothing to do, runs here.
const { main } = require("../dist/bundle/cli.cjs");
main(process.argv.slice(2)).then(
  (code) => exitWhenWritten(code),
  (cause) => {
    // Not a content problem (those are reported as diagnostics): a bug or an I/O failure.
    process.stderr.write(`broadsheet: internal error: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    if (process.env.BROADSHEET_DEBUG) process.stderr.write(`${cause instanceof Error ? cause.stack : ""}\n`);
    process.exitCode = 70;
  },
);

// The command is over (a build has written, committed and closed its threads before main() returns): the process
// ends once what it printed is written (a pipe's writes are asynchronous on some systems), without waiting for
// Node to take its heap apart, page by page: 2.5 ± 2 ms of a build with nothing to do at 4,000 articles (40
// pairs, twice), 2.3-2.8% of a body edit's (16 and 20 rounds of bench:ab, ± 5%).
function exitWhenWritten(code) {
  let waiting = 2;
  const done = () => {
    if (--waiting === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}
