#!/usr/bin/env bash
# Session 14 on the GPU machine, one call per start (about 4 minutes). Carry .h100's tarball of this build,
# bench.jar and gl/ (HdrHistogram.jar is in the distribution). Log $OUT/session14-PART.txt.
#   a   issue 12: recording from 1 publisher (RingBench --record, 65,536 records in /dev/shm, default drain
#       threads), 4 rounds, each recorded run against its own unrecorded run: best of 4 and the median (call H1
#       also ran 8 drain threads); the publisher's paced cost (RecordingBench --pace 100e6); issue 18: the C echo floor
#       and the floor of the protocol's completion order (bench/native/ring_budget.cu, built there: echo, line,
#       done, linepoll, ordered), CUDA latency with the leader's lone-slot run without its claim CAS (the
#       default now; call H2 ran part a at 1f90b1a, where variant 256 meant it) against the CAS (variant 256
#       now), two rounds alternating, CUDA conformance, publishSlots/64 from 1 and 4 publishers;
#       Vulkan latency, and only if it is not refused: the default against two completion orders (no buffer
#       barrier before the result's release store; the mirrored result before the ring's, by a compare-and-set
#       from CLAIMED), two rounds alternating; Vulkan publishSlots/64; conformance with the faster switch
#   b   (the build whose defaults took those results) issue 18: ring_budget (echo, line, done, linepoll, ordered),
#       CUDA latency against the claim CAS (variant 256), two rounds; Vulkan latency against the earlier
#       completion order, Vulkan conformance; issue 12: recording from 1 publisher, 4 rounds
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session14.sh a|b. Fix: name the part}
. bench/scripts/h100-env.sh "session14-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
floors() { # the echo floor and the floor of the protocol's completion order (bench/native/ring_budget.cu)
  step "cuda: the echo floor and the floor of the protocol's completion order (bench/native/ring_budget.cu)"
  RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu \
    && timeout -s KILL 60 $RB 100000 2>&1 | grep -E "^ring_budget|^\| (echo|line|done|linepoll|ordered) |^idle"
}
cudalatency() { # CUDA latency, this build against the claim CAS before a lone inline slot, two rounds alternating
  for r in 1 2; do
    step "round $r: cuda latency, this build (a lone slot runs on the leader without a device position)"
    ring "" latency 1
    step "round $r: cuda latency, the claim CAS first (-Dvyre.cuda.variant=256, the earlier default)"
    ring "-Dvyre.cuda.variant=256" latency 1
  done
}
case "$PART" in
a)
  step "1 publisher recording, default drain threads, 4 rounds of 2 s"
  ring "" throughput 1 --seconds 2 --record /dev/shm/ring-rec.log --record-capacity 65536 --record-rounds 4 \
    --record-mode background
  rm -f /dev/shm/ring-rec.log
  step "RecordingBench paced at 100 M slots/s, ringread/4 (the publisher's own cost)"
  pacedcost "$CP"
  floors
  cudalatency
  step "conformance, cuda (this build)"
  timeout -s KILL 150 $V conform --backend cuda --report $OUT/conform-cuda-session14.json 2>&1 | tail -3
  step "cuda publishSlots/64, 1 and 4 publishers"
  ring "" throughput 1
  ring "" throughput 4
  step "vulkan latency (default), a probe: the rest of Vulkan runs only if this is not refused"
  vk "" latency | tee /tmp/vkprobe.txt
  if grep -q "^latency" /tmp/vkprobe.txt; then
    for r in 1 2; do
      for o in "-Dvyre.vulkan.doneBarrier=false" "-Dvyre.vulkan.ringStatusLast=true" "" \
          "-Dvyre.vulkan.doneBarrier=false -Dvyre.vulkan.ringStatusLast=true"; do
        step "round $r: vulkan latency ${o:-(default)}"
        vk "$o" latency
      done
    done
    step "vulkan publishSlots/64, 1 publisher (default)"
    vk "" throughput --slots 65536 --batch 64 --api slots
    step "conformance, vulkan, the mirrored result before the ring's"
    VYRE_JAVA_OPTS="-Dvyre.vulkan.ringStatusLast=true" timeout -s KILL 150 $V conform --backend vulkan \
      --report $OUT/conform-vulkan-session14-ringlast.json 2>&1 | tail -3
    step "conformance, vulkan, no buffer barrier before the result's release store"
    VYRE_JAVA_OPTS="-Dvyre.vulkan.doneBarrier=false" timeout -s KILL 150 $V conform --backend vulkan \
      --report $OUT/conform-vulkan-session14-nobarrier.json 2>&1 | tail -3
  fi
  step "done" ;;
b)
  floors
  cudalatency
  step "vulkan latency (this build: the mirrored result first, no barrier), a probe"
  vk "" latency | tee /tmp/vkprobe.txt
  if grep -q "^latency" /tmp/vkprobe.txt; then
    step "vulkan latency, the earlier completion order (-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true)"
    vk "-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true" latency
    step "vulkan latency, this build again"
    vk "" latency
    step "conformance, vulkan, this build"
    timeout -s KILL 150 $V conform --backend vulkan --report $OUT/conform-vulkan-session14-b.json 2>&1 | tail -3
  fi
  step "1 publisher recording, default drain threads, 4 rounds of 2 s"
  ring "" throughput 1 --seconds 2 --record /dev/shm/ring-rec.log --record-capacity 65536 --record-rounds 4 \
    --record-mode background
  rm -f /dev/shm/ring-rec.log
  step "done" ;;
*) echo "unknown part $PART. Fix: a or b"; exit 2 ;;
esac
