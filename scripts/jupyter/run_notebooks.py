"""Executes notebooks with Jupyter's own executor (nbclient) and writes each executed notebook and its HTML.

Called by run-notebooks.js, which finds a Python that has nbclient and sets JUPYTER_PATH so that the kernel
named "tslab" is this project's. Prints a table (notebook, seconds, cells, status) and exits non-zero naming
the notebook, the cell and the error when a cell fails. With --jobs N, N notebooks run at once, each with its own
kernel in its own process, the last-numbered first (the later lessons train longest); the table keeps the
lessons' order.
"""
import concurrent.futures
import multiprocessing
import argparse
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbconvert import HTMLExporter


def describe_failure(nb, index):
    """One line naming the failed cell and its error, from the error output or tslab's stderr."""
    cell = nb.cells[index]
    code_no = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    src = cell.source.strip().splitlines()
    where = f"cell {index + 1} (code cell {code_no}, first line {src[0][:70]!r})" if src else f"cell {index + 1}"
    message = ""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            message = f"{out.get('ename', '')}: {out.get('evalue', '')}"
            break
    if not message:
        # tslab reports a failed cell on stderr: a TypeScript diagnostic ("1:7 - Type ... ") or a stack trace.
        lines = [
            l.strip()
            for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stderr"
            for l in "".join(out.get("text", "")).splitlines()
            if l.strip()
        ]
        thrown = [l for l in lines if re.match(r"^[A-Za-z]*(Error|Exception)\b.*:", l)]
        message = (thrown or lines or ["(no error text)"])[0]
    return f"{where}: {message}"


# The prose is Korean: name fonts that have Hangul before the template's own, for the machine that opens the HTML.
CJK_CSS = """<style id="rnnlab-cjk-fonts">
:root {
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", sans-serif;
  --jp-content-font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", sans-serif;
  --jp-code-font-family: "DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK KR", "D2Coding", "NanumGothicCoding", monospace;
}
body { font-family: var(--jp-content-font-family); }
</style>
"""


def with_cjk_fonts(html):
    """The exported HTML with CJK_CSS at the end of its head (after the template's styles, so it wins)."""
    at = html.find("</head>")
    return html[:at] + CJK_CSS + html[at:] if at >= 0 else CJK_CSS + html


# Output that Deno's kernel sends after it has reported the cell done (its Deno.jupyter.broadcast messages can trail
# the cell's idle status under load) still belongs to that cell: the Notebook UI shows it there, and so does the run.
LATE_OUTPUT = ("stream", "display_data", "update_display_data", "execute_result", "error")


async def ensure_async_msg(client, timeout):
    return await ensure_async(client.kc.get_iopub_msg(timeout=timeout))


def collect_late_output(client, cell, index, wait=0.5):
    """Adds to `cell` the outputs that arrive within `wait` seconds after the kernel said it was idle."""
    deadline = time.time() + wait
    while True:
        left = deadline - time.time()
        if left <= 0:
            return
        try:
            msg = run_sync(ensure_async_msg)(client, left)
        except Exception:  # queue.Empty: nothing more came
            return
        if msg.get("msg_type") in LATE_OUTPUT:
            client.process_message(msg, cell, index)


def run_one(path, out_dir, timeout, kernel, announce=False):
    if announce:
        print(f"running {path} ...", flush=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    started = time.time()
    status, detail = "ok", ""
    index = -1
    try:
        # nbclient's own loop (setup_kernel + execute_cell), so the failing cell's index is known.
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
                if "deno" in kernel and cell.cell_type == "code":
                    collect_late_output(client, cell, index)
    except CellTimeoutError as e:
        status, detail = "TIMEOUT", f"cell {index + 1} ran past {timeout} s"
    except CellExecutionError:
        status, detail = "FAILED", describe_failure(nb, index)
    except DeadKernelError as e:
        status, detail = "FAILED", f"the kernel died in cell {index + 1}: {e}"
    except Exception as e:  # the kernel could not start, etc.
        text = str(e).strip().splitlines()
        status, detail = "FAILED", f"{type(e).__name__}: {text[0] if text else ''}"
    seconds = time.time() - started
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    base = os.path.splitext(os.path.basename(path))[0]
    os.makedirs(out_dir, exist_ok=True)
    # Which profile produced these outputs (npm run notebooks:outputs commits only a full run's).
    nb.metadata["rnnlab"] = {"profile": os.environ.get("RNNLAB_PROFILE", "full"), "status": status}
    nbformat.write(nb, os.path.join(out_dir, base + ".ipynb"))
    try:
        html, _ = HTMLExporter().from_notebook_node(nb)
        with open(os.path.join(out_dir, base + ".html"), "w", encoding="utf-8") as f:
            f.write(with_cjk_fonts(html))
    except Exception as e:  # the HTML is a convenience; the executed notebook is already written
        print(f"warning: HTML export of {path} failed: {e}", file=sys.stderr)
    return {"notebook": path, "seconds": seconds, "cells": cells, "status": status, "detail": detail}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--keep-going", action="store_true")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()

    results = []
    started = time.time()
    if args.jobs <= 1:
        for path in args.notebooks:
            print(f"running {path} ...", flush=True)
            r = run_one(path, args.out, args.timeout, args.kernel)
            print(f"  {r['status']} in {r['seconds']:.1f} s" + (f": {r['detail']}" if r["detail"] else ""), flush=True)
            results.append(r)
            if r["status"] != "ok" and not args.keep_going:
                break
    else:
        print(f"{min(args.jobs, len(args.notebooks))} notebooks at a time (--jobs), the last-numbered first", flush=True)
        # "spawn": each worker starts clean, with no event loop or ZeroMQ context inherited from this process.
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx) as pool:
            pending = {
                pool.submit(run_one, path, args.out, args.timeout, args.kernel, True): path for path in reversed(args.notebooks)
            }
            for done in concurrent.futures.as_completed(pending):
                r = done.result()
                print(f"  {r['notebook']}: {r['status']} in {r['seconds']:.1f} s" + (f": {r['detail']}" if r["detail"] else ""), flush=True)
                results.append(r)
                if r["status"] != "ok" and not args.keep_going:
                    # Notebooks not started yet are dropped; those running finish.
                    for f in pending:
                        f.cancel()
        order = {path: i for i, path in enumerate(args.notebooks)}
        results.sort(key=lambda r: order[r["notebook"]])

    width = max(len("notebook"), *(len(r["notebook"]) for r in results))
    print()
    print(f"{'notebook':<{width}}  {'seconds':>8}  {'cells':>5}  status")
    for r in results:
        print(f"{r['notebook']:<{width}}  {r['seconds']:>8.1f}  {r['cells']:>5}  {r['status']}")
    total = time.time() - started
    print(f"{'total':<{width}}  {total:>8.1f}  {sum(r['cells'] for r in results):>5}  {int(total // 60)} min {total % 60:.0f} s, kernel starts included")
    print(f"\nexecuted notebooks and HTML: {args.out}")
    failed = [r for r in results if r["status"] != "ok"]
    for r in failed:
        print(f"\nFAILED {r['notebook']}: {r['detail']}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
