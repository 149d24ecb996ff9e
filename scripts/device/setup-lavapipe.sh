#!/usr/bin/env bash
# A software WebGPU adapter for machines without a GPU, so that the WebGPU code path (Dawn + tfjs-backend-webgpu)
# is tested on CPU-only machines and in CI: Mesa's lavapipe (Vulkan on the CPU) from Debian bookworm-backports.
# Bookworm's own Mesa 22.3 lavapipe lacks a Vulkan feature Dawn requires (Dawn then finds no adapter); Mesa 25's
# works. Nothing is installed system-wide from backports: its packages are unpacked into build/lavapipe, and
# build/lavapipe/env says how to point the Vulkan loader at them. The runtime never chooses a software adapter on
# its own; RNNLAB_WEBGPU_SOFTWARE=1 (set in that env file) allows it, for tests.
#
#   bash scripts/device/setup-lavapipe.sh        # as root on Debian/Ubuntu amd64 (apt); prints why when it cannot
#   . build/lavapipe/env && RNNLAB_BACKEND=webgpu npx mocha test/tooling/backends.test.js
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=$PWD/build/lavapipe
if [ -f "$DEST/env" ]; then echo "lavapipe: already set up in $DEST"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ "$(dpkg --print-architecture 2>/dev/null)" != amd64 ]; then
  echo "lavapipe: skipped (needs root, apt-get and amd64); the WebGPU tests will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The Vulkan loader and lavapipe's runtime libraries (LLVM, libdrm, X/Wayland client libraries) from the base release.
if ! dpkg -s libvulkan1 mesa-vulkan-drivers >/dev/null 2>&1; then
  apt-get install -y -q --no-install-recommends libvulkan1 mesa-vulkan-drivers >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -q --no-install-recommends libvulkan1 mesa-vulkan-drivers >/dev/null; }
fi
. /etc/os-release
SUITE=${VERSION_CODENAME:-bookworm}-backports
WORK=$(mktemp -d)
mkdir -p "$WORK/lists/partial" "$WORK/debs" "$DEST/root"
URI=http://deb.debian.org/debian
[ "${ID:-debian}" = debian ] || { echo "lavapipe: skipped (backports lookup is written for Debian, this is $ID)"; exit 0; }
echo "deb $URI $SUITE main" >"$WORK/sources.list"
O=(-oAPT::Sandbox::User=root -oDir::Etc::SourceList="$WORK/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::State::Lists="$WORK/lists" -oAPT::Architecture=amd64)
apt-get "${O[@]}" update -q >/dev/null
(cd "$WORK/debs" && apt-get "${O[@]}" download -q "mesa-vulkan-drivers/$SUITE" "libdrm2/$SUITE" "libdrm-amdgpu1/$SUITE" >/dev/null 2>&1)
for f in "$WORK"/debs/*.deb; do dpkg -x "$f" "$DEST/root"; done
ICD=$DEST/root/usr/share/vulkan/icd.d/lvp_icd.json
LIB=$DEST/root/usr/lib/x86_64-linux-gnu
[ -f "$ICD" ] && [ -f "$LIB/libvulkan_lvp.so" ] || { echo "lavapipe: the backports packages did not unpack as expected"; exit 1; }
python3 - "$ICD" "$LIB/libvulkan_lvp.so" <<'EOF'
import json, sys
icd, lib = sys.argv[1], sys.argv[2]
j = json.load(open(icd))
j["ICD"]["library_path"] = lib
json.dump(j, open(icd, "w"))
EOF
cat >"$DEST/env" <<EOF
export VK_DRIVER_FILES=$ICD
export LD_LIBRARY_PATH=$LIB\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
export XDG_RUNTIME_DIR=\${XDG_RUNTIME_DIR:-/tmp}
export RNNLAB_WEBGPU_SOFTWARE=1
EOF
VERSION=$(dpkg-deb -f "$(ls "$WORK"/debs/mesa-vulkan-drivers_*.deb)" Version)
rm -rf "$WORK"
echo "lavapipe: Mesa $VERSION ($SUITE) unpacked in $DEST; '. build/lavapipe/env' to use it"
