"""Drives the course's kernel through Jupyter's own client, as the Notebook does, for test/tooling/interrupt.test.js.

Reads a JSON spec on stdin: {"kernel": name, "cells": [{"code", "interrupt_on"?, "interrupt_after"?, "cpu"?,
"timeout"?}]}. Runs the cells in order. A cell with "interrupt_on" gets Jupyter's Interrupt
(KernelManager.interrupt_kernel, a SIGINT for this kernelspec) "interrupt_after" seconds after that text appears in
its output ("" counts from the start). Per cell it reports the reply's status, stdout, stderr, the seconds from the
Interrupt to the reply and to the kernel's "idle", and with "cpu" the kernel process's CPU use (fraction of one
core) over the second after the reply, read from /proc. Prints one JSON line.
"""
import json
import os
import sys
import time

from jupyter_client.manager import KernelManager


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[11], fields[12]: utime, stime (after the ")" that ends the command name)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernel_pid(km):
    prov = getattr(km, "provisioner", None)
    for obj in (getattr(prov, "process", None), getattr(km, "kernel", None)):
        if obj is not None and getattr(obj, "pid", None):
            return obj.pid
    return getattr(prov, "pid", None)


def run_cell(km, kc, pid, cell):
    msg_id = kc.execute(cell["code"])
    out = {"stdout": "", "stderr": "", "displays": [], "status": None, "interrupted": False}
    t_int = None
    t_seen = None
    reply_at = None
    idle_at = None
    deadline = time.time() + cell.get("timeout", 120)
    marker = cell.get("interrupt_on")
    if marker == "":  # no text to wait for (a synchronous cell sends nothing until it ends): count from the start
        t_seen = time.time()
    while time.time() < deadline and (reply_at is None or idle_at is None):
        if marker is not None and t_int is None and t_seen is not None and time.time() - t_seen >= cell.get("interrupt_after", 0):
            km.interrupt_kernel()
            t_int = time.time()
            out["interrupted"] = True
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            msg = None
        if msg and msg.get("parent_header", {}).get("msg_id") == msg_id:
            kind = msg["msg_type"]
            content = msg["content"]
            if kind == "stream":
                out[content["name"]] += content["text"]
            elif kind in ("display_data", "update_display_data"):
                out["displays"].append(content["data"].get("text/plain", ""))
            elif kind == "error":
                out["stderr"] += "\n".join(content.get("traceback", []))
            elif kind == "status" and content["execution_state"] == "idle":
                idle_at = time.time()
        if marker and t_seen is None and (marker in out["stdout"] or any(marker in d for d in out["displays"])):
            t_seen = time.time()
        if reply_at is None:
            try:
                reply = kc.get_shell_msg(timeout=0.01)
            except Exception:
                reply = None
            if reply and reply.get("parent_header", {}).get("msg_id") == msg_id:
                reply_at = time.time()
                out["status"] = reply["content"]["status"]
    # "settle": S seconds more of listening after the cell's end, for messages a kernel sends late (Deno's kernel
    # forwards what is printed through a pipe of its own); what came then is listed in "late".
    settle_until = time.time() + cell.get("settle", 0)
    out["late"] = []
    while reply_at is not None and time.time() < settle_until:
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            continue
        if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] in ("stream", "error", "display_data", "update_display_data"):
            out["late"].append(msg["msg_type"])
            content = msg["content"]
            if msg["msg_type"] == "stream":
                out[content["name"]] += content["text"]
            elif msg["msg_type"] == "error":
                out["stderr"] += "\n".join(content.get("traceback", []))
            else:
                out["displays"].append(content["data"].get("text/plain", ""))
    if reply_at is None:
        out["status"] = "timeout"
    if t_int is not None:
        out["reply_after_interrupt"] = None if reply_at is None else reply_at - t_int
        out["idle_after_interrupt"] = None if idle_at is None else idle_at - t_int
    if cell.get("cpu") and pid:
        c0, w0 = cpu_seconds(pid), time.time()
        time.sleep(1.0)
        c1, w1 = cpu_seconds(pid), time.time()
        out["cpu"] = (c1 - c0) / (w1 - w0)
    if cell.get("alive"):
        # Whether the kernel process is still there a moment after the cell (an Interrupt can end Deno's kernel).
        time.sleep(cell.get("alive"))
        out["alive"] = bool(km.is_alive())
    return out


def main():
    spec = json.load(sys.stdin)
    km = KernelManager(kernel_name=spec.get("kernel", "tslab"))
    km.start_kernel(cwd=spec.get("cwd"))
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=120)
        pid = kernel_pid(km)
        for cell in spec["cells"]:
            results.append(run_cell(km, kc, pid, cell))
            if results[-1]["status"] == "timeout" or results[-1].get("alive") is False:
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print("@@RESULT@@" + json.dumps(results))


if __name__ == "__main__":
    main()
