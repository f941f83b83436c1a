import { mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { articlePath, BENCH_NOW, generateNewsroom, makeArticle, toBroadsheet, type Corpus } from "./generate.js";
import { measureDevEdit, type DevEditRun } from "./dev-edit.js";
import { measureWatchEdit } from "./watch-edit.js";
import { ENV_NOTE, median, medianRun, onPath, snapshot, timed, written, type Run } from "./measure.js";

// npm run bench [-- --sizes 1000,10000,100000 --runs 3 --targets ram,disk --no-hugo --no-dev]
// Generates each newsroom once, then per output target: cold builds (--no-cache, empty output), each
// followed by Hugo's cold build of the same corpus when `hugo` is on the PATH; then rounds of no-op /
// one-body-edit / one-new-article rebuilds, CI runs (a fresh checkout with the last build's output and cache
// restored; then the same with a story published, the build a newsroom's CI makes most), the body edit under a running `build --watch`, and `cp -r` of our output; and per size, the
// dev server's edit-to-served time.
// Prints Markdown tables of medians.

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLI = path.join(ROOT, "bin", "broadsheet.js");
const TEMPLATES = path.join(ROOT, "templates");
const HUGO_LAYOUTS = path.join(ROOT, "tests", "bench", "hugo", "layouts");
const ENV = { SOURCE_DATE_EPOCH: String(BENCH_NOW / 1000), TZ: "UTC" };
const SEED = 1;

interface Row {
  articles: number;
  target: string;
  files: number;
  cold: Run;
  noop: Run & { files: number };
  edit: Run & { files: number };
  added: Run & { files: number };
  restored: Run & { files: number };
  restoredNew: Run & { files: number };
  /** Median milliseconds from a body edit's write to its page written by a running `build --watch`. */
  watchMs: number;
  copy: number;
  hugo?: Run;
  /** Median of each of our cold builds' time over Hugo's made right after it (see measureTarget). */
  ratio?: number;
}

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,4000,10000" },
    runs: { type: "string", default: "3" },
    targets: { type: "string", default: "ram,disk" },
    "no-hugo": { type: "boolean", default: false },
    "no-dev": { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);
const runs = Math.max(1, Number(values.runs));
const targets = values.targets.split(",");
const withHugo = !values["no-hugo"] && onPath("hugo");

const rows: Row[] = [];
const devRows: (DevEditRun & { articles: number })[] = [];
for (const size of sizes) {
  const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-bench-"));
  try {
    log(`generating ${size} articles in ${dir}`);
    const corpus = await generateNewsroom(path.join(dir, "src"), size, { seed: SEED, ...(withHugo && { hugoLayouts: HUGO_LAYOUTS }) });
    if (!values["no-dev"]) {
      const edited = makeArticle(Math.floor(size / 2), SEED);
      const dev = await measureDevEdit(CLI, corpus.content, TEMPLATES, path.join(corpus.content, articlePath(edited)), `/${edited.category}/${edited.slug}/`, ENV, runs);
      log(`${size} dev server: started in ${dev.startSeconds.toFixed(2)} s, edits served in ${dev.edits.map((ms) => Math.round(ms)).join(", ")} ms`);
      devRows.push({ articles: size, ...dev });
    }
    for (const target of targets) {
      const base = target === "ram" ? await mkdtemp("/dev/shm/broadsheet-bench-") : path.join(dir, "disk");
      await mkdir(base, { recursive: true });
      try {
        rows.push(await measureTarget(corpus, base, target));
      } finally {
        if (target === "ram") await rm(base, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`\n${table(rows)}\n`);
if (devRows.length > 0) {
  const lines = devRows.map((d) => `| ${d.articles.toLocaleString("en")} | ${d.startSeconds.toFixed(2)} s | ${Math.round(d.editMs)} ms | ${d.edits.map((ms) => Math.round(ms)).join(", ")} |`);
  process.stdout.write(`\n| articles | dev server: first page served | one article edited: served after (median) | each edit (ms) |\n|---|---|---|---|\n${lines.join("\n")}\n`);
}

async function measureTarget(corpus: Corpus, base: string, target: string): Promise<Row> {
  const out = path.join(base, "public");
  const cache = path.join(base, ".broadsheet-cache");
  const build = (...extra: string[]) => timed("node", [CLI, "build", "--content", corpus.content, "--templates", TEMPLATES, "--out", out, "--quiet", ...extra], ENV);

  // Our cold builds alternate with Hugo's, and each of ours is compared with the one of Hugo's right after it:
  // these machines' speed drifts by ±10% from one build to the next, and by 2x over an hour, so Hugo's runs
  // made after all of ours (as this bench did) could land in another phase of the machine than ours.
  const cold: Run[] = [];
  const hugoRuns: Run[] = [];
  const hugoOut = path.join(base, "hugo-public");
  for (let r = 0; r < runs; r++) {
    await rm(out, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
    cold.push(await build("--no-cache"));
    log(`${corpus.articles} ${target} cold ${cold.at(-1)!.seconds.toFixed(2)} s`);
    if (!corpus.hugo) continue;
    await rm(hugoOut, { recursive: true, force: true });
    hugoRuns.push(await timed("hugo", ["--quiet", "--source", corpus.hugo, "--destination", hugoOut, "--cacheDir", path.join(base, "hugo-cache")]));
    log(`${corpus.articles} ${target} hugo ${hugoRuns.at(-1)!.seconds.toFixed(2)} s`);
  }
  await rm(hugoOut, { recursive: true, force: true });
  const hugo = hugoRuns.length > 0 ? medianRun(hugoRuns) : undefined;
  const ratio = hugoRuns.length > 0 ? median(cold.map((run, r) => run.seconds / hugoRuns[r]!.seconds)) : undefined;
  const files = (await snapshot(out)).size;

  const noop: Run[] = [], edit: Run[] = [], added: Run[] = [];
  const counts = { noop: [] as number[], edit: [] as number[], added: [] as number[], restored: [] as number[], restoredNew: [] as number[] };
  const measure = async (into: Run[], count: number[], change: () => Promise<void>) => {
    await change();
    const before = await snapshot(out);
    into.push(await build());
    count.push(written(before, await snapshot(out)));
  };
  // The body of an article in the middle of the corpus: not in Latest news, not on the home page.
  const edited = makeArticle(Math.floor(corpus.articles / 2), SEED);
  for (let r = 0; r < runs; r++) {
    await measure(noop, counts.noop, async () => {});
    await measure(edit, counts.edit, async () => {
      await writeFile(path.join(corpus.content, articlePath(edited)), toBroadsheet({ ...edited, body: `${edited.body}\n\nCorrection ${r + 1}: a figure was updated.` }));
    });
    await measure(added, counts.added, async () => {
      const a = makeArticle(corpus.articles + r, SEED);
      await mkdir(path.dirname(path.join(corpus.content, articlePath(a))), { recursive: true });
      await writeFile(path.join(corpus.content, articlePath(a)), toBroadsheet(a));
    });
    log(`${corpus.articles} ${target} no-op ${noop.at(-1)!.seconds.toFixed(2)} s, edit ${edit.at(-1)!.seconds.toFixed(2)} s, new ${added.at(-1)!.seconds.toFixed(2)} s`);
  }

  // A CI run: a fresh checkout (every content file has a new time) and the output and cache folders restored
  // (the output is a new folder, with the same files: moved here, as a restore would write them).
  const restored: Run[] = [];
  const restoredNew: Run[] = [];
  const checkout = async (r: number) => {
    const at = new Date(BENCH_NOW + (r + 1) * 60_000);
    const contentFiles = (await readdir(corpus.content, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    for (const file of contentFiles) await utimes(file, at, at);
    await mkdir(`${out}-restored`);
    for (const name of await readdir(out)) await rename(path.join(out, name), path.join(`${out}-restored`, name));
    await rm(out, { recursive: true });
    await rename(`${out}-restored`, out);
  };
  for (let r = 0; r < runs; r++) {
    await measure(restored, counts.restored, () => checkout(r));
    log(`${corpus.articles} ${target} CI run ${restored.at(-1)!.seconds.toFixed(2)} s`);
  }
  // The same with a story published since the last build (pushed, then checked out with its own new time).
  for (let r = 0; r < runs; r++) {
    await measure(restoredNew, counts.restoredNew, async () => {
      const a = makeArticle(corpus.articles + runs + r, SEED);
      await mkdir(path.dirname(path.join(corpus.content, articlePath(a))), { recursive: true });
      await writeFile(path.join(corpus.content, articlePath(a)), toBroadsheet(a));
      await checkout(runs + r);
    });
    log(`${corpus.articles} ${target} CI run with a new story ${restoredNew.at(-1)!.seconds.toFixed(2)} s`);
  }

  // `build --watch`: the same body edit, written by a watch that is already running.
  const watch = await measureWatchEdit(
    { cli: CLI, content: corpus.content, templates: TEMPLATES, out, env: ENV },
    path.join(corpus.content, articlePath(edited)),
    path.join(out, edited.category, edited.slug, "index.html"),
    (_, marker) => toBroadsheet({ ...edited, body: `${edited.body}\n\n${marker}` }),
    runs,
  );
  log(`${corpus.articles} ${target} build --watch: edits written in ${watch.edits.map((ms) => Math.round(ms)).join(", ")} ms`);

  // The next target starts from the same corpus.
  await writeFile(path.join(corpus.content, articlePath(edited)), toBroadsheet(edited));
  for (let r = 0; r < 2 * runs; r++) await rm(path.join(corpus.content, articlePath(makeArticle(corpus.articles + r, SEED))));

  const copies: number[] = [];
  for (let r = 0; r < runs; r++) {
    await rm(`${out}-copy`, { recursive: true, force: true });
    copies.push((await timed("cp", ["-r", out, `${out}-copy`])).seconds);
  }
  await rm(`${out}-copy`, { recursive: true, force: true });

  await rm(out, { recursive: true, force: true });
  return {
    articles: corpus.articles,
    target,
    files,
    cold: medianRun(cold),
    noop: { ...medianRun(noop), files: median(counts.noop) },
    edit: { ...medianRun(edit), files: median(counts.edit) },
    added: { ...medianRun(added), files: median(counts.added) },
    restored: { ...medianRun(restored), files: median(counts.restored) },
    restoredNew: { ...medianRun(restoredNew), files: median(counts.restoredNew) },
    watchMs: watch.editMs,
    copy: median(copies),
    ...(hugo && { hugo }),
    ...(ratio !== undefined && { ratio }),
  };
}

function table(list: Row[]): string {
  const s = (n: number) => `${n.toFixed(2)} s`;
  const mb = (run: Run) => (run.rssMb === undefined ? "—" : `${Math.round(run.rssMb)} MB`);
  const share = (run: Run, cold: Run) => `${s(run.seconds)} (${((100 * run.seconds) / cold.seconds).toFixed(0)}%)`;
  const head = [
    "| articles | output | files | cold | peak RSS | no-op (files written) | one body edit (files) | one body edit, `build --watch` | one new article (files) | CI run, cache restored (files) | CI run with a new story (files) | `cp -r` of our output | Hugo cold | Hugo RSS | ours / Hugo |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const lines = list.map((r) =>
    [
      r.articles.toLocaleString("en"),
      r.target === "ram" ? "RAM (tmpfs)" : "disk",
      r.files,
      s(r.cold.seconds),
      mb(r.cold),
      `${share(r.noop, r.cold)}, ${r.noop.files}`,
      `${share(r.edit, r.cold)}, ${r.edit.files}`,
      `${Math.round(r.watchMs)} ms (${((100 * r.watchMs) / 1000 / r.cold.seconds).toFixed(1)}%)`,
      `${share(r.added, r.cold)}, ${r.added.files}`,
      `${share(r.restored, r.cold)}, ${r.restored.files}`,
      `${share(r.restoredNew, r.cold)}, ${r.restoredNew.files}`,
      s(r.copy),
      r.hugo ? s(r.hugo.seconds) : "—",
      r.hugo ? mb(r.hugo) : "—",
      r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : "—",
    ].join(" | "),
  );
  const note = `Medians of ${runs} whole-process runs; peak RSS is the largest of the runs; ${withHugo ? "Hugo from the PATH, its cold builds alternating with ours; ours / Hugo is the median of each of our cold builds over Hugo's right after it" : values["no-hugo"] ? "Hugo not run (--no-hugo)" : "no hugo on the PATH"}.`;
  return [...head, ...lines.map((l) => `| ${l} |`), "", ENV_NOTE ? `${note} ${ENV_NOTE}` : note].join("\n");
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
