#!/usr/bin/env node
// `npm run install-system` (also `npm run install-jupyter`): the optional system parts that npm cannot install.
//
//   - Jupyter's UI and executor (Notebook, nbclient, nbconvert): `npm run lab`, and HTML from `npm run notebooks`;
//   - a C++ compiler (and make, Python for node-gyp): rnnlab's native kernels (native/), about 3x faster than the
//     WebAssembly build of the same kernels that runs without one;
//   - Noto CJK fonts: Korean text in the browser's Notebook UI and in figures.
//
// On Debian/Ubuntu it runs apt-get for what is missing, as root or through sudo. Elsewhere it installs nothing
// and prints what to run (pip for Jupyter; Xcode's command line tools or the platform's compiler for the kernels).
// Then it builds the native kernels (native/build-native.js), so no second command is needed.
//
//   npm run install-system             # install what is missing, then build the native kernels
//   npm run install-system -- --dry-run  # only say what is missing and what would run
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const env = require("./jupyter-env");
const native = require("../../native/build-native");

const NAME = "install-system";
const dryRun = process.argv.includes("--dry-run");

function hasCommand(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function hasCjkFont() {
  const r = spawnSync("fc-list", [":lang=ko"], { encoding: "utf8" });
  if (!r.error && r.status === 0) return r.stdout.trim() !== "";
  return ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"].some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => /CJK/i.test(f)));
}

/** What is missing here, as { part, apt: [packages], elsewhere: "what to run off Debian" }. */
function missingParts() {
  const parts = [];
  const py = env.findJupyterPython();
  const ui = py && ["notebook", "jupyterlab"].some((m) => spawnSync(py, ["-c", `import ${m}`], { stdio: "ignore" }).status === 0);
  if (!ui) {
    parts.push({ part: "Jupyter (Notebook UI, nbclient, nbconvert)", apt: env.APT_PACKAGES, elsewhere: env.PIP_ALTERNATIVE });
  }
  const pre = native.prerequisites();
  if (!pre.ok) {
    parts.push({
      part: `the native kernels' build tools (${pre.why})`,
      apt: ["g++", "make", ...(hasCommand("python3") ? [] : ["python3"])],
      elsewhere:
        process.platform === "darwin"
          ? "xcode-select --install   # Apple's C++ compiler and make"
          : "install a C++ compiler (g++ or clang), make and Python 3 with your platform's package manager",
    });
  }
  if (process.platform === "linux" && !hasCjkFont()) {
    parts.push({ part: "Korean fonts for the browser UI and figures", apt: ["fonts-noto-cjk"], elsewhere: "install a CJK font (Noto Sans CJK)" });
  }
  return parts;
}

function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].join(" ")}`);
  if (dryRun) return;
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) {
    console.error(`${NAME}: '${[cmd, ...args].join(" ")}' ${r.error ? `could not run (${r.error.message})` : `exited with ${r.status}`}`);
    process.exit(r.status || 1);
  }
}

function buildNative() {
  console.log(`${NAME}: building the native kernels`);
  if (dryRun) return console.log(`$ node ${path.join("native", "build-native.js")} --strict`);
  const r = spawnSync(process.execPath, [path.join(env.ROOT, "native", "build-native.js"), "--strict"], { stdio: "inherit" });
  return r.status === 0;
}

function main() {
  const parts = missingParts();
  if (parts.length === 0) {
    console.log(`${NAME}: Jupyter, the C++ compiler and the fonts are all here; nothing to install.`);
  } else {
    for (const p of parts) console.log(`${NAME}: missing: ${p.part}`);
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  const packages = parts.flatMap((p) => p.apt);
  let printed = false;
  if (parts.length > 0 && hasApt && (isRoot || hasCommand("sudo"))) {
    const sudo = isRoot ? [] : ["sudo"];
    const [cmd, ...pre] = [...sudo, "apt-get"];
    run(cmd, [...pre, "update", "-qq"]);
    run(cmd, [...pre, "install", "-y", "-qq", ...packages]);
  } else if (parts.length > 0) {
    printed = true;
    console.log(`${NAME}: nothing was installed (${hasApt ? "neither root nor sudo" : "no apt-get on this system"}). Run:`);
    if (hasApt) console.log(`  apt-get install ${packages.join(" ")}   # as root`);
    for (const p of parts) console.log(`  ${hasApt ? "or " : ""}${p.elsewhere}`);
    console.log(`then: npm run build:native`);
  }
  if (!printed) {
    const built = buildNative();
    if (built === false) process.exitCode = 1;
  } else {
    process.exitCode = 1;
  }
  if (!printed && !dryRun) {
    const left = missingParts();
    if (left.length === 0) console.log(`${NAME}: done. Next: npm run lab`);
    else for (const p of left) console.log(`${NAME}: still missing: ${p.part}`);
  }
}

main();
