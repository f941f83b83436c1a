import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { enUS } from "date-fns/locale/en-US";
import { describe, expect, it } from "vitest";
import { makeTimeFormatter } from "../src/render/dates.js";
import { createMarkdown } from "../src/render/markdown.js";
import { excerpt } from "../src/render/excerpt.js";
import { makeArticle } from "./bench/generate.js";

// Shortcuts taken for speed must give exactly what the plain way gives.

function plainExcerpt(html: string, max = 160): string {
  const text = html.replace(/<[^>]*>/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20)).trimEnd()}…`;
}

describe("excerpt", () => {
  const md = createMarkdown({ allowHtml: false, basePath: "/", embedHosts: [] });
  it("reads only the start of a long body, with the same result as reading it all", () => {
    const bodies = Array.from({ length: 40 }, (_, i) => makeArticle(i, 9).body);
    bodies.push(`${"<b>x</b> ".repeat(400)}end`, `# ${"Long heading ".repeat(80)}\n\ntext`, "short", "");
    for (const body of bodies) expect(excerpt(md.render(body))).toBe(plainExcerpt(md.render(body)));
    const tagsFirst = `${'<a href="/x">'.repeat(200)}${"word ".repeat(100)}`;
    expect(excerpt(tagsFirst)).toBe(plainExcerpt(tagsFirst));
  });
});

describe("ISO times in the site zone", () => {
  it("are what date-fns writes, in zones east, west and at UTC, across daylight saving", () => {
    for (const zone of ["Asia/Baku", "America/New_York", "UTC", "Asia/Kolkata", "Europe/London", "America/St_Johns"]) {
      const time = makeTimeFormatter(zone, "dd MMMM yyyy - HH:mm", enUS);
      for (const instant of [Date.UTC(2024, 2, 10, 6, 59), Date.UTC(2024, 2, 10, 7, 1), Date.UTC(2024, 6, 5, 13, 38, 45), Date.UTC(1999, 11, 31, 23, 59, 59)]) {
        expect(time(instant).iso, zone).toBe(format(instant, "yyyy-MM-dd'T'HH:mm:ssXXX", { in: tz(zone) }));
      }
    }
  });
});
