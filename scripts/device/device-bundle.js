#!/usr/bin/env node
// For a GPU host without network access (no npm registry there): packs what scripts/device/device-check.js needs into
// .device/ (git-ignored, about 40 MiB; node_modules itself is about 740 MB), so that the repository's files plus
// .device/ are all that has to be copied to the host:
//
//   .device/node.xz          this Node binary (the official build: it needs only glibc and libstdc++)
//   .device/modules.tar.xz   the files the check loads, found by tracing real runs here (scripts/device/trace-files.js):
//                            node_modules (tslab and its TypeScript, tfjs and its backends, rnnlab's dependencies),
//                            lib/dist, plus Dawn's prebuilt linux-x64 binding and tfjs-backend-webgpu, which cannot
//                            load on a machine without a GPU and so are named explicitly; and a portable build of
//                            the native kernels (x86-64-v3)
//   .device/debs/            the Vulkan loader and GL dispatch libraries (Debian packages), for hosts without them
//
// Build it on a Linux x86-64 machine where `npm install` worked. Then copy the repository (its tracked files) and
// .device/ to the GPU host and run `bash scripts/device/device-run.sh` in the copy's root (see that file): the results
// land in build/device-check/ there, or in the folder given with --out.
//
//   node scripts/device/device-bundle.js                 # build .device/ and print its size
//   node scripts/device/device-bundle.js --check         # also unpack it into a temporary copy of the repository, with
//                                                 # no node_modules and no system Node on PATH, and run the
//                                                 # quick check there
//   node scripts/device/device-bundle.js --max-mib 64    # fail when the repository's files and .device/ together exceed
//                                                 # 64 MiB, for a transfer with a size limit (default: no limit)
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const REAL_ROOT = fs.realpathSync(ROOT);
const OUT = path.join(ROOT, ".device");
const CHECK = process.argv.includes("--check");
const maxAt = process.argv.indexOf("--max-mib");
const LIMIT = maxAt > 0 ? Number(process.argv[maxAt + 1]) * 2 ** 20 : Infinity; // repository files + .device/
if (!(LIMIT > 0)) {
  console.error("device-bundle: --max-mib takes a size in MiB above 0");
  process.exit(2);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout || "").trim().split("\n").slice(-5).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed: ${why}`);
  }
  return r.stdout;
}

const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Runs the workloads the device check runs, in their quick form, with every loaded or read file recorded. */
function trace() {
  const list = path.join(os.tmpdir(), `rnnlab-trace-${process.pid}.txt`);
  fs.rmSync(list, { force: true });
  const env = {
    ...process.env,
    RNNLAB_TRACE_FILE: list,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "trace-files.js")}`.trim(),
  };
  const runs = [
    // lesson 06 as the check runs it: tslab's executor (TypeScript's checker reads the .d.ts files), tfjs on wasm
    ["scripts/jupyter/run-headless.js", "--quick", "--out", path.join(os.tmpdir(), `rnnlab-trace-nb-${process.pid}`), "notebooks/06_rnn_mnist.ipynb"],
    // the check itself (its backend probes) and a tiny bench
    ["scripts/device/device-check.js", "--trace-only"],
    // the agreement tests the check runs on each GPU backend
    ["node_modules/mocha/bin/mocha.js", "--no-config", "--timeout", "60000", "test/tooling/backends.test.js"],
  ];
  for (const args of runs) {
    console.log(`tracing: node ${args.join(" ")}`);
    sh(process.execPath, args, { cwd: ROOT, env: { ...env, RNNLAB_BACKEND: "wasm" } });
  }
  const files = new Set(fs.readFileSync(list, "utf8").split("\n").filter(Boolean));
  fs.rmSync(list, { force: true });
  return files;
}

/** Files that cannot be traced here: they load only where a GPU is. */
function gpuOnlyFiles() {
  const files = [];
  const add = (pkg, rel) => {
    let dir;
    try {
      dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }));
    } catch {
      console.log(`  (${pkg} is not installed here: the bundle will not have it)`);
      return;
    }
    for (const r of rel) {
      const f = path.join(dir, r);
      if (fs.existsSync(f)) files.push(f);
      else console.log(`  (${pkg}/${r} is missing here)`);
    }
  };
  add("webgpu", ["package.json", "dist/linux-x64/dawn.node"]);
  const webgpuBackend = require(require.resolve("@tensorflow/tfjs-backend-webgpu/package.json", { paths: [ROOT] }));
  add("@tensorflow/tfjs-backend-webgpu", ["package.json", webgpuBackend.main]);
  return files;
}

/** Relative paths to pack: traced files that are not in git (node_modules, lib/dist), with their package.json files. */
function selectFiles(traced) {
  const rels = new Set();
  for (const abs of traced) {
    let real;
    try {
      real = fs.realpathSync(abs);
      if (!fs.statSync(real).isFile()) continue;
    } catch {
      continue; // read attempts that failed: nothing to pack
    }
    // By its real path: links (node_modules/rnnlab -> lib) are packed as links, by workspaceLinks().
    const rel = path.relative(REAL_ROOT, real);
    if (rel.startsWith("..") || path.isAbsolute(rel)) continue; // outside the project (Node's own files)
    if (!/^(node_modules|lib[/\\]dist)[/\\]/.test(rel)) continue; // tracked files travel anyway
    rels.add(rel);
  }
  // Node reads package.json files itself (not through fs): every one from a package's root to each packed file.
  for (const rel of [...rels]) {
    const parts = rel.split(path.sep);
    for (let i = 1; i < parts.length; i++) {
      const pj = path.join(...parts.slice(0, i), "package.json");
      if (fs.existsSync(path.join(ROOT, pj))) rels.add(pj);
    }
  }
  rels.add(path.join("lib", "package.json"));
  return [...rels].sort();
}

/** node_modules entries that are links (the workspace package rnnlab -> lib), packed as links. */
function workspaceLinks() {
  const links = [];
  const nm = path.join(ROOT, "node_modules");
  for (const name of fs.readdirSync(nm)) {
    const entries = name.startsWith("@") ? fs.readdirSync(path.join(nm, name)).map((n) => path.join(name, n)) : [name];
    for (const e of entries) if (fs.lstatSync(path.join(nm, e)).isSymbolicLink()) links.push(path.join("node_modules", e));
  }
  return links;
}

/** The native kernels built for any x86-64-v3 CPU (AVX2, FMA): one file, no library beyond glibc and libstdc++. */
function portableNative(stage) {
  const dir = path.join(stage, "native", "build", "Release");
  fs.mkdirSync(dir, { recursive: true });
  const { prerequisites } = require("../../native/build-native.js");
  const p = prerequisites();
  if (!p.ok) {
    console.log(`  native kernels not packed: ${p.why}; the host will use the WebAssembly kernels`);
    return [];
  }
  sh(p.cxx, [
    // binding.gyp's flags (no -ffast-math: NaN and Infinity must propagate) for a generic x86-64-v3 host.
    "-O3", "-march=x86-64-v3", "-mtune=generic", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd", "-std=c++17", "-shared", "-fPIC",
    `-I${path.join(p.nodedir, "include", "node")}`,
    ...["addon.cc", "rnn.cc", "norm.cc"].map((f) => path.join(ROOT, "native", "src", f)),
    "-o", path.join(dir, "rnnlab_native.node"),
  ]);
  console.log("  native kernels (x86-64-v3): rnnlab_native.node");
  return [path.join("native", "build", "Release", "rnnlab_native.node")];
}

/** The Vulkan loader and GL dispatch (Debian's amd64 packages), for GPU hosts whose image lacks them. */
function vulkanDebs() {
  const dir = path.join(OUT, "debs");
  fs.mkdirSync(dir, { recursive: true });
  const lists = path.join(os.tmpdir(), "rnnlab-apt-amd64");
  fs.mkdirSync(path.join(lists, "partial"), { recursive: true });
  const o = ["-oAPT::Architecture=amd64", "-oAPT::Architectures=amd64", `-oDir::State::Lists=${lists}`];
  const pkgs = ["libvulkan1", "libglvnd0", "libegl1", "libgl1", "libglx0", "libopengl0", "libgles2"];
  try {
    sh("apt-get", [...o, "update"]);
    sh("apt-get", [...o, "download", ...pkgs], { cwd: dir });
  } catch (e) {
    console.log(`  Vulkan loader packages not packed (${e.message.split("\n")[0]}); the host must have libvulkan.so.1`);
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith(".deb"));
}

/** Bytes of what travels without being carried: tracked files and untracked files git does not ignore. */
function workingTreeBytes() {
  const files = sh("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT }).split("\0").filter(Boolean);
  let n = 0;
  for (const f of files) {
    try {
      n += fs.lstatSync(path.join(ROOT, f)).size;
    } catch {
      // deleted but not yet committed
    }
  }
  return n;
}

function dirBytes(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(path.join(dir, e.name)) : fs.lstatSync(path.join(dir, e.name)).size;
  return n;
}

function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  sh(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "lib"], { cwd: ROOT });

  const traced = trace();
  const files = selectFiles([...traced, ...gpuOnlyFiles()]);
  const links = workspaceLinks();
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-native-"));
  const native = portableNative(stage);
  const list = path.join(OUT, "modules.txt");
  fs.writeFileSync(list, [...files, ...links].join("\n") + "\n");
  console.log(`packing ${files.length} files and ${links.length} link(s) ...`);
  const xzEnv = { ...process.env, XZ_OPT: "-9 -T0" };
  const tar = path.join(OUT, "modules.tar");
  sh("tar", ["-cf", tar, "-C", ROOT, "--files-from", list]);
  if (native.length) sh("tar", ["-rf", tar, "-C", stage, ...native]);
  sh("xz", ["-9", "-T0", tar], { env: xzEnv });
  fs.rmSync(stage, { recursive: true, force: true });
  console.log("packing node ...");
  fs.writeFileSync(path.join(OUT, "node.xz"), Buffer.from(sh("xz", ["-9", "-T0", "-c", process.execPath], { encoding: "buffer" })));
  fs.writeFileSync(path.join(OUT, "node.version"), `${process.version}\n`);
  const debs = vulkanDebs();
  console.log(`  Vulkan packages: ${debs.join(", ") || "none"}`);

  const tree = workingTreeBytes();
  const bundle = dirBytes(OUT);
  console.log(`\n.device/: ${mib(bundle)} (modules ${mib(fs.statSync(tar + ".xz").size)}, node ${mib(fs.statSync(path.join(OUT, "node.xz")).size)})`);
  console.log(`repository files: ${mib(tree)}; with .device/ ${mib(tree + bundle)}${LIMIT < Infinity ? ` of at most ${mib(LIMIT)}` : ""}`);
  if (tree + bundle > LIMIT) {
    console.error(`device-bundle: the repository's files and .device/ exceed --max-mib ${LIMIT / 2 ** 20}`);
    process.exit(1);
  }
  console.log("on the GPU host: copy the repository's files and .device/, then run `bash scripts/device/device-run.sh` (see its header)");
  if (CHECK) checkBundle();
}

/**
 * Unpacks the bundle into a copy of the tracked files with no node_modules, hides the system's Node, and runs the
 * device script's quick mode there: proof that nothing it needs was left out of the bundle.
 */
function checkBundle() {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlab-bundle-check-"));
  console.log(`\nchecking the bundle in ${copy} (no node_modules, no node on PATH) ...`);
  sh("sh", ["-c", `git -C "${ROOT}" ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - -C "${ROOT}" | tar -xf - -C "${copy}" && cp -r "${OUT}" "${copy}/.device"`]);
  // A PATH with the shell tools the script uses and no Node, npm or npx.
  const bin = path.join(copy, ".tools");
  fs.mkdirSync(bin);
  for (const tool of ["bash", "sh", "tar", "xz", "find", "wc", "tee", "date", "ldconfig", "grep", "ls", "rm", "chmod", "mkdir", "dirname", "cat", "env"]) {
    const at = sh("sh", ["-c", `command -v ${tool} || true`]).trim();
    if (at) fs.symlinkSync(at, path.join(bin, tool));
  }
  const r = spawnSync(path.join(bin, "bash"), ["scripts/device/device-run.sh", "--smoke"], {
    cwd: copy,
    stdio: "inherit",
    env: { PATH: bin, HOME: process.env.HOME, RNNLAB_DEVICE_OUT: path.join(copy, "out"), RNNLAB_DEVICE_NO_DEBS: "1" },
  });
  if (r.status !== 0) {
    console.error(`device-bundle: the bundle did not run the check in ${copy}`);
    process.exit(1);
  }
  fs.rmSync(copy, { recursive: true, force: true });
  console.log("bundle check: ok");
}

main();
