#!/usr/bin/env bash
# Issue 12, items 1-3 (replay log, recording, vyre replay) on the GPU machine, from the distribution
# tarball (no JDK needed), with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz   the distribution of this build (./mvnw -B -Pdist -DskipTests package)
#   .h100/bench.jar                    bench/target/vyre-bench-*.jar of this build (RingBench)
#   .h100/HdrHistogram.jar             HdrHistogram-2.2.2.jar (RingBench's histogram library)
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Runs:
#  1. RingBench throughput, publishSlots runs of 64 on a 65,536-slot ring: in each of 2 rounds an unrecorded
#     run, then a run recording directly (the publishing thread writes the log) and one recording through
#     the background recorder, same process; each recorded row prints its overhead and checks the log
#     ("recording overhead (slots, VRRI0001 direct, best of 2 each): X %" lines). CUDA with a full-image log
#     of 1,048,576 and of 8,192 records in /dev/shm, a 1,048,576-record log on disk, a VRRL0001 log, and
#     publish() per slot; Vulkan with a full-image log in /dev/shm.
#  2. vyre demo --record on CUDA and on Vulkan (65,536-record logs).
#  3. vyre replay of each log on cuda, vulkan and reference (against the reference), and cuda against
#     vulkan; JSON reports in $OUT. Every line the commands print is kept; each is bounded by timeout.
#  0. PART=overhead (issue 12, "recording overhead <= 15 %"): in one process each, RingBench on CUDA with
#     publishSlots runs of 64 on a 65,536-slot ring, 3 rounds of (unrecorded, direct, background with 1, 2 and 4
#     drain threads), with a full-image log of 1,048,576 records (128 MiB) and of 65,536 records (8 MiB); then
#     RecordingBench, the publish-only harness on the host CPU (no GPU: the recorders' own cost per slot, CPU time
#     per slot of the publishing and the drain threads, 1, 2 and 4 of them). Prints "recording overhead (slots,
#     VRRI0001 direct|background xN, best of 3 each): X %" per log size. About 5 minutes.
# PART=overhead runs 0 only, PART=ring 1 only, PART=replay 2 and 3 only (each well inside 10 minutes); default:
# all but 0.
set -u
PART=${PART:-all}
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
for f in $H/gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
LOGS=/tmp/vyre-replay && rm -rf $LOGS && mkdir -p $LOGS
echo "== tarball: $(basename "$D"), java on PATH: $(command -v java || echo none), nproc $(nproc)"
$V backends

ring() { # backend, then RingBench options
  local b=$1; shift
  echo "== RingBench --backend $b $*"
  timeout -s KILL 120 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend "$b" --mode throughput --slots 65536 \
    --seconds 3 --warmup 1 "$@" 2>&1 | grep -E "^(throughput|recording|\| $b)"
  echo "exit ${PIPESTATUS[0]}"
}

if [ "$PART" = overhead ]; then
  # the log lives in /dev/shm unless it is smaller than the 128 MiB log (a container's default is 64 MiB)
  SHM=/dev/shm; [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 400000 ] || SHM=$LOGS
  echo "== logs in $SHM; host: $(grep -m1 'model name' /proc/cpuinfo), $(nproc) CPUs"
  for cap in 1048576 65536; do
    echo "== RingBench --backend cuda --batch 64 --api slots --record $SHM/ring.vrri --record-capacity $cap --record-rounds 3 --record-drainers 1,2,4"
    timeout -s KILL 300 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots --record $SHM/ring.vrri --record-capacity $cap --record-rounds 3 \
      --record-drainers 1,2,4 2>&1 \
      | grep -E "^(throughput|recording)"
    echo "exit ${PIPESTATUS[0]}"
    rm -f $SHM/ring.vrri
  done
  for cap in 1048576 65536; do
    echo "== RecordingBench --capacity $cap (host only)"
    timeout -s KILL 200 $JAVA -cp "$CP" dev.vyre.bench.RecordingBench --seconds 1 --rounds 3 --capacity $cap --dir $SHM \
      --drainers 1,2,4 2>&1
    echo "exit ${PIPESTATUS[0]}"
  done
  exit 0
fi

if [ "$PART" != replay ]; then
ring cuda --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 1048576
ring cuda --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 8192
ring cuda --batch 64 --api slots --record $LOGS/ring-disk.vrri --record-capacity 1048576
ring cuda --batch 64 --api slots --record /dev/shm/ring.vrrl --record-format vrrl0001 --record-capacity 1048576
ring cuda --batch 0 --api publish --record /dev/shm/ring.vrri --record-capacity 1048576
ring cuda --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 1048576
ring vulkan --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 1048576
rm -f /dev/shm/ring.vrri /dev/shm/ring.vrrl
fi
[ "$PART" = ring ] && exit 0

for b in cuda vulkan; do
  echo "== vyre demo --backend $b --seconds 3 --record $LOGS/$b.vrri --record-capacity 65536"
  timeout -s KILL 120 $V demo --backend $b --seconds 3 --record $LOGS/$b.vrri --record-capacity 65536
  echo "exit $?"
done
echo "== vyre demo --backend cuda --seconds 3 (unrecorded, then --record-background, for the demo's own rate)"
timeout -s KILL 120 $V demo --backend cuda --seconds 3 2>&1 | grep -E "verified slots/s|FAIL|Fix"
timeout -s KILL 120 $V demo --backend cuda --seconds 3 --record $LOGS/cuda-bg.vrri --record-background 2>&1 \
  | grep -E "verified slots/s|replay log|FAIL|Fix"
for log in cuda vulkan; do
  for b in cuda vulkan reference; do
    echo "== vyre replay $log.vrri --backend $b (against reference)"
    timeout -s KILL 400 $V replay $LOGS/$log.vrri --backend $b --report "$OUT/replay-$log-on-$b.json"
    echo "exit $?"
  done
  echo "== vyre replay $log.vrri --backend cuda --against vulkan"
  timeout -s KILL 400 $V replay $LOGS/$log.vrri --backend cuda --against vulkan \
    --report "$OUT/replay-$log-cuda-vs-vulkan.json"
  echo "exit $?"
done
ls -la $LOGS
