#!/usr/bin/env bash
# Session 9 on the GPU machine, one part per call (each well inside 10 minutes). Carry .h100's tarball of this
# build, bench.jar, HdrHistogram.jar, gl/ and (part reg) ab9/ (the vyre-ir and vyre-spi jars of 09bf8a5, the
# build before the registration changes; they shadow the distribution's). Log $OUT/session9-PART.txt.
#   reg     warm IR registration (CompileCacheBench, CUDA and Vulkan, 3 warm runs each), old ir/spi jars against
#           this build's, alternating, 2 rounds
#   record  recording overhead against the log's size: RingBench on CUDA, publishSlots runs of 64, logs of
#           4,096, 65,536 and 1,048,576 records in /dev/shm, direct and background (1 drainer), 2 rounds each
#   perf    issue 18 on a second start: CUDA and Vulkan publish->DONE latency and publishSlots/64 from 1 thread
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session9.sh reg|record|perf. Fix: name the part}
. bench/scripts/h100-env.sh "session9-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
case "$PART" in
reg)
  registration() {
    timeout -s KILL 90 $JAVA -cp "$1" dev.vyre.bench.CompileCacheBench --backends cuda,vulkan --runs 3 2>&1 \
      | grep -E "^\| (cuda|vulkan)|register \+ open" | cut -c1-250
  }
  alternate 2 "$(ls $H/ab9/*.jar | tr '\n' ':')$CP" "$CP" registration ;;
record)
  for cap in 4096 65536 1048576; do
    step "RingBench cuda slots/64, log of $cap records"
    timeout -s KILL 100 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 2 --warmup 1 --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity $cap \
      --record-rounds 2 --record-mode both --record-drainers 1 2>&1 | grep -E "^(throughput|recording)|Fix" | cut -c1-220
    rm -f /dev/shm/ring.vrri
  done ;;
perf)
  for b in cuda vulkan; do
    step "$b latency"
    timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode latency --seconds 4 --warmup 1 2>&1 \
      | grep -E "p50|Fix" | head -3
    step "$b publishSlots/64, 1 thread, 3 runs"
    for i in 1 2 3; do
      timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode throughput --slots 65536 \
        --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
    done
  done ;;
*) echo "unknown part $PART. Fix: name reg, record or perf" >&2; exit 2 ;;
esac
step done
