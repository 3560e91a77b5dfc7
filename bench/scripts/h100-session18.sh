#!/usr/bin/env bash
# Session 18's GPU call (inside 10 minutes). Carry .h100's tarball of this build, bench.jar, gl/ and vram_doorbell.
# Log $OUT/session18-PART.txt.
#   second  issue 18 on a second start of this build: Vulkan conformance with the shader's new defaults (the opcode and
#           payload loaded with the status and tenant; one release fence for both result stores: their first GPU run);
#           three alternating rounds of Vulkan latency: this build, each switch off alone, both off (session 17's
#           shader); three rounds of CUDA latency (the default); a traced run of the default; Vulkan publishSlots/64
#           with both switches on and off; last, the floors in C (ring_budget: the mapped-memory echo and the leader's
#           inline path; vram_doorbell: the line in VRAM) (about 3 minutes)
#   third   a third start: three rounds of Vulkan and CUDA latency, this build (about 40 s)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session18.sh second|third. Fix: name the part}
. bench/scripts/h100-env.sh "session18-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
case "$PART" in
second)
  step "conformance, vulkan, this build"
  timeout -s KILL 150 $V conform --backend vulkan --report $OUT/conform-vulkan-session18.json 2>&1 \
    | grep -E "FAILED|^vulkan|BACKEND|Fix" | head -8
  for r in 1 2 3; do
    step "round $r: vulkan latency, this build (loadsFirst, oneRelease)"
    vk "" latency
    step "round $r: vulkan latency, -Dvyre.vulkan.loadsFirst=false"
    vk "-Dvyre.vulkan.loadsFirst=false" latency
    step "round $r: vulkan latency, -Dvyre.vulkan.oneRelease=false"
    vk "-Dvyre.vulkan.oneRelease=false" latency
    step "round $r: vulkan latency, both off (session 17's shader)"
    vk "-Dvyre.vulkan.loadsFirst=false -Dvyre.vulkan.oneRelease=false" latency
  done
  for r in 1 2 3; do
    step "round $r: cuda latency, this build"
    ring "" latency 1
  done
  step "cuda latency traced, this build"
  ring "-Dvyre.cuda.trace=true" latency 1
  step "vulkan publishSlots/64, 1 publisher, this build"
  vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  step "vulkan publishSlots/64, 1 publisher, both off"
  vk "-Dvyre.vulkan.loadsFirst=false -Dvyre.vulkan.oneRelease=false" throughput --slots 65536 --batch 64 --api slots \
    --seconds 3
  step "cuda: ring_budget, every variant (bench/native/ring_budget.cu, built here)"
  RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu 2>&1 | grep -i error
  [ -x $RB ] && timeout -s KILL 60 $RB 30000 2>&1 | grep -E "^ring_budget|^\| [a-z]|^idle"
  step "vram_doorbell (carried as .h100/vram_doorbell)"
  [ -x $H/vram_doorbell ] && LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib:${LD_LIBRARY_PATH:-} \
    timeout -s KILL 60 $H/vram_doorbell 30000 2>&1 | grep -E "^vram|^vulkan|^\| [a-z]|Fix|error" | head -12
  step "done" ;;
third)
  for r in 1 2 3; do
    step "round $r: vulkan latency, this build (loadsFirst, oneRelease)"
    vk "" latency
    step "round $r: cuda latency, this build"
    ring "" latency 1
  done
  step "done" ;;
*) echo "unknown part $PART. Fix: name the part: second or third"; exit 2 ;;
esac
