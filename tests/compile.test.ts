import { execFileSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, listFiles } from "./helpers.js";

// `npm run build` compiles first. Like tsc, the bundler rewrites only the files whose bytes change, so that
// compiling unchanged code changes nothing in dist/. Broadsheet's identity, which decides whether an output
// folder's cache holds, is the bytes of those files, whatever their times (tests/restored-cache.test.ts).

describe("npm run compile", () => {
  it("rewrites no bundle file whose bytes are unchanged", async () => {
    const dir = path.join(ROOT, "dist", "bundle");
    const times = async () => new Map((await listFiles(dir)).map((f) => [f, statSync(path.join(dir, f)).mtimeMs]));
    const before = await times();
    expect([...before.keys()]).toEqual(expect.arrayContaining(["capped-build.js", "second-thread-worker.js"]));
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs")], { cwd: ROOT });
    expect(await times()).toEqual(before);
  });

  it("removes bundle files it no longer makes", async () => {
    const stale = path.join(ROOT, "dist", "bundle", "stale-chunk.js");
    writeFileSync(stale, "export {};\n");
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs")], { cwd: ROOT });
    expect(existsSync(stale)).toBe(false);
  });
});
