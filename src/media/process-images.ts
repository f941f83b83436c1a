import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { error, type Diagnostic } from "../errors/diagnostic.js";
import type { ImageFormat, ImageMap, ImageVariant, OutputFile, ProcessedImage } from "../model.js";
import type { Urls } from "../routes/urls.js";
import { writeAtomically } from "../write/atomic-file.js";
import { sharpEncoder, type ImageEncoder } from "./sharp-encoder.js";

/** Where an image is used: its path under content/media, and the place that names it (for diagnostics). */
export interface ImageRequest {
  src: string;
  file: string;
  line: number;
  field: string;
  /** The link had a `?` or `#`, which starts a query or a fragment: not part of the file's name. */
  cut?: "?" | "#";
}

export interface ImageOptions {
  mediaDir: string;
  /** Encoded variants are kept here by content hash, so a rebuild encodes nothing it encoded before. */
  cacheDir: string;
  urls: Pick<Urls, "imageVariant">;
  encoder?: ImageEncoder;
  /**
   * False for `check`: an image without variants in the cache is read through, so that it fails as it would in
   * a build, but not encoded (12 encodes, AVIF's the slowest, where a check needs none), and the cache is left
   * as it was. Its variants are planned, not made: their heights are the exact ratio's, where a resize may
   * round a large JPEG's a pixel the other way (nothing shows them: a check writes no page). A picture whose
   * variants would pass an encoder's size limit is encoded (and the result dropped), since that fails a build.
   */
  encode?: boolean;
}

export interface ProcessedImages {
  images: ImageMap;
  files: OutputFile[];
  diagnostics: Diagnostic[];
}

/** Widths for srcset; an image narrower than the largest also gets its own width, never an enlargement. */
export const WIDTHS = [480, 800, 1200, 1600];
const RASTER = /\.(jpe?g|png|webp|avif|gif|tiff?)$/i;
const EXT: Record<ImageFormat, string> = { avif: "avif", webp: "webp", jpeg: "jpg", png: "png" };

interface Manifest {
  width: number;
  height: number;
  fallback: "jpeg" | "png";
  variants: { format: ImageFormat; width: number; height: number; file: string }[];
}

/**
 * Each distinct image once: read it, look its content hash up in the cache, encode what is missing
 * (AVIF, WebP and a JPEG/PNG fallback at each width), and plan the variants as files of the site.
 * SVG and other non-raster files are left alone (they are copied with the rest of content/media).
 */
export async function processImages(requests: ImageRequest[], options: ImageOptions): Promise<ProcessedImages> {
  const encoder = options.encoder ?? sharpEncoder;
  const bySrc = new Map<string, ImageRequest[]>();
  for (const r of requests) if (RASTER.test(r.src)) bySrc.set(r.src, [...(bySrc.get(r.src) ?? []), r]);
  const images = new Map<string, ProcessedImage>();
  const files: OutputFile[] = [];
  // Other files a body shows as images (SVG, or a name cut short by a ? or #) are copied as they are, if there.
  const diagnostics = missingBodyImages(requests.filter((r) => !RASTER.test(r.src)), options.mediaDir);
  // Images are hashed with the encoder's version, so the index of those hashes is the encoder's too: after an
  // upgrade of sharp or new settings, each image is hashed again, and gets new variants.
  const known = bySrc.size > 0 ? await readKnown(options.cacheDir, encoder.version) : {};
  const seen: Known = {};
  // One image at a time: libvips already uses every core for one encode.
  for (const src of [...bySrc.keys()].sort()) {
    const result = await processOne(src, options, encoder, known, seen);
    if ("problem" in result) {
      for (const r of bySrc.get(src)!) diagnostics.push(imageDiagnostic(r, result.problem, result.missing));
      continue;
    }
    images.set(src, result.image);
    files.push(...result.files);
  }
  if (options.encode !== false && bySrc.size > 0 && JSON.stringify(seen) !== JSON.stringify(known)) await saveKnown(options.cacheDir, encoder.version, seen);
  return { images, files, diagnostics };
}

/** Each image's content hash by its size and time, so a rebuild need not read every picture to hash it. */
type Known = Record<string, { size: number; mtimeMs: number; hash: string }>;

async function readKnown(cacheDir: string, encoder: string): Promise<Known> {
  try {
    const index = JSON.parse(await readFile(path.join(cacheDir, "images", "index.json"), "utf8")) as { encoder?: string; images?: Known };
    return index.encoder === encoder && index.images ? index.images : {};
  } catch {
    return {};
  }
}

async function saveKnown(cacheDir: string, encoder: string, images: Known): Promise<void> {
  const file = path.join(cacheDir, "images", "index.json");
  await mkdir(path.dirname(file), { recursive: true });
  await writeAtomically(file, JSON.stringify({ encoder, images }));
}

type Outcome = { image: ProcessedImage; files: OutputFile[] } | { problem: string; missing: boolean };

/** The longest file name a variant adds to its picture's name: "-1600w.", a 10-digit hash, ".avif". */
const VARIANT_SUFFIX = "-1600w.0123456789.avif";
/** The longest file name file systems take, in bytes. */
const NAME_MAX = 255;

async function processOne(src: string, options: ImageOptions, encoder: ImageEncoder, known: Known, seen: Known): Promise<Outcome> {
  // A name the picture itself can have may be too long once a variant's suffix is added.
  const stem = path.basename(src).replace(/\.[^.]+$/, "");
  if (Buffer.byteLength(stem + VARIANT_SUFFIX) > NAME_MAX) {
    return { problem: `has a file name too long for its resized copies (${Buffer.byteLength(stem)} bytes before the extension)`, missing: false };
  }
  const file = path.join(options.mediaDir, src);
  let input: Uint8Array | undefined;
  let hash: string;
  let manifest: Manifest | { problem: string; missing: false } | undefined;
  try {
    const info = await stat(file);
    const before = known[src];
    if (before?.size === info.size && before.mtimeMs === info.mtimeMs) {
      hash = before.hash;
      manifest = await readManifest(folderOf(options, hash));
    }
    if (!manifest) {
      input = await readFile(file);
      hash = createHash("sha256").update(encoder.version).update("\0").update(input).digest("hex");
    }
    seen[src] = { size: info.size, mtimeMs: info.mtimeMs, hash: hash! };
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    return { problem: missing ? "is not in content/media" : `cannot be read (${(cause as Error).message})`, missing };
  }
  const folder = folderOf(options, hash!);
  manifest ??= await readManifest(folder);
  const dry = !manifest && options.encode === false;
  manifest ??= dry ? await planned(input!, encoder) : await encodeAll(input!, folder, encoder);
  if ("problem" in manifest) return manifest;
  const short = hash!.slice(0, 10);
  const variants: ImageVariant[] = [];
  const files: OutputFile[] = [];
  for (const v of manifest.variants) {
    const out = options.urls.imageVariant(src, short, v.width, EXT[v.format]);
    variants.push({ format: v.format, width: v.width, height: v.height, path: out });
    if (!dry) files.push({ path: out, copyFrom: path.join(folder, v.file) });
  }
  return { image: { width: manifest.width, height: manifest.height, fallback: manifest.fallback, variants }, files };
}

function folderOf(options: ImageOptions, hash: string): string {
  return path.join(options.cacheDir, "images", hash.slice(0, 2), hash);
}

async function readManifest(folder: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(folder, "manifest.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

type Probed = Awaited<ReturnType<ImageEncoder["probe"]>>;

/** The format of the variants for browsers without AVIF or WebP: PNG keeps transparency. */
const fallbackOf = (size: Probed) => (size.hasAlpha ? "png" : "jpeg");

/** The variants an encode makes: AVIF, WebP and the fallback at each width of WIDTHS below the image's, and its own up to the largest. */
function variantJobs(size: Probed): { format: ImageFormat; width: number }[] {
  const fallback = fallbackOf(size);
  const widths = WIDTHS.filter((w) => w < size.width);
  if (size.width <= WIDTHS.at(-1)!) widths.push(size.width);
  return widths.flatMap((width) => (["avif", "webp", fallback] as const).map((format) => ({ width, format })));
}

const unreadable = (cause: unknown) => ({ problem: `is not a readable image (${firstLine(cause)})`, missing: false as const });

/** The largest side WebP can encode (AVIF's is 16,384): a taller variant fails the build's encode. */
const ENCODER_LIMIT = 16_383;

/** A check's image: read through and probed, its variants planned, not made (see ImageOptions.encode). */
async function planned(input: Uint8Array, encoder: ImageEncoder): Promise<Manifest | { problem: string; missing: false }> {
  let size: Probed;
  try {
    size = await encoder.probe(input);
    await encoder.decode(input);
  } catch (cause) {
    return unreadable(cause);
  }
  const jobs = variantJobs(size);
  const variants = jobs.map(({ format, width }) => ({ format, width, height: Math.max(1, Math.round((size.height * width) / size.width)), file: "" }));
  if (variants.some((v) => v.height > ENCODER_LIMIT)) {
    // Encoded as a build would, in the same order, so that the first failure is the build's.
    try {
      for (const job of jobs) await encoder.encode(input, job.width, job.format);
    } catch (cause) {
      return unreadable(cause);
    }
  }
  return { width: size.width, height: size.height, fallback: fallbackOf(size), variants };
}

async function encodeAll(input: Uint8Array, folder: string, encoder: ImageEncoder): Promise<Manifest | { problem: string; missing: false }> {
  let size: Probed;
  try {
    size = await encoder.probe(input);
  } catch (cause) {
    return unreadable(cause);
  }
  const fallback = fallbackOf(size);
  const jobs = variantJobs(size);
  await mkdir(folder, { recursive: true });
  const variants: Manifest["variants"] = [];
  try {
    for (const job of jobs) {
      const encoded = await encoder.encode(input, job.width, job.format);
      const file = `${job.width}.${EXT[job.format]}`;
      await writeFile(path.join(folder, file), encoded.data);
      variants.push({ format: job.format, width: encoded.width, height: encoded.height, file });
    }
  } catch (cause) {
    return unreadable(cause);
  }
  const manifest: Manifest = { width: size.width, height: size.height, fallback, variants };
  // The manifest is written last, through a rename: a build killed mid-way leaves no half cache entry.
  await writeAtomically(path.join(folder, "manifest.json"), JSON.stringify(manifest));
  return manifest;
}

/** The body images missing from content/media, or naming a folder there (`/media/2024?x` names 2024). */
function missingBodyImages(requests: ImageRequest[], mediaDir: string): Diagnostic[] {
  return requests.flatMap((r) => {
    if (r.field !== "body") return [];
    try {
      const info = statSync(path.join(mediaDir, r.src));
      return info.isFile() ? [] : [imageDiagnostic(r, "is a folder, not a file", true)];
    } catch (cause) {
      // ENOTDIR: a file on the way (/media/photo.jpg/x.svg).
      const code = (cause as NodeJS.ErrnoException).code;
      return code === "ENOENT" || code === "ENOTDIR" ? [imageDiagnostic(r, "is not in content/media", true)] : [];
    }
  });
}

function imageDiagnostic(r: ImageRequest, problem: string, missing: boolean): Diagnostic {
  return error(missing ? "image-missing" : "image-unreadable", r.file, { line: r.line, column: 1 }, `image "/media/${r.src}" ${problem}`, {
    field: r.field,
    // A cut that left a whole file name (photo.jpg?v=2) is a query on a missing file, not a name cut short.
    hint: missing && r.cut && !/\.[a-z0-9]{2,5}$/i.test(r.src)
      ? `In a link, ${r.cut === "#" ? "# starts a fragment" : "? starts a query"}: the file name ends before it. Write ${r.cut === "#" ? "%23" : "%3F"} for a ${r.cut} in a file name, or rename the file.`
      : missing
      ? "Put the file in content/media/ and write its path, e.g. /media/2024/photo.jpg"
      : /too large/i.test(problem)
        ? "AVIF and WebP stop at 16,383 pixels a side: crop the picture, or split a tall graphic into parts."
        : /too long/.test(problem)
          ? `Rename the file: at most ${NAME_MAX - VARIANT_SUFFIX.length} bytes before the extension (a Latin letter is 1, a Cyrillic one 2).`
          : "Export the picture again as JPEG, PNG, WebP or AVIF and replace the file.",
  });
}

function firstLine(cause: unknown): string {
  return String(cause instanceof Error ? cause.message : cause).split("\n")[0]!;
}
