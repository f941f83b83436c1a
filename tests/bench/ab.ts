import { cp, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BENCH_NOW, articlePath, generateNewsroom, makeArticle, toBroadsheet } from "./generate.js";
import { median, timed, type Run } from "./measure.js";

// npm run bench:ab -- [--size 4000] [--runs 20] [--content DIR] [--scenario cold] NAME=CHECKOUT[:VAR=VALUE,...] ...
// Cold builds (--no-cache, into tmpfs) of two or more Broadsheet checkouts (each compiled: its
// bin/broadsheet.js is run), taking turns, on one synthetic newsroom (or --content DIR). For each against the
// first: the mean of the pairs' differences, wall and CPU, with two standard errors. These machines' speed
// drifts by ±10% from one build to the next: a change of a few percent needs tens of pairs to show, and two
// builds timed apart, or medians alone, say nothing about it. `VAR=VALUE` runs a checkout with that
// environment (e.g. here=.:BROADSHEET_CAP_FROM=0).
// --scenario times an incremental build instead: each checkout builds a copy of the newsroom of its own in full
// (not timed), then the change is made and the next build timed (the synthetic newsroom only):
//   new          a story published (the newest, in its category's Read also and in Latest news)
//   edit         a body edited, of a story in the middle of the corpus
//   editnewest   a body edited, of the newest story (in its category's Read also and the site feed)
//   title        a headline edited, of a story in the middle
//   ci           a fresh checkout (every content file with a new time), the output and cache folders restored
//   cinew        the same with a story published since

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: "string", default: "4000" },
    runs: { type: "string", default: "20" },
    content: { type: "string" },
    scenario: { type: "string", default: "cold" },
  },
});
const SCENARIOS = ["cold", "new", "edit", "editnewest", "title", "ci", "cinew"];
const scenario = values.scenario!;
if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario is one of ${SCENARIOS.join(", ")}`);
if (scenario !== "cold" && values.content) throw new Error("--scenario works on the synthetic newsroom, not --content");

interface Variant {
  name: string;
  checkout: string;
  env: Record<string, string>;
  runs: Run[];
}

const variants: Variant[] = positionals.map((spec) => {
  const match = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(spec);
  if (!match) throw new Error(`expected NAME=CHECKOUT[:VAR=VALUE,...], got ${spec}`);
  const env = Object.fromEntries((match[3] ?? "").split(",").filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
  return { name: match[1]!, checkout: path.resolve(match[2]!), env, runs: [] };
});
if (variants.length < 2) throw new Error("give at least two checkouts to compare, e.g. base=/tmp/base here=.");

const runs = Math.max(2, Number(values.runs));
const size = Number(values.size);
const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-ab-"));
const out = await mkdtemp("/dev/shm/broadsheet-ab-");
const ENV = { SOURCE_DATE_EPOCH: String(BENCH_NOW / 1000), TZ: "UTC" };
try {
  const content = values.content ?? (await generateNewsroom(dir, size, { seed: 1 })).content;
  // An incremental scenario's own copy of the newsroom, with its output and cache beside it, in tmpfs.
  const work = path.join(out, "work");
  const site = { content: path.join(work, "content"), out: path.join(work, "public") };
  for (let r = 0; r < runs; r++) {
    // Each round in another order, so that no checkout always runs right after the same one.
    const round = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of round) {
      const build = (options: { content: string; out: string }, ...more: string[]) =>
        timed("node", [path.join(v.checkout, "bin", "broadsheet.js"), "build", "--content", options.content, "--templates", path.join(v.checkout, "templates"), "--out", options.out, "--quiet", ...more], { ...ENV, ...v.env });
      if (scenario === "cold") {
        await rm(out, { recursive: true, force: true });
        v.runs.push(await build({ content, out }, "--no-cache"));
        continue;
      }
      await rm(work, { recursive: true, force: true });
      await mkdir(work, { recursive: true });
      await cp(content, site.content, { recursive: true });
      await build(site);
      await change(scenario, site, r);
      v.runs.push(await build(site));
    }
    process.stderr.write(`ab: round ${r + 1}/${runs}: ${variants.map((v) => `${v.name} ${v.runs.at(-1)!.seconds.toFixed(2)} s`).join(", ")}\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
}

/** Makes the scenario's change to a newsroom built just before (round `r` edits differently each time). */
async function change(name: string, site: { content: string; out: string }, r: number): Promise<void> {
  const file = (i: number) => path.join(site.content, articlePath(makeArticle(i, 1)));
  const publish = async () => {
    const a = makeArticle(size + r, 1);
    await mkdir(path.dirname(path.join(site.content, articlePath(a))), { recursive: true });
    await writeFile(path.join(site.content, articlePath(a)), toBroadsheet(a));
  };
  const half = Math.floor(size / 2);
  const middle = makeArticle(half, 1);
  switch (name) {
    case "new":
      return publish();
    case "edit":
      return writeFile(file(half), toBroadsheet({ ...middle, body: `${middle.body}\n\nCorrection ${r + 1}.` }));
    case "editnewest": {
      const newest = makeArticle(size - 1, 1);
      return writeFile(file(size - 1), toBroadsheet({ ...newest, body: `${newest.body}\n\nCorrection ${r + 1}.` }));
    }
    case "title":
      return writeFile(file(half), toBroadsheet({ ...middle, title: `${middle.title} (${r + 1})` }));
    case "ci":
    case "cinew": {
      if (name === "cinew") await publish();
      // A fresh checkout: every content file with a new time; the output folder restored as a new folder.
      const now = new Date();
      for (const entry of await readdirRecursive(site.content)) await utimes(entry, now, now);
      await cp(site.out, `${site.out}.restored`, { recursive: true });
      await rm(site.out, { recursive: true, force: true });
      await cp(`${site.out}.restored`, site.out, { recursive: true });
      await rm(`${site.out}.restored`, { recursive: true, force: true });
      return;
    }
  }
}

async function readdirRecursive(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Mean of b/a − 1 over the pairs, and two standard errors of it, in percent. */
function paired(a: number[], b: number[]): string {
  const diffs = a.map((x, i) => b[i]! / x - 1);
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1));
  const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;
  return `${pct(mean)} ± ${(200 * sd / Math.sqrt(diffs.length)).toFixed(1)}%`;
}

const [first] = variants as [Variant];
const cpu = (v: Variant) => v.runs.map((r) => r.cpuSeconds ?? NaN);
const lines = variants.map((v) =>
  [
    v.name,
    `${median(v.runs.map((r) => r.seconds)).toFixed(2)} s`,
    `${median(cpu(v)).toFixed(2)} s`,
    v === first ? "—" : paired(first.runs.map((r) => r.seconds), v.runs.map((r) => r.seconds)),
    v === first ? "—" : paired(cpu(first), cpu(v)),
  ].join(" | "),
);
process.stdout.write(
  `\n| checkout | wall (median) | CPU (median) | wall against ${first.name} (mean of pairs ± 2 SE) | CPU against ${first.name} |\n|---|---|---|---|---|\n${lines.map((l) => `| ${l} |`).join("\n")}\n\n${runs} rounds, ${scenario === "cold" ? "cold builds" : `scenario ${scenario} (the build after the change)`} into tmpfs, taking turns.\n`,
);
