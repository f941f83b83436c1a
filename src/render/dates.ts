import { tz, tzOffset } from "@date-fns/tz";
// Not UTCDate: its module makes three Intl formatters when loaded (for its toString), and the first Intl
// formatter of a process loads ICU's data, ~20 ms that a build resumed with its zone's offsets known never needs.
import { UTCDateMini } from "@date-fns/utc/date/mini";
// The one function, not the package index: loading all of date-fns costs every start (and a render worker) ~100 ms.
import { format } from "date-fns/format";
import type { Locale } from "date-fns/locale";
import { enUS } from "date-fns/locale/en-US";
import type { Instant, SiteConfig } from "../model.js";
import { parseDate } from "../validate/dates.js";

export interface TimeView {
  /** Full ISO instant with the site zone's offset, for <time datetime>. */
  iso: string;
  /** As the newsroom shows it, in the site zone: "05 July 2024 - 17:38". */
  text: string;
}

export interface TimeFormatter {
  (instant: Instant): TimeView;
  /** The ISO instant alone (feeds, sitemaps, metadata): the text is not made for it. */
  iso(instant: Instant): string;
  /** Takes the views another formatter of the same zone, pattern and language made (see KnownTime). */
  know(views: readonly KnownTime[]): void;
  /** The zone's offset at the instant, in minutes (asked of Intl once per instant). */
  offset(instant: Instant): number;
  /** The zone's offset (minutes) at every instant this formatter has asked or been told, as [instant, offset, …]. */
  offsets(): Float64Array;
  /**
   * Takes offsets another formatter of the same zone found (see offsets()), with the same zone data: a build
   * resumed from the last build's snapshot gets that build's (see SnapshotInputs.offsets), and formats the times
   * it shows without asking Intl, whose first question in a process loads ICU's zone data (~20 ms).
   */
  knowOffsets(pairs: Float64Array): void;
}

/**
 * An instant with its view and its zone's offset, [instant, iso, text, offset], as the build's second thread makes
 * them for every story's times while it waits for the site, for both threads (each would otherwise make them
 * all, ~30 µs a story).
 */
export type KnownTime = [Instant, string, string, number];

/** The settings a TimeFormatter is made with, which one that takes another's views must share. */
export interface TimeSettings {
  timeZone: string;
  pattern: string;
  language: string;
}

/** The time settings of a site's configuration. */
export const timeSettingsOf = (config: Pick<SiteConfig, "timeZone" | "dateFormat" | "language">): TimeSettings => ({
  timeZone: config.timeZone,
  pattern: config.dateFormat,
  language: config.language,
});

/** Formats instants in the site's zone and language, never the machine's. */
export function makeTimeFormatter(timeZone: string, pattern: string, locale: Locale): TimeFormatter {
  const zone = tz(timeZone);
  // A pattern that shows only the wall clock (no zone, no timestamp) formats the instant moved by the zone's
  // offset and read as UTC: the same text as in the zone, at half the cost (a TZDate asks Intl for the offset
  // again and again; 4,000 articles' times on two threads took ~0.1 s).
  // The long and full localized times (ppp, pppp) show the zone too, in most locales.
  const wallClockOnly = !/[XxOzTt]|ppp/.test(pattern.replace(/'[^']*'/g, ""));
  const cache = new Map<Instant, TimeView>();
  const offsets = new Map<Instant, number>();
  const offsetAt = (instant: Instant) => {
    let offset = offsets.get(instant);
    if (offset === undefined) offsets.set(instant, (offset = tzOffset(timeZone, new Date(instant))));
    return offset;
  };
  const formatter = (instant: Instant) => {
    let view = cache.get(instant);
    if (!view) {
      const offset = offsetAt(instant);
      view = {
        iso: isoWithOffset(instant, offset),
        text: wallClockOnly ? format(new UTCDateMini(instant + offset * 60_000), pattern, { locale }) : format(instant, pattern, { in: zone, locale }),
      };
      cache.set(instant, view);
    }
    return view;
  };
  return Object.assign(formatter, {
    // Not cached: writing it out costs less than a map's entry (the offset is what costs, and it is kept).
    iso: (instant: Instant) => cache.get(instant)?.iso ?? isoWithOffset(instant, offsetAt(instant)),
    offset: offsetAt,
    know(views: readonly KnownTime[]) {
      for (const [instant, iso, text, offset] of views) {
        if (!cache.has(instant)) cache.set(instant, { iso, text });
        if (!offsets.has(instant)) offsets.set(instant, offset);
      }
    },
    offsets() {
      const pairs = new Float64Array(2 * offsets.size);
      let at = 0;
      for (const [instant, offset] of offsets) {
        pairs[at++] = instant;
        pairs[at++] = offset;
      }
      return pairs;
    },
    knowOffsets(pairs: Float64Array) {
      for (let at = 0; at + 1 < pairs.length; at += 2) if (!offsets.has(pairs[at]!)) offsets.set(pairs[at]!, pairs[at + 1]!);
    },
  });
}

/** The zone data Intl answers from (ICU's and its tz database's versions): offsets found with other data are asked again. */
export const zoneData = (): string => `${process.versions.icu ?? ""}/${process.versions.tz ?? ""}`;

export const sameTimes = (a: TimeSettings, b: TimeSettings): boolean => a.timeZone === b.timeZone && a.pattern === b.pattern && a.language === b.language;

/** The views of the times among `texts` (front matter `date:` and `updated:` values) that parse; see KnownTime. */
export async function knownTimes({ timeZone, pattern, language }: TimeSettings, texts: readonly string[]): Promise<KnownTime[]> {
  const formatter = makeTimeFormatter(timeZone, pattern, await loadDateLocale(language));
  const views: KnownTime[] = [];
  for (const text of texts) {
    const parsed = parseDate(text, timeZone);
    if (!parsed.ok) continue; // validation reports it
    const view = formatter(parsed.instant);
    views.push([parsed.instant, view.iso, view.text, formatter.offset(parsed.instant)]);
  }
  return views;
}

/**
 * Like date-fns' "yyyy-MM-dd'T'HH:mm:ssXXX" in a zone `offset` minutes ahead of UTC, written out directly: it is
 * on every item of every list. An offset with seconds (local mean time, before a zone kept standard time)
 * cannot be written in ISO 8601 or HTML: such an instant is written in UTC.
 */
function isoWithOffset(instant: Instant, offset: number): string {
  if (!Number.isInteger(offset)) return `${new Date(instant).toISOString().slice(0, 19)}Z`;
  const wall = new Date(instant + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The date-fns locale for a BCP 47 tag ("en-GB", then "en"), English (US) when date-fns has none. */
export async function loadDateLocale(language: string): Promise<Locale> {
  const [base, region] = language.split("-");
  const names = region ? [`${base}-${region.toUpperCase()}`, base] : [base];
  for (const name of names) {
    if (!name || !/^[a-zA-Z-]+$/.test(name)) continue;
    try {
      const mod = (await import(/* @vite-ignore */ `date-fns/locale/${name}`)) as Record<string, unknown>;
      const locale = Object.values(mod).find((v): v is Locale => typeof v === "object" && v !== null && "formatLong" in v);
      if (locale) return locale;
    } catch {
      // no such locale in date-fns: try the next, then English
    }
  }
  return enUS;
}
