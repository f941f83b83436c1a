import { existsSync, readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { isIgnoredName } from "../content/scan.js";

/**
 * Calls `onChange` once per burst of changes under the folders (editors save in several steps: write a
 * temp file, rename, touch; `git pull` changes many files at once), ignoring the leftovers editors make.
 * Used by `dev` and `build --watch`.
 */
export function watchFolders(folders: string[], onChange: (files: string[]) => void, delayMs = 40): () => void {
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
      onChange(files);
    }, delayMs);
  };
  const stops = folders.map((folder) => (process.platform === "linux" ? watchEachFolder(folder, report) : watchRecursively(folder, report)));
  return () => {
    clearTimeout(timer);
    for (const stop of stops) stop();
  };
}

/**
 * macOS and Windows watch a whole tree natively. A folder that disappears (renamed, deleted) must not take
 * the watching process down; one that does not exist yet is reported by the build itself.
 */
function watchRecursively(folder: string, report: (file: string) => void): () => void {
  try {
    const watcher = watch(folder, { recursive: true }, (_event, name) => {
      const rel = name === null ? "" : String(name);
      if (rel === "" || !rel.split(/[\\/]/).some(isIgnoredName)) report(path.join(folder, rel));
    });
    watcher.on("error", () => watcher.close());
    return () => watcher.close();
  } catch {
    return () => {};
  }
}

/**
 * On Linux, Node 20 emulates a recursive watch in JavaScript, and a change to thousands of files at once (a
 * `git pull`, a checkout, `touch`) kept it busy for minutes: 3,774 touched files were not reported after 14 s
 * and 29 s of CPU. Each folder's own watch (one inotify watch per folder, not per file) reports the changes
 * to the files in it; a folder that appears is watched from then on (the build that its appearance starts
 * reads whatever it already holds), and one that goes away is let go.
 */
function watchEachFolder(root: string, report: (file: string) => void): () => void {
  // By folder: its watch, and which folder it is (one deleted and made again under the same name is another).
  const watched = new Map<string, { watcher: FSWatcher; ino: number }>();
  const add = (folder: string, ino: number) => {
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        if (name === null || isIgnoredName(String(name))) return name === null ? report(folder) : undefined;
        const file = path.join(folder, String(name));
        const info = statSync(file, { throwIfNoEntry: false });
        // The folder itself went away (its parent reports that too).
        if (!info && !existsSync(folder)) return drop(folder);
        report(file);
        const known = watched.get(file);
        if (known && known.ino !== info?.ino) drop(file);
        if (info?.isDirectory() && !watched.has(file)) add(file, info.ino);
      });
    } catch {
      return; // gone already
    }
    watcher.on("error", () => drop(folder));
    watched.set(folder, { watcher, ino });
    for (const entry of list(folder)) {
      if (!entry.isDirectory() || isIgnoredName(entry.name)) continue;
      const sub = path.join(folder, entry.name);
      const info = statSync(sub, { throwIfNoEntry: false });
      if (info) add(sub, info.ino);
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
  const info = statSync(root, { throwIfNoEntry: false });
  if (info?.isDirectory()) add(root, info.ino);
  return () => {
    for (const { watcher } of watched.values()) watcher.close();
    watched.clear();
  };
}

function list(folder: string) {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}
