#!/usr/bin/env bash
# On the GPU machine, with .gpu carried (new build in .gpu/lib, the build before it in .gpu/old):
# conformance of the new build on CUDA and Vulkan, then RingBench of the old and the new build,
# alternating, on the same machine in the same call. Reports land in $OUT.
set -u
cd "$(dirname "$0")/../.."
NEW=(bash .gpu/run.sh)
OLD=(/tmp/gpu-jre/bin/java --enable-native-access=ALL-UNNAMED -cp ".gpu/old/*")
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
"${NEW[@]}" dev.vyre.cli.VyreCommand backends
for b in cuda vulkan; do
  timeout -s KILL 240 "${NEW[@]}" dev.vyre.cli.VyreCommand conform --backend "$b" --report "$OUT/conformance-$b.json" 2>&1 | tail -4
done
for round in 1 2; do
  for build in old new; do
    if [ "$build" = old ]; then CMD=("${OLD[@]}"); else CMD=("${NEW[@]}"); fi
    for b in cuda vulkan; do
      echo "== round $round $build $b latency"
      timeout -s KILL 60 "${CMD[@]}" dev.vyre.bench.RingBench --backend "$b" --mode latency --seconds 3 --warmup 1 2>&1 | grep -iE "p50|error|fail" | head -3
      echo "== round $round $build $b slots"
      timeout -s KILL 60 "${CMD[@]}" dev.vyre.bench.RingBench --backend "$b" --mode throughput --slots 65536 --seconds 3 \
        --warmup 1 --batch 64 --api slots 2>&1 | grep -iE "slots/s|error|fail" | head -3
    done
  done
done
