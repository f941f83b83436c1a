import { hashBytes } from "../write/manifest.js";
import type { Diagnostic } from "../errors/diagnostic.js";

export type PageResult = { html: string } | { diagnostic: Diagnostic };

/** A page as HTML; or as UTF-8 bytes with their hash (from the second thread, handed over without a copy). */
export type RenderResult = PageResult | { bytes: Uint8Array; hash: string };

/**
 * A rendered page as the bytes to write, hashed for the manifest. Each page gets a buffer of its own (a small
 * Buffer.from shares a pool), which the second thread can hand over.
 */
export function asPageBytes(result: PageResult): RenderResult {
  if (!("html" in result)) return result;
  return pageBytes(encodePieces([result.html]));
}

/** The first `written` bytes of the scratch buffer as a page's bytes, in a buffer of pageBuffers, hashed. */
function pageBytes(written: number): RenderResult {
  const bytes = pageBuffers.take(written);
  bytes.set(scratch.subarray(0, written));
  return { bytes, hash: hashBytes(bytes) };
}

// A page's bytes are made on one thread, maybe moved to the other, written, and dropped: ~125 MB for a 4,000-story
// site. Memory fresh from the system costs a page fault for each 4 KB on these machines (~10 µs here, with the
// zeroing): a new 23 KB buffer for each page took ~60 µs of which the copy was 2, ~0.3 s of CPU in a cold
// build at 4,000. Buffers are used again instead, once the page they held is written (see PageSink.stage); the
// second thread's come back to it with its next job (see render-queue.ts).
const STEP = 4096;
/** Free buffers a thread keeps at most: ~2,500 pages, more than the pages a build holds at once. */
const KEEP = 64 << 20;

export class PageBuffers {
  /** Free buffers by size (a multiple of STEP). */
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Buffers that hold a page: only these are taken back, once each. */
  private readonly lent = new WeakSet<ArrayBuffer>();
  private kept = 0;

  /** A view of `length` bytes on a buffer of its own, used before or new. */
  take(length: number): Uint8Array {
    const size = Math.max(STEP, Math.ceil(length / STEP) * STEP);
    // A buffer up to two steps larger does: pages of a site differ by a few KB.
    let buffer: ArrayBuffer | undefined;
    for (let s = size; s <= size + 2 * STEP && !buffer; s += STEP) buffer = this.free.get(s)?.pop();
    if (buffer) this.kept -= buffer.byteLength;
    else buffer = new ArrayBuffer(size);
    this.lent.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /** Takes back the buffer of a page's `bytes` from take() or adopt(), once the page is written; others are left alone. */
  give(bytes: Uint8Array): void {
    const { buffer } = bytes;
    if (!(buffer instanceof ArrayBuffer) || !this.lent.has(buffer)) return;
    this.lent.delete(buffer);
    this.put(buffer);
  }

  /** The buffer of a page made by the other thread's take(), moved here: give() will take it back. */
  adopt(bytes: Uint8Array): void {
    if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.buffer.byteLength % STEP === 0) this.lent.add(bytes.buffer);
  }

  /** A free buffer to keep (one the other thread gave back, see spare()). */
  put(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || buffer.byteLength % STEP !== 0 || this.kept + buffer.byteLength > KEEP) return;
    const list = this.free.get(buffer.byteLength);
    if (list) list.push(buffer);
    else this.free.set(buffer.byteLength, [buffer]);
    this.kept += buffer.byteLength;
  }

  /** Up to `count` free buffers, handed to the other thread (moved, not copied). */
  spare(count: number): ArrayBuffer[] {
    const out: ArrayBuffer[] = [];
    for (const list of this.free.values()) {
      while (out.length < count && list.length > 0) {
        const buffer = list.pop()!;
        this.kept -= buffer.byteLength;
        out.push(buffer);
      }
    }
    return out;
  }
}

/** This thread's page buffers. */
export const pageBuffers = new PageBuffers();

const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 17);
const room = (units: number) => {
  // UTF-8 takes at most 3 bytes for each UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
  if (scratch.length < units * 3) scratch = new Uint8Array(units * 3);
};

/**
 * `text` as UTF-8 in a buffer of its own. TextEncoder's encode() costs several times its encodeInto() on Node 20
 * (a flat 22 KB page: 10.7 µs against 1.5 µs); encoded into a scratch buffer and copied out, a page with
 * letters beyond Latin-1 (ə, —) is made in ~18 µs instead of ~29 µs.
 */
export function utf8(text: string): Uint8Array {
  return utf8Pieces([text]);
}

/**
 * The UTF-8 of `pieces` joined, in a buffer of its own, encoded piece by piece rather than joined into one long
 * string first. Pieces must not split a surrogate pair (see xml.ts's Pieces: each starts and ends with ASCII).
 */
export function utf8Pieces(pieces: readonly string[]): Uint8Array {
  // Encoded first: the scratch buffer may be replaced by a larger one meanwhile.
  const written = encodePieces(pieces);
  return scratch.slice(0, written);
}

/** `pieces` encoded one after another at the start of the scratch buffer; the number of bytes written. */
function encodePieces(pieces: readonly string[]): number {
  let units = 0;
  for (const piece of pieces) units += piece.length;
  room(units);
  let written = 0;
  for (const piece of pieces) written += encoder.encodeInto(piece, written === 0 ? scratch : scratch.subarray(written)).written;
  return written;
}

/**
 * A block every page prints as it is (Latest news, half the bytes of a page), encoded once: pages are rendered
 * with `mark` in its place, and each mark becomes the block's bytes as the page is encoded. The page text the
 * template engine built is half as long, and half as much is encoded per page. The mark holds a NUL and a
 * nonce, which no content can print (a body's NUL becomes U+FFFD; a nonce is not known before the build).
 */
export interface SharedBlock {
  mark: string;
  bytes: Uint8Array;
}

/** The page's bytes, each `block.mark` in `html` replaced by the block's bytes, hashed for the manifest. */
export function withBlock(result: PageResult, block: SharedBlock): RenderResult {
  if (!("html" in result)) return result;
  const { html } = result;
  const marks: number[] = [];
  for (let at = html.indexOf(block.mark); at !== -1; at = html.indexOf(block.mark, at + block.mark.length)) marks.push(at);
  room(html.length + Math.ceil((marks.length * block.bytes.length) / 3));
  let written = 0;
  let from = 0;
  for (const at of marks) {
    written += encoder.encodeInto(html.slice(from, at), scratch.subarray(written)).written;
    scratch.set(block.bytes, written);
    written += block.bytes.length;
    from = at + block.mark.length;
  }
  written += encoder.encodeInto(from === 0 ? html : html.slice(from), scratch.subarray(written)).written;
  return pageBytes(written);
}
