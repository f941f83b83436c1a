import { lstatSync, readFileSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { folderIdentityNow, hasManifest, manifestPath } from "./manifest.js";

/**
 * The longest name the output folder may have. The folders and files named after it add up to ~40 bytes to
 * it: the staging folder beside it and the previous output moved aside 26 (".previous-<pid>-<time>"), a cache
 * file being written up to 39 (".site-edits.json.<pid>-<thread>-<n>.tmp"). A file system refuses a name over
 * 255 bytes (ENAMETOOLONG: an internal error, once the whole site had been rendered).
 */
const MAX_NAME = 200;

/**
 * Why `outDir` cannot be the output folder, if it cannot. The build replaces the output folder as a whole, so
 * it takes only a folder that is new, empty, one it made (its manifest beside it describes this very folder),
 * or a site (`index.html` and `sitemap.xml` at its top: an earlier build whose cache is gone, restored by CI).
 * A file given as `--out`, a folder of other files, or a Git checkout (a deploy branch) was replaced by the
 * site without a word. A name too long for the folders named after it is refused too (see MAX_NAME).
 */
export function outputFolderProblem(outDir: string): { problem: string; hint: string } | undefined {
  const out = path.resolve(outDir);
  const name = Buffer.byteLength(path.basename(out));
  if (name > MAX_NAME) {
    return {
      problem: `the output folder's name is ${name} bytes long`,
      hint: `Use a name of at most ${MAX_NAME} bytes: the build makes folders and cache files named after it, with up to 40 bytes more, and a file system allows 255.`,
    };
  }
  let at = out;
  let info: Stats;
  for (;;) {
    try {
      info = statSync(at);
      break;
    } catch {
      const up = path.dirname(at);
      if (up === at) return undefined;
      at = up;
    }
  }
  const elsewhere = "Build into a folder of its own, e.g. --out public.";
  if (!info.isDirectory()) {
    return at === out
      ? { problem: `the output folder ${outDir} is a file`, hint: `${elsewhere} The build would replace the file with the site.` }
      : { problem: `${outDir} cannot be made: ${at} is a file`, hint: elsewhere };
  }
  if (at !== out) return undefined;
  // The swap renames the output folder: a mount point (a Docker volume) cannot be renamed (EBUSY, after the
  // whole site was rendered).
  if (info.dev !== statSync(path.dirname(out)).dev) {
    return { problem: `the output folder ${outDir} is a mount point`, hint: `The build replaces the output folder with a rename, which a mount point refuses. ${elsewhere} Then copy the site onto the mount.` };
  }
  let entries: string[];
  try {
    entries = readdirSync(out).sort();
  } catch (cause) {
    return { problem: `the output folder ${outDir} cannot be read (${(cause as NodeJS.ErrnoException).code})`, hint: elsewhere };
  }
  if (entries.includes(".git")) {
    return {
      problem: `the output folder ${outDir} is a Git checkout (.git)`,
      hint: `The build replaces the output folder as a whole, and would delete its .git. ${elsewhere} Then copy the site into the checkout.`,
    };
  }
  // Every site Broadsheet writes has both at its top, whatever the theme.
  const site = entries.includes("index.html") && entries.includes("sitemap.xml");
  if (entries.length === 0 || site || madeHere(out, entries)) return undefined;
  return {
    problem: `the output folder ${outDir} holds files Broadsheet did not make (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""})`,
    hint: `The build replaces the output folder as a whole, and would delete them. ${elsewhere} Or move those files away first.`,
  };
}

/**
 * A manifest beside `out` that describes this very folder (not one since removed and made again by hand), or,
 * for a folder with another identity (restored from a backup, moved across file systems), lists every entry at
 * its top: a file or folder the manifest does not name is not the build's.
 */
function madeHere(out: string, entries: string[]): boolean {
  if (!hasManifest(out)) return false;
  try {
    const { folder, files } = JSON.parse(readFileSync(manifestPath(out), "utf8")) as { folder?: string; files?: Record<string, unknown> };
    if (folder !== undefined && folder === folderIdentityNow(out)) return true;
    if (typeof files !== "object" || files === null) return false;
    const tops = new Set(Object.keys(files).map((file) => file.split("/")[0]));
    return entries.every((entry) => tops.has(entry));
  } catch {
    return false;
  }
}

/** The longest path Linux takes (PATH_MAX, less its closing NUL). */
const MAX_PATH = 4095;
/** What the staging folder's name adds to the output folder's (".staging-<pid>-<time>"), at most. */
const STAGING_SUFFIX = 26;

/**
 * The output folder's path is so long that a file of the site (`files`: paths relative to it) would have a path
 * over MAX_PATH in the staging folder: its write would fail (ENAMETOOLONG) after the whole site was rendered.
 */
export function outputPathProblem(outDir: string, files: Iterable<string>): { problem: string; hint: string } | undefined {
  const folder = Buffer.byteLength(path.resolve(outDir)) + STAGING_SUFFIX + 1;
  let longest = "";
  let bytes = 0;
  for (const file of files) {
    // A UTF-16 unit is at most 3 bytes of UTF-8: most paths are short enough without counting their bytes.
    if (folder + 3 * file.length <= MAX_PATH) continue;
    const length = Buffer.byteLength(file);
    if (length > bytes) [longest, bytes] = [file, length];
  }
  if (folder + bytes <= MAX_PATH) return undefined;
  return {
    problem: `the output folder's path is too long for the site: ${longest} in it would have a path of ${folder + bytes} bytes (at most ${MAX_PATH})`,
    hint: "Build into a folder with a shorter path, e.g. --out public.",
  };
}

/**
 * The output folder given as a symbolic link to a folder: its target. The build replaces the output folder with
 * a rename, which would replace the link itself with a folder and leave the site it points to as it was.
 */
export function throughLink(out: string): string {
  try {
    if (!lstatSync(out).isSymbolicLink() || !statSync(out).isDirectory()) return out;
    return realpathSync(out);
  } catch {
    return out; // not there, dangling, or a loop: the build says what it finds
  }
}
