// Which Jupyter kernel runs this code, and how rich output reaches its notebook. The course runs under two kernels:
// tslab (Node.js) and Deno's own (`deno jupyter`). This is the one place that tells them apart; display.ts sends
// every figure, table, progress update and exercise result through `kernelWriter()`.

/** The kernels the course runs under. */
export type KernelName = "tslab" | "deno";

/** A Jupyter display message's content: a MIME bundle, its metadata, and a display id when it can be updated. */
export interface DisplayContent {
  data: Record<string, string>;
  metadata: object;
  transient: { display_id?: string };
}

/** Sends one display message: `display_data`, or `update_display_data` when `update` is true. */
export type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

interface DenoJupyter {
  broadcast(msgType: string, content: object, extra?: { metadata?: object; buffers?: unknown[] }): Promise<void> | void;
}

interface DenoGlobal {
  version?: { deno?: string; v8?: string; typescript?: string };
  jupyter?: DenoJupyter;
}

function denoGlobal(): DenoGlobal | undefined {
  return (globalThis as { Deno?: DenoGlobal }).Deno;
}

/** True when this code runs on Deno (a script, or Deno's Jupyter kernel), not Node.js. */
export function onDeno(): boolean {
  return typeof denoGlobal()?.version?.deno === "string";
}

/** Deno's Jupyter API: present only inside a running Deno kernel (`deno jupyter --kernel`). */
function denoJupyter(): DenoJupyter | null {
  const j = denoGlobal()?.jupyter;
  return j && typeof j.broadcast === "function" ? j : null;
}

function tslabWriter(): WriteDisplayData | null {
  try {
    // The kernel runs the project's own tslab, so this resolves to the very module it loaded. tslab's public
    // display sends one MIME type per output; its writer sends a whole bundle (text/plain beside an image), so
    // a console, an HTML export and GitHub each get a form they can show.
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/**
 * Deno's kernel: each message goes out through `Deno.jupyter.broadcast`, in the order sent. The call returns at
 * once (display.ts's functions are synchronous); a send that fails is reported on stderr, once per message.
 */
function denoWriter(jupyter: DenoJupyter): WriteDisplayData {
  const failed = (e: unknown) => console.error(`rnnlab: a display could not be sent to the notebook (${(e as Error)?.message ?? e})`);
  return (content, update) => {
    try {
      // A promise in the Deno versions seen so far; anything else (nothing) is taken as sent.
      const sent: unknown = jupyter.broadcast(update ? "update_display_data" : "display_data", content);
      if (sent && typeof (sent as Promise<void>).then === "function") (sent as Promise<void>).then(undefined, failed);
    } catch (e) {
      failed(e);
    }
  };
}

/** The kernel this code runs in, or null outside a notebook (a script, a test). */
export function currentKernel(): KernelName | null {
  if (denoJupyter()) return "deno";
  if (!onDeno() && tslabWriter()) return "tslab";
  return null;
}

/** How display messages reach the notebook of the running kernel; null outside a notebook. */
export function kernelWriter(): WriteDisplayData | null {
  const deno = denoJupyter();
  if (deno) return denoWriter(deno);
  return onDeno() ? null : tslabWriter();
}

/** True while this process is a tslab kernel (its jupyter module is loaded before any cell runs). */
export function insideTslab(): boolean {
  return !onDeno() && Object.keys(require.cache ?? {}).some((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
}

/**
 * One line naming the kernel and the versions under it, for a notebook's first cell:
 * "kernel: tslab 1.0.22, TypeScript 5.0.4, Node.js v20.20.2" or "kernel: Deno 2.9.6, TypeScript 6.0.3, V8 15.0.245.2".
 * Outside a notebook it names the runtime instead ("kernel: none (Node.js v20.20.2)").
 */
export function kernelLine(): string {
  const kernel = currentKernel();
  const d = denoGlobal()?.version;
  if (kernel === "deno") return `kernel: Deno ${d?.deno}, TypeScript ${d?.typescript}, V8 ${d?.v8}`;
  if (kernel === "tslab") {
    try {
      const versions = (require("tslab") as { versions: { tslab: string; typescript: string; node: string } }).versions;
      return `kernel: tslab ${versions.tslab}, TypeScript ${versions.typescript}, Node.js ${versions.node}`;
    } catch {
      return `kernel: tslab, Node.js ${process.version}`;
    }
  }
  return onDeno() ? `kernel: none (Deno ${d?.deno})` : `kernel: none (Node.js ${process.version})`;
}


/**
 * Deno's kernel forwards what a cell prints from a pipe read on its own, so a line printed just before a cell ends
 * can reach Jupyter after the cell's end; Jupyter's headless executors (nbclient, nbconvert) stop listening there
 * and lose it. Inside Deno's kernel, rnnlab sends console.log/info/debug (stdout) and console.warn/error (stderr)
 * as Jupyter stream messages through Deno.jupyter.broadcast instead: in order with the displays, before the cell's
 * end, formatted as Node.js formats them (as under tslab). Returns a function that puts the console back.
 */
export function routeConsoleToKernel(): (() => void) | null {
  const jupyter = denoJupyter();
  if (!jupyter) return null;
  const util = require("util") as { format(...args: unknown[]): string };
  const con = console as unknown as Record<string, (...args: unknown[]) => void>;
  const originals: Record<string, (...args: unknown[]) => void> = {};
  const streams: [string, "stdout" | "stderr"][] = [
    ["log", "stdout"],
    ["info", "stdout"],
    ["debug", "stdout"],
    ["warn", "stderr"],
    ["error", "stderr"],
  ];
  for (const [method, name] of streams) {
    const original = con[method];
    originals[method] = original;
    con[method] = (...args: unknown[]) => {
      try {
        const sent: unknown = jupyter.broadcast("stream", { name, text: util.format(...args) + "\n" });
        if (sent && typeof (sent as Promise<void>).then === "function") (sent as Promise<void>).then(undefined, () => original(...args));
      } catch {
        original(...args);
      }
    };
  }
  return () => Object.assign(con, originals);
}

const CONSOLE_KEY = Symbol.for("rnnlab.kernelConsole");
{
  const g = globalThis as unknown as Record<symbol, boolean>;
  if (!g[CONSOLE_KEY] && routeConsoleToKernel()) g[CONSOLE_KEY] = true;
}
