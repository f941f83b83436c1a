// Broadsheet runs from bundles (dist/bundle/): the ~200 ES modules of dist/ and its dependencies took 180-220 ms
// to resolve and load on every build; a bundle takes ~40 ms. There are two, built apart so that each thread
// loads only its own chunks:
// - the CLI (bin/broadsheet.js), in the main thread: a build with nothing to do is the stamp check and the
//   modules it loads; each command's modules, and a build that resumes from the snapshot (src/cli/resume-here.ts),
//   are chunks loaded when they run. Its chunks are named cli-*.cjs: CommonJS, as bin/broadsheet.js is (below).
// - the build's two threads: the heap-capped worker that runs a build (src/cli/heap-cap.ts), and the build's
//   second thread, which the first finds beside itself (new URL("./second-thread-worker.js", import.meta.url)).
// Both live in the same folder, where src/cli/heap-cap.ts finds the worker's bundle (../bundle/ from a chunk
// is this folder, as it is from dist/cli/). `npm run compile` runs this after tsc (see README, Development).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { rolldown } from "rolldown";
import { IDENTITY_FILE, recordIdentity } from "../dist/write/tool-identity.js";

const common = {
  platform: "node",
  // A native addon, loaded only when an image is encoded.
  external: ["sharp"],
  // gray-matter's JavaScript front-matter engine (never enabled: only YAML is read) calls eval.
  checks: { eval: false },
  // gray-matter loads js-yaml's full schema, whose !!js/function type loads esprima (218 KB, a sixth of the
  // bundle; ~10 ms of every thread's start) to parse JavaScript. Broadsheet only splits front matter with
  // gray-matter (src/content/front-matter.ts), and js-yaml's safe loader never uses that type.
  // gray-matter also requires its own js-yaml (3.x, 87 KB) for an engine Broadsheet replaces: it gets the js-yaml
  // (4.x) Broadsheet reads YAML with, whose safeLoad it binds but never calls (~5 ms of each thread's start).
  resolve: { alias: { esprima: false, "js-yaml": path.resolve("node_modules/js-yaml/dist/js-yaml.mjs") } },
};

async function bundle(input, format, names) {
  const built = await rolldown({ ...common, input });
  const { output } = await built.generate({ format, ...names });
  await built.close();
  return output;
}

const output = [
  // CommonJS: bin/broadsheet.js (CommonJS too, see bin/package.json) requires it. Node loads an ES module graph
  // through its ES module loader, a few event-loop turns per file; require() reads and compiles each chunk at
  // once. The CLI's first chunks, and the stamp check a build with nothing to do ends at, load ~8 ms sooner: a
  // no-op build at 4,000 articles took 161 against 169-170 ms (medians of 20 runs, taking turns, twice).
  ...(await bundle({ cli: "dist/cli.js" }, "cjs", { entryFileNames: "[name].cjs", chunkFileNames: "cli-[name].cjs" })),
  ...(await bundle({ "capped-build": "dist/cli/capped-build.js", "second-thread-worker": "dist/parallel/second-thread-worker.js" }, "esm", { chunkFileNames: "[name].js" })),
];
// Files are written only when their bytes change, as tsc does: compiling unchanged code changes nothing here.
// (Broadsheet's identity, which decides whether a build's cache holds, is the bytes of these files; see
// toolIdentity in src/write/manifest.ts.)
const dir = "dist/bundle";
mkdirSync(dir, { recursive: true });
const made = new Set();
for (const chunk of output) {
  if (made.has(chunk.fileName)) throw new Error(`two bundles make dist/bundle/${chunk.fileName}`);
  const file = path.join(dir, chunk.fileName);
  const bytes = Buffer.from(chunk.type === "chunk" ? chunk.code : chunk.source);
  made.add(chunk.fileName);
  if (!existsSync(file) || !readFileSync(file).equals(bytes)) writeFileSync(file, bytes);
}
for (const name of readdirSync(dir)) if (!made.has(name) && name !== IDENTITY_FILE) rmSync(path.join(dir, name), { recursive: true });
// The bundle's digest, recorded with each file's size and time: a build takes it from there while the files are
// these, instead of reading and hashing them (~7 ms of every build; see src/write/tool-identity.ts).
recordIdentity(dir);
