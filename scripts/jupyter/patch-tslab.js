#!/usr/bin/env node
// Small fixes to tslab 1.0.22's compiled files (node_modules/tslab/dist), applied after `npm install` by
// scripts/jupyter/setup.js. Each patch replaces one exact piece of tslab's text: a file that already holds the
// replacement is left alone (so running this again changes nothing), and a file that holds neither (another
// tslab version) is left alone with a one-line warning. It never fails the install.
//
//   node scripts/jupyter/patch-tslab.js           apply, one line per patch
//   node scripts/jupyter/patch-tslab.js --check   apply nothing; exit 1 unless every patch is in place
//
// To change a replacement later, keep the old one in the hunk's `earlier` list: an installed file holding it is then
// patched to the new one (otherwise its old text is neither tslab's nor the new replacement, and it is skipped).
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");

const PATCHES = [
  {
    id: "shorthand",
    file: "dist/converter.js",
    what: "an object shorthand naming an earlier cell's variable (`{ epochs }`) reads that variable",
    // tslab turns a reference to an earlier cell's variable `n` into `exports.n`, choosing the identifiers by
    // the symbol the checker finds at them. In `{ n }` the identifier is the shorthand property's own name,
    // whose symbol is the new property, so `n` stayed bare and threw "ReferenceError: n is not defined". The
    // name is now resolved in scope and `{ n }` becomes `{ n: exports.n }` (`{ n = d } = o` in a destructuring
    // assignment becomes `{ n: exports.n = d } = o`). Also: a property's name whose symbol was declared by an
    // earlier cell (`const { n: m } = obj`, obj from an earlier cell) was rewritten to `exports.n`, which
    // printed as `const { exports, n: m } = ...` ("SyntaxError: Identifier 'exports' has already been
    // declared"); a member's name (property, method, accessor, enum member) is never an earlier cell's variable.
    hunks: [
      {
        find: `        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (!ts.isIdentifier(node)) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            if (node.parent &&
                ts.isPropertyAccessExpression(node.parent) &&
                node.parent.name === node) {
                return node;
            }
            let prev = false;
            for (const decl of (_b = (_a = checker.getSymbolAtLocation(node)) === null || _a === void 0 ? void 0 : _a.declarations) !== null && _b !== void 0 ? _b : []) {
`,
        replace: `        function wrapPrevIdentifier(node) {
            var _a, _b;
            /* rnnlab patch (scripts/jupyter/patch-tslab.js): \`{ n }\` naming an earlier cell's variable becomes \`{ n: exports.n }\` */
            if (ts.isShorthandPropertyAssignment(node)) {
                return rnnlabWrapPrevShorthand(node);
            }
            if (!ts.isIdentifier(node)) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            if (node.parent &&
                ts.isPropertyAccessExpression(node.parent) &&
                node.parent.name === node) {
                return node;
            }
            let prev = false;
            const rnnlabSymbol = checker.getSymbolAtLocation(node);
            /* rnnlab patch: a member's name (\`const { n: m } = obj\`, obj from an earlier cell) is no earlier cell's variable */
            if (rnnlabSymbol && rnnlabSymbol.flags & (ts.SymbolFlags.Property | ts.SymbolFlags.Method | ts.SymbolFlags.Accessor | ts.SymbolFlags.EnumMember)) {
                return node;
            }
            for (const decl of (_b = (_a = rnnlabSymbol) === null || _a === void 0 ? void 0 : _a.declarations) !== null && _b !== void 0 ? _b : []) {
`,
      },
      {
        find: `            return ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), node);
        }
        function after() {
`,
        replace: `            return ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), node);
        }
        /* rnnlab patch (scripts/jupyter/patch-tslab.js): the variable a shorthand property names, looked up in scope */
        function rnnlabWrapPrevShorthand(node) {
            const name = node.name;
            const symbol = checker.getSymbolsInScope(node, ts.SymbolFlags.Value | ts.SymbolFlags.Alias).find((s) => s.escapedName === name.escapedText);
            const prev = symbol !== undefined && (symbol.declarations || []).some((decl) => decl.getSourceFile() === declsFile);
            if (!prev) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            const value = ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), ts.idText(name));
            const init = node.objectAssignmentInitializer && ts.visitNode(node.objectAssignmentInitializer, wrapPrevIdentifier);
            return ts.setTextRange(ts.factory.createPropertyAssignment(ts.idText(name), init ? ts.factory.createAssignment(value, init) : value), node);
        }
        function after() {
`,
      },
    ],
  },
  {
    id: "node-path",
    file: "dist/converter.js",
    what: "an import that the notebook's folder cannot resolve is looked up in NODE_PATH's folders (the course's node_modules), as Node's require does",
    // tslab type-checks a cell from the notebook's folder: `import "rnnlab"` in a notebook outside the project found
    // no node_modules and failed, although the kernelspec's NODE_PATH lets Node's require find it at run time. A
    // module name that the usual lookup (the notebook's folder and the folders above it) cannot resolve is now
    // resolved from each NODE_PATH folder in turn, so that type check and run time find the same package. All
    // lookups share one module resolution cache, as TypeScript's own host does (a custom resolveModuleNames gets
    // none): tslab rebuilds the program for every cell, and without the cache every import of every declaration file
    // (TensorFlow.js, danfo, ...) was looked up on disk again each time.
    hunks: [
      {
        find: `    host.afterProgramCreate = function (b) {
        builder = b;
    };
`,
        replace: `    /* rnnlab patch (scripts/jupyter/patch-tslab.js): a module not found from the notebook's folder is looked up in NODE_PATH's folders, as require does, through one resolution cache */
    const rnnlabNodePath = (process.env.NODE_PATH || "").split(path_1.default.delimiter).filter((d) => d && path_1.default.isAbsolute(d));
    if (rnnlabNodePath.length > 0) {
        let rnnlabResolutionCache;
        host.resolveModuleNames = function (moduleNames, containingFile, reusedNames, redirectedReference, options) {
            rnnlabResolutionCache = rnnlabResolutionCache || ts.createModuleResolutionCache(cwd, (f) => (sys.useCaseSensitiveFileNames ? f : f.toLowerCase()), options);
            return moduleNames.map((name) => {
                let found = ts.resolveModuleName(name, containingFile, options, sys, rnnlabResolutionCache, redirectedReference).resolvedModule;
                for (const dir of ts.isExternalModuleNameRelative(name) ? [] : rnnlabNodePath) {
                    if (found) {
                        break;
                    }
                    found = ts.resolveModuleName(name, path_1.default.join(dir, "__rnnlab_node_path__.ts"), options, sys, rnnlabResolutionCache, redirectedReference).resolvedModule;
                }
                return found;
            });
        };
    }
    host.afterProgramCreate = function (b) {
        builder = b;
    };
`,
        // The first version of this patch resolved every import of every file again for each cell, without a cache:
        // about 1.5 s a cell (most of a short cell's time), so a kernel with the first version gets this one instead.
        earlier: [`    /* rnnlab patch (scripts/jupyter/patch-tslab.js): a module not found from the notebook's folder is looked up in NODE_PATH's folders, as require does */
    const rnnlabNodePath = (process.env.NODE_PATH || "").split(path_1.default.delimiter).filter((d) => d && path_1.default.isAbsolute(d));
    if (rnnlabNodePath.length > 0) {
        host.resolveModuleNames = function (moduleNames, containingFile, reusedNames, redirectedReference, options) {
            return moduleNames.map((name) => {
                let found = ts.resolveModuleName(name, containingFile, options, sys, undefined, redirectedReference).resolvedModule;
                for (const dir of ts.isExternalModuleNameRelative(name) ? [] : rnnlabNodePath) {
                    if (found) {
                        break;
                    }
                    found = ts.resolveModuleName(name, path_1.default.join(dir, "__rnnlab_node_path__.ts"), options, sys, undefined, redirectedReference).resolvedModule;
                }
                return found;
            });
        };
    }
    host.afterProgramCreate = function (b) {
        builder = b;
    };
`],
      },
    ],
  },
  {
    id: "missing-module",
    file: "dist/executor.js",
    what: "a module that cannot be found gets a line saying where the kernel looked and how to install it",
    hunks: [
      {
        find: `            console.error("%s%d:%d - %s", diag.fileName ? diag.fileName + " " : "", diag.start.line + 1, diag.start.character + 1, diag.messageText);
        }
    }
`,
        replace: `            console.error("%s%d:%d - %s", diag.fileName ? diag.fileName + " " : "", diag.start.line + 1, diag.start.character + 1, diag.messageText);
            /* rnnlab patch (scripts/jupyter/patch-tslab.js): "Cannot find module 'x'" says where the kernel looked and what to do */
            const rnnlabMissing = (diag.code === 2307 || diag.code === 2792) && /'([^']+)'/.exec(String(diag.messageText));
            if (rnnlabMissing) {
                console.error(rnnlabMissingModuleHint(rnnlabMissing[1]));
            }
        }
    }
    function rnnlabMissingModuleHint(name) {
        if (name.startsWith(".") || path_1.default.isAbsolute(name)) {
            return "  No file " + name + " (.ts, .js, .json or a folder with index.ts/index.js) was found from this notebook's folder, " + rootDir + ".";
        }
        const course = (process.env.NODE_PATH || "").split(path_1.default.delimiter).filter(Boolean);
        const pkg = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0];
        return ("  The package " + pkg + " is not installed where this kernel looks: node_modules in this notebook's folder (" + rootDir + ") or a folder above it" +
            (course.length ? ", then " + course.join(", ") : "") + ".\\n" +
            "  Install it with \`npm install " + pkg + "\` in " + (course.length ? path_1.default.dirname(course[0]) + " (the course, for every notebook)" : "the project's folder") + " or in this notebook's folder; then restart the kernel.");
    }
`,
      },
    ],
  },
  {
    id: "error-reply",
    file: "dist/jupyter.js",
    what: "a failed cell's reply names its error (Jupyter's clients showed an empty '<Error>:')",
    // tslab reported a failed cell with status "error" only; nbclient and nbconvert then raise "<Error>: " with
    // nothing else. The reply now carries the cell's first error line (ename, evalue) and its stderr as traceback.
    hunks: [
      {
        find: `        process.stderr.write = this.createWriteToIopub("stderr", writeStream);
        exports.lastWriteDisplayData = writeDisplayData;
`,
        replace: `        /* rnnlab patch (scripts/jupyter/patch-tslab.js): the cell's stderr (its first 8 KB) is kept for the reply of a failed cell */
        this.rnnlabStderr = "";
        process.stderr.write = this.createWriteToIopub("stderr", (name, text) => {
            if (this.rnnlabStderr.length < 8192) {
                this.rnnlabStderr += text;
            }
            writeStream(name, text);
        });
        exports.lastWriteDisplayData = writeDisplayData;
`,
      },
      {
        find: `        return {
            status: status,
            execution_count: count ? count.count : undefined,
        };
`,
        replace: `        /* rnnlab patch (scripts/jupyter/patch-tslab.js): a failed cell's reply names its error */
        if (status === "error") {
            const lines = (this.rnnlabStderr || "").split("\\n").map((l) => l.trimEnd()).filter((l) => l.trim());
            const first = lines.find((l) => /^[A-Za-z]*(Error|Exception)\\b.*:/.test(l.trim()) || /^\\d+:\\d+ - /.test(l.trim())) || lines[0] || "";
            const m = /^([A-Za-z]*(?:Error|Exception))\\b:?\\s*(.*)$/.exec(first.trim());
            return {
                status: status,
                execution_count: count ? count.count : undefined,
                ename: m ? m[1] : "CompileError",
                evalue: m ? m[2] : first.trim() || "the cell failed without an error message",
                traceback: lines.slice(0, 40),
            };
        }
        return {
            status: status,
            execution_count: count ? count.count : undefined,
        };
`,
      },
    ],
  },
  {
    id: "heartbeat-closed",
    file: "dist/jupyter.js",
    what: "no heartbeat reply on a closed socket ('Socket is closed (EBADF)' after shutdown)",
    // A ping received in the same turn as the shutdown request: close() closes the sockets, then the heartbeat
    // loop runs and replies on the closed socket; zeromq rejects with EBADF, nobody handles it, and Node prints
    // it and exits with code 1 as the kernel shuts down.
    hunks: [
      {
        find: `                        // TODO: Test this behavior by integration tests.
                        this.hb.send(msgs);
`,
        replace: `                        // TODO: Test this behavior by integration tests.
                        /* rnnlab patch (scripts/jupyter/patch-tslab.js): a ping that arrived with the shutdown request gets no reply */
                        if (this.hb.closed) {
                            break;
                        }
                        this.hb.send(msgs);
`,
      },
    ],
  },
  {
    id: "send-closed",
    file: "dist/jupyter.js",
    what: "no message sent on a closed socket (a cell's output or a status after shutdown)",
    hunks: [
      {
        find: `        heads.push(hash.digest("hex"));
        sock.send(heads.concat(bodies));
`,
        replace: `        heads.push(hash.digest("hex"));
        /* rnnlab patch (scripts/jupyter/patch-tslab.js): after shutdown closed the sockets, a late message is dropped (zeromq would reject it with EBADF) */
        if (sock.closed) {
            return;
        }
        sock.send(heads.concat(bodies));
`,
      },
    ],
  },
  {
    id: "bind-iopub-first",
    file: "dist/jupyter.js",
    what: "iopub is bound before the other sockets (no 'Socket is blocked by a bind or unbind operation' at start)",
    // tslab bound its five sockets at once. On a busy machine the shell socket could finish binding first and a
    // front end's first request (kernel_info) arrive while iopub's bind was still in progress; the busy status
    // sent on iopub then failed with EBUSY, an unhandled rejection that Node printed on the terminal. Binding
    // iopub first means no request is received before the socket its statuses go to is ready.
    hunks: [
      {
        find: `        await Promise.all([
            this.bindSocket(this.iopub, cinfo.iopub_port),
            this.bindSocket(this.shell, cinfo.shell_port),
`,
        replace: `        /* rnnlab patch (scripts/jupyter/patch-tslab.js): iopub first, so no request is handled before its statuses can be sent */
        await this.bindSocket(this.iopub, cinfo.iopub_port);
        await Promise.all([
            this.bindSocket(this.shell, cinfo.shell_port),
`,
      },
    ],
  },
  {
    id: "busy-while-queued",
    file: "dist/jupyter.js",
    what: "the kernel indicator stays busy while cells wait in the queue (Run All), not 'Kernel Idle' after the first",
    // tslab handles each request as it arrives: busy for every cell of a Run All at once, then idle as each ends.
    // Jupyter's front ends show the last status they received, so the first cell's idle turned the indicator to
    // "Kernel Idle" while the rest were still queued (and a completion request during a cell did the same). Every
    // request still gets its own busy and idle (clients wait for the idle of their request); after an idle, while
    // other requests are still in progress, the oldest of them is announced busy again at once.
    hunks: [
      {
        find: `        let terminated = false;
        this.publishStatus("busy", msg);
`,
        replace: `        let terminated = false;
        /* rnnlab patch (scripts/jupyter/patch-tslab.js): the requests in progress, oldest first */
        const rnnlabPending = this.rnnlabPending || (this.rnnlabPending = new Set());
        rnnlabPending.add(msg);
        this.publishStatus("busy", msg);
`,
      },
      {
        find: `        finally {
            this.publishStatus("idle", msg);
        }
`,
        replace: `        finally {
            this.publishStatus("idle", msg);
            /* rnnlab patch (scripts/jupyter/patch-tslab.js): front ends show the last status; while others wait, busy again */
            rnnlabPending.delete(msg);
            const rnnlabNext = rnnlabPending.values().next();
            if (!terminated && !rnnlabNext.done) {
                this.publishStatus("busy", rnnlabNext.value);
            }
        }
`,
      },
    ],
  },
  {
    id: "comm-refused",
    file: "dist/jupyter.js",
    what: "a comm_open is refused with comm_close, as Jupyter's messaging spec asks (no 'unknown msg_type: comm_open' at every kernel start)",
    // tslab has no comms (widgets). The classic Notebook's widgets extension (jupyter-js-widgets) opens one,
    // 'jupyter.widget.version', whenever a kernel starts; tslab fell through to its default case and printed
    // "unknown msg_type: comm_open" on the terminal each time. The spec's answer for a target the kernel does not
    // know is an immediate comm_close on iopub; comm_msg and comm_close for such comms are then ignored. The
    // comm_info_request reply also gets its own type (tslab sent it as a complete_reply).
    hunks: [
      {
        find: `                default:
                    console.warn(\`unknown msg_type: \${msg.header.msg_type}\`);
`,
        replace: `                /* rnnlab patch (scripts/jupyter/patch-tslab.js): no comm targets, so a comm_open is closed at once (messaging spec) */
                case "comm_open":
                    this.rnnlabRefuseComm(msg);
                    break;
                case "comm_msg":
                case "comm_close":
                    break;
                default:
                    console.warn(\`unknown msg_type: \${msg.header.msg_type}\`);
`,
      },
      {
        find: `        reply.header.msg_type = "complete_reply";
        // comm is not supported in tslab now. Returns an empty comms.
        reply.content = { comms: {} };
        reply.signAndSend(this.connInfo.key, sock);
    }
`,
        replace: `        /* rnnlab patch (scripts/jupyter/patch-tslab.js): a comm_info_request is answered with a comm_info_reply */
        reply.header.msg_type = "comm_info_reply";
        // comm is not supported in tslab now. Returns an empty comms.
        reply.content = { status: "ok", comms: {} };
        reply.signAndSend(this.connInfo.key, sock);
    }
    /* rnnlab patch (scripts/jupyter/patch-tslab.js): a comm the kernel has no target for is closed on iopub */
    rnnlabRefuseComm(msg) {
        const reply = msg.createReply();
        reply.header.msg_type = "comm_close";
        reply.content = { comm_id: (msg.content || {}).comm_id, data: {} };
        reply.signAndSend(this.connInfo.key, this.iopub);
    }
`,
      },
    ],
  },
  {
    id: "silent-empty-value",
    file: "dist/executor.js",
    what: "a cell's last value that prints as nothing (a figure already shown) adds no empty line",
    // tslab prints a cell's last value with console.log. rnnlab's figures are shown as images and print as an
    // empty string, so every figure cell also showed an empty stdout line under its image.
    hunks: [
      {
        find: `            delete exports[converted.lastExpressionVar];
            console.log(ret);
`,
        replace: `            delete exports[converted.lastExpressionVar];
            /* rnnlab patch (scripts/jupyter/patch-tslab.js): a value that prints as nothing prints no empty line */
            if (typeof ret === "string" || require("util").format(ret) !== "") {
                console.log(ret);
            }
`,
      },
    ],
  },
  {
    id: "interrupt-stop",
    file: "dist/executor.js",
    what: "Interrupt asks a running cell to stop (training stops at the next batch) and ends it with one line, no stack",
    // tslab's Interrupt (Jupyter sends SIGINT) only stopped waiting for the cell: it printed "Error: Interrupted
    // asynchronously" with a stack from the executor while the cell's code (a training loop) went on in the
    // background, changing the model and using the CPU. Now the first Interrupt sets a stop request,
    // globalThis[Symbol.for("tslab.interrupt")].requested, which code that trains reads between batches (rnnlab
    // does, for rl.fit and tfjs's fit, fitDataset and trainOnBatch); the cell then ends by itself. Only a cell
    // still running after graceMs (1 s; code that is training may raise it to cover one batch) is abandoned as
    // before; a second Interrupt abandons it at once. An error named "Interrupted", tslab's own abandonment and
    // an interrupted synchronous cell each end the cell with one line instead of a stack.
    hunks: [
      {
        find: `    function interrupt() {
        rejectInterruptPromise(interrupted);
        resetInterruptPromise();
    }
`,
        replace: `    /* rnnlab patch (scripts/jupyter/patch-tslab.js): Interrupt first asks the running cell to stop (see rnnlabInterrupt) */
    const rnnlabInterrupt = (globalThis[Symbol.for("tslab.interrupt")] = globalThis[Symbol.for("tslab.interrupt")] || { requested: false, graceMs: 1000 });
    let rnnlabRunning = false;
    let rnnlabGrace = null;
    function interrupt() {
        if (rnnlabRunning && !rnnlabInterrupt.requested) {
            rnnlabInterrupt.requested = true;
            rnnlabGrace = setTimeout(rnnlabAbandon, Math.max(0, Number(rnnlabInterrupt.graceMs) || 0));
            return;
        }
        rnnlabAbandon();
    }
    function rnnlabAbandon() {
        clearTimeout(rnnlabGrace);
        rnnlabGrace = null;
        rejectInterruptPromise(interrupted);
        resetInterruptPromise();
    }
    /* rnnlab patch: how an interrupted cell ends: one line, no stack trace */
    function rnnlabReport(e) {
        if (e === interrupted) {
            console.error("Interrupted: the cell did not stop within %s s; it was left running in the background (restart the kernel if the CPU stays busy)", (Number(rnnlabInterrupt.graceMs) || 0) / 1000);
        }
        else if (e && e.name === "Interrupted" && typeof e.message === "string") {
            console.error("Interrupted: %s", e.message);
        }
        else if (e && e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
            console.error("Interrupted: the cell stopped where it was");
        }
        else {
            console.error(e);
        }
    }
`,
      },
      {
        find: `        let promise = null;
        try {
`,
        replace: `        let promise = null;
        /* rnnlab patch: a new cell starts with no stop request and the default grace */
        rnnlabInterrupt.requested = false;
        rnnlabInterrupt.graceMs = 1000;
        try {
`,
      },
      {
        find: `        catch (e) {
            console.error(e);
            return false;
        }
        if (promise) {
            try {
                await Promise.race([promise, interruptPromise]);
            }
            catch (e) {
                console.error(e);
                return false;
            }
        }
`,
        replace: `        catch (e) {
            rnnlabReport(e);
            return false;
        }
        if (promise) {
            rnnlabRunning = true;
            try {
                await Promise.race([promise, interruptPromise]);
            }
            catch (e) {
                rnnlabReport(e);
                return false;
            }
            finally {
                rnnlabRunning = false;
                clearTimeout(rnnlabGrace);
                rnnlabGrace = null;
            }
        }
`,
      },
    ],
  },
];

function count(text, piece) {
  let n = 0;
  for (let i = text.indexOf(piece); i !== -1; i = text.indexOf(piece, i + piece.length)) n++;
  return n;
}

/**
 * Each replacement's comment names this file. Before it moved to scripts/jupyter/ the comment said
 * "scripts/patch-tslab.js": a tslab patched then is read with the current name, so it counts as patched (and
 * setup rewrites it) instead of holding neither text.
 */
function renameOldTag(text) {
  return text.split("rnnlab patch (scripts/patch-tslab.js)").join("rnnlab patch (scripts/jupyter/patch-tslab.js)");
}

/**
 * Applies the patches for `file` to its text. Returns the new text and one result per patch: status "applied",
 * "already" (every replacement is there) or "skipped" (not every piece of tslab's text is there exactly once; the
 * patch's hunks go in together or not at all).
 */
function patchText(file, text) {
  text = renameOldTag(text);
  const results = [];
  for (const p of PATCHES.filter((q) => q.file === file)) {
    // What each hunk replaces: tslab's text, or the replacement of an earlier version of the patch (`earlier`).
    const from = p.hunks.map((h) => [...(h.earlier ?? []), h.find].find((t) => count(text, t) === 1));
    if (p.hunks.every((h) => count(text, h.replace) === 1)) results.push({ id: p.id, status: "already" });
    else if (from.every((t) => t !== undefined)) {
      p.hunks.forEach((h, i) => (text = text.replace(from[i], () => h.replace)));
      results.push({ id: p.id, status: "applied" });
    } else results.push({ id: p.id, status: "skipped" });
  }
  return { text, results };
}

/** The text tslab shipped, from a patched file (tests use it to show what the patches fix). */
function unpatchText(file, text) {
  text = renameOldTag(text);
  for (const p of PATCHES.filter((q) => q.file === file)) {
    for (const h of p.hunks) {
      for (const t of [h.replace, ...(h.earlier ?? [])]) if (count(text, t) === 1) text = text.replace(t, () => h.find);
    }
  }
  return text;
}

function tslabVersion(tslabDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(tslabDir, "package.json"), "utf8")).version ?? "?";
  } catch {
    return "?";
  }
}

/**
 * Patches tslab's files in `tslabDir` (default: this project's node_modules/tslab) unless `check` is set.
 * Returns one result per patch ({ id, file, status, why? }); never throws for a missing or foreign file.
 */
function patchTslab({ tslabDir = path.join(ROOT, "node_modules", "tslab"), check = false } = {}) {
  const version = tslabVersion(tslabDir);
  const out = [];
  for (const file of [...new Set(PATCHES.map((p) => p.file))]) {
    const full = path.join(tslabDir, file);
    let text;
    try {
      text = fs.readFileSync(full, "utf8");
    } catch (e) {
      for (const p of PATCHES.filter((q) => q.file === file)) out.push({ id: p.id, file, status: "skipped", why: `cannot read ${full} (${e.code ?? e.message})` });
      continue;
    }
    const { text: patched, results } = patchText(file, text);
    for (const r of results) {
      r.file = file;
      if (r.status === "skipped") r.why = `tslab ${version}'s ${file} is not the text this patch was written for (tslab 1.0.22)`;
      if (check && r.status === "applied") r.status = "missing";
    }
    if (!check && patched !== text) {
      try {
        // Written beside the file and renamed over it: a reader never sees half a file.
        const tmp = `${full}.rnnlab-${process.pid}.tmp`;
        fs.writeFileSync(tmp, patched, { mode: fs.statSync(full).mode });
        fs.renameSync(tmp, full);
      } catch (e) {
        for (const r of results) if (r.status === "applied") Object.assign(r, { status: "skipped", why: `cannot write ${full} (${e.code ?? e.message})` });
      }
    }
    out.push(...results);
  }
  // Patched file by file, reported in the order PATCHES lists them.
  const order = new Map(PATCHES.map((p, i) => [p.id, i]));
  return out.sort((a, b) => order.get(a.id) - order.get(b.id));
}

/** One line per patch, for setup's output. */
function describe(results) {
  return results.map((r) => {
    const what = PATCHES.find((p) => p.id === r.id).what;
    if (r.status === "skipped") return `warning: tslab patch '${r.id}' not applied: ${r.why}`;
    if (r.status === "missing") return `tslab patch '${r.id}' is missing (${what}); run: node scripts/jupyter/patch-tslab.js`;
    return `tslab patch '${r.id}' ${r.status === "applied" ? "applied" : "already in place"}: ${what}`;
  });
}

/** For setup's output: one warning line per patch not applied, then one line for those in place. */
function summary(results) {
  const lines = describe(results.filter((r) => r.status === "skipped"));
  const ok = results.filter((r) => r.status === "applied" || r.status === "already");
  if (ok.length) {
    const applied = ok.filter((r) => r.status === "applied").length;
    lines.push(`tslab patched (${ok.map((r) => r.id).join(", ")}: ${applied ? `${applied} applied now` : "already in place"}; see scripts/jupyter/patch-tslab.js)`);
  }
  return lines;
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const results = patchTslab({ check });
  for (const line of describe(results)) console.log(`rnnlab: ${line}`);
  if (check && results.some((r) => r.status !== "already")) process.exitCode = 1;
}

module.exports = { PATCHES, patchText, unpatchText, patchTslab, describe, summary };
