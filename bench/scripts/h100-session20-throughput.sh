#!/usr/bin/env bash
# Session 20: CUDA publishSlots/64 from 1 and 4 publishers with session 16's final backend-cuda (a279f40, carried as
# .h100/old/vyre-backend-cuda-a279f40.jar, built with `mvn package -pl backend-cuda -am` in a worktree) against this
# build's, alternating, two rounds (the leader loop changed in sessions 17-20 and the throughput targets were last
# measured on a279f40); CUDA latency of each; Vulkan publishSlots/64 twice. Carry .h100's tarball, bench.jar, gl/, old/.
# Log $OUT/session20-throughput.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh session20-throughput.txt
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
NEW=$CP; OLD="$(ls $H/old/vyre-backend-cuda-*.jar):$CP"
for round in 1 2; do
  for b in old new; do
    for p in 1 4; do
      step "round $round: cuda publishSlots/64, $p publishers, $b backend-cuda"
      CP=$([ $b = old ] && echo "$OLD" || echo "$NEW") ring "" throughput $p
    done
  done
done
for b in old new; do
  step "cuda latency, $b backend-cuda"
  CP=$([ $b = old ] && echo "$OLD" || echo "$NEW") ring "" latency 1
done
for round in 1 2; do
  step "round $round: vulkan publishSlots/64, 1 publisher"
  vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
done
step "done"
