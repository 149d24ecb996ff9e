#!/bin/sh
# Starts Deno's Jupyter kernel for the kernelspec "TypeScript (rnnlab, Deno)" (written by scripts/jupyter/setup.js).
# usage: deno-kernel.sh DENO PROJECT CONNECTION_FILE
#
# Deno resolves `import ... from "rnnlab"` through the deno.json or package.json it finds in the folder it starts in
# or above it, and `deno jupyter` takes no --config. Jupyter starts the kernel in the notebook's folder: where Deno
# finds such a file there (the course's own notebooks, or a project of the learner's), the kernel starts there.
# Elsewhere it starts in the course's folder, whose package.json and node_modules hold rnnlab and the course's
# packages: there the kernel's working folder is the course's, not the notebook's (Deno resolves a cell's imports
# from its working folder, so moving it later would break the next import). `exec` keeps one process, so Jupyter's
# Interrupt (SIGINT) and shutdown reach Deno itself.
deno=$1
project=$2
connection=$3
d=$(pwd)
while :; do
  for f in deno.json deno.jsonc package.json; do
    if [ -f "$d/$f" ]; then
      exec "$deno" jupyter --kernel --conn "$connection"
    fi
  done
  [ "$d" = / ] && break
  d=$(dirname "$d")
done
cd "$project" || exit 1
exec "$deno" jupyter --kernel --conn "$connection"
