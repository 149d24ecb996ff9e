#!/usr/bin/env node
// Opens Jupyter on notebooks/ with the project's kernel: JupyterLab where installed, else the classic Notebook.
// Prints the address to open (with its token) before Jupyter starts, and again as the last line once the server
// answers (Jupyter's own start-up lines would otherwise have pushed it out of sight). As root (containers, Colab-like hosts) it
// passes --allow-root, which Jupyter otherwise demands. Arguments after `--` go to Jupyter (`--no-browser`,
// `--ip=0.0.0.0`, `--port=9000`, `--notebook-dir=DIR`); JUPYTER_TOKEN sets the token (a random one otherwise).
"use strict";
const crypto = require("crypto");
const net = require("net");
const path = require("path");
const { spawn, spawnSync } = require("child_process");
const env = require("./jupyter-env");

/** The value of `--name=value` or `--name value` among Jupyter's arguments, or undefined. */
function argValue(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves true once Jupyter's server answers at `base` (its /api/status with the token), false if `child` exits or
 * `seconds` pass first.
 */
async function waitForServer(base, token, child, seconds = 300) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until && child.exitCode === null && child.signalCode === null) {
    try {
      const r = await fetch(`${base}/api/status?token=${token}`, { signal: AbortSignal.timeout(5000) });
      if (r.ok) return true;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  return false;
}

/**
 * The server's environment. PYDEVD_DISABLE_FILE_VALIDATION: the first time a page asks for the kernelspecs, the
 * server reads the Python kernel's through ipykernel, which imports debugpy; on Python 3.11+ its pydevd then printed
 * a four-line "Debugger warning: It seems that frozen modules are being used", about debugging Python code, which no
 * one does here.
 */
function serverEnv(token) {
  return env.jupyterEnv({ JUPYTER_TOKEN: token, PYDEVD_DISABLE_FILE_VALIDATION: "1" });
}

/** True when something already listens on host:port. */
function portTaken(port, host) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(true));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

async function main() {
  const py = env.findJupyterPython();
  if (!py) {
    console.error(env.missingJupyterMessage());
    process.exit(1);
  }
  // RNNLAB_JUPYTER_APP=notebook picks the classic Notebook where JupyterLab is installed too (the browser test does).
  const wanted = process.env.RNNLAB_JUPYTER_APP;
  const hasLab = wanted !== "notebook" && spawnSync(py, ["-c", "import jupyterlab"], { stdio: "ignore" }).status === 0;
  const app = hasLab ? "jupyterlab" : "notebook";
  const extra = process.argv.slice(2);
  const args = ["-m", app];
  if (argValue(extra, "notebook-dir") === undefined) args.push("--notebook-dir", path.join(env.ROOT, "notebooks"));
  if (typeof process.getuid === "function" && process.getuid() === 0 && !extra.includes("--allow-root")) {
    console.log("Running as root (as in containers and Colab-like hosts): passing --allow-root to Jupyter.");
    args.push("--allow-root");
  }
  // The port is chosen here (Jupyter would move to another one silently), so the address printed is the real one.
  const ip = argValue(extra, "ip") ?? "localhost";
  let port = Number(argValue(extra, "port") ?? NaN);
  if (!Number.isInteger(port)) {
    port = 8888;
    while (port < 8988 && (await portTaken(port, ip === "localhost" ? "127.0.0.1" : ip))) port++;
    args.push(`--port=${port}`);
  }
  args.push("--port-retries=0");
  const token = process.env.JUPYTER_TOKEN || crypto.randomBytes(24).toString("hex");
  const host = ip === "0.0.0.0" || ip === "" ? "localhost" : ip;
  const url = `http://${host}:${port}/${hasLab ? "lab" : "tree"}?token=${token}`;
  console.log(`Opening ${hasLab ? "JupyterLab" : "the classic Jupyter Notebook"} on notebooks/ (kernel: ${env.KERNEL_NAME})`);
  console.log(`Jupyter's address: ${url}`);
  const child = spawn(py, [...args, ...extra], { stdio: "inherit", env: serverEnv(token) });
  // Ctrl-C reaches Jupyter through the terminal; a plain kill of this script is passed on.
  for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  process.on("SIGINT", () => {});
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  const local = host === "localhost" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const scheme = argValue(extra, "certfile") !== undefined ? "https" : "http";
  if (scheme === "http" && (await waitForServer(`${scheme}://${local}:${port}`, token, child))) {
    console.log(`Jupyter's address: ${url}`);
  }
}

main().catch((e) => {
  console.error(`npm run lab: ${e.message}`);
  process.exit(1);
});
