import { readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { writeAtomically } from "./atomic-file.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import type { Instant } from "../model.js";
import { cacheDir, folderIdentity } from "./manifest.js";
import { toolIdentity } from "./tool-identity.js";

// The stamp of the last build of an output folder: the digest of its inputs (see content/input-stamp.ts), until
// when the same inputs make the same site (the next scheduled story, the next story to leave the news sitemap),
// and what that build reported. A build with the same stamp before that time has nothing to do. The stamp is
// removed when a build starts and written after it committed, so an interrupted build never leaves one behind.

export interface BuildSummary {
  /** Files of the site. */
  files: number;
  articles: number;
  timeZone: string;
  /** The soonest scheduled article, and how many more are scheduled. */
  next?: { file: string; date: Instant };
  moreScheduled: number;
  /**
   * The clock at which this site changes although no input does (a scheduled story is published, a story
   * leaves the news sitemap; see render/clock.ts): when `build --watch` builds again by itself.
   */
  changesAt: Instant;
}

export interface SiteStamp {
  inputs: string;
  /** The build's clock: an earlier one may make another site (a story not published yet, back in the news sitemap). */
  validFrom: Instant;
  /** The build's output is the same for any clock from validFrom until before this instant. */
  validUntil: Instant;
  summary: BuildSummary;
  warnings: Diagnostic[];
}

interface StampFile extends SiteStamp {
  folder: string;
  tool: string;
}

function stampPath(outDir: string): string {
  return path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.stamp.json`);
}

/** The stamp of the last build into `outDir`, if that very folder is still its output. */
export async function readStamp(outDir: string): Promise<SiteStamp | undefined> {
  try {
    // Synchronous: a small file, read by a no-op build that makes no other trip through the thread pool.
    const stamp = JSON.parse(readFileSync(stampPath(outDir), "utf8")) as StampFile;
    const current = stamp.folder === (await folderIdentity(outDir)) && stamp.tool === (await toolIdentity());
    return current ? stamp : undefined;
  } catch {
    return undefined;
  }
}

export async function dropStamp(outDir: string): Promise<void> {
  await rm(stampPath(outDir), { force: true });
}

export async function writeStamp(outDir: string, stamp: SiteStamp): Promise<void> {
  const folder = await folderIdentity(outDir);
  if (folder === undefined) return;
  const target = stampPath(outDir);
  await mkdir(path.dirname(target), { recursive: true });
  await writeAtomically(target, JSON.stringify({ ...stamp, folder, tool: await toolIdentity() } satisfies StampFile));
}
