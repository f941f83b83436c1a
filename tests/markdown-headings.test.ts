import { describe, expect, it } from "vitest";
import { createMarkdown } from "../src/render/markdown.js";

const md = createMarkdown({ allowHtml: false, basePath: "/", embedHosts: [] });
const tags = (markdown: string) => [...md.render(markdown).matchAll(/<(h\d)>/g)].map((m) => m[1]);

describe("body headings", () => {
  it("start at h2 under the headline, whether the editor wrote # or ##", () => {
    expect(tags("# One\n\ntext\n\n# Two")).toEqual(["h2", "h2"]);
    expect(tags("## One\n\ntext\n\n## Two")).toEqual(["h2", "h2"]);
  });

  it("never skip a level", () => {
    expect(tags("## Part\n\n#### Detail\n\n## Part two")).toEqual(["h2", "h3", "h2"]);
    expect(tags("# Part\n\n## Section\n\n### Detail")).toEqual(["h2", "h3", "h4"]);
  });
});
