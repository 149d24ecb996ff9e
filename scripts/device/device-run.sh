#!/usr/bin/env bash
# On a GPU host without network access: unpacks the bundle that scripts/device/device-bundle.js made in .device/ (Node,
# the node_modules files the check needs, the Vulkan loader), then runs scripts/device/device-check.js. Run it in the root
# of a copy of the repository that holds .device/; nothing else is needed there (no npm, no Node, no Python).
#
#   bash scripts/device/device-run.sh [--smoke | --quick | --full] [--budget S] [--out DIR] [--compact]
#
#   --full (default)  lesson 06 quick and full, the agreement tests and the bench, GPU and CPU, within --budget
#   --quick           the same without lesson 06 full
#   --smoke           lesson 06 quick on the CPU backend only (device-bundle.js --check runs this here)
#   --budget S        skip, and mark as skipped, what would not fit in S seconds (most important steps first)
#   --out DIR         where the results go (also RNNLAB_DEVICE_OUT; default build/device-check): device-check.md
#                     (the table and the log lines), device-run.log (everything) and the executed notebooks
#   --compact         keep only device-check.md, device-run.log and the lesson 06 notebooks of the full profile,
#                     for when only a few files can be copied back (also implied when the results go to $OUT,
#                     which is used when it is set and neither --out nor RNNLAB_DEVICE_OUT is given)
# Uses the bundled Node even where the host has one, so the run matches what the bundle was traced with.
set -uo pipefail
cd "$(dirname "$0")/../.."
MODE=--full
PASS=()
COMPACT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke|--quick|--full) MODE=$1 ;;
    --budget) PASS+=(--budget "$2"); shift ;;
    --out) RNNLAB_DEVICE_OUT=$2; shift ;;
    --compact) COMPACT=1 ;;
    *) echo "device-run: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "${RNNLAB_DEVICE_OUT:-}" ]; then RESULTS=$RNNLAB_DEVICE_OUT
elif [ -n "${OUT:-}" ]; then RESULTS=$OUT; COMPACT=1
else RESULTS=build/device-check; fi
mkdir -p "$RESULTS" .device/bin
LOG="$RESULTS/device-run.log"
exec > >(tee "$LOG") 2>&1

[ -f .device/node.xz ] || { echo "device-run: .device/node.xz is missing: run 'node scripts/device/device-bundle.js' on a machine where npm install worked and copy .device/ here"; exit 1; }

# xz, or Python's lzma where the host has no xz.
unxz_to() { # unxz_to FILE.xz DEST
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

t0=$(date +%s)
if [ ! -x .device/bin/node ]; then unxz_to .device/node.xz .device/bin/node && chmod +x .device/bin/node || exit 1; fi
export PATH="$PWD/.device/bin:$PATH"
if [ ! -d node_modules/tslab ]; then
  unxz_to .device/modules.tar.xz .device/modules.tar && tar -xf .device/modules.tar && rm -f .device/modules.tar || exit 1
fi
echo "unpacked in $(( $(date +%s) - t0 )) s: $(node --version), $(find node_modules -type f | wc -l) module files"

# The Vulkan loader (Dawn's way to the NVIDIA driver): the host's, else the bundled Debian packages.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && [ -z "${RNNLAB_DEVICE_NO_DEBS:-}" ]; then
  if ls .device/debs/*.deb >/dev/null 2>&1 && command -v dpkg >/dev/null; then
    for f in .device/debs/*.deb; do dpkg -x "$f" /; done
    ldconfig
    echo "installed the bundled Vulkan loader: $(ldconfig -p | grep -m1 libvulkan.so.1)"
  else
    echo "no Vulkan loader here and none bundled (or no dpkg): WebGPU will be skipped"
  fi
fi
# The NVIDIA driver's Vulkan and EGL manifests, where the container mounts them outside the standard folders.
NV=/usr/local/nvidia/share
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f $NV/vulkan/icd.d/nvidia_icd.json ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$NV/vulkan/icd.d/nvidia_icd.json
fi
if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f $NV/glvnd/egl_vendor.d/10_nvidia.json ]; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=$NV/glvnd/egl_vendor.d/10_nvidia.json
fi

case "$MODE" in
  --smoke) node scripts/device/device-check.js --smoke --out "$RESULTS" "${PASS[@]}" ;;
  --quick) node scripts/device/device-check.js --out "$RESULTS" "${PASS[@]}" ;;
  --full) node scripts/device/device-check.js --full --out "$RESULTS" "${PASS[@]}" ;;
esac
rc=$?
# --compact: keep the table, the log and the full-profile notebooks; drop the per-step folders.
if [ -n "$COMPACT" ]; then
  find "$RESULTS" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
fi
exit $rc
