import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { githubAnnotation } from "../src/cli/formats.js";
import { paintFor } from "../src/cli/output.js";
import { ROOT } from "./helpers.js";

describe("terminal colour", () => {
  it("is used only on a terminal, and never with NO_COLOR", () => {
    expect(paintFor({ write: () => true, isTTY: true }, {}).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(paintFor({ write: () => true, isTTY: true }, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(paintFor({ write: () => true }, {}).red("x")).toBe("x");
  });
});

describe("GitHub annotations", () => {
  it("escape line breaks and percent signs in the message, and also : and , in properties", () => {
    const line = githubAnnotation({
      code: "x-y", severity: "warning", file: "a:b,c.md", line: 0, column: 0, message: "50%\r\nmore", hint: "Fix: it",
    });
    expect(line).toBe("::warning file=a%3Ab%2Cc.md,title=x-y::50%25%0D%0Amore%0AFix: it");
  });
});

describe("the GitHub workflow", () => {
  it("publishes on push to main and every 10 minutes from the last build's output and cache, and checks pull requests with annotations", async () => {
    const workflow = parse(await readFile(path.join(ROOT, ".github/workflows/site.yml"), "utf8"));
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.on.schedule).toEqual([{ cron: "*/10 * * * *" }]);
    const runs = (job: string) => workflow.jobs[job].steps.map((s: { run?: string; uses?: string }) => s.run ?? s.uses);
    expect(runs("build")).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm run compile", "node bin/broadsheet.js build", "actions/upload-pages-artifact@v3"]));
    expect(workflow.jobs.build.steps.find((s: { uses?: string }) => s.uses === "actions/upload-pages-artifact@v3").with.path).toBe("public");
    // The last build's output and cache come back before the build, and go away after it, both with the same folders.
    const steps = runs("build");
    expect(steps.indexOf("actions/cache/restore@v4")).toBeLessThan(steps.indexOf("node bin/broadsheet.js build"));
    expect(steps.indexOf("actions/cache/save@v4")).toBeGreaterThan(steps.indexOf("node bin/broadsheet.js build"));
    // The code is compiled only when what it is compiled from changed (dist/ is cached by their hash).
    for (const job of ["build", "check"]) {
      const stepsOf = workflow.jobs[job].steps as { id?: string; uses?: string; run?: string; if?: string; with?: { path?: string; key?: string } }[];
      const dist = stepsOf.find((s) => s.id === "dist")!;
      expect(dist.with).toMatchObject({ path: "dist" });
      expect(dist.with!.key).toContain("hashFiles('src/**', 'scripts/**', 'tsconfig*.json', 'package-lock.json')");
      const compile = stepsOf.find((s) => s.run === "npm run compile")!;
      expect(compile.if).toBe("steps.dist.outputs.cache-hit != 'true'");
      expect(stepsOf.indexOf(dist)).toBeLessThan(stepsOf.indexOf(compile));
    }
    const cached = (uses: string) => workflow.jobs.build.steps.find((s: { uses?: string }) => s.uses === uses).with.path.trim().split("\n");
    expect(cached("actions/cache/restore@v4")).toEqual(["public", ".broadsheet-cache"]);
    expect(cached("actions/cache/save@v4")).toEqual(["public", ".broadsheet-cache"]);
    expect(runs("deploy")).toEqual(["actions/deploy-pages@v4"]);
    expect(runs("check")).toContain("node bin/broadsheet.js check --format github");
    expect(workflow.jobs.check.if).toBe("github.event_name == 'pull_request'");
  });
});
