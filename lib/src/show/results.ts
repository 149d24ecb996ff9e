// Results a notebook's cells record, so that prose elsewhere (the READMEs) quotes a number a cell printed rather
// than one typed by hand. `rl.record("06.lecture_lstm.test_acc", acc, { digits: 4 })` prints the value and merges it
// into build/results/<profile>.json (RNNLAB_RESULTS names another folder). notebooks/results.full.json is the
// committed copy of an executed full run (`node scripts/course/results.js --update`); test/tooling/numbers.test.js checks that
// every marked number in the READMEs, <!--r:KEY-->value<!--/r-->, is the recorded value.
import * as fs from "fs";
import * as path from "path";
import { profile } from "../course/profile";
import { resultsDir as settingsResultsDir } from "../config";
import { writeFileAtomic } from "../atomic";

export type RecordedValue = number | string;

/** The folder results are written to: RNNLAB_RESULTS, else build/results in the project. */
export function resultsDir(): string {
  return settingsResultsDir();
}

/** The file a profile's results go to. */
export function resultsFile(profileName: string = profile()): string {
  return path.join(resultsDir(), `${profileName}.json`);
}

const KEY = /^[0-9]{2}\.[A-Za-z0-9_.]+$/;

/**
 * Runs fn holding an exclusive lock file (created with O_EXCL, removed after). Waits up to 30 s for another holder;
 * a lock older than that is left over from a process that died, and is taken over.
 */
function withLock<T>(lock: string, fn: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 20) {
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again at once
      }
      if (waited >= 30000 || age > 30000) fs.rmSync(lock, { force: true });
      else Atomics.wait(pause, 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Records one result under `key` ("NN.name": the lesson's number first), as the text the prose will quote: a
 * number is rounded to `digits` decimals (default: as it is). Prints `key = text` and returns the text.
 */
export function record(key: string, value: RecordedValue, opts: { digits?: number; quiet?: boolean } = {}): string {
  if (!KEY.test(key)) throw new Error(`record: key '${key}' should look like '06.lecture_lstm.test_acc' (lesson number, a dot, a name)`);
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`record: ${key} is ${value}, not a finite number`);
    text = opts.digits === undefined ? String(value) : value.toFixed(opts.digits);
  } else if (typeof value === "string") {
    text = value;
  } else {
    throw new Error(`record: ${key} must be a number or a string, got ${typeof value}`);
  }
  const file = resultsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Notebooks that run at once (npm run notebooks --jobs) record into the same file: one at a time, under a lock,
  // and each write goes to a file beside it that is renamed over it (writeFileAtomic), so that no reader sees half a file.
  withLock(`${file}.lock`, () => {
    let all: Record<string, string> = {};
    if (fs.existsSync(file)) {
      try {
        all = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (e) {
        throw new Error(`${file}: not valid JSON (${(e as Error).message}); delete it and re-run the notebooks`);
      }
    }
    all[key] = text;
    const sorted = Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]]));
    writeFileAtomic(file, JSON.stringify(sorted, null, 2) + "\n");
  });
  if (!opts.quiet) console.log(`recorded ${key} = ${text}`);
  return text;
}
