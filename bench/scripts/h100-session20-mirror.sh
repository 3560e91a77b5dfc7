#!/usr/bin/env bash
# Session 20: Vulkan publishSlots/64 from 1 publisher, the distribution's backend-vulkan (old) against
# .h100/new/vyre-backend-vulkan-*.jar (new: the status mirror's next lines loaded together, commit 7100296, reverted
# after this A/B showed no gain: docs/PERFORMANCE.md, session 20), alternating, 4 rounds;
# Vulkan latency with each; then Vulkan conformance with the new jar. Carry .h100's tarball, bench.jar, gl/, new/.
# Log $OUT/session20-mirror.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh session20-mirror.txt
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
OLD=$CP; NEW="$(ls $H/new/vyre-backend-vulkan-*.jar):$CP"
for round in 1 2 3 4; do
  for b in old new; do
    step "round $round: vulkan publishSlots/64, 1 publisher, $b backend-vulkan"
    CP=$([ $b = old ] && echo "$OLD" || echo "$NEW") vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  done
done
for b in old new; do
  step "vulkan latency, $b backend-vulkan"
  CP=$([ $b = old ] && echo "$OLD" || echo "$NEW") vk "" latency
done
step "conformance, vulkan, new backend-vulkan"
cp $H/new/vyre-backend-vulkan-*.jar $D/lib/
timeout -s KILL 200 $V conform --backend vulkan --report $OUT/conform-vulkan-session20.json 2>&1 \
  | grep -E "FAILED|^vulkan|BACKEND|Fix" | head -8
step "done"
