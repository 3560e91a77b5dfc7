#!/usr/bin/env bash
# Isolated mode (docs/PROTOCOL.md, "Isolated mode") on the GPU machine: the isolation/ conformance family on CUDA,
# Vulkan and OpenCL, then its overhead against the default mode, measured in the same process by RingBench
# (latency p50, publishSlots/64 throughput; CUDA, then Vulkan). Every line is teed to $OUT/log.txt.
# Carry .h100 (the dist tarball, bench.jar, HdrHistogram.jar, gl/*.deb and opencl/*.deb as for h100-diag.sh).
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh log.txt

for b in cuda vulkan opencl; do
  step "isolation/ conformance on $b (byte-exact against the reference backend)"
  timeout -s KILL 120 $V conform --backend $b --cases isolation/ --verbose \
    --report "$OUT/conformance-isolation-$b.json" 2>&1 | tail -8; echo "exit ${PIPESTATUS[0]}"
done

for b in cuda vulkan; do
  step "isolation overhead on $b: RingBench default vs isolated, same process (latency p50, publishSlots/64)"
  timeout -s KILL 150 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode both --slots 65536 \
    --seconds 5 --warmup 2 --batch 64 --api slots --isolation both --json "$OUT/ringbench-isolation-$b.json" 2>&1 \
    | grep -E "^(latency|throughput|isolated|isolation|\| )|Exception|Fix"; echo "exit ${PIPESTATUS[0]}"
done
