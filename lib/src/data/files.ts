// Files: where the course's data lives, wherever the notebook runs from, and how messages name a file.
import * as fs from "fs";
import * as path from "path";
import { datasetsDir } from "../config";

/** A path inside the datasets folder (config's datasetsDir: datasets/ or RNNLAB_DATASETS): `datasetPath('crypto-5m', 'BTC-USD.csv')`. */
export function datasetPath(...parts: string[]): string {
  return path.join(datasetsDir(), ...parts);
}

/** How messages name a file: relative to the project when inside it (datasets/x.csv), else as given. */
export function displayName(file: string): string {
  const root = path.dirname(datasetsDir());
  const abs = path.resolve(file);
  const rel = path.relative(root, abs);
  return path.isAbsolute(file) && rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : file;
}

/** Reads a whole file; a missing or unreadable one is an error that names it (`file` is its display name). */
export function readFileNamed(filePath: string, file: string): Buffer {
  try {
    return fs.readFileSync(filePath);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(`${file}: cannot read the file (${code === "ENOENT" ? "not found" : code ?? String(e)})`);
  }
}
