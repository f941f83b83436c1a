import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ImageFormat } from "../model.js";

/** What processing needs from an image library; tests wrap it to count calls (a cache hit makes none). */
export interface ImageEncoder {
  /** What the encoded bytes depend on besides the image (library version, settings): variants made by another are not reused. */
  readonly version: string;
  /** Size after EXIF orientation, and whether the image has transparency. Throws for an unreadable file. */
  probe(input: Uint8Array): Promise<{ width: number; height: number; hasAlpha: boolean }>;
  /** Reads every pixel, as an encode does first, and throws what an encode would throw for an unreadable file. */
  decode(input: Uint8Array): Promise<void>;
  /** The image resized to `width` (never enlarged), encoded as `format`. */
  encode(input: Uint8Array, width: number, format: ImageFormat): Promise<{ data: Uint8Array; width: number; height: number }>;
}

// Qualities chosen for photos on news pages; AVIF effort is kept low because it dominates build time.
const SETTINGS = {
  avif: { quality: 50, effort: 2 },
  webp: { quality: 76, effort: 4 },
  jpeg: { quality: 78, mozjpeg: true },
  png: { compressionLevel: 9, effort: 7 },
} as const;

let version: string | undefined;
/** sharp's version and SETTINGS; asked only when an image is read. */
function encoderVersion(): string {
  return (version ??= `sharp-${sharpVersion()}-${JSON.stringify(SETTINGS)}`);
}

function sharpVersion(): string {
  // Read, not imported: sharp's exports hide its package.json, and importing it would load libvips.
  const main = createRequire(import.meta.url).resolve("sharp");
  return (JSON.parse(readFileSync(path.join(path.dirname(main), "..", "package.json"), "utf8")) as { version: string }).version;
}

// sharp (libvips) takes a third of a second to load: only builds with images pay for it.
let loaded: Promise<typeof import("sharp")> | undefined;
const sharpOf = async (input: Uint8Array) => (await (loaded ??= import("sharp"))).default(input, { failOn: "error" });

export const sharpEncoder: ImageEncoder = {
  get version() {
    return encoderVersion();
  },
  async probe(input) {
    // failOn "error" rejects truncated files instead of encoding a half-grey picture.
    const meta = await (await sharpOf(input)).metadata();
    if (!meta.width || !meta.height) throw new Error("the file has no image size");
    // Orientations 5-8 are stored rotated by 90 degrees: the displayed size is swapped.
    const turned = (meta.orientation ?? 1) >= 5;
    return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, hasAlpha: meta.hasAlpha === true };
  },
  async decode(input) {
    // Statistics of every channel: a full decode (a truncated file fails here as in an encode), no pixels kept.
    await (await sharpOf(input)).stats();
  },
  async encode(input, width, format) {
    const pipeline = (await sharpOf(input)).rotate().resize({ width, withoutEnlargement: true });
    const typed =
      format === "avif" ? pipeline.avif(SETTINGS.avif)
      : format === "webp" ? pipeline.webp(SETTINGS.webp)
      : format === "png" ? pipeline.png(SETTINGS.png)
      : pipeline.flatten({ background: "#ffffff" }).jpeg(SETTINGS.jpeg);
    const { data, info } = await typed.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  },
};
