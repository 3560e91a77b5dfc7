#!/usr/bin/env bash
# The CUDA switches this script measures (variants 16384 and 32768) were removed in session 21: run it at 9889c8d.
# Session 19's GPU calls (each inside 10 minutes). Carry .h100's tarball of this build, bench.jar and gl/.
# Log $OUT/session19-PART.txt.
#   first   issue 18 on a further start: three rounds of Vulkan and CUDA latency (this build; CUDA with its loop
#           period from the heartbeat, untraced); the leader's idle loop, untraced (LeaderIdleProbe), by what it
#           reads: default, the mailbox every 1024 loops (4096), SHUTDOWN every 8 loops (16384), both, the pipelined
#           poll (32768: two tail-line reads in flight), 32768+16384, one queue, traced; CUDA latency alternating
#           default / 32768 / 16384 / 32768+16384, three rounds; CUDA conformance with 32768 (its first GPU run);
#           Vulkan publishSlots/64, 3 rounds (about 4.5 minutes)
#   short   the same questions in about 80 s: the idle loop default / 32768; three rounds of Vulkan latency and CUDA
#           latency default / 32768; one Vulkan publishSlots/64
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session19.sh first|short. Fix: name the part}
. bench/scripts/h100-env.sh "session19-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
# idle "JVM OPTIONS": the leader's untraced idle loop over 1.5 s of an open session with nothing published
idle() {
  timeout -s KILL 40 $JAVA -Dvyre.cuda.loops=true $1 -cp "$CP" dev.vyre.bench.LeaderIdleProbe --backend cuda \
    --millis 1500 2>&1 | grep -E "vyre.cuda|Fix" | cut -c1-300
}
case "$PART" in
first)
  for r in 1 2 3; do
    step "round $r: vulkan latency, this build"
    vk "" latency
    step "round $r: cuda latency, this build (loop period untraced)"
    ring "-Dvyre.cuda.loops=true" latency 1
  done
  for v in 0 4096 16384 20480 32768 49152; do
    step "idle leader loop, variant $v"
    idle "-Dvyre.cuda.variant=$v"
  done
  step "idle leader loop, one submission queue"
  idle "-Dvyre.cuda.submissionQueues=1"
  step "idle leader loop, traced"
  idle "-Dvyre.cuda.trace=true"
  for r in 1 2 3; do
    for v in 0 32768 16384 49152; do
      step "round $r: cuda latency, variant $v"
      ring "-Dvyre.cuda.loops=true -Dvyre.cuda.variant=$v" latency 1
    done
  done
  step "cuda latency, one submission queue"
  ring "-Dvyre.cuda.loops=true -Dvyre.cuda.submissionQueues=1" latency 1
  step "conformance, cuda, pipelined poll (-Dvyre.cuda.variant=32768)"
  VYRE_JAVA_OPTS=-Dvyre.cuda.variant=32768 timeout -s KILL 150 $V conform --backend cuda \
    --report $OUT/conform-cuda-session19-pipelined.json 2>&1 | grep -E "FAILED|^cuda|BACKEND|Fix" | head -8
  for r in 1 2 3; do
    step "round $r: vulkan publishSlots/64, 1 publisher, this build"
    vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  done
  step "done" ;;
short)
  for v in 0 32768; do
    step "idle leader loop, variant $v"
    idle "-Dvyre.cuda.variant=$v"
  done
  for r in 1 2 3; do
    step "round $r: vulkan latency, this build"
    vk "" latency
    for v in 0 32768; do
      step "round $r: cuda latency, variant $v"
      ring "-Dvyre.cuda.loops=true -Dvyre.cuda.variant=$v" latency 1
    done
  done
  step "vulkan publishSlots/64, 1 publisher, this build"
  vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  step "done" ;;
*) echo "unknown part $PART. Fix: name the part: first or short"; exit 2 ;;
esac
