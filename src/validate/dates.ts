import { TZDate } from "@date-fns/tz";
import type { Instant } from "../model.js";

export type DateResult = { ok: true; instant: Instant } | { ok: false; message: string; hint: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const FORMS = "2024-07-05 17:38 (site time), 2024-07-05, or 2024-07-05T17:38:00+04:00";

/**
 * Reads a front-matter date. ISO 8601 with `Z` or an offset is an instant as written; a local
 * `YYYY-MM-DD[ HH:mm[:ss]]` is read in the site zone. A local time that does not exist (a daylight-saving
 * gap) is an error; one that exists twice (the hour clocks go back) is the earlier instant.
 */
export function parseDate(text: string, timeZone: string): DateResult {
  const value = text.trim();
  const iso = ISO.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, ms, zone] = iso;
    const parts = toParts(y!, mo!, d!, h!, mi!, s, ms);
    const problem = checkParts(parts);
    if (problem) return problem;
    if (zone === "Z") return { ok: true, instant: wallClock(parts) };
    const sign = zone!.startsWith("-") ? -1 : 1;
    const digits = zone!.slice(1).replace(":", "");
    const offsetH = Number(digits.slice(0, 2));
    const offsetM = Number(digits.slice(2));
    if (offsetH > 23 || offsetM > 59) return invalid(`the offset ${zone} is not a valid UTC offset`);
    return { ok: true, instant: wallClock(parts) - sign * (offsetH * 60 + offsetM) * 60_000 };
  }
  const local = LOCAL.exec(value);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const parts = toParts(y!, mo!, d!, h ?? "00", mi ?? "00", s, undefined);
    const problem = checkParts(parts);
    if (problem) return problem;
    return fromZonedWallClock(parts, timeZone, value, h === undefined);
  }
  return invalid(`"${value}" is not a date Broadsheet can read`);
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function toParts(y: string, mo: string, d: string, h: string, mi: string, s?: string, ms?: string): Parts {
  return {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: s === undefined ? 0 : Number(s),
    ms: ms === undefined ? 0 : Number(ms.padEnd(3, "0")),
  };
}

function checkParts(p: Parts): DateResult | undefined {
  if (p.month < 1 || p.month > 12) return invalid(`month ${p.month} does not exist`);
  const days = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  if (p.day < 1 || p.day > days) return invalid(`${monthName(p.month)} ${p.year} has no day ${p.day}`);
  if (p.hour > 23) return invalid(`hour ${p.hour} does not exist (00-23)`);
  if (p.minute > 59) return invalid(`minute ${p.minute} does not exist (00-59)`);
  if (p.second > 59) return invalid(`second ${p.second} does not exist (00-59)`);
  return undefined;
}

/** The parts read as if they were UTC: a "wall clock" number to compare local times with. */
function wallClock(p: Parts): number {
  const t = new Date(0);
  t.setUTCFullYear(p.year, p.month - 1, p.day);
  t.setUTCHours(p.hour, p.minute, p.second, p.ms);
  return t.getTime();
}

/**
 * The instant of a wall clock in `timeZone`. `dayOnly`: the text gave no time, so it means the day's first
 * instant, which is not midnight where the clocks skip midnight (Chile, Cuba, formerly Brazil...).
 */
function fromZonedWallClock(p: Parts, timeZone: string, text: string, dayOnly = false): DateResult {
  const wall = wallClock(p);
  // A zone's offset near this time is one of the offsets a day either side; try each, keep those that
  // give back the same wall clock, and take the earliest.
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) candidates.add(wall - offsetMs(probe, timeZone));
  const matches = [...candidates].filter((t) => t + offsetMs(t, timeZone) === wall).sort((a, b) => a - b);
  if (matches.length === 0 && dayOnly) {
    // Midnight was skipped: the day starts when the clocks jump, the earliest candidate that falls within it.
    const within = [...candidates].filter((t) => t + offsetMs(t, timeZone) > wall && t + offsetMs(t, timeZone) < wall + 86_400_000).sort((a, b) => a - b);
    if (within.length > 0) return { ok: true, instant: within[0]! };
  }
  if (matches.length === 0) {
    return invalid(
      `${text} does not exist in ${timeZone}: the clocks skip that hour (daylight saving time)`,
      "Use a time outside the skipped hour, or write the instant with its offset.",
    );
  }
  return { ok: true, instant: matches[0]! };
}

/** Milliseconds to add to UTC to get the zone's wall clock at `instant`. */
export function offsetMs(instant: Instant, timeZone: string): number {
  return -new TZDate(instant, timeZone).getTimezoneOffset() * 60_000;
}

function invalid(message: string, hint = `Write dates as ${FORMS}.`): DateResult {
  return { ok: false, message, hint };
}

function monthName(month: number): string {
  return ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][month - 1]!;
}
