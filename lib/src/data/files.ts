// Files: where the course's data lives, wherever the notebook runs from, and how messages name a file.
import * as fs from "fs";
import * as path from "path";
import { datasetsDir, PROJECT_ROOT } from "../config";

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

/**
 * How output names a saved model or file, given its path or file:// URL: relative to the project when inside it
 * (build/models/07_lstm_5m, as the lessons' prose says), else relative to the working folder (the notebook's) when
 * inside that, else the absolute path. Other URLs (indexeddb://, http://) are returned as given. An absolute path says
 * little to a reader and pushes a progress line past the edge of the page.
 */
export function displayLocation(where: string, cwd: string = process.cwd()): string {
  const file = where.startsWith("file://") ? where.slice("file://".length) : /^[a-z][a-z0-9+.-]*:\/\//i.test(where) ? null : where;
  if (file === null) return where;
  const abs = path.resolve(cwd, file);
  const within = (dir: string): string | null => {
    const rel = path.relative(dir, abs);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : null;
  };
  return within(PROJECT_ROOT) ?? within(path.resolve(cwd)) ?? abs;
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
