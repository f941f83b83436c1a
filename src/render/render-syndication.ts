import type { Article, OutputFile, Route } from "../model.js";
import type { Redirect } from "../routes/plan-redirects.js";
import { articleKeys, sharedInputs } from "./fingerprint.js";
import { feedRenderer } from "./feeds/render-feeds.js";
import { feedBodyKey } from "./feeds/feed-data.js";
import { withHarvest, type HarvestedBody } from "./feeds/feed-harvest.js";
import { openFeedBodies, type FeedBodies } from "../write/feed-bodies.js";
import { renderRedirects } from "./redirects.js";
import { renderRobots } from "./robots.js";
import { newsSitemapArticles, renderNewsSitemap, renderSitemaps, sitemapEntries, type SitemapEntry } from "./sitemaps.js";
import type { ViewContext } from "./view-model.js";

/**
 * Asked before a group of files is made: true when the files made last time from the same inputs are kept.
 * Without inputs, the caller knows they are the same (a build that changed bodies only, see build-resume.ts).
 * The inputs are asked for only when there are files to compare them with (not in a cold build).
 */
export type Reuse = (group: string, inputs?: () => string) => boolean;

/** `hash`: of the contents, when they are bytes made by the second thread (see PlannedFile). */
export type SyndicationFile = OutputFile & { group?: string; inputs?: string; hash?: string };

/** Which groups of files a build makes (the others are kept as they are), each with the digest of its inputs. */
export interface SyndicationPlan {
  /**
   * Group → digest of its inputs; null: digested where the group is made (nothing kept to compare it with,
   * e.g. a cold build: the sitemap's digest is ~20 ms at 4,000 articles); undefined without an incremental build's digests.
   */
  make: Record<string, string | null | undefined>;
  /** Where the feeds' bodies of earlier builds are kept (see write/feed-bodies.ts), Broadsheet's identity, and whether to start afresh. */
  bodies?: { outDir: string; tool: string; fresh: boolean };
}

interface Group {
  name: string;
  /** What the group's files are made from, as text (digested with the shared inputs). */
  key: () => string;
  make: () => OutputFile[];
}

/** The files for machines beside the pages, all made: feeds, sitemaps, robots.txt, and redirects from old paths. */
export function renderSyndication(routes: Route[], redirects: Redirect[], ctx: ViewContext): SyndicationFile[] {
  return makeSyndication(planSyndication(routes, ctx), routes, redirects, ctx);
}

/**
 * Decides which groups are made (cheap: digests of what they list, nothing rendered). With `reuse` (an
 * incremental build), a feed or the sitemap whose inputs are unchanged is not made again: its inputs are the
 * configuration, the processed images and the articles it lists (by file and digest).
 */
export function planSyndication(routes: Route[], ctx: ViewContext, reuse?: Reuse, bodiesOnly = false): SyndicationPlan {
  const make: SyndicationPlan["make"] = {};
  const digest = inputsOf(ctx);
  for (const group of groups(routes, ctx)) {
    if (!reuse) make[group.name] = undefined;
    // The sitemap lists URLs and dates: the same when only bodies changed, and costly to digest.
    else if (bodiesOnly && group.name === "sitemap" && reuse(group.name)) continue;
    else {
      let inputs: string | undefined;
      if (!reuse(group.name, () => (inputs = digest(group)))) make[group.name] = inputs ?? null;
    }
  }
  return { make };
}

/** The digest of what a group's files are made from: the configuration, the pictures and the group's key. */
function inputsOf(ctx: ViewContext): (group: Group) => string {
  const { index } = ctx;
  let shared: string | undefined;
  return (group) => {
    shared ??= sharedInputs({ config: index.config, images: ctx.images, empty: index.articles.length === 0 ? index.now : undefined });
    return sharedInputs({ shared, key: group.key() });
  };
}

/**
 * The planned groups' files (tagged with their group and inputs), robots.txt and the redirects. `harvested`:
 * feed bodies made beside the pages (see feeds/feed-harvest.ts), used before any kept or rendered here.
 * `asBytes`: the feeds as UTF-8 (for a build that writes them), the rest as text.
 */
export function makeSyndication(
  plan: SyndicationPlan,
  routes: Route[],
  redirects: Redirect[],
  ctx: ViewContext,
  harvested: readonly HarvestedBody[] = [],
  asBytes = false,
): SyndicationFile[] {
  const { config } = ctx.index;
  // A body's HTML is made from its bytes, its URL (in the key), the code, the configuration and the pictures.
  const memo = plan.bodies && openFeedBodies(plan.bodies.outDir, `${plan.bodies.tool}\u0000${sharedInputs({ config, images: ctx.images, assets: ctx.assets })}`, plan.bodies.fresh);
  const bodies = harvested.length > 0 ? withHarvest(memo, harvested) : memo;
  const files: SyndicationFile[] = [];
  const digest = inputsOf(ctx);
  for (const group of groups(routes, ctx, bodies, asBytes)) {
    if (!(group.name in plan.make)) continue;
    const planned = plan.make[group.name];
    const inputs = planned === null ? digest(group) : planned;
    for (const file of group.make()) files.push(inputs === undefined ? file : { ...file, group: group.name, inputs });
  }
  bodies?.save(new Set(feedLists(ctx).flatMap((list) => list.map((a) => feedBodyKey(ctx, a)))));
  return [...files, renderRobots(config, ctx.urls), ...renderRedirects(redirects, ctx.urls, config.language)];
}

/** The stories the feeds carry (each once), whose bodies are worth making beside their pages. */
export function feedStories(ctx: ViewContext): Article[] {
  return [...new Set(feedLists(ctx).flat())];
}

/** The stories of each feed: the site's newest, and each category's. */
function feedLists(ctx: ViewContext): Article[][] {
  const { index } = ctx;
  const { feedCount, categories } = index.config;
  return [index.articles, ...categories.map((c) => index.byCategory.get(c.id) ?? [])].map((list) => list.slice(0, feedCount));
}

function groups(routes: Route[], ctx: ViewContext, bodies?: FeedBodies, asBytes = false): Group[] {
  const { index, urls, time } = ctx;
  const { config } = index;
  let listed: SitemapEntry[] | undefined;
  const entries = () => (listed ??= sitemapEntries(routes, index, urls));
  const latest = (list: Article[]) => articleKeys(list.slice(0, config.feedCount), index.now);
  const feeds = feedRenderer(ctx, bodies, asBytes);
  return [
    ...[undefined, ...config.categories.map((c) => c.id)].map((category) => {
      const list = category === undefined ? index.articles : (index.byCategory.get(category) ?? []);
      // A feed shows its own articles; only an empty category's is dated by the site's newest story.
      return { name: `feed:${category ?? ""}`, key: () => latest(list) + (list.length === 0 ? latest(index.latest) : ""), make: () => feeds(category) };
    }),
    // The sitemap is its entries (URL, last change): a body edit that keeps the dates leaves it alone.
    { name: "sitemap", key: () => JSON.stringify(entries()), make: () => renderSitemaps(entries(), urls, config.basePath, time) },
    { name: "news-sitemap", key: () => articleKeys(newsSitemapArticles(index), index.now), make: () => [renderNewsSitemap(index, urls, time)] },
  ];
}
