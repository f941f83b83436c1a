import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImages } from "../src/media/process-images.js";
import { sharpEncoder, type ImageEncoder } from "../src/media/sharp-encoder.js";
import { socialVariant } from "../src/render/picture.js";
import { makeUrls } from "../src/routes/urls.js";
import { build } from "../src/build.js";
import { FIXTURE_NOW, TEMPLATES, buildSite, fixture, type BuiltSite } from "./helpers.js";
import { article, writeSmallSite } from "./small-site.js";

// tests/fixtures/images holds the articles; the pictures are drawn here with sharp, in a temporary copy.

/** A gradient "photo" (so encoders have something to work on), optionally with transparency. */
async function drawImage(file: string, width: number, height: number, alpha = false): Promise<void> {
  const channels = alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = ((x + y) * 97) % 256;
      if (alpha) pixels[i + 3] = x < width / 2 ? 255 : 80;
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(pixels, { raw: { width, height, channels } }).toFile(file);
}

function countingEncoder(version = sharpEncoder.version): ImageEncoder & { calls: { probe: number; decode: number; encode: number } } {
  const calls = { probe: 0, decode: 0, encode: 0 };
  return {
    version,
    calls,
    probe: (input) => (calls.probe++, sharpEncoder.probe(input)),
    decode: (input) => (calls.decode++, sharpEncoder.decode(input)),
    encode: (input, width, format) => (calls.encode++, sharpEncoder.encode(input, width, format)),
  };
}

async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `broadsheet-${name}-`));
  await cp(fixture(name), path.join(dir, "content"), { recursive: true });
  return dir;
}

let work: string;
let cacheDir: string;
let site: BuiltSite;
const first = countingEncoder();

beforeAll(async () => {
  work = await copyFixture("images");
  cacheDir = path.join(work, ".broadsheet-cache");
  const media = path.join(work, "content", "media");
  await drawImage(path.join(media, "photos", "wide.jpg"), 1800, 900);
  await drawImage(path.join(media, "charts", "body.jpg"), 1000, 500);
  await drawImage(path.join(media, "logo.png"), 600, 400, true);
  site = await buildSite(path.join(work, "content"), { cacheDir, imageEncoder: first });
});
afterAll(async () => {
  await site.cleanup();
  await rm(work, { recursive: true, force: true });
});

const variantsOf = (files: string[], stem: string) =>
  files.filter((f) => f.startsWith(`media/${stem}-`)).map((f) => f.replace(/\.[0-9a-f]{10}\./, ".HASH.")).sort();

describe("responsive images", () => {
  it("encodes AVIF, WebP and JPEG at 480/800/1200/1600, never wider than the original", async () => {
    expect(site.result.diagnostics).toEqual([]);
    const files = await site.files();
    expect(variantsOf(files, "photos/wide")).toEqual(
      [480, 800, 1200, 1600].flatMap((w) => ["avif", "jpg", "webp"].map((ext) => `media/photos/wide-${w}w.HASH.${ext}`)).sort(),
    );
    // 1000 wide: 480, 800 and its own width; 600 wide with transparency: PNG fallback, no 800.
    expect(variantsOf(files, "charts/body")).toEqual(
      [480, 800, 1000].flatMap((w) => ["avif", "jpg", "webp"].map((ext) => `media/charts/body-${w}w.HASH.${ext}`)).sort(),
    );
    expect(variantsOf(files, "logo")).toEqual(
      [480, 600].flatMap((w) => ["avif", "png", "webp"].map((ext) => `media/logo-${w}w.HASH.${ext}`)).sort(),
    );
    expect(files).toContain("media/photos/wide.jpg");
  });

  it("gives every variant the right format and size", async () => {
    const files = (await site.files()).filter((f) => /-\d+w\./.test(f));
    const FORMAT: Record<string, string> = { avif: "heif", webp: "webp", jpg: "jpeg", png: "png" };
    const ORIGINAL: Record<string, [number, number]> = { "photos/wide": [1800, 900], "charts/body": [1000, 500], logo: [600, 400] };
    for (const file of files) {
      const [, stem, width, ext] = /^media\/(.+)-(\d+)w\.[0-9a-f]{10}\.(\w+)$/.exec(file)!;
      const meta = await sharp(path.join(site.out, file)).metadata();
      const [w, h] = ORIGINAL[stem!]!;
      expect([file, meta.format, meta.width, meta.height]).toEqual([file, FORMAT[ext!], Number(width), Math.round((h * Number(width)) / w)]);
      expect(meta.width).toBeLessThanOrEqual(w);
    }
  });

  it("shows the lead image as a <picture> with sizes, eager and high priority, with caption and credit", async () => {
    const $ = await site.page("/local/port-at-dawn/");
    const figure = $(".lead-image");
    expect(figure.find("source").map((_, s) => $(s).attr("type")).get()).toEqual(["image/avif", "image/webp"]);
    expect(figure.find("source[type='image/avif']").attr("srcset")).toMatch(
      /^\/desk\/media\/photos\/wide-480w\.[0-9a-f]{10}\.avif 480w, \/desk\/media\/photos\/wide-800w\.\S+ 800w, \S+ 1200w, \S+ 1600w$/,
    );
    const img = figure.find("img");
    expect(img.attr("src")).toMatch(/^\/desk\/media\/photos\/wide-800w\.[0-9a-f]{10}\.jpg$/);
    expect([img.attr("width"), img.attr("height"), img.attr("alt")]).toEqual(["1600", "800", "Tankers at the port of Baku at dawn"]);
    expect(img.attr("fetchpriority")).toBe("high");
    expect(img.attr("loading")).toBeUndefined();
    expect(figure.find("figcaption").text()).toBe("The first tankers leave the port. Photo by the picture desk");
    expect(figure.find("figcaption .credit").text()).toBe("Photo by the picture desk");
  });

  it("treats images in the body the same way, loading them lazily", async () => {
    const $ = await site.page("/local/port-at-dawn/");
    const img = $(".article-body picture img");
    expect([img.attr("alt"), img.attr("width"), img.attr("height"), img.attr("loading"), img.attr("fetchpriority")]).toEqual([
      "A chart of tanker traffic", "1000", "500", "lazy", undefined,
    ]);
    expect($(".article-body picture source[type='image/webp']").attr("srcset")).toMatch(/body-480w\.\S+ 480w, \S+ 800w, \S+body-1000w\.[0-9a-f]{10}\.webp 1000w$/);
  });

  it("gives listing cards a small lazy thumbnail (no variant wider than 800)", async () => {
    const $ = await site.page("/news/");
    const thumb = $(".item").first().find(".item-thumb img");
    expect([thumb.attr("loading"), thumb.attr("alt"), thumb.attr("width")]).toEqual(["lazy", "", "800"]);
    expect(thumb.attr("srcset")).toMatch(/wide-480w\.\S+ 480w, \S+wide-800w\.[0-9a-f]{10}\.jpg 800w$/);
    expect($(".item-thumb").length).toBe(3);
  });

  it("uses a video piece's own picture as the player's poster, so no thumbnail comes from YouTube", async () => {
    const $ = await site.page("/video/harbour-film/");
    expect($(".lead-image").length).toBe(0);
    const facade = $(".lead-video a.embed-facade");
    expect(facade.attr("data-embed-src")).toBe("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90");
    expect([facade.find("img").attr("alt"), facade.find("img").attr("fetchpriority")]).toEqual(["", "high"]);
    expect(facade.find("img").attr("src")).toMatch(/^\/desk\/media\/photos\/wide-800w\./);
  });

  it("offers a 1200-wide JPEG for og:image and feeds", async () => {
    const image = (await processImages([{ src: "photos/wide.jpg", file: "x.md", line: 1, field: "image" }], {
      mediaDir: path.join(work, "content", "media"),
      cacheDir,
      urls: makeUrls({ basePath: "/", baseUrl: "https://x.example/" }),
    })).images.get("photos/wide.jpg")!;
    expect(socialVariant(image)).toMatchObject({ width: 1200, height: 600, type: "image/jpeg" });
  });

  it("encodes nothing on a rebuild: every variant comes from the cache", async () => {
    expect(first.calls.encode).toBe(4 * 3 + 3 * 3 + 2 * 3);
    const again = countingEncoder();
    const rebuilt = await buildSite(path.join(work, "content"), { cacheDir, imageEncoder: again });
    try {
      expect(again.calls).toEqual({ probe: 0, decode: 0, encode: 0 });
      const files = (await rebuilt.files()).filter((f) => f.startsWith("media/"));
      expect(files).toEqual((await site.files()).filter((f) => f.startsWith("media/")));
      const same = async (f: string) => (await readFile(path.join(rebuilt.out, f))).equals(await readFile(path.join(site.out, f)));
      expect((await Promise.all(files.map(same))).every(Boolean)).toBe(true);
    } finally {
      await rebuilt.cleanup();
    }
  });

  it("encodes every image again for another encoder (sharp upgraded, other settings), and pages link to the new variants", async () => {
    const other = countingEncoder(`${sharpEncoder.version}, upgraded`);
    const rebuilt = await buildSite(path.join(work, "content"), { cacheDir, imageEncoder: other });
    try {
      expect(other.calls.encode).toBe(first.calls.encode);
      const variants = async (s: BuiltSite) => (await s.files()).filter((f) => f.startsWith("media/") && /-\d+w\./.test(f));
      const before = await variants(site);
      const after = await variants(rebuilt);
      expect(after.length).toBe(before.length);
      expect(after.filter((f) => before.includes(f))).toEqual([]);
      // Every variant a page links to is one of the new ones.
      const pages = (await rebuilt.files()).filter((f) => f.endsWith(".html"));
      const linked = new Set<string>();
      for (const page of pages) for (const [url] of (await readFile(path.join(rebuilt.out, page), "utf8")).matchAll(/media\/[^"' ,]+-\d+w\.[0-9a-f]+\.\w+/g)) linked.add(url);
      expect(linked.size).toBeGreaterThan(0);
      expect([...linked].filter((url) => !after.includes(url))).toEqual([]);
    } finally {
      await rebuilt.cleanup();
    }
  });
});

describe("a picture replaced under the same name", () => {
  it("gets new variants, and every page that shows it links to them", async () => {
    const work2 = await copyFixture("images");
    const media = path.join(work2, "content", "media");
    try {
      await drawImage(path.join(media, "photos", "wide.jpg"), 1800, 900);
      await drawImage(path.join(media, "charts", "body.jpg"), 1000, 500);
      await drawImage(path.join(media, "logo.png"), 600, 400, true);
      // The same output folder: the second build is incremental and must not keep pages made for the old picture.
      const options = { cacheDir: path.join(work2, ".broadsheet-cache"), outDir: path.join(work2, "out", "public") };
      const before = await buildSite(path.join(work2, "content"), options);
      const oldName = (await before.files()).find((f) => f.startsWith("media/photos/wide-480w."))!;
      await drawImage(path.join(media, "photos", "wide.jpg"), 1600, 1200);
      const after = await buildSite(path.join(work2, "content"), options);
      expect(after.result.written?.cold).toBe(false);
      try {
        const newName = (await after.files()).find((f) => f.startsWith("media/photos/wide-480w."))!;
        expect(newName).not.toBe(oldName);
        const pages = (await after.files()).filter((f) => f.endsWith(".html"));
        const html = (await Promise.all(pages.map((f) => readFile(path.join(after.out, f), "utf8")))).join("\n");
        expect(html).toContain(newName.slice("media/".length));
        expect(html).not.toContain(oldName.slice("media/".length));
      } finally {
        await after.cleanup();
      }
    } finally {
      await rm(work2, { recursive: true, force: true });
    }
  });
});

/** `check`: a dry run of the build in `dir` (content/, cache in `cache`) with `encoder`. */
const dryRun = (dir: string, cache: string, encoder: ImageEncoder) =>
  build({ contentDir: path.join(dir, "content"), templatesDir: TEMPLATES, outDir: path.join(dir, "public"), now: FIXTURE_NOW, dryRun: true, encodeImages: false, cacheDir: cache, imageEncoder: encoder });

describe("check (a dry run) and images", () => {
  it("reads every picture through but encodes none, leaves the cache as it was, and renders the pages a build writes", async () => {
    const work3 = await copyFixture("images");
    try {
      const media = path.join(work3, "content", "media");
      await drawImage(path.join(media, "photos", "wide.jpg"), 1800, 900);
      await drawImage(path.join(media, "charts", "body.jpg"), 1000, 500);
      await drawImage(path.join(media, "logo.png"), 600, 400, true);
      const cache = path.join(work3, ".broadsheet-cache");
      const counting = countingEncoder();
      const checked = await dryRun(work3, cache, counting);
      expect(checked.diagnostics).toEqual([]);
      expect(counting.calls).toEqual({ probe: 3, decode: 3, encode: 0 });
      expect(existsSync(cache)).toBe(false);
      expect(existsSync(path.join(work3, "public"))).toBe(false);
      // The same pictures as the built site's (drawn alike): every page, <picture> markup included, is the build's.
      const pages = checked.files.filter((f) => f.path.endsWith(".html"));
      expect(pages.map((f) => f.path).sort()).toEqual((await site.files()).filter((f) => f.endsWith(".html")));
      for (const page of pages) {
        expect("contents" in page && Buffer.from(page.contents).toString("utf8"), page.path).toBe(await site.text(page.path));
      }
      expect(pages.find((f) => f.path === "local/port-at-dawn/index.html")).toBeDefined();
    } finally {
      await rm(work3, { recursive: true, force: true });
    }
  });

  it("reports an unreadable picture, truncated or not a picture at all, as a build does", async () => {
    const dir = await copyFixture("image-errors");
    try {
      const media = path.join(dir, "content", "media");
      await drawImage(path.join(media, "fine.jpg"), 300, 200);
      const noAlt = path.join(dir, "content", "articles", "no-alt.md");
      await writeFile(noAlt, (await readFile(noAlt, "utf8")).replace("image:", "imageAlt: A fine photo\nimage:"));
      await drawImage(path.join(dir, "whole.jpg"), 1000, 500);
      const whole = await readFile(path.join(dir, "whole.jpg"));
      // A picture too tall for AVIF and WebP (over 16,383 pixels) reads fine but fails the build's encode.
      await drawImage(path.join(dir, "tall.png"), 100, 20_000);
      const pictures = [
        [Buffer.from("this is not a jpeg"), /is not a readable image/],
        [whole.subarray(0, Math.floor(whole.length * 0.6)), /is not a readable image/],
        [await readFile(path.join(dir, "tall.png")), /too large/],
      ] as const;
      for (const [broken, why] of pictures) {
        await writeFile(path.join(media, "broken.jpg"), broken);
        const counting = countingEncoder();
        const checked = await dryRun(dir, path.join(dir, "check-cache"), counting);
        const built = await buildSite(path.join(dir, "content"), { cacheDir: path.join(dir, `build-cache-${broken.length}`) });
        try {
          expect(built.result.ok).toBe(false);
          expect(checked.diagnostics).toEqual(built.result.diagnostics);
          expect(checked.diagnostics.map((d) => d.code)).toEqual(["image-unreadable", "image-missing"]);
          expect(checked.diagnostics[0]!.message).toMatch(why);
          expect(checked.diagnostics[0]!.hint).toMatch(why.source === "too large" ? /16,383 pixels/ : /Export the picture again/);
          // Only the picture that could fail an encode is encoded, as the build does, and only up to its failure.
          expect(counting.calls.encode).toBe(why.source === "too large" ? 1 : 0);
        } finally {
          await built.cleanup();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("image problems", () => {
  it("reports a missing imageAlt, an unreadable file and a missing body image with file, line and field", async () => {
    const dir = await copyFixture("image-errors");
    try {
      const media = path.join(dir, "content", "media");
      await drawImage(path.join(media, "fine.jpg"), 300, 200);
      await writeFile(path.join(media, "broken.jpg"), "this is not a jpeg");
      // A story with no mistake, and a new picture of its own.
      await drawImage(path.join(media, "quay.jpg"), 300, 200);
      await writeFile(path.join(dir, "content", "articles", "quay.md"), "---\ntitle: The quay\ncategory: local\ndate: 2024-07-01 11:00\n---\nText.\n\n![The quay](/media/quay.jpg)\n");
      const counted = countingEncoder();
      const built = await buildSite(path.join(dir, "content"), { cacheDir: path.join(dir, "cache"), imageEncoder: counted });
      const errors = built.result.diagnostics.map((d) => [d.code, d.file.split("/").slice(-2).join("/"), d.line, d.field]);
      expect(built.result.ok).toBe(false);
      // The pictures of a build that fails are read through, as a check reads them, not encoded: its mistakes
      // are not kept waiting for encodes (~1.3 s a picture).
      expect(counted.calls.decode).toBe(1);
      expect(counted.calls.encode).toBe(0);
      // The unreadable picture and the missing body image are listed with the front matter's mistake, in one run.
      expect(errors).toEqual([
        ["image-unreadable", "articles/broken-file.md", 5, "image"],
        ["image-missing", "articles/missing-body-image.md", 8, "body"],
        ["image-alt-missing", "articles/no-alt.md", 5, "imageAlt"],
      ]);
      // With the alt text given, the other two remain.
      await writeFile(path.join(dir, "content", "articles", "no-alt.md"), (await readFile(path.join(dir, "content", "articles", "no-alt.md"), "utf8")).replace("image:", "imageAlt: A fine photo\nimage:"));
      const again = await buildSite(path.join(dir, "content"), { cacheDir: path.join(dir, "cache") });
      expect(again.result.diagnostics.map((d) => [d.code, d.file.split("/").slice(-2).join("/"), d.line, d.field])).toEqual([
        ["image-unreadable", "articles/broken-file.md", 5, "image"],
        ["image-missing", "articles/missing-body-image.md", 8, "body"],
      ]);
      expect(again.result.diagnostics[0]!.message).toMatch(/^image "\/media\/broken\.jpg" is not a readable image/);
      await Promise.all([built.cleanup(), again.cleanup()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a picture with a space in its name, in a format browsers do not show (TIFF)", () => {
  it("is linked by URLs that resolve to its variants, and shared as the 1200-wide JPEG", async () => {
    const tiff = await sharp({ create: { width: 1600, height: 900, channels: 3, background: "#2b5d8a" } }).tiff().toBuffer();
    const fields = "title: Harbour\ncategory: politics\ndate: 2024-07-01 10:00\nimage: /media/harbour view.tif\nimageAlt: The harbour";
    const small = await writeSmallSite({ "articles/harbour.md": article(fields, "![The quay](/media/harbour%20view.tif)\n"), "media/harbour view.tif": new Uint8Array(tiff) });
    const built = await buildSite(small.content, { outDir: small.out, cacheDir: path.join(small.root, "cache") });
    try {
      expect(built.result.diagnostics).toEqual([]);
      const $ = await built.page("/politics/harbour/");
      const urls = [
        ...$("picture source, picture img").map((_, el) => ($(el).attr("srcset") ?? "").split(", ").map((c) => c.split(" ")[0]!)).get(),
        ...$("picture img").map((_, el) => $(el).attr("src")!).get(),
      ].filter((u) => u !== "");
      expect(urls.length).toBeGreaterThan(10);
      for (const url of urls) {
        expect(url, url).not.toContain(" ");
        expect(existsSync(path.join(built.out, decodeURIComponent(url))), url).toBe(true);
      }
      const shared = $('meta[property="og:image"]').attr("content")!;
      expect(shared).toMatch(/^https:\/\/[^ ]+\/media\/harbour%20view-1200w\.[0-9a-f]{10}\.jpg$/);
      expect(JSON.parse($('script[type="application/ld+json"]').first().text()).image).toEqual([shared]);
      const rss = await built.text("feed.xml");
      expect(rss).toContain(`<enclosure url="${shared}" length="0" type="image/jpeg"/>`);
    } finally {
      await small.cleanup();
    }
  });
});
