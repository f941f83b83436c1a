import { existsSync, lstatSync, readdirSync, statSync, watch, type FSWatcher, type Stats } from "node:fs";
import path from "node:path";
import { isIgnoredName } from "../content/scan.js";

/**
 * Calls `onChange` once per burst of changes under the folders (editors save in several steps: write a
 * temp file, rename, touch; `git pull` changes many files at once), ignoring the leftovers editors make.
 * A watched folder that goes away (a deploy that swaps it, `mv content …`) is reported, and watched again
 * when it is back; so is one that did not exist yet. `onError` hears of a folder that cannot be watched
 * (the system's limit of watches reached, say): its changes are not seen. Used by `dev` and `build --watch`.
 */
export function watchFolders(
  folders: string[],
  /** `files`: the files to name (those still there, unless all are gone); `all`: every path reported. */
  onChange: (files: string[], all: string[]) => void,
  options: { delayMs?: number; onError?: (message: string) => void } = {},
): () => void {
  const { delayMs = 40, onError = () => {} } = options;
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const report = (file: string) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Editors save through temp files that are gone by now; name the files that remain, unless
      // the change was a deletion.
      const all = [...changed].sort();
      const remaining = all.filter((f) => existsSync(f));
      const files = remaining.length > 0 ? remaining : all;
      changed.clear();
      onChange(files, all);
    }, delayMs);
  };
  const watchTree = process.platform === "linux" ? watchEachFolder : watchRecursively;
  const stops = folders.map((folder) => whileThere(folder, report, (gone) => watchTree(folder, report, gone, onError)));
  return () => {
    clearTimeout(timer);
    for (const stop of stops) stop();
  };
}

/** How often a watched folder that is not there is looked for. */
const LOOK_AGAIN_MS = 500;

/**
 * Watches `folder` (with `start`) while it is there; while it is not, looks for it every half second, and
 * reports it when it comes back. `start` calls `gone` when the folder went away.
 */
function whileThere(folder: string, report: (file: string) => void, start: (gone: () => void) => () => void): () => void {
  let stop: (() => void) | undefined;
  let looking: NodeJS.Timeout | undefined;
  const attach = (): boolean => {
    if (!statOf(folder)?.isDirectory()) return false;
    stop = start(() => {
      if (!stop) return; // told already
      stop();
      stop = undefined;
      report(folder);
      lookAgain();
    });
    return true;
  };
  const lookAgain = () => {
    looking = setInterval(() => {
      if (!attach()) return;
      clearInterval(looking);
      report(folder);
    }, LOOK_AGAIN_MS);
  };
  if (!attach()) lookAgain();
  return () => {
    clearInterval(looking);
    stop?.();
  };
}

/** macOS and Windows watch a whole tree natively. */
function watchRecursively(folder: string, report: (file: string) => void, gone: () => void, onError: (message: string) => void): () => void {
  try {
    const watcher = watch(folder, { recursive: true }, (_event, name) => {
      const rel = name === null ? "" : String(name);
      if (rel === "" && !existsSync(folder)) return gone();
      if (rel === "" || !rel.split(/[\\/]/).some(isIgnoredName)) report(path.join(folder, rel));
    });
    watcher.on("error", () => (existsSync(folder) ? onError(`stopped watching ${folder}`) : gone()));
    return () => watcher.close();
  } catch (cause) {
    onError(`cannot watch ${folder}: ${(cause as Error).message}`);
    return () => {};
  }
}

/**
 * On Linux, Node 20 emulates a recursive watch in JavaScript, and a change to thousands of files at once (a
 * `git pull`, a checkout, `touch`) kept it busy for minutes: 3,774 touched files were not reported after 14 s
 * and 29 s of CPU. Each folder's own watch (one inotify watch per folder, not per file) reports the changes
 * to the files in it; a folder that appears is watched from then on (the build that its appearance starts
 * reads whatever it already holds), and one that goes away is let go. Symbolic links are not followed (a link
 * to /usr would add thousands of watches), as folders linked at the start are not.
 */
function watchEachFolder(root: string, report: (file: string) => void, gone: () => void, onError: (message: string) => void): () => void {
  // By folder: its watch, and which folder it is (one deleted and made again under the same name is another).
  const watched = new Map<string, { watcher: FSWatcher; ino: number }>();
  let warned = false;
  const add = (folder: string, ino: number) => {
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        if (name === null || isIgnoredName(String(name))) return name === null ? report(folder) : undefined;
        const file = path.join(folder, String(name));
        const info = lstatOf(file);
        if (!info && !existsSync(folder)) {
          // The folder itself went away (its parent reports that too); the root: see whileThere.
          if (folder === root) return gone();
          return drop(folder);
        }
        report(file);
        const known = watched.get(file);
        if (known && known.ino !== info?.ino) drop(file);
        if (info?.isDirectory() && !watched.has(file)) add(file, info.ino);
      });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      // Gone already, or not a folder any more: its parent reports that. Anything else is a folder not watched.
      if (code !== "ENOENT" && code !== "ENOTDIR" && !warned) {
        warned = true;
        onError(`cannot watch ${folder} (${code ?? String(cause)}): changes in it are not seen`);
      }
      return;
    }
    watcher.on("error", () => drop(folder));
    watched.set(folder, { watcher, ino });
    for (const entry of list(folder)) {
      if (!entry.isDirectory() || isIgnoredName(entry.name)) continue;
      const sub = path.join(folder, entry.name);
      const info = lstatOf(sub);
      if (info?.isDirectory()) add(sub, info.ino);
    }
  };
  const drop = (folder: string) => {
    for (const [name, { watcher }] of watched) {
      if (name === folder || name.startsWith(folder + path.sep)) {
        watcher.close();
        watched.delete(name);
      }
    }
  };
  const info = statOf(root);
  if (info?.isDirectory()) add(root, info.ino);
  return () => {
    for (const { watcher } of watched.values()) watcher.close();
    watched.clear();
  };
}

/** The file's own stats (a link's, not its target's); undefined when it cannot be asked (gone, a loop, no access). */
function lstatOf(file: string): Stats | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The stats of what the path leads to (a watched folder may be a link to one). */
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function list(folder: string) {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}
