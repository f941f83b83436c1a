import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { writeAtomicallySync } from "./atomic-file.js";
import { cacheDir } from "./manifest.js";

// A feed carries each of its stories' bodies as HTML, and a feed remade because one story changed (a typo fixed,
// a story published) rendered all fifty again: at 4,000 articles, ~35 ms of a body edit's ~0.35 s per feed. The
// bodies rendered for the feeds are kept beside the output folder, by story file and permalink, with the digest
// of the story's bytes they were rendered from, and used while that digest is the same. They are a memo, not
// a record of the site: a build that fails after writing it leaves entries that are true of their bytes.

/** Feed items' body HTML from the last builds of an output folder (see above). */
export interface FeedBodies {
  /** The HTML of the story `key` (its file and permalink) rendered from bytes with digest `source`, if kept. */
  get(key: string, source: string): string | undefined;
  set(key: string, source: string, html: string): void;
  /** Writes the entries of `keep` (the stories the feeds carry now), when any was made or dropped. */
  save(keep: ReadonlySet<string>): void;
}

interface Stored {
  version: number;
  /** What the HTML is made from besides a story's bytes and URL: Broadsheet's code, the configuration, the pictures. */
  identity: string;
  bodies: Map<string, { source: string; html: string }>;
}

const VERSION = 1;

/** The bodies kept for `outDir`, made by the code and settings `identity`; read when first asked (none when `fresh`). */
export function openFeedBodies(outDir: string, identity: string, fresh = false): FeedBodies {
  const file = path.join(cacheDir(outDir), `${path.basename(path.resolve(outDir))}.feed-bodies.v8`);
  let bodies: Map<string, { source: string; html: string }> | undefined;
  let changed = false;
  const load = () => {
    if (bodies) return bodies;
    if (fresh) return (bodies = new Map());
    try {
      const stored = deserialize(readFileSync(file)) as Stored;
      bodies = stored.version === VERSION && stored.identity === identity ? stored.bodies : new Map();
    } catch {
      bodies = new Map();
    }
    return bodies;
  };
  return {
    get(key, source) {
      const kept = load().get(key);
      return kept?.source === source ? kept.html : undefined;
    },
    set(key, source, html) {
      const kept = load().get(key);
      if (kept?.source === source && kept.html === html) return;
      bodies!.set(key, { source, html });
      changed = true;
    },
    save(keep) {
      // No feed was made: nothing was asked, and nothing need change.
      if (!bodies) return;
      const all = bodies;
      const kept = new Map([...all].filter(([key]) => keep.has(key)));
      if (!changed && kept.size === all.size) return;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeAtomicallySync(file, serialize({ version: VERSION, identity, bodies: kept } satisfies Stored));
      } catch {
        // a memo: the next build renders the bodies again
      }
    },
  };
}
