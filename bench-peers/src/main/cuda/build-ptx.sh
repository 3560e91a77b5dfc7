#!/usr/bin/env bash
# Regenerates the shipped PTX from vyre_peer.cu when nvcc is on the PATH (run by Maven in
# generate-resources). Target compute_75, so every GPU that CUDA 13 supports can JIT it.
# Without nvcc it leaves the committed PTX alone and says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/dev/vyre/peer/cuda/vyre_peer.ptx"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "build-ptx: nvcc not on PATH; using the committed $(basename "$out")"
  exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
nvcc -ptx -arch=compute_75 -o "$tmp" "$here/vyre_peer.cu"
if ! cmp -s "$tmp" "$out"; then
  cp "$tmp" "$out"
  echo "build-ptx: regenerated $(basename "$out") from vyre_peer.cu"
fi
