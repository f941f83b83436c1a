import { describe, expect, it } from "vitest";
import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { enUS } from "date-fns/locale/en-US";
import { knownTimes, loadDateLocale, makeTimeFormatter, sameTimes } from "../src/render/dates.js";
import { parseDate } from "../src/validate/dates.js";

const iso = (text: string, zone = "Asia/Baku") => {
  const r = parseDate(text, zone);
  return r.ok ? new Date(r.instant).toISOString() : `error: ${r.message}`;
};

describe("parseDate", () => {
  it("reads local times in the site zone, whatever the machine's zone", () => {
    expect(iso("2024-07-05 17:38")).toBe("2024-07-05T13:38:00.000Z");
    expect(iso("2024-07-05 17:38:45")).toBe("2024-07-05T13:38:45.000Z");
    expect(iso("2024-07-05")).toBe("2024-07-04T20:00:00.000Z");
    expect(iso("2024-07-05T17:38")).toBe("2024-07-05T13:38:00.000Z");
  });

  it("takes ISO instants with an offset or Z as written", () => {
    expect(iso("2024-07-05T17:38:00+04:00")).toBe("2024-07-05T13:38:00.000Z");
    expect(iso("2024-07-05T10:00:00-05:00")).toBe("2024-07-05T15:00:00.000Z");
    expect(iso("2024-07-05T13:38:00Z")).toBe("2024-07-05T13:38:00.000Z");
    expect(iso("2024-07-05T13:38:00.250Z")).toBe("2024-07-05T13:38:00.250Z");
  });

  it("refuses dates and times that do not exist", () => {
    expect(iso("2024-02-30")).toBe("error: February 2024 has no day 30");
    expect(iso("2023-02-29 10:00")).toBe("error: February 2023 has no day 29");
    expect(iso("2024-13-45")).toBe("error: month 13 does not exist");
    expect(iso("2024-07-05 25:00")).toBe("error: hour 25 does not exist (00-23)");
    expect(iso("2024-07-05 10:61")).toBe("error: minute 61 does not exist (00-59)");
    expect(iso("July 5th")).toBe('error: "July 5th" is not a date Broadsheet can read');
    expect(iso("2024-02-29")).toBe("2024-02-28T20:00:00.000Z");
  });

  it("reports a local time in a daylight-saving gap and takes the earlier of two in an overlap", () => {
    expect(iso("2024-03-31 02:30", "Europe/Berlin")).toMatch(/^error: 2024-03-31 02:30 does not exist in Europe\/Berlin/);
    // 02:30 happens twice on 27 October 2024 in Berlin: first at +02:00, then at +01:00.
    expect(iso("2024-10-27 02:30", "Europe/Berlin")).toBe("2024-10-27T00:30:00.000Z");
    expect(iso("2024-10-27 03:30", "Europe/Berlin")).toBe("2024-10-27T02:30:00.000Z");
    expect(iso("2024-07-01 12:00", "America/Los_Angeles")).toBe("2024-07-01T19:00:00.000Z");
  });

  it("reads a day without a time as its first instant, which is not midnight where the clocks skip midnight", () => {
    // Chile's clocks go from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00 (-03:00).
    expect(iso("2026-09-06", "America/Santiago")).toBe("2026-09-06T04:00:00.000Z");
    expect(iso("2026-09-06 00:30", "America/Santiago")).toMatch(/^error: 2026-09-06 00:30 does not exist in America\/Santiago/);
    expect(iso("2026-09-05", "America/Santiago")).toBe("2026-09-05T04:00:00.000Z");
    expect(iso("2026-03-29", "Europe/Berlin")).toBe("2026-03-28T23:00:00.000Z");
  });
});

describe("the time formatter of pages and feeds", () => {
  it("shows every instant as date-fns does in the site zone, across daylight-saving changes, whatever the pattern", () => {
    const zones = ["Asia/Baku", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"];
    // Wall-clock patterns, and patterns with a zone or a timestamp (those take the zone's own date object).
    const patterns = ["dd MMMM yyyy - HH:mm", "EEEE, do MMM yyyy h:mm:ss a", "PPpp", "II RRRR LLLL yy ccc", "dd.MM.yyyy 'at' HH:mm", "HH:mm XXX", "d MMM, HH:mm zzz", "t", "T", "O", "PPPppp", "pppp", "yyyy-MM-dd'T'HH:mm:ssxxx"];
    const start = Date.UTC(2024, 0, 1);
    const instants = Array.from({ length: 500 }, (_, i) => start + i * 17.55 * 3_600_000 + (i % 7) * 60_000);
    for (const zone of zones) {
      for (const pattern of patterns) {
        const time = makeTimeFormatter(zone, pattern, enUS);
        const expected = instants.map((i) => format(i, pattern, { in: tz(zone), locale: enUS }));
        expect(instants.map((i) => time(i).text), `${zone} ${pattern}`).toEqual(expected);
        expect(instants.map((i) => time(i).iso), zone).toEqual(instants.map((i) => format(i, "yyyy-MM-dd'T'HH:mm:ssXXX", { in: tz(zone) })));
      }
    }
  });

  it("writes an instant of local mean time (an offset with seconds, before standard time) in UTC, as ISO and HTML allow", () => {
    // Baku kept +03:19:24 until 1924.
    const time = makeTimeFormatter("Asia/Baku", "dd MMMM yyyy - HH:mm", enUS);
    expect(time(Date.UTC(1910, 4, 1, 9, 0))).toEqual({ iso: "1910-05-01T09:00:00Z", text: "01 May 1910 - 12:19" });
    expect(time(Date.UTC(2024, 6, 5, 13, 38)).iso).toBe("2024-07-05T17:38:00+04:00");
  });
});

describe("the stories' times made by the second thread (knownTimes)", () => {
  // A build's second thread formats every story's date while it waits for the site; both threads take the views.
  const settings = { timeZone: "Europe/London", pattern: "d MMMM yyyy, HH:mm", language: "de" };
  const texts = ["2024-03-31 00:30", "2024-03-31 02:30", "2024-10-27 01:30", "2024-07-05T17:38:00+04:00", "not a date", "2024-02-30 10:00"];

  it("are the views a formatter of the same settings makes itself, for every text that parses, across clock changes", async () => {
    const known = await knownTimes(settings, texts);
    const own = makeTimeFormatter(settings.timeZone, settings.pattern, await loadDateLocale(settings.language));
    expect(known.map(([instant]) => new Date(instant).toISOString())).toEqual([
      "2024-03-31T00:30:00.000Z",
      "2024-03-31T01:30:00.000Z",
      "2024-10-27T00:30:00.000Z",
      "2024-07-05T13:38:00.000Z",
    ]);
    expect(known.map(([, iso, text]) => [iso, text])).toEqual(known.map(([instant]) => [own(instant).iso, own(instant).text]));
    expect(known[1]![2]).toBe("31 März 2024, 02:30");
  });

  it("are what a formatter that takes them gives back, as it would have made them", async () => {
    const known = await knownTimes(settings, texts);
    const taker = makeTimeFormatter(settings.timeZone, settings.pattern, await loadDateLocale(settings.language));
    taker.know(known);
    const own = makeTimeFormatter(settings.timeZone, settings.pattern, await loadDateLocale(settings.language));
    for (const [instant] of known) expect([taker(instant), taker.iso(instant)]).toEqual([own(instant), own.iso(instant)]);
    expect(sameTimes(settings, { ...settings, timeZone: "Asia/Baku" })).toBe(false);
    expect(sameTimes(settings, { ...settings })).toBe(true);
  });
});
