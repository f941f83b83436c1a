import { statSync } from "node:fs";
import path from "node:path";
import { displayPath, pathsUnder } from "../config/display-path.js";
import { warning, type Diagnostic } from "../errors/diagnostic.js";
import type { RawDocument } from "../model.js";
import { holdsBodies, withBodyFrom } from "./body-file.js";
import { openSecondThread, type SecondThread } from "../parallel/second-thread.js";
import type { FileStats } from "./input-stamp.js";
import { digestBytes, parseFile, type FileOutcome } from "./parse-file.js";
import { MARKDOWN, scanFiles } from "./scan.js";
import type { ParseCache, ParsedFile } from "./parse-cache.js";
import { yamlData } from "../yaml/parse-yaml.js";
import { readTransient } from "../write/read-file.js";

export interface ContentSources {
  articles: RawDocument[];
  pages: RawDocument[];
  /** Files under content/media, relative to it. */
  media: string[];
  diagnostics: Diagnostic[];
  /**
   * A file parsed had another size or time than `stats` gave (LoadOptions): it changed between the stamp's walk
   * and its read (the second thread reads the last stories before the walk asks their times, see parseAhead).
   * The stamp does not describe what was read, and must not be recorded.
   */
  changedWhileRead?: true;
}

/** Reads content/articles/** and content/pages/** into documents, and lists content/media/**. */
export interface LoadOptions {
  /** Files to parse before a second thread takes half of them (default PARSE_IN_PARALLEL). */
  parallelFrom?: number;
  /** Sizes and times already taken (the build stamp's). */
  stats?: FileStats;
  /** The build's second thread; without one, one is opened when there are enough files to parse. */
  second?: SecondThread;
  /**
   * Told of each article as soon as it is parsed, with the files under content/media: a build reads (validates)
   * it then, between the chunks this thread parses, instead of all of them once every file is parsed (see
   * readAhead in validate/validate-content.ts).
   */
  parsedArticle?: (doc: RawDocument, media: readonly string[]) => void;
}

export async function loadContent(contentDir: string, cache?: ParseCache, options: LoadOptions = {}): Promise<ContentSources> {
  const diagnostics: Diagnostic[] = [];
  const outside: string[][] = [[], [], []];
  const [articleFiles, pageFiles, media] = await Promise.all([
    scanFiles(contentDir, "articles", outside[0]),
    scanFiles(contentDir, "pages", outside[1]),
    scanFiles(contentDir, "media", outside[2]),
  ]);
  ["articles", "pages", "media"].forEach((folder, i) => {
    for (const rel of outside[i]!) {
      diagnostics.push(warning("symlink-outside", displayPath(path.join(contentDir, folder, rel)), { line: 0, column: 0 }, "ignored: a symbolic link that leads outside the content folder (or nowhere)", {
        hint: "Copy the file into content/ instead of linking to it; links are followed only inside content/.",
      }));
    }
  });
  const jobs: Job[] = [];
  const read = (folder: string, files: string[]) => {
    const under = pathsUnder(path.join(contentDir, folder));
    return files.map((rel) => {
      const { abs, file } = under(rel);
      if (!MARKDOWN.test(rel)) {
        diagnostics.push(warning("not-markdown", file, { line: 0, column: 0 }, "ignored: not a Markdown (.md) file", {
          hint: "Articles and pages are .md files; put images and other files in content/media/.",
        }));
        return undefined;
      }
      const job = { abs, rel: `${folder}/${rel}`, file, name: rel.slice(rel.lastIndexOf("/") + 1).replace(MARKDOWN, "") };
      jobs.push(job);
      return job;
    });
  };
  const articleJobs = read("articles", articleFiles);
  const pageJobs = read("pages", pageFiles);
  const { parsedArticle } = options;
  const made = parsedArticle && ((job: Job, doc: RawDocument) => job.rel.startsWith("articles/") && parsedArticle(doc, media));
  const { docs, changedWhileRead } = await readDocuments(jobs, cache, diagnostics, options, made);
  const articles = articleJobs.map((job) => job && docs.get(job));
  const pages = pageJobs.map((job) => job && docs.get(job));
  return {
    articles: articles.filter((d): d is RawDocument => d !== undefined),
    pages: pages.filter((d): d is RawDocument => d !== undefined),
    media,
    diagnostics,
    ...(changedWhileRead && { changedWhileRead }),
  };
}

/** One content file read on its own (the dev server's edits); `abs` is inside `contentDir`. */
export function readContentFile(contentDir: string, abs: string): { doc?: RawDocument; diagnostics: Diagnostic[] } {
  const outcome = parseFile(abs, displayPath(abs));
  if ("diagnostics" in outcome) return { diagnostics: outcome.diagnostics };
  return { doc: documentFromParsed(contentDir, abs, outcome.parsed), diagnostics: [] };
}

/** A content file parsed already (a resumed build's edit) as loading would make it; `abs` is inside `contentDir`. */
export function documentFromParsed(contentDir: string, abs: string, parsed: ParsedFile): RawDocument {
  return documentOf({ abs, rel: path.relative(contentDir, abs), file: displayPath(abs), name: path.basename(abs).replace(MARKDOWN, "") }, parsed);
}

interface Job {
  abs: string;
  /** Key in the parse cache: the path under content/. */
  rel: string;
  /** Path for people. */
  file: string;
  /** The default slug. */
  name: string;
}

/** Files to parse before a second thread joins in: below this, starting it costs more than it saves. */
const PARSE_IN_PARALLEL = 1000;

/**
 * Each file from the parse cache when its size and time (or, failing those, its bytes) are unchanged; the others
 * parsed, half of them in a worker thread when there are many. Files are read synchronously: for thousands of
 * small files in the page cache this is several times faster than fs/promises, and never hits EMFILE.
 */
async function readDocuments(
  jobs: Job[],
  cache: ParseCache | undefined,
  diagnostics: Diagnostic[],
  { parallelFrom = PARSE_IN_PARALLEL, stats, second }: LoadOptions,
  made?: (job: Job, doc: RawDocument) => void,
): Promise<{ docs: Map<Job, RawDocument>; changedWhileRead: boolean }> {
  const docs = new Map<Job, RawDocument>();
  const add = (job: Job, parsed: ParsedFile, body?: Uint8Array) => {
    const doc = documentOf(job, parsed, body);
    docs.set(job, doc);
    made?.(job, doc);
  };
  const toParse: Job[] = [];
  for (const job of jobs) {
    // The build stamp has just taken every file's size and time.
    const info = stats?.get(job.abs) ?? statSync(job.abs);
    let cached = cache?.byStat(job.rel, info.size, info.mtimeMs);
    if (!cached && cache?.has(job.rel)) {
      // Touched (a checkout sets every time): the bytes tell whether it changed.
      cached = cache.bySource(job.rel, digestBytes(readTransient(job.abs).bytes));
      if (cached) cache.remember(job.rel, info.size, info.mtimeMs, cached);
    }
    if (cached) add(job, cached);
    else toParse.push(job);
  }
  // Each file's document is made as soon as it is parsed, in either thread; its problems are told in file order.
  const parsed = (i: number, outcome: FileOutcome) => {
    if (!("diagnostics" in outcome)) add(toParse[i]!, outcome.parsed, outcome.body);
  };
  const withBodies = holdsBodies(jobs.length);
  const parse = parser(withBodies);
  const outcomes = toParse.length >= Math.max(parallelFrom, 2) ? await parseShared(toParse, second, withBodies, parsed) : toParse.map((job, i) => told(parse(job), i, parsed));
  let changedWhileRead = false;
  for (const [i, outcome] of outcomes.entries()) {
    const job = toParse[i]!;
    if ("diagnostics" in outcome) {
      diagnostics.push(...outcome.diagnostics);
      continue;
    }
    cache?.remember(job.rel, outcome.size, outcome.mtimeMs, outcome.parsed);
    const walked = stats?.get(job.abs);
    if (walked && (walked.size !== outcome.size || walked.mtimeMs !== outcome.mtimeMs)) changedWhileRead = true;
  }
  return { docs, changedWhileRead };
}

/** Tells `parsed` of the outcome of file `i`, and returns it. */
function told(outcome: FileOutcome, i: number, parsed: (i: number, outcome: FileOutcome) => void): FileOutcome {
  parsed(i, outcome);
  return outcome;
}

/** Parses a job's file, with its body if `withBodies` (see holdsBodies). */
const parser =
  (withBodies: boolean) =>
  (job: Job): FileOutcome =>
    parseFile(job.abs, job.file, withBodies);

/** Files parsed per message to the second thread: small enough that neither thread waits long for the other. */
const SHARE = 100;

/** Chunks at the second thread at once (see fromBothEnds). */
const IN_FLIGHT = 3;

/** `jobs` parsed by this thread and the second thread (see fromBothEnds), each file once. */
async function parseShared(jobs: Job[], second: SecondThread | undefined, withBodies: boolean, parsed: (i: number, outcome: FileOutcome) => void): Promise<FileOutcome[]> {
  const parse = parser(withBodies);
  // Files the thread was handed before loading began (see SecondThread.parseAhead) are not shared again.
  const ahead = second ? jobs.map((job) => second.parsedAhead(job.abs)) : [];
  if (!ahead.some((outcome) => outcome !== undefined)) return fromBothEnds(jobs, second, withBodies, parsed);
  const outcomes = new Array<FileOutcome>(jobs.length);
  const waits: Promise<unknown>[] = [];
  const rest: number[] = [];
  jobs.forEach((job, i) => {
    const early = ahead[i];
    if (early) waits.push(early.then((outcome) => (outcomes[i] = told(outcome ?? parse(job), i, parsed))));
    else rest.push(i);
  });
  const shared = await fromBothEnds(
    rest.map((i) => jobs[i]!),
    second,
    withBodies,
    (k, outcome) => parsed(rest[k]!, outcome),
  );
  rest.forEach((i, k) => (outcomes[i] = shared[k]!));
  await Promise.all(waits);
  return outcomes;
}

/**
 * `jobs` parsed by this thread from the first and by the second thread (the build's, or one opened for them)
 * from the last, a chunk at a time, until they meet: however soon the second thread is up, neither waits for
 * the other. What the second thread fails to parse is parsed here.
 */
async function fromBothEnds(jobs: Job[], second: SecondThread | undefined, withBodies: boolean, parsed: (i: number, outcome: FileOutcome) => void): Promise<FileOutcome[]> {
  const parse = parser(withBodies);
  const thread = second ?? openSecondThread();
  const share = Math.max(1, Math.min(SHARE, Math.ceil(jobs.length / 8)));
  const outcomes: (FileOutcome | undefined)[] = new Array(jobs.length);
  const away: Promise<void>[] = [];
  let front = 0;
  let back = jobs.length;
  let inFlight = 0;
  // Chunks get smaller as the two ends near each other, down to a tenth: the last ones sent are answered about
  // when this thread is through its own, instead of it waiting for up to three whole chunks at the end.
  const size = () => Math.max(Math.ceil(share / 10), Math.min(share, Math.ceil((back - front) / 8)));
  const send = () => {
    const from = Math.max(front, back - size());
    const chunk = jobs.slice(from, back);
    back = from;
    inFlight++;
    away.push(
      thread.parse(chunk.map((job) => [job.abs, job.file]), withBodies).then((done) => {
        inFlight--;
        // The thread gets its next chunk before this one takes in (and validates, see LoadOptions.parsedArticle)
        // the files it parsed: it was idle 30-40% of the parse, waiting for this thread to get back to its loop.
        if (inFlight < IN_FLIGHT && back - front > size()) send();
        chunk.forEach((job, i) => (outcomes[from + i] = told(done?.[i] ?? parse(job), from + i, parsed)));
      }),
    );
  };
  try {
    while (front < back) {
      // Up to three chunks there: its answers come in, and more are sent, only when this thread yields, after a
      // chunk of its own (~25 ms); with two, the second thread waited for them 13-51 ms of a cold build's parsing.
      while (inFlight < IN_FLIGHT && back - front > size()) send();
      const end = Math.min(back, front + size());
      for (; front < end; front++) outcomes[front] = told(parse(jobs[front]!), front, parsed);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(away);
  } finally {
    if (!second) await thread.close();
  }
  return outcomes as FileOutcome[];
}

/**
 * A document from its parsed front matter, with its `body` when the file was read for it (see holdsBodies).
 * Else its body is read from the file each time it is asked for (a page or feed that shows it is rendered): a
 * big site's bodies are never all in memory, and a no-op build reads none.
 */
function documentOf(job: Job, parsed: ParsedFile, body?: Uint8Array): RawDocument {
  const { value, positions, bodyOffset, ...facts } = parsed;
  const bodyFile = { path: job.abs, offset: bodyOffset };
  return withBodyFrom({ file: job.file, name: job.name, data: yamlData(value, positions), ...facts, bodyFile }, body);
}

