// Writing files that someone may read while they are written: a checkpoint that another kernel loads, a figure, an
// executed notebook that Jupyter has open, a kernelspec that Jupyter lists.
//
// writeFileAtomic writes the whole content under a temporary name in the same folder (".NAME.PID-RANDOM.tmp"),
// flushes it to disk (fsync), renames it over NAME, then flushes the folder (so that the rename itself survives a
// power cut). rename(2) within one file system replaces a name atomically on POSIX: a reader that opens NAME gets the
// old file or the new one, never a part of either, and a reader that has the old one open keeps reading it whole. A
// process killed during a write leaves NAME as it was, plus its temporary file; the temporary files of processes that
// no longer run are removed by the next write into the same folder (removeStaleTemps), so they do not accumulate.
// Readers never look at them: their names start with a dot and end in ".tmp".
import * as fs from "fs";
import * as path from "path";

/** .NAME.PID-RANDOM.tmp: the temporary file of a write of NAME by process PID. */
const TEMP = /^\.(.+)\.(\d+)-[0-9a-z]+\.tmp$/;

/** Temporary files of this process being written now (never removed by removeStaleTemps). */
const writing = new Set<string>();

/** A temporary file older than this is removed even if its process id belongs to a live process (ids are reused). */
const STALE_MS = 60 * 60 * 1000;

/** Whether process `pid` runs (on this machine). Signal 0 checks without sending anything; EPERM: it runs as another user. */
export function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The temporary name a write of `file` by this process uses: in the same folder, so that the rename stays in one file system. */
export function tempNameFor(file: string): string {
  const rand = Math.floor(Math.random() * 36 ** 6).toString(36);
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${rand}.tmp`);
}

/** Whether `name` (a bare file name) is a temporary file of writeFileAtomic. */
export function isTempName(name: string): boolean {
  return TEMP.test(name);
}

/**
 * Removes the temporary files in `dir` left by writes that cannot finish any more: those of processes that have
 * exited (killed during a write), this process's own that it no longer writes, and any older than an hour.
 */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    if (writing.has(file)) continue;
    const pid = Number(m[2]);
    let stale = pid === process.pid || !processRuns(pid);
    if (!stale) {
      try {
        stale = now - fs.statSync(file).mtimeMs > STALE_MS;
      } catch {
        continue; // removed meanwhile
      }
    }
    if (stale) fs.rmSync(file, { force: true });
  }
}

/** fsync of a folder, so that the names created or renamed in it are on disk. Not possible on Windows: skipped. */
export function syncDir(dir: string): void {
  if (process.platform === "win32") return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // a file system that cannot sync folders (some network and FUSE ones): the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** The new file's permissions (default 0o666 less the umask, as fs.writeFileSync). */
  mode?: number;
  /** Leave the folder's stale temporary files alone (a caller that removes them itself, once for many writes). */
  keepTemps?: boolean;
}

/**
 * Writes `data` to `file` so that a reader sees the old content or the new, whole (see the top of this file). The
 * folder must exist. On an error the temporary file is removed and `file` is left as it was.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  if (!opts.keepTemps) removeStaleTemps(dir);
  const tmp = tempNameFor(file);
  writing.add(tmp);
  try {
    const fd = fs.openSync(tmp, "wx", opts.mode ?? 0o666);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    writing.delete(tmp);
  }
  syncDir(dir);
}
