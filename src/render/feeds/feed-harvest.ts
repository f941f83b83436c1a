import type { Article } from "../../model.js";
import type { FeedBodies } from "../../write/feed-bodies.js";
import type { ViewContext } from "../view-model.js";
import { feedBodyKey } from "./feed-data.js";

// A feed carries the whole body of each of its stories, with absolute links: the same Markdown its page shows,
// rendered again. At 4,000 articles the ~400 stories of the feeds took ~0.25 s of CPU to parse a second time.
// A story the feeds carry now has its page and feed HTML made from one parse, whichever thread renders its page
// (see MarkdownRenderer.renderWithFeed); the feeds are made afterwards, with the bodies gathered here.

/** A feed item's body made beside its page: its key in the feeds' memo, the digest of its bytes, its HTML. */
export type HarvestedBody = [key: string, source: string, html: string];

/** The feed bodies made beside the pages of one thread. */
export interface FeedHarvest {
  /** The files of the stories it takes bodies of (a second thread opened later is given them). */
  readonly files: ReadonlySet<string>;
  /** The key and absolute URL of `article`'s feed item, when a feed to be made carries it. */
  wants(article: Article): { key: string; url: string } | undefined;
  /** Keeps a body made here or by the other thread. */
  put(body: HarvestedBody): void;
  /** The bodies kept since the last call (what the second thread hands back with its pages). */
  take(): HarvestedBody[];
  /** Every body kept, taken or not. */
  all(): HarvestedBody[];
}

/** A harvest of the feed bodies of the stories in `files` (see feedStories). */
export function feedHarvest(ctx: Pick<ViewContext, "urls">, files: ReadonlySet<string>): FeedHarvest {
  const kept: HarvestedBody[] = [];
  let taken = 0;
  return {
    files,
    wants: (article) =>
      files.has(article.file) ? { key: feedBodyKey(ctx, article), url: ctx.urls.absolute(ctx.urls.article(article)) } : undefined,
    put: (body) => void kept.push(body),
    take: () => kept.slice(taken, (taken = kept.length)),
    all: () => kept,
  };
}

/**
 * The feeds' bodies: those harvested first, then those the memo of earlier builds keeps (`memo`, if any). A
 * harvested body used is kept in the memo too, for the next build.
 */
export function withHarvest(memo: FeedBodies | undefined, harvested: readonly HarvestedBody[]): FeedBodies {
  const made = new Map(harvested.map(([key, source, html]) => [key, { source, html }]));
  return {
    get(key, source) {
      const body = made.get(key);
      if (body?.source !== source) return memo?.get(key, source);
      memo?.set(key, source, body.html);
      return body.html;
    },
    set: (key, source, html) => memo?.set(key, source, html),
    save: (keep) => memo?.save(keep),
  };
}
