import { parentPort, workerData } from "node:worker_threads";
import { parseFile } from "./parse-file.js";

// A parse worker: front matter of the files it is given, on a second core (see load-content.ts).
const files = workerData as [abs: string, file: string][];
parentPort!.postMessage(files.map(([abs, file]) => parseFile(abs, file)));
