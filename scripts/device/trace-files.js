// Preloaded with `node --require scripts/device/trace-files.js` (or through NODE_OPTIONS, so child processes inherit it):
// records every file this process loads or reads — modules, .d.ts files the TypeScript checker opens, .wasm
// binaries, native addons — and appends their absolute paths to $RNNLAB_TRACE_FILE when the process exits.
// scripts/device/device-bundle.js uses the union of these lists to pack only what a run needs.
"use strict";
const fs = require("fs");
const Module = require("module");

const out = process.env.RNNLAB_TRACE_FILE;
if (out) {
  const seen = new Set();
  const note = (p) => {
    if (typeof p === "string" && p.startsWith("/")) seen.add(p);
    else if (p instanceof URL && p.protocol === "file:") seen.add(p.pathname);
  };
  const wrap = (obj, name) => {
    const original = obj[name];
    if (typeof original !== "function") return;
    obj[name] = function (p, ...rest) {
      note(p);
      return original.call(this, p, ...rest);
    };
  };
  for (const name of ["readFileSync", "readFile", "openSync", "open", "createReadStream"]) wrap(fs, name);
  for (const name of ["readFile", "open"]) wrap(fs.promises, name);
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    note(filename);
    return dlopen.call(this, module, filename, ...rest);
  };
  const load = Module._load;
  Module._load = function (request, parent, ...rest) {
    const result = load.call(this, request, parent, ...rest);
    try {
      note(Module._resolveFilename(request, parent));
    } catch {
      // a built-in module, or one the caller's own try/catch already handled
    }
    return result;
  };
  process.on("exit", () => {
    try {
      fs.appendFileSync(out, [...seen].join("\n") + "\n");
    } catch {
      // tracing must never change how the traced program ends
    }
  });
}
