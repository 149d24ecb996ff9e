"use strict";
// tslab as published, for the tests that show what patches/tslab+1.0.22.patch fixes. The texts come from
// node_modules/tslab with the patch undone by patch-package's own code (the parser, reverse and apply that
// `patch-package` runs at npm install), in a temporary copy: node_modules itself is never changed.
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const PATCH_FILE = path.join(ROOT, "patches", "tslab+1.0.22.patch");
const TSLAB = path.dirname(require.resolve("tslab/package.json", { paths: [ROOT] }));
const PATCH_PACKAGE = path.dirname(require.resolve("patch-package/package.json", { paths: [ROOT] }));
const { parsePatchFile } = require(path.join(PATCH_PACKAGE, "dist", "patch", "parse"));
const { reversePatch } = require(path.join(PATCH_PACKAGE, "dist", "patch", "reverse"));
const { executeEffects } = require(path.join(PATCH_PACKAGE, "dist", "patch", "apply"));

const PREFIX = "node_modules/tslab/";

/** What the patch file does, as patch-package reads it: one effect per file. */
function patchEffects() {
  const effects = parsePatchFile(fs.readFileSync(PATCH_FILE, "utf8"));
  for (const e of effects) {
    if (e.type !== "patch" || !e.path.startsWith(PREFIX)) throw new Error(`${PATCH_FILE}: unexpected ${e.type} of ${e.path}`);
  }
  return effects;
}

/** The files the patch changes, relative to tslab's folder: "dist/converter.js", ... */
function patchedFiles() {
  return patchEffects().map((e) => e.path.slice(PREFIX.length));
}

/**
 * Applies the patch (undoes it with `reverse`) to `texts`, { "dist/converter.js": text, ... } for every file it
 * changes, as patch-package does to node_modules/tslab, and returns the new texts. Throws patch-package's own error
 * (naming the hunk that does not fit) when the texts are not the ones the patch was made from (or, reversed, for).
 */
function applyPatchToTexts(texts, { reverse = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-tslab-patch-"));
  try {
    const effects = patchEffects();
    for (const e of effects) {
      const file = path.join(dir, e.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, texts[e.path.slice(PREFIX.length)]);
    }
    try {
      executeEffects(reverse ? reversePatch(effects) : effects, { dryRun: false, cwd: dir, bestEffort: false });
    } catch (e) {
      // patch-package names the file by its path from the working folder: name it as in the project instead.
      e.message = e.message.split(path.relative(process.cwd(), dir) + path.sep).join("");
      throw e;
    }
    return Object.fromEntries(effects.map((e) => [e.path.slice(PREFIX.length), fs.readFileSync(path.join(dir, e.path), "utf8")]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** node_modules/tslab's texts of the files the patch changes. */
function installedTexts() {
  return Object.fromEntries(patchedFiles().map((f) => [f, fs.readFileSync(path.join(TSLAB, f), "utf8")]));
}

let published = null;

/**
 * tslab 1.0.22's text of `file` ("dist/executor.js") as published. Throws when node_modules/tslab does not hold the
 * patch (then nothing can show what it fixes), saying how to apply it.
 */
function publishedText(file) {
  if (!published) {
    try {
      published = applyPatchToTexts(installedTexts(), { reverse: true });
    } catch (e) {
      const name = path.relative(ROOT, PATCH_FILE);
      throw new Error(
        `node_modules/tslab does not hold ${name}. Run \`npx patch-package\`; where it cannot apply the patch either (tslab holds ` +
          `other changes, such as an earlier version of the patch), reinstall tslab: rm -rf node_modules/tslab && npm install.\n${e.message}`,
      );
    }
  }
  if (!(file in published)) throw new Error(`${path.relative(ROOT, PATCH_FILE)} does not change ${file}`);
  return published[file];
}

module.exports = { ROOT, TSLAB, PATCH_FILE, PATCH_PACKAGE, patchedFiles, applyPatchToTexts, installedTexts, publishedText };
