#!/usr/bin/env bash
# Session 15 on the GPU machine, one part per call (each inside 10 minutes). Carry .h100's tarball of this build,
# bench.jar and gl/ (HdrHistogram.jar is in the distribution). Log $OUT/session15-PART.txt.
# Parts cuda and all ran build 6e6fba5, where variant 512 meant fence.acq_rel before DONE and 1024 the generation CAS
# beside the tenant loads; since 76fd53f both are defaults and the same bits restore the earlier fence and claim.
#   cuda  issue 18: ring_budget (every variant: the echo floor, the protocol's completion order with fence.sc and
#         with fence.acq_rel, the leader's lone-slot path as it is and with its generation CAS in flight with the
#         tenant loads); CUDA latency, two rounds alternating: this build, the fence before DONE as
#         fence.acq_rel.gpu (variant 512), the generation CAS beside the tenant loads (1024), both (1536), no CLAIMED
#         store (1); the leader's trace of this build and of 1536; CUDA conformance with 1536; publishSlots/64 from
#         1 and 4 publishers; the 4-publisher soak (10^9 slots)
#   vk    Vulkan latency, this build (the mirrored result first, the ring's status by a release compare-and-set)
#         against the earlier order, two rounds; Vulkan conformance; Vulkan publishSlots/64, 3 rounds; scan against
#         ingest from the page cache; ingest with O_DIRECT against dd iflag=direct of the same file, caches dropped
#   all   cuda, then vk (about 5 minutes)
#   final (the leader alone issues its generation CAS beside the tenant loads, and reads the tenant again after a
#         give-back) CUDA conformance; CUDA latency against -Dvyre.cuda.variant=1536, two rounds; a traced run (the
#         inline run split into claim, execution, fence and DONE); Vulkan latency against the earlier order, one round
#         (about 2 minutes)
#   confirm  (the build with the generation CAS beside the tenant loads and fence.acq_rel before DONE as defaults, a
#         second start) ring_budget; CUDA latency against -Dvyre.cuda.variant=1536 (the earlier claim and fence), two
#         rounds; CUDA conformance; publishSlots/64 from 1 and 4 publishers; Vulkan latency against the earlier
#         order, two rounds; Vulkan publishSlots/64, 2 rounds; vyre ingest --backend cuda with its defaults
#         (O_DIRECT) against dd iflag=direct of the same file, caches dropped before each, 2 rounds; the soak
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session15.sh cuda|vk|all|confirm|final. Fix: name the part}
if [ "$PART" = all ]; then bash "$0" cuda; exec bash "$0" vk; fi
. bench/scripts/h100-env.sh "session15-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
cudaab() { # cudaab ROUNDS: CUDA latency, this build against the earlier claim and fence (variant 1536), alternating
  local r
  for r in $(seq "$1"); do
    step "round $r: cuda latency, this build"
    ring "" latency 1
    step "round $r: cuda latency, the earlier claim and fence (-Dvyre.cuda.variant=1536)"
    ring "-Dvyre.cuda.variant=1536" latency 1
  done
}
vkorder() { # vkorder ROUNDS: Vulkan latency, the earlier completion order against this build's, alternating
  local r
  for r in $(seq "$1"); do
    step "round $r: vulkan latency, the earlier order (-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true)"
    vk "-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true" latency
    step "round $r: vulkan latency, this build"
    vk "" latency
  done
}
case "$PART" in
cuda)
  step "cuda: ring_budget, every variant (bench/native/ring_budget.cu: .h100/ring_budget when carried, else built here)"
  RB=$H/ring_budget; [ -x $RB ] || { RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu; }
  [ -x $RB ] && timeout -s KILL 90 $RB 100000 2>&1 | grep -E "^ring_budget|^\| [a-z]|^idle"
  for r in 1 2; do
    for v in 0 512 1024 1536 1; do
      step "round $r: cuda latency, -Dvyre.cuda.variant=$v"
      ring "-Dvyre.cuda.variant=$v" latency 1
    done
  done
  for v in 0 1536; do
    step "cuda latency traced, -Dvyre.cuda.variant=$v"
    ring "-Dvyre.cuda.variant=$v -Dvyre.cuda.trace=true" latency 1
  done
  step "conformance, cuda, -Dvyre.cuda.variant=1536"
  VYRE_JAVA_OPTS="-Dvyre.cuda.variant=1536" timeout -s KILL 150 $V conform --backend cuda \
    --report $OUT/conform-cuda-session15-1536.json 2>&1 | tail -3
  step "cuda publishSlots/64, 1 and 4 publishers"
  ring "" throughput 1
  ring "" throughput 4
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 \
    --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "done" ;;
vk)
  step "vulkan latency, this build, a probe: the rest of Vulkan runs only if this is not refused"
  vk "" latency | tee /tmp/vkprobe.txt
  if grep -q "^latency" /tmp/vkprobe.txt; then
    vkorder 2
    step "conformance, vulkan, this build"
    timeout -s KILL 150 $V conform --backend vulkan --report $OUT/conform-vulkan-session15.json 2>&1 | tail -3
    for r in 1 2 3; do
      step "round $r: vulkan publishSlots/64, 1 publisher"
      vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
    done
  fi
  W=/tmp/vyre-s && rm -rf $W && mkdir -p $W
  head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
  for r in 1 2; do
    step "round $r: vyre scan --backend cuda --no-direct, then vyre ingest of the same file (page cache)"
    timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --chunk 64K --slots 1024 --no-direct --top 1 $W/f.txt \
      2>&1 | grep -E "device \(|CPU peer|Fix" | cut -c1-200
    timeout -s KILL 60 $V ingest --backend cuda --chunk 64K --slots 1024 --no-direct $W/f.txt 2>&1 | grep -E "total:|Fix" | cut -c1-200
  done
  for r in 1 2; do
    step "round $r: dd iflag=direct, then vyre ingest --backend cuda (O_DIRECT), caches dropped before each"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(drop_caches refused)"
    dd if=$W/f.txt of=/dev/null bs=4M iflag=direct 2>&1 | tail -1
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(drop_caches refused)"
    timeout -s KILL 60 $V ingest --backend cuda --chunk 64K --slots 1024 $W/f.txt 2>&1 | grep -E "total:|Fix" | cut -c1-200
  done
  rm -rf $W
  step "done" ;;
final)
  step "conformance, cuda, this build"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session15-final.json 2>&1 | tail -3
  cudaab 2
  step "cuda latency traced: the inline run split into claim, execution, fence and DONE"
  ring "-Dvyre.cuda.trace=true" latency 1
  vkorder 1
  step "done" ;;
confirm)
  step "cuda: ring_budget, every variant"
  RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu \
    && timeout -s KILL 90 $RB 100000 2>&1 | grep -E "^ring_budget|^\| [a-z]|^idle"
  cudaab 2
  step "conformance, cuda, this build"
  timeout -s KILL 150 $V conform --backend cuda --report $OUT/conform-cuda-session15-confirm.json 2>&1 | tail -3
  step "cuda publishSlots/64, 1 and 4 publishers"
  ring "" throughput 1
  ring "" throughput 4
  step "vulkan latency, this build, a probe"
  vk "" latency | tee /tmp/vkprobe.txt
  if grep -q "^latency" /tmp/vkprobe.txt; then
    vkorder 2
    for r in 1 2; do
      step "round $r: vulkan publishSlots/64, 1 publisher"
      vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
    done
  fi
  W=/tmp/vyre-s && rm -rf $W && mkdir -p $W
  head -c 1000000000 /dev/urandom > $W/f.bin
  for r in 1 2; do
    step "round $r: dd iflag=direct, then vyre ingest --backend cuda (its defaults: O_DIRECT), caches dropped before each"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(drop_caches refused)"
    dd if=$W/f.bin of=/dev/null bs=4M iflag=direct 2>&1 | tail -1
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(drop_caches refused)"
    timeout -s KILL 60 $V ingest --backend cuda $W/f.bin 2>&1 | grep -E "total:|Fix" | cut -c1-200
  done
  rm -rf $W
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 \
    --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "done" ;;
*) echo "unknown part $PART. Fix: cuda, vk, all, confirm or final"; exit 2 ;;
esac
