import type { Article } from "../model.js";

/** Newest first by instant; equal instants by slug, so every list has one order on every machine. */
export function newestFirst(a: Article, b: Article): number {
  return b.date - a.date || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}
