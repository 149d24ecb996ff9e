#!/usr/bin/env node
// Builds the WebAssembly module of rnnlab's kernels (native/src: wasm.cc, rnn.cc, norm.cc) into
// native/wasm/rnnlab_kernels.wasm, which is committed: `npm install` never builds it, so a machine without any
// compiler still gets the kernels. The file is generated: edit the C++ and run `npm run build:wasm`, never the file.
//
// Needs clang with the WebAssembly target, lld and a WASI sysroot (C and C++ libraries for wasm32-wasi). On Debian 12:
//   apt-get install clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32
// elsewhere the wasi-sdk (WASI_SDK_PATH=/opt/wasi-sdk). CI builds it again with Debian 12's clang 14 and fails where
// the result differs from the committed file (--check): another clang gives other bytes, so commit what Debian's gives.
//
//   node native/build-wasm.js           # npm run build:wasm
//   node native/build-wasm.js --check   # build into a temporary file and compare with the committed one
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const NATIVE = __dirname;
const OUT = path.join(NATIVE, "wasm", "rnnlab_kernels.wasm");
const SOURCES = ["src/wasm.cc", "src/rnn.cc", "src/norm.cc"];

// -O3 with SIMD128 (every engine since 2021: Node 16.4, Chrome 91, Firefox 89, Safari 16.4). No -ffast-math, for NaN
// and Infinity (see binding.gyp). One thread (RNNLAB_SINGLE_THREAD), no exceptions, a reactor (a library with
// exports, no main). No import at all: the module needs nothing from its host, not even WASI.
const FLAGS = [
  "--target=wasm32-wasi",
  "-O3",
  "-msimd128",
  "-std=c++17",
  "-fno-exceptions",
  "-fno-math-errno",
  "-fno-trapping-math",
  "-DRNNLAB_SINGLE_THREAD",
  "-mexec-model=reactor",
  "-Wl,--strip-all",
];

/** clang, and the sysroot flags for wasm32-wasi; or { why }. */
function toolchain() {
  const sdk = process.env.WASI_SDK_PATH;
  const candidates = sdk ? [path.join(sdk, "bin", "clang++")] : ["clang++", ...[19, 18, 17, 16, 15, 14].map((v) => `clang++-${v}`)];
  const clang = candidates.find((c) => {
    const r = spawnSync(c, ["--version"], { encoding: "utf8" });
    return !r.error && r.status === 0;
  });
  if (!clang) return { why: "clang++ not found: apt-get install clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32" };
  if (sdk) return { clang, sysroot: [`--sysroot=${path.join(sdk, "share", "wasi-sysroot")}`] };
  // Debian's wasi-libc: headers in /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi, libc++ beside them.
  const inc = "/usr/include/wasm32-wasi";
  if (!fs.existsSync(path.join(inc, "stdlib.h"))) return { why: "no WASI sysroot: apt-get install wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32, or set WASI_SDK_PATH" };
  if (!fs.existsSync(path.join(inc, "c++", "v1", "vector"))) return { why: "no libc++ for wasm32: apt-get install libc++-dev-wasm32" };
  return { clang, sysroot: ["--sysroot=/usr", "-isystem", path.join(inc, "c++", "v1"), "-L/usr/lib/wasm32-wasi"] };
}

function build(out) {
  const t = toolchain();
  if (t.why) return t.why;
  const args = [...FLAGS, ...t.sysroot, "-o", out, ...SOURCES];
  const r = spawnSync(t.clang, args, { cwd: NATIVE, encoding: "utf8" });
  if (r.error || r.status !== 0) return `${t.clang} failed:\n${r.stderr || r.error}`;
  return null;
}

function main() {
  const check = process.argv.includes("--check");
  const out = check ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-wasm-")), "rnnlab_kernels.wasm") : OUT;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const why = build(out);
  if (why) {
    console.error(`rnnlab wasm kernels: not built: ${why}`);
    process.exit(1);
  }
  const rel = path.relative(path.join(NATIVE, ".."), OUT);
  if (!check) {
    console.log(`rnnlab wasm kernels: built ${rel} (${fs.statSync(OUT).size} bytes)`);
    return;
  }
  const same = fs.existsSync(OUT) && fs.readFileSync(OUT).equals(fs.readFileSync(out));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  if (!same) {
    console.error(`rnnlab wasm kernels: ${rel} is not what native/src builds: run npm run build:wasm and commit the result`);
    process.exit(1);
  }
  console.log(`rnnlab wasm kernels: ${rel} is what native/src builds`);
}

main();
