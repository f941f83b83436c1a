import type { ImageFormat, ImageMap, ProcessedImage } from "../model.js";
import { mediaFile, type Urls } from "../routes/urls.js";
import { escapeHtml } from "./eta.js";

export interface PictureOptions {
  alt: string;
  /** The `sizes` attribute: how wide the picture is shown, so the browser picks the right file. */
  sizes: string;
  /** The article's lead image: loaded at once with high priority; every other picture loads lazily. */
  lead?: boolean;
  /** Leave out variants wider than this (thumbnails). */
  maxWidth?: number;
  /** Site URL of a variant's output path. */
  url: (outputPath: string) => string;
}

const MIME: Record<ImageFormat, string> = { avif: "image/avif", webp: "image/webp", jpeg: "image/jpeg", png: "image/png" };
const SOCIAL_WIDTH = 1200;
const DEFAULT_WIDTH = 800;

/** `<picture>` with AVIF and WebP sources and a JPEG/PNG `<img>` carrying width, height and alt. */
export function pictureHtml(image: ProcessedImage, opts: PictureOptions): string {
  const max = opts.maxWidth ?? Infinity;
  const ofFormat = (format: ImageFormat) => {
    const all = image.variants.filter((v) => v.format === format).sort((a, b) => a.width - b.width);
    const fitting = all.filter((v) => v.width <= max);
    return fitting.length > 0 ? fitting : all.slice(0, 1);
  };
  const srcset = (format: ImageFormat) => ofFormat(format).map((v) => `${opts.url(v.path)} ${v.width}w`).join(", ");
  const fallback = ofFormat(image.fallback);
  const img = fallback.filter((v) => v.width <= DEFAULT_WIDTH).at(-1) ?? fallback[0]!;
  const largest = fallback.at(-1)!;
  const attrs = [
    `src="${escapeHtml(opts.url(img.path))}"`,
    `srcset="${escapeHtml(srcset(image.fallback))}"`,
    `sizes="${escapeHtml(opts.sizes)}"`,
    `width="${largest.width}"`,
    `height="${largest.height}"`,
    `alt="${escapeHtml(opts.alt)}"`,
    opts.lead ? 'fetchpriority="high"' : 'loading="lazy"',
    'decoding="async"',
  ];
  const sources = (["avif", "webp"] as const)
    .filter((f) => ofFormat(f).length > 0)
    .map((f) => `<source type="${MIME[f]}" srcset="${escapeHtml(srcset(f))}" sizes="${escapeHtml(opts.sizes)}">`);
  return `<picture>${sources.join("")}<img ${attrs.join(" ")}></picture>`;
}

/** The version for og:image and feeds: the JPEG/PNG 1200 wide, or the widest there is below that. */
export function socialVariant(image: ProcessedImage): { path: string; width: number; height: number; type: string } {
  const fallback = image.variants.filter((v) => v.format === image.fallback).sort((a, b) => a.width - b.width);
  const pick = fallback.filter((v) => v.width <= SOCIAL_WIDTH).at(-1) ?? fallback[0]!;
  return { path: pick.path, width: pick.width, height: pick.height, type: MIME[pick.format] };
}

/**
 * The absolute URL of the image to share for `src` (a lead image or the logo, as front matter or site.yml gives
 * it): a processed picture's social variant (with its size and type), a remote or unprocessed one as it is.
 */
export function socialImage(ctx: { urls: Pick<Urls, "absolute" | "media">; images: ImageMap }, src: string): { url: string; width?: number; height?: number; type?: string } {
  const local = mediaFile(src, { frontMatter: true });
  if (local === undefined) return { url: src };
  const image = ctx.images.get(local);
  if (!image) return { url: ctx.urls.absolute(ctx.urls.media(local)) };
  const social = socialVariant(image);
  return { url: ctx.urls.absolute(ctx.urls.media(social.path)), width: social.width, height: social.height, type: social.type };
}
