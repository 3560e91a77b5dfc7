#!/usr/bin/env bash
# Session 9 on the GPU machine, one part per call (each well inside 10 minutes). Carry .h100's tarball of this
# build, bench.jar, HdrHistogram.jar, gl/ and (part reg) ab9/ (the vyre-ir and vyre-spi jars of 09bf8a5, the
# build before the registration changes; they shadow the distribution's). Log $OUT/session9-PART.txt.
#   reg     warm IR registration (CompileCacheBench, CUDA and Vulkan, 3 warm runs each), old ir/spi jars against
#           this build's, alternating, 2 rounds
#   record  recording overhead against the log's size: RingBench on CUDA, publishSlots runs of 64, logs of
#           4,096, 65,536 and 1,048,576 records in /dev/shm, direct and background (1 drainer), 2 rounds each
#   perf    issue 18 on a second start: CUDA and Vulkan publish->DONE latency and publishSlots/64 from 1 thread
#   final   vyre ingest with its defaults on CUDA and Vulkan (a 1.5 GiB file, O_DIRECT and page cache); demo logs
#           of 4,096 records on CUDA and Vulkan, each replayed on cuda, vulkan and reference (against the
#           reference); warm registration of this build; then part perf
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
final)
  W=/tmp/vyre-final && rm -rf $W && mkdir -p $W
  head -c 1200000000 /dev/urandom | base64 -w 100 > $W/big.txt
  for b in cuda vulkan; do
    for io in "" --no-direct; do
      step "vyre ingest --backend $b ${io:-(O_DIRECT)}, default chunks"
      timeout -s KILL 120 $V ingest --backend $b $io $W/big.txt 2>&1 | grep -E "staging regions|reads:|total:|Fix" | cut -c1-220
    done
  done
  rm -f $W/big.txt
  for b in cuda vulkan; do
    step "vyre demo --backend $b --record (4,096 records)"
    timeout -s KILL 60 $V demo --backend $b --seconds 2 --record $W/$b.vrri --record-capacity 4096 2>&1 | grep -E "verified slots/s|replay log|Fix" | cut -c1-200
    for t in cuda vulkan reference; do
      step "vyre replay $b.vrri --backend $t"
      timeout -s KILL 100 $V replay $W/$b.vrri --backend $t --report $OUT/replay9-$b-on-$t.json 2>&1 | grep -E "identical|differ|Fix" | cut -c1-220
      echo "exit ${PIPESTATUS[0]}"
    done
  done
  step "warm registration"
  timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.CompileCacheBench --backends cuda,vulkan --runs 3 2>&1 | grep -E "register \+ open"
  exec bash "$0" perf ;;
*) echo "unknown part $PART. Fix: name reg, record, perf or final" >&2; exit 2 ;;
esac
step done
