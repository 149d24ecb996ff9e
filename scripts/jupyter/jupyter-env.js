// Shared by the setup, runner and lab scripts: where the project's kernelspec lives, and which Python has Jupyter.
"use strict";
const fs = require("fs");
const path = require("path");
const os = require("os");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
// Written whole or not at all (a temporary file renamed into place): lib/src/atomic.ts.
const { writeFileAtomic } = require(path.join(ROOT, "lib", "dist", "atomic.js"));
const KERNEL_NAME = "tslab";
/** The second kernel: Deno's own Jupyter kernel, with the course's packages. */
const DENO_KERNEL_NAME = "rnnlab-deno";
const DENO_DISPLAY_NAME = "TypeScript (rnnlab, Deno)";
/** The Deno release CI runs the lessons with (from npm: the `deno` package and its platform binary). */
const DENO_CI_VERSION = "2.9.6";
const DENO_INSTALL_HINT = "npm install -g deno";
const PROJECT_JUPYTER_PATH = path.join(ROOT, "build", "jupyter");
const APT_PACKAGES = ["jupyter-nbconvert", "python3-nbclient", "jupyter-notebook"];
const PIP_ALTERNATIVE = "python3 -m pip install --user jupyterlab nbclient nbconvert";

/**
 * The kernelspec that runs this project's own tslab with this Node. NODE_PATH names the project's node_modules, so
 * that a notebook in any folder can import rnnlab, tfjs and danfo: Node's require falls back to it, and so does
 * tslab's type check (the node-path fix in patches/tslab+1.0.22.patch). The kernel's working folder stays the notebook's.
 */
function kernelSpec() {
  return {
    argv: [process.execPath, path.join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (rnnlab)",
    language: "typescript",
    env: { NODE_PATH: path.join(ROOT, "node_modules") },
    metadata: { rnnlab_root: ROOT },
  };
}

/** Deno's binary inside its npm platform package (@deno/linux-x64-glibc, @deno/darwin-arm64, ...), as npm installs it. */
function denoPlatformPackage() {
  const os_ = process.platform === "win32" ? "win32" : process.platform;
  const libc = process.platform === "linux" ? "-glibc" : "";
  return `@deno/${os_}-${process.arch}${libc}`;
}

function denoVersionOf(file) {
  const r = spawnSync(file, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30000 });
  const m = r.status === 0 && /^deno (\d+\.\d+\.\d+)/.exec(r.stdout);
  return m ? m[1] : null;
}

/**
 * Deno for the second kernel, as { path, version, from }, or null. RNNLAB_DENO names the one binary to use (no other
 * is tried); otherwise `deno` on PATH (`npm install -g deno`, or Deno's own installer), then the binary of the npm
 * package `deno` installed in this project (`npm install --no-save deno`, as CI does).
 */
function findDeno() {
  const given = process.env.RNNLAB_DENO;
  if (given) {
    const version = denoVersionOf(given);
    return version ? { path: given, version, from: "RNNLAB_DENO" } : null;
  }
  const which = spawnSync("sh", ["-c", "command -v deno"], { encoding: "utf8" });
  if (which.status === 0 && which.stdout.trim()) {
    let file = which.stdout.trim();
    try {
      file = fs.realpathSync(file);
    } catch {
      /* keep the name found */
    }
    // npm's global `deno` is a Node wrapper (bin.cjs) until its install script replaced it: use the binary of its
    // platform package instead (the wrapper would put a Node process between Jupyter and Deno).
    if (file.endsWith(".cjs")) file = denoInPackages(path.dirname(file)) ?? file;
    const version = denoVersionOf(file);
    if (version) return { path: file, version, from: "PATH" };
  }
  const file = denoInPackages(ROOT);
  const version = file && denoVersionOf(file);
  return version ? { path: file, version, from: "this project's node_modules" } : null;
}

/** The binary of Deno's npm platform package as seen from `dir` (node_modules there or above), or null. */
function denoInPackages(dir) {
  try {
    const pkg = require.resolve(`${denoPlatformPackage()}/package.json`, { paths: [dir] });
    return path.join(path.dirname(pkg), process.platform === "win32" ? "deno.exe" : "deno");
  } catch {
    return null;
  }
}

/**
 * The kernelspec of Deno's kernel with the course's packages. It starts scripts/jupyter/deno-kernel.sh, which runs
 * `deno jupyter --kernel` in the notebook's folder where Deno finds a deno.json or package.json there or above it (the
 * project's own notebooks), and otherwise in the project, so that `rnnlab` and the course's packages resolve from
 * its package.json and node_modules (there the working folder is the course's: see the README's kernel section).
 */
function denoKernelSpec(deno) {
  return {
    argv: ["/bin/sh", path.join(ROOT, "scripts", "jupyter", "deno-kernel.sh"), deno.path, ROOT, "{connection_file}"],
    display_name: DENO_DISPLAY_NAME,
    language: "typescript",
    metadata: { rnnlab_root: ROOT, deno_version: deno.version },
  };
}

function writeDenoKernelSpec(dataDir, deno) {
  const dir = path.join(dataDir, "kernels", DENO_KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, "kernel.json"), JSON.stringify(denoKernelSpec(deno), null, 2) + "\n");
  return dir;
}

/** The user's Jupyter data folder, as Jupyter computes it on Linux/macOS. */
function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  const xdg = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(xdg, "jupyter");
}

function writeKernelSpec(dataDir) {
  const dir = path.join(dataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n"); // Jupyter lists kernelspecs at any time
  return dir;
}

/** Environment for Jupyter processes: the project's kernelspec comes first, whatever else is installed. */
function jupyterEnv(extra = {}) {
  const parts = [PROJECT_JUPYTER_PATH];
  if (process.env.JUPYTER_PATH) parts.push(process.env.JUPYTER_PATH);
  return { ...process.env, JUPYTER_PATH: parts.join(path.delimiter), ...extra };
}

function works(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return r.status === 0;
}

/** A Python that can import nbclient and nbconvert, or null. RNNLAB_PYTHON overrides the search. */
function findJupyterPython() {
  // RNNLAB_PYTHON names the one interpreter to use: no other is tried.
  if (process.env.RNNLAB_PYTHON) return works(process.env.RNNLAB_PYTHON, ["-c", "import nbclient, nbconvert, nbformat"]) ? process.env.RNNLAB_PYTHON : null;
  const candidates = [];
  // The interpreter behind the `jupyter` command on PATH, then the system's.
  const which = spawnSync("sh", ["-c", "command -v jupyter"], { encoding: "utf8" });
  if (which.status === 0) {
    try {
      const first = fs.readFileSync(which.stdout.trim(), "utf8").split("\n")[0];
      if (first.startsWith("#!")) candidates.push(first.slice(2).trim().split(/\s+/).pop());
    } catch {
      /* not a script */
    }
  }
  candidates.push("/usr/bin/python3", "python3", "python");
  for (const py of candidates) {
    if (py && works(py, ["-c", "import nbclient, nbconvert, nbformat"])) return py;
  }
  return null;
}

/** RNNLAB_REQUIRE_JUPYTER=1 (CI): the notebook runners fail without Jupyter instead of using tslab's own executor. */
function jupyterRequired() {
  const v = process.env.RNNLAB_REQUIRE_JUPYTER;
  return Boolean(v) && v !== "0";
}

function missingJupyterMessage() {
  return [
    "Jupyter (nbclient + nbconvert) was not found in any Python here.",
    "Install it with one of:",
    `  npm run install-system           # as root or with sudo on Debian/Ubuntu: apt-get install ${APT_PACKAGES.join(" ")} ...`,
    `  sudo apt-get install ${APT_PACKAGES.join(" ")}`,
    `  ${PIP_ALTERNATIVE}`,
    "or point RNNLAB_PYTHON at a Python that has them.",
  ].join("\n");
}

module.exports = {
  ROOT,
  KERNEL_NAME,
  DENO_KERNEL_NAME,
  DENO_DISPLAY_NAME,
  DENO_CI_VERSION,
  DENO_INSTALL_HINT,
  PROJECT_JUPYTER_PATH,
  APT_PACKAGES,
  PIP_ALTERNATIVE,
  kernelSpec,
  userDataDir,
  writeKernelSpec,
  findDeno,
  denoPlatformPackage,
  denoKernelSpec,
  writeDenoKernelSpec,
  jupyterEnv,
  findJupyterPython,
  jupyterRequired,
  missingJupyterMessage,
};
