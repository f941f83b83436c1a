import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.js";
import { fixture } from "./helpers.js";

describe("site.yml feedCount and logo", () => {
  it("defaults feedCount to 50 and leaves logo unset", async () => {
    const { config } = await loadConfig(fixture("newsroom"));
    expect(config?.feedCount).toBe(50);
    expect(config?.logo).toBeUndefined();
  });

  it("reports a logo that is not in content/media, or neither a path nor an address", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broadsheet-logo-"));
    try {
      await cp(fixture("syndication"), dir, { recursive: true });
      const site = path.join(dir, "site.yml");
      const original = await readFile(site, "utf8");
      const problems = async (logo: string) => {
        await writeFile(site, original.replace("logo: /media/logo.png", `logo: ${logo}`));
        return (await loadConfig(dir)).diagnostics.map((d) => [d.code, d.line, d.field, d.message]);
      };
      expect(await problems("/media/missing.png")).toEqual([["config-logo", 7, "logo", 'logo "/media/missing.png" is not in content/media']]);
      expect(await problems("logo.png")).toEqual([
        ["config-logo", 7, "logo", 'logo must be a path under content/media (/media/logo.png) or an https:// address, not "logo.png"'],
      ]);
      expect(await problems("https://cdn.example/logo.png")).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
