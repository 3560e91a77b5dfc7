#!/usr/bin/env bash
# Session 10 on the GPU machine, one part per call (each well inside 10 minutes). Carry .h100's tarball of this
# build, bench.jar, HdrHistogram.jar and gl/. Log $OUT/session10-PART.txt.
#   scan     issue 11: vyre scan of a 512 MB file from the page cache on CUDA, data buffer pinned (default) against
#            managed memory (-Dvyre.cuda.dataMemory=managed-read-mostly, then managed), 64K x 1,024, 1,000 patterns
#   replay   issue 12: demo logs of 4,096 and 65,536 records on CUDA and Vulkan, each replayed on vulkan (the
#            partial checkpoints of rings over 1 MiB), then the 4,096-record logs on cuda and reference
#   queues   issue 18, per-publisher submission queues: CUDA conformance (default queues, then 1 queue), then
#            part perf with 1 queue and with the default (4), alternating
#   call3    after the resident range and the batched leader: CUDA conformance; scan of a 512 MB file against
#            vyre ingest of it (page cache and O_DIRECT, 64K x 1,024, 2 rounds); perf-short with 1 and 4 queues; the
#            4-publisher soak with 1 and 4 queues (resident-set growth); a traced 4-publisher run; then part loss
#   call4    after run entries (one array entry per publishSlots run): CUDA conformance, a traced 4-publisher run,
#            then part perf
#   final    CUDA conformance; a second start for issue 18, with the peer build in the same call: the backend-cuda jar of f746f88 (one
#            submission queue, one array entry per slot; carry .h100/abq/) against this build, alternating 2 rounds:
#            latency, publishSlots/64 from 1 and 4 publishers; then this build with the CLAIMED store off
#            (-Dvyre.cuda.variant=1), the 4-publisher soak, Vulkan latency and publishSlots, and scan against ingest
#            from the page cache
#   loss     issue 12: DeviceLossCheck on CUDA (recovery on CUDA), then on Vulkan (recovery on vulkan, reference):
#            last, it may leave the GPU unusable
#   perf     issue 18: CUDA and Vulkan publish->DONE latency; publishSlots/64 from 1 thread (3 runs) and from
#            2, 4 and 8 publishers on CUDA (SUBMISSION_QUEUES=N sets -Dvyre.cuda.submissionQueues; default the
#            driver's); then a 10^9-slot soak with 4 publishers on CUDA (every increment exactly once)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session10.sh scan|replay|queues|call3|call4|final|loss|perf. Fix: name the part}
. bench/scripts/h100-env.sh "session10-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
case "$PART" in
scan)
  W=/tmp/vyre-m && rm -rf $W && mkdir -p $W
  head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
  for mem in pinned managed-read-mostly managed pinned; do
    step "scan --no-direct, data memory $mem"
    timeout -s KILL 60 $JAVA -Dvyre.cuda.dataMemory=$mem -cp "$D/lib/*" dev.vyre.cli.VyreCommand scan --backend cuda \
      --random-patterns 1000 --chunk 64K --slots 1024 --no-direct --top 1 $W/f.txt 2>&1 | grep -E "device \(|CPU peer|WARN|Fix" | cut -c1-220
  done
  rm -rf $W ;;
replay)
  W=/tmp/vyre-replay && rm -rf $W && mkdir -p $W
  for cap in 4096 65536; do
    for b in cuda vulkan; do
      step "vyre demo --backend $b --record ($cap records)"
      timeout -s KILL 60 $V demo --backend $b --seconds 2 --record $W/$b-$cap.vrri --record-capacity $cap 2>&1 \
        | grep -E "verified slots/s|replay log|Fix" | cut -c1-200
      targets="vulkan"; [ $cap = 4096 ] && targets="vulkan cuda reference"
      for t in $targets; do
        step "vyre replay $b-$cap.vrri --backend $t"
        timeout -s KILL 200 $V replay $W/$b-$cap.vrri --backend $t --report $OUT/replay10-$b-$cap-on-$t.json 2>&1 \
          | grep -E "identical|differ|agree|Fix" | cut -c1-240
        echo "exit ${PIPESTATUS[0]}"
      done
    done
  done ;;
queues)
  step "conformance, cuda, default submission queues"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session10.json 2>&1 | tail -3
  step "conformance, cuda, 1 submission queue"
  VYRE_JAVA_OPTS=-Dvyre.cuda.submissionQueues=1 timeout -s KILL 120 $V conform --backend cuda 2>&1 | tail -2
  SUBMISSION_QUEUES=1 bash "$0" perf-short
  SUBMISSION_QUEUES=4 bash "$0" perf-short
  exec bash "$0" perf ;;
call3)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session10-call3.json 2>&1 | tail -3
  W=/tmp/vyre-s && rm -rf $W && mkdir -p $W
  head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
  for r in 1 2; do
    for io in --no-direct ""; do
      step "round $r: vyre scan --backend cuda ${io:-(O_DIRECT)}"
      timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --chunk 64K --slots 1024 $io --top 1 $W/f.txt 2>&1 \
        | grep -E "device \(|CPU peer|Fix" | cut -c1-200
      step "round $r: vyre ingest --backend cuda ${io:-(O_DIRECT)}"
      timeout -s KILL 60 $V ingest --backend cuda --chunk 64K --slots 1024 $io $W/f.txt 2>&1 | grep -E "total:|Fix" | cut -c1-200
    done
  done
  rm -rf $W
  SUBMISSION_QUEUES=1 bash "$0" perf-short
  SUBMISSION_QUEUES=4 bash "$0" perf-short
  for q in 1 4; do
    step "cuda soak, 10^9 slots, 4 publishers, $q queues"
    timeout -s KILL 60 $JAVA -Dvyre.cuda.submissionQueues=$q -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 \
      --slots 65536 --batch 64 --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  done
  step "traced: cuda publishSlots/64, 4 publishers, 4 queues"
  timeout -s KILL 40 $JAVA -Dvyre.cuda.trace=true -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 3 --warmup 1 --batch 64 --api slots --publishers 4 2>&1 | grep -E "^throughput|vyre.cuda.trace|Fix" | cut -c1-240
  exec bash "$0" loss ;;
call4)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session10-call4.json 2>&1 | tail -3
  for p in 1 4; do
    step "traced: cuda publishSlots/64, $p publishers"
    timeout -s KILL 40 $JAVA -Dvyre.cuda.trace=true -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput \
      --slots 65536 --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^throughput|vyre.cuda.trace|Fix" | cut -c1-240
  done
  exec bash "$0" perf ;;
final)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session10-final.json 2>&1 | tail -3
  ring() {
    timeout -s KILL 40 $JAVA $2 -cp "$1" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 --warmup 1 2>&1 \
      | grep -E "^latency|Fix" | head -2
    for p in 1 4; do
      timeout -s KILL 40 $JAVA $2 -cp "$1" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
        --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
    done
  }
  abRing() { ring "$1" ""; }
  alternate 2 "$(ls $H/abq/*.jar | tr '\n' ':')$CP" "$CP" abRing
  step "this build, CLAIMED store off (-Dvyre.cuda.variant=1)"
  ring "$CP" -Dvyre.cuda.variant=1
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 \
    --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "vulkan latency and publishSlots/64, 1 thread, 3 runs"
  timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency --seconds 3 --warmup 1 2>&1 \
    | grep -E "^latency|Fix" | head -2
  for i in 1 2 3; do
    timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
  done
  W=/tmp/vyre-s && rm -rf $W && mkdir -p $W
  head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
  for r in 1 2; do
    step "round $r: vyre scan --backend cuda --no-direct, then vyre ingest of the same file"
    timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --chunk 64K --slots 1024 --no-direct --top 1 $W/f.txt \
      2>&1 | grep -E "device \(|CPU peer|Fix" | cut -c1-200
    timeout -s KILL 60 $V ingest --backend cuda --chunk 64K --slots 1024 --no-direct $W/f.txt 2>&1 | grep -E "total:|Fix" | cut -c1-200
  done
  rm -rf $W ;;
loss)
  step "device loss, CUDA (trap in slot 2048 of 4096), recovery on cuda"
  timeout -s KILL 120 $JAVA -cp "$CP" dev.vyre.bench.DeviceLossCheck --backend cuda --recover-on cuda --slots 4096 \
    --trap-slot 2048 --log /tmp/device-loss-cuda.vrri --timeout-s 30 2>&1 | grep -v '^WARNING' | tail -3 | cut -c1-1500
  echo "exit ${PIPESTATUS[0]}"
  for on in vulkan reference; do
    step "device loss, Vulkan (stores 4 and 8 GiB past the control buffer in slot 2048 of 4096), recovery on $on"
    timeout -s KILL 120 $JAVA -cp "$CP" dev.vyre.bench.DeviceLossCheck --backend vulkan --recover-on $on --slots 4096 \
      --trap-slot 2048 --log /tmp/device-loss-vk-$on.vrri --timeout-s 30 2>&1 | grep -v '^WARNING' | tail -3 | cut -c1-1500
    echo "exit ${PIPESTATUS[0]}"
    dmesg 2>/dev/null | grep -i xid | tail -3
  done ;;
perf-short)
  Q=${SUBMISSION_QUEUES:+-Dvyre.cuda.submissionQueues=$SUBMISSION_QUEUES}
  step "cuda latency, queues ${SUBMISSION_QUEUES:-default}"
  timeout -s KILL 40 $JAVA $Q -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 --warmup 1 2>&1 \
    | grep -E "p50|Fix" | head -3
  for p in 1 4; do
    step "cuda publishSlots/64, $p publishers, queues ${SUBMISSION_QUEUES:-default}"
    timeout -s KILL 40 $JAVA $Q -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
  done ;;
perf)
  Q=${SUBMISSION_QUEUES:+-Dvyre.cuda.submissionQueues=$SUBMISSION_QUEUES}
  for b in cuda vulkan; do
    step "$b latency"
    timeout -s KILL 40 $JAVA $Q -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode latency --seconds 4 --warmup 1 2>&1 \
      | grep -E "p50|Fix" | head -3
    step "$b publishSlots/64, 1 thread, 3 runs"
    for i in 1 2 3; do
      timeout -s KILL 40 $JAVA $Q -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode throughput --slots 65536 \
        --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
    done
  done
  for p in 2 4 8 4; do
    step "cuda publishSlots/64, $p publishers"
    timeout -s KILL 40 $JAVA $Q -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^throughput|Fix" | cut -c1-160
  done
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 90 $JAVA $Q -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 --publishers 4 2>&1 \
    | grep -E "PASS|FAIL|exactly|M slots/s|Fix" | head -6 | cut -c1-220 ;;
*) echo "unknown part $PART. Fix: name scan, replay or perf" >&2; exit 2 ;;
esac
step done
