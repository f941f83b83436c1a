/**
 * `old` with every occurrence of the block `before` replaced by `after`, as bytes (a page is neither decoded
 * nor encoded again); undefined when `before` is not in it.
 */
export function spliceBlock(old: Uint8Array, before: Uint8Array, after: Uint8Array): Buffer | undefined {
  const page = Buffer.from(old.buffer, old.byteOffset, old.byteLength);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let at = page.indexOf(before); at !== -1; at = page.indexOf(before, from)) {
    parts.push(page.subarray(from, at), after);
    from = at + before.length;
  }
  if (parts.length === 0) return undefined;
  parts.push(page.subarray(from));
  return Buffer.concat(parts);
}
