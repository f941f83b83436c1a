import sharp from "sharp";
import type { ImageFormat } from "../model.js";

/** What processing needs from an image library; tests wrap it to count calls (a cache hit makes none). */
export interface ImageEncoder {
  /** Size after EXIF orientation, and whether the image has transparency. Throws for an unreadable file. */
  probe(input: Uint8Array): Promise<{ width: number; height: number; hasAlpha: boolean }>;
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

/** Bumped with SETTINGS so that cached variants made with other settings are not reused. */
export const ENCODER_VERSION = `sharp-${sharp.versions.sharp}-${JSON.stringify(SETTINGS)}`;

export const sharpEncoder: ImageEncoder = {
  async probe(input) {
    // failOn "error" rejects truncated files instead of encoding a half-grey picture.
    const meta = await sharp(input, { failOn: "error" }).metadata();
    if (!meta.width || !meta.height) throw new Error("the file has no image size");
    // Orientations 5-8 are stored rotated by 90 degrees: the displayed size is swapped.
    const turned = (meta.orientation ?? 1) >= 5;
    return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, hasAlpha: meta.hasAlpha === true };
  },
  async encode(input, width, format) {
    const pipeline = sharp(input, { failOn: "error" }).rotate().resize({ width, withoutEnlargement: true });
    const typed =
      format === "avif" ? pipeline.avif(SETTINGS.avif)
      : format === "webp" ? pipeline.webp(SETTINGS.webp)
      : format === "png" ? pipeline.png(SETTINGS.png)
      : pipeline.flatten({ background: "#ffffff" }).jpeg(SETTINGS.jpeg);
    const { data, info } = await typed.toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  },
};
