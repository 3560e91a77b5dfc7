#!/usr/bin/env bash
# Session 17's GPU calls, one part per call (each inside 10 minutes). Carry .h100's tarball of this build, bench.jar and
# gl/. Log $OUT/session17-PART.txt.
#   first  issue 18: CUDA conformance of this build (the leader's unmoved tail lines cost one shuffle each: its first
#          GPU run); fence_split (bench/native/fence_split.cu, built here: what the fence before DONE waits for, each
#          write the leader issued before it timed alone and together); CUDA conformance with the tail lines in device
#          memory (a session now proves the host's BAR1 view and the device's address agree and starts from zeroed
#          lines: the first run of that check); CUDA latency alternating, three rounds: lines in device memory and in
#          host memory, each with one and with four submission queues, and the default with the mailbox read every
#          1024 loops (-Dvyre.cuda.variant=4096, the mail read's share) and with every line unpacked every loop (8192,
#          the peer of this build's leader); traced runs of both placements with one queue (about 6 minutes)
#   vk     Vulkan latency, three rounds alternating against the earlier order; Vulkan publishSlots/64 from 1 publisher
#          (about 2 minutes)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session17.sh first|vk. Fix: name the part}
. bench/scripts/h100-env.sh "session17-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
case "$PART" in
first)
  step "conformance, cuda, this build (tail lines in host memory)"
  timeout -s KILL 100 $V conform --backend cuda --report $OUT/conform-cuda-session17.json 2>&1 \
    | grep -E "FAILED|^cuda|BACKEND|Fix" | head -8
  step "cuda: fence_split (bench/native/fence_split.cu, built here)"
  FS=/tmp/fence_split; nvcc -O2 -std=c++20 -arch=sm_90 -o $FS bench/native/fence_split.cu 2>&1 | grep -i error
  [ -x $FS ] && timeout -s KILL 60 $FS 20000 2>&1 | grep -E "^fence_split|^\| [a-z]|Fix"
  step "conformance, cuda, -Dvyre.cuda.tailLines=vram"
  VYRE_JAVA_OPTS="-Dvyre.cuda.tailLines=vram" timeout -s KILL 100 $V conform --backend cuda \
    --report $OUT/conform-cuda-session17-vram.json 2>&1 | grep -E "FAILED|^cuda|BACKEND|Fix" | head -8
  for r in 1 2 3; do
    for t in vram host; do
      for n in 1 4; do
        step "round $r: cuda latency, -Dvyre.cuda.tailLines=$t -Dvyre.cuda.submissionQueues=$n"
        ring "-Dvyre.cuda.tailLines=$t -Dvyre.cuda.submissionQueues=$n" latency 1
      done
    done
    step "round $r: cuda latency, -Dvyre.cuda.variant=4096 (the mailbox read every 1024 loops, not every 8)"
    ring "-Dvyre.cuda.variant=4096" latency 1
    step "round $r: cuda latency, -Dvyre.cuda.variant=8192 (every queue's line unpacked every loop: the peer)"
    ring "-Dvyre.cuda.variant=8192" latency 1
  done
  for t in vram host; do
    step "cuda latency traced, -Dvyre.cuda.tailLines=$t -Dvyre.cuda.submissionQueues=1"
    ring "-Dvyre.cuda.tailLines=$t -Dvyre.cuda.submissionQueues=1 -Dvyre.cuda.trace=true" latency 1
  done
  step "done" ;;
vk)
  for r in 1 2 3; do
    step "round $r: vulkan latency, the earlier order (-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true)"
    vk "-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true" latency
    step "round $r: vulkan latency, this build"
    vk "" latency
  done
  step "vulkan publishSlots/64, 1 publisher"
  vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  step "done" ;;
*) echo "unknown part $PART. Fix: name the part: first or vk"; exit 2 ;;
esac
