#!/usr/bin/env bash
# The CUDA switch this script measures (vyre.cuda.rearm) was removed in session 21: run it at 383308d.
# Session 20's GPU calls (each inside 10 minutes). Carry .h100's tarball of this build, bench.jar and gl/.
# Log $OUT/session20-PART.txt.
#   first   issue 18: the staggered poll after an inline run (-Dvyre.cuda.rearm=delayNs,spacingNs,reads).
#           Baselines (CUDA, Vulkan latency); a sweep of rearm settings with 1 and 4 submission queues; the trace
#           of off and of a staggered setting on both (which read caught the next publication); the sweep's best for
#           4 queues alternating with off, three rounds; CUDA publishSlots/64 off / best; CUDA conformance with the
#           best; Vulkan publishSlots/64 three times and latency twice (about 7 minutes)
#   pin     Vulkan publishSlots/64 and CUDA latency unpinned and with the JVM on each quarter of the CPUs, two rounds;
#           Vulkan publishSlots/64 from 2 publishers (about 3 minutes)
#   again   on a later start: default / best alternating (BEST=delay,spacing,reads), Vulkan publishSlots/64 and
#           latency (about 2 minutes)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session20.sh first|again|pin. Fix: name the part}
. bench/scripts/h100-env.sh "session20-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,clocks.max.sm --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
p50() { grep -o "p50 [0-9.]*" | head -1 | cut -d' ' -f2; }
# jfrtop FILE: the hottest leaf methods, and samples by their innermost dev.vyre frame with its line
jfrtop() {
  $D/runtime/bin/jfr view --width 150 hot-methods "$1" 2>&1 | sed -n 4,22p
  $D/runtime/bin/jfr print --events jdk.ExecutionSample --stack-depth 12 "$1" | python3 -c '
import re, sys, collections
counts = collections.Counter(); total = 0
for event in sys.stdin.read().split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+(dev\.vyre\.[\w.$<>]+)\([^)]*\)\s+line: (\d+)", event, re.M)
    total += 1
    counts[frames[0][0] + ":" + frames[0][1] if frames else "(no dev.vyre frame)"] += 1
for key, n in counts.most_common(16): print("%6d %5.1f%%  %s" % (n, 100.0 * n / max(1, total), key))
print("samples", total)'
}
case "$PART" in
first)
  step "baseline: cuda latency, default"
  ring "-Dvyre.cuda.loops=true" latency 1
  step "baseline: vulkan latency"
  vk "" latency
  : > /tmp/sweep4
  for q in 4 1; do
    for r in off 200,0,1 400,0,1 600,0,1 800,0,1 0,150,8 100,100,8 200,100,6; do
      step "cuda latency, $q queues, rearm $r"
      line=$(ring "-Dvyre.cuda.loops=true -Dvyre.cuda.submissionQueues=$q -Dvyre.cuda.rearm=$r" latency 1)
      echo "$line"
      [ $q = 4 ] && [ $r != off ] && echo "$(echo "$line" | p50) $r" >> /tmp/sweep4
    done
  done
  BEST=$(sort -n /tmp/sweep4 | head -1 | cut -d' ' -f2)
  BEST=${BEST:-0,150,8}
  echo "best for 4 queues: $BEST"
  for q in 4 1; do
    for r in off 0,150,8; do
      step "cuda latency traced, $q queues, rearm $r"
      ring "-Dvyre.cuda.trace=true -Dvyre.cuda.submissionQueues=$q -Dvyre.cuda.rearm=$r" latency 1
    done
  done
  for round in 1 2 3; do
    for r in off "$BEST"; do
      step "round $round: cuda latency, 4 queues, rearm $r"
      ring "-Dvyre.cuda.loops=true -Dvyre.cuda.rearm=$r" latency 1
    done
  done
  for r in off "$BEST"; do
    step "cuda publishSlots/64, 1 publisher, rearm $r"
    ring "-Dvyre.cuda.rearm=$r" throughput 1
  done
  step "conformance, cuda, rearm $BEST"
  VYRE_JAVA_OPTS=-Dvyre.cuda.rearm=$BEST timeout -s KILL 150 $V conform --backend cuda \
    --report $OUT/conform-cuda-session20-rearm.json 2>&1 | grep -E "FAILED|^cuda|BACKEND|Fix" | head -8
  for round in 1 2 3; do
    step "round $round: vulkan publishSlots/64, 1 publisher"
    vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  done
  step "vulkan latency"
  vk "" latency
  step "done" ;;
again)
  BEST=${BEST:?set BEST=delay,spacing,reads. Fix: pass the setting to compare with off}
  for round in 1 2 3; do
    for r in off "$BEST"; do
      step "round $round: cuda latency, 4 queues, rearm $r"
      ring "-Dvyre.cuda.loops=true -Dvyre.cuda.rearm=$r" latency 1
    done
    step "round $round: vulkan latency"
    vk "" latency
  done
  step "cuda latency, 1 queue, rearm $BEST"
  ring "-Dvyre.cuda.loops=true -Dvyre.cuda.submissionQueues=1 -Dvyre.cuda.rearm=$BEST" latency 1
  for round in 1 2; do
    step "round $round: vulkan publishSlots/64, 1 publisher"
    vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
  done
  step "done" ;;
pin)
  # Does the publisher's CPU matter? The GPU's CPU/NUMA affinity, then Vulkan publishSlots/64 and CUDA/Vulkan latency
  # unpinned and with the whole JVM on each quarter of the CPUs (taskset), two rounds.
  nvidia-smi topo -m 2>&1 | head -8
  lscpu 2>&1 | grep -iE "numa|socket|thread|core" | head -8
  step "vulkan publishSlots/64, 1 publisher, JFR profile (where the publisher's time goes)"
  vk "-XX:StartFlightRecording=filename=$OUT/vk-slots.jfr,settings=profile" throughput --slots 65536 --batch 64 \
    --api slots --seconds 3
  jfrtop "$OUT/vk-slots.jfr"
  n=$(nproc); quarter=$(( n / 4 ))
  sets="all"
  for i in 0 1 2 3; do sets="$sets $(( i * quarter ))-$(( i * quarter + quarter - 1 ))"; done
  for round in 1 2; do
    for c in $sets; do
      step "round $round: vulkan publishSlots/64, 1 publisher, cpus $c"
      JAVA="taskset -c $( [ $c = all ] && echo 0-$(( n - 1 )) || echo $c ) $D/runtime/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" \
        vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3
    done
  done
  for round in 1 2; do
    for c in $sets; do
      step "round $round: cuda latency, cpus $c"
      JAVA="taskset -c $( [ $c = all ] && echo 0-$(( n - 1 )) || echo $c ) $D/runtime/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" \
        ring "-Dvyre.cuda.loops=true" latency 1
    done
  done
  step "vulkan publishSlots/64, 2 publishers"
  vk "" throughput --slots 65536 --batch 64 --api slots --seconds 3 --publishers 2
  step "done" ;;
*) echo "unknown part $PART. Fix: name the part: first, again or pin"; exit 2 ;;
esac
