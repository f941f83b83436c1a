import { existsSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { isIgnoredName } from "../content/scan.js";

/**
 * Calls `onChange` once per burst of changes under the folders (editors save in several steps: write a
 * temp file, rename, touch), ignoring the leftovers editors make. Node's recursive fs.watch works on
 * Linux, macOS and Windows from Node 20, so no watcher dependency.
 */
export function watchFolders(folders: string[], onChange: (files: string[]) => void, delayMs = 40): () => void {
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const watchers: FSWatcher[] = [];
  for (const folder of folders) {
    try {
      const watcher = watch(folder, { recursive: true }, (_event, name) => {
        const rel = name === null ? "" : String(name);
        if (rel !== "" && rel.split(/[\\/]/).some(isIgnoredName)) return;
        changed.add(path.join(folder, rel));
        clearTimeout(timer);
        timer = setTimeout(() => {
          // Editors save through temp files that are gone by now; name the files that remain, unless
          // the change was a deletion.
          const all = [...changed].sort();
          const remaining = all.filter((file) => existsSync(file));
          const files = remaining.length > 0 ? remaining : all;
          changed.clear();
          onChange(files);
        }, delayMs);
      });
      // A watched folder that disappears (renamed, deleted) must not take the server down.
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A folder that does not exist yet is reported by the build itself.
    }
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
