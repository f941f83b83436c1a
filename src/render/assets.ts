import { createHash } from "node:crypto";
import type { OutputFile } from "../model.js";
import type { Urls } from "../routes/urls.js";

const FINGERPRINTED = /\.(css|js)$/;

/**
 * Theme assets for /assets/. Stylesheets and scripts get a content hash in their name
 * (site.css → site.3f2a9c1b.css) so browsers may cache them forever.
 */
export function planAssets(assets: { path: string; bytes: Uint8Array }[], urls: Urls): { files: OutputFile[]; urlOf: Map<string, string> } {
  const files: OutputFile[] = [];
  const urlOf = new Map<string, string>();
  for (const asset of assets) {
    let name = asset.path;
    if (FINGERPRINTED.test(name)) {
      const hash = createHash("sha256").update(asset.bytes).digest("hex").slice(0, 10);
      name = name.replace(FINGERPRINTED, `.${hash}.$1`);
    }
    urlOf.set(asset.path, urls.asset(name));
    files.push({ path: `assets/${name}`, contents: asset.bytes });
  }
  return { files, urlOf };
}
