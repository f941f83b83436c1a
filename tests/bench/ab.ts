import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { BENCH_NOW, generateNewsroom } from "./generate.js";
import { median, timed, type Run } from "./measure.js";

// npm run bench:ab -- [--size 4000] [--runs 20] [--content DIR] NAME=CHECKOUT[:VAR=VALUE,...] ...
// Cold builds (--no-cache, into tmpfs) of two or more Broadsheet checkouts (each compiled: its
// bin/broadsheet.js is run), taking turns, on one synthetic newsroom (or --content DIR). For each against the
// first: the mean of the pairs' differences, wall and CPU, with two standard errors. These machines' speed
// drifts by ±10% from one build to the next: a change of a few percent needs tens of pairs to show, and two
// builds timed apart, or medians alone, say nothing about it. `VAR=VALUE` runs a checkout with that
// environment (e.g. here=.:BROADSHEET_CAP_FROM=0).

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: "string", default: "4000" },
    runs: { type: "string", default: "20" },
    content: { type: "string" },
  },
});

interface Variant {
  name: string;
  checkout: string;
  env: Record<string, string>;
  runs: Run[];
}

const variants: Variant[] = positionals.map((spec) => {
  const match = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(spec);
  if (!match) throw new Error(`expected NAME=CHECKOUT[:VAR=VALUE,...], got ${spec}`);
  const env = Object.fromEntries((match[3] ?? "").split(",").filter(Boolean).map((pair) => pair.split("=", 2) as [string, string]));
  return { name: match[1]!, checkout: path.resolve(match[2]!), env, runs: [] };
});
if (variants.length < 2) throw new Error("give at least two checkouts to compare, e.g. base=/tmp/base here=.");

const runs = Math.max(2, Number(values.runs));
const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-ab-"));
const out = await mkdtemp("/dev/shm/broadsheet-ab-");
try {
  const content = values.content ?? (await generateNewsroom(dir, Number(values.size), { seed: 1 })).content;
  for (let r = 0; r < runs; r++) {
    // Each round in another order, so that no checkout always runs right after the same one.
    const round = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of round) {
      await rm(out, { recursive: true, force: true });
      const args = [path.join(v.checkout, "bin", "broadsheet.js"), "build", "--content", content, "--templates", path.join(v.checkout, "templates"), "--out", out, "--no-cache", "--quiet"];
      v.runs.push(await timed("node", args, { SOURCE_DATE_EPOCH: String(BENCH_NOW / 1000), TZ: "UTC", ...v.env }));
    }
    process.stderr.write(`ab: round ${r + 1}/${runs}: ${variants.map((v) => `${v.name} ${v.runs.at(-1)!.seconds.toFixed(2)} s`).join(", ")}\n`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
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
  `\n| checkout | wall (median) | CPU (median) | wall against ${first.name} (mean of pairs ± 2 SE) | CPU against ${first.name} |\n|---|---|---|---|---|\n${lines.map((l) => `| ${l} |`).join("\n")}\n\n${runs} rounds, cold builds into tmpfs, taking turns.\n`,
);
