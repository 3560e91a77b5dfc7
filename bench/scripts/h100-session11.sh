#!/usr/bin/env bash
# Session 11 on the GPU machine, one part per call (each well inside 10 minutes). Carry .h100's tarball of this
# build, bench.jar, HdrHistogram.jar and gl/. Log $OUT/session11-PART.txt.
#   probe   CUDA conformance; issue 18: the worker warps' coalesced slot reads against one lane per slot
#           (-Dvyre.cuda.variant=64, the previous kernel's reads), alternating 2 rounds: latency, publishSlots/64 from
#           1 and 4 publishers; then 2 and 8 publishers, more worker warps, a traced 4-publisher run; issue 12:
#           background recording full-image against VRRL0001 (half the bytes a record), and the unrecorded rate
#           beside a busy core and beside a stream of stores to memory (RingBench --noise); Vulkan conformance
#   probe2  issue 12: RecordingBench (the host side alone) and background recording with queues of 4,096, 16,384
#           and 65,536 slots (-Dvyre.replay.queueSlots); issue 18: 4 publishers with the CLAIMED store off
#           (variant 1), one warp per block, 32 worker warps, idle back-off 32 ns and 1 us; then part perf
#   probe3  issue 12: background recording whose drainers read publishSlots images back from the host-memory ring,
#           1, 2 and 4 drain threads, against the publisher-side copy (-Dvyre.replay.readRing=false), 65,536 and
#           1,048,576 records; issue 18: worker warps 16..64 at 1 and 4 publishers, latency at 32
#   final   the build with the new defaults (32 worker warps, claims of up to 64 entries, drainers a quarter of the
#           cores): CUDA conformance; claims of 64 against 32 (-Dvyre.cuda.variant=128), alternating 2 rounds; part
#           perf, RecordingBench --ring-read (the publisher's own cost), recording with the default drainers from 1 and 4 publishers, scan against ingest from the page
#           cache, Vulkan latency with and without CLAIMED in the status mirror (-Dvyre.vulkan.mirrorClaimed=false)
#   last    the shortest check of the final build (device time was short): CUDA conformance, claims of 64 against
#           32 (one round), the 4-publisher soak, recording with the default drain threads, Vulkan latency with and
#           without CLAIMED in the status mirror
#   verify  shorter still: CUDA conformance, claims of 64 against 32 (latency, 1 and 4 publishers), Vulkan latency
#           with and without CLAIMED in the status mirror
#   perf    issue 18 on a second start: latency, publishSlots/64 from 1, 2, 4 and 8 publishers, both reads,
#           then the 4-publisher soak (every increment exactly once)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session11.sh probe|probe2|probe3|final|last|verify|perf. Fix: name the part}
. bench/scripts/h100-env.sh "session11-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
ring() { # ring "JVM OPTIONS" MODE PUBLISHERS [extra RingBench options]
  local opts=$1 mode=$2 p=$3; shift 3
  if [ "$mode" = latency ]; then
    timeout -s KILL 40 $JAVA $opts -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 --warmup 1 \
      "$@" 2>&1 | grep -E "^latency|Fix" | head -2
  else
    timeout -s KILL 60 $JAVA $opts -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p "$@" 2>&1 \
      | grep -E "^throughput|^noise|^recording overhead|vyre.cuda.trace|Fix" | cut -c1-260
  fi
}
claims_ab() { # claims_ab ROUNDS: claims of 32 (variant 128) against the default, latency and 1 and 4 publishers
  local r v
  for r in $(seq "$1"); do
    for v in 128 0; do
      step "round $r, $([ $v = 0 ] && echo 'claims of up to 64 entries, two batches (new)' || echo 'claims of up to 32 (variant 128, old)')"
      ring "-Dvyre.cuda.variant=$v" latency 1
      ring "-Dvyre.cuda.variant=$v" throughput 1
      ring "-Dvyre.cuda.variant=$v" throughput 4
    done
  done
}
mirror_ab() { # mirror_ab ROUNDS: Vulkan latency with and without CLAIMED in the status mirror
  local r m
  for r in $(seq "$1"); do
    for m in true false; do
      step "round $r: vulkan latency, CLAIMED in the status mirror: $m"
      timeout -s KILL 40 $JAVA -Dvyre.vulkan.mirrorClaimed=$m -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency \
        --seconds 3 --warmup 1 2>&1 | grep -E "^latency|Fix" | head -2
    done
  done
}
case "$PART" in
probe)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session11.json 2>&1 | tail -3
  for r in 1 2; do
    for v in 64 0; do
      step "round $r, $([ $v = 0 ] && echo 'coalesced slot reads (new)' || echo 'one lane per slot (variant 64, old)')"
      ring "-Dvyre.cuda.variant=$v" latency 1
      ring "-Dvyre.cuda.variant=$v" throughput 1
      ring "-Dvyre.cuda.variant=$v" throughput 4
    done
  done
  for p in 2 8; do
    step "coalesced, $p publishers"
    ring "" throughput $p
  done
  for w in 128 256; do
    step "coalesced, $w worker warps, 1 and 4 publishers"
    ring "-Dvyre.cuda.workerWarps=$w" throughput 1
    ring "-Dvyre.cuda.workerWarps=$w" throughput 4
  done
  step "traced, 4 publishers"
  ring "-Dvyre.cuda.trace=true" throughput 4
  for fmt in full vrrl0001; do
    step "recording, background x1, 65,536 records, format $fmt"
    ring "" throughput 1 --record /dev/shm/ring-$fmt.log --record-capacity 65536 --record-format $fmt --record-rounds 2 \
      --record-mode background
    rm -f /dev/shm/ring-$fmt.log
  done
  step "unrecorded beside a busy core and beside stores to memory"
  ring "" throughput 1 --noise none,spin,write:128M,cache:256K,write:128M@6,none
  step "conformance, vulkan (VYRE_DEVICE_ADDRESS where the device has bufferDeviceAddress)"
  timeout -s KILL 180 $V conform --backend vulkan --report $OUT/conform-vulkan-session11.json 2>&1 | tail -3
  step "done" ;;
probe2)
  step "RecordingBench: the publish harness unrecorded, direct and background x1, 65,536 records"
  timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.RecordingBench --seconds 1 --rounds 2 --capacity 65536 --drainers 1 \
    --device-rate 123e6 2>&1 | grep -v "^WARNING" | tail -22 | cut -c1-220
  for q in 4096 16384 65536; do
    step "recording, background x1, 65,536 records, queue of $q slots"
    ring "-Dvyre.replay.queueSlots=$q" throughput 1 --record /dev/shm/ring-q.log --record-capacity 65536 --record-rounds 2 \
      --record-mode background
    rm -f /dev/shm/ring-q.log
  done
  for o in "" -Dvyre.cuda.variant=1 -Dvyre.cuda.threads=32 -Dvyre.cuda.workerWarps=32 -Dvyre.cuda.idleSleepNs=32 \
      -Dvyre.cuda.idleSleepNs=1000 ""; do
    step "4 publishers ${o:-(defaults)}"
    ring "$o" throughput 4
  done
  exec bash "$0" perf ;;
probe3)
  for cap in 65536 1048576; do
    step "recording, background, drainers read the ring, 1, 2 and 4 drain threads, $cap records"
    ring "" throughput 1 --record /dev/shm/ring-r.log --record-capacity $cap --record-rounds 2 --record-mode background \
      --record-drainers 1,2,4
    rm -f /dev/shm/ring-r.log
  done
  step "recording, background, the publisher copies the images (-Dvyre.replay.readRing=false), 1 and 4 drain threads"
  ring "-Dvyre.replay.readRing=false" throughput 1 --record /dev/shm/ring-c.log --record-capacity 65536 --record-rounds 2 \
    --record-mode background --record-drainers 1,4
  rm -f /dev/shm/ring-c.log
  step "recording with 4 publishers, drainers read the ring, 4 drain threads"
  ring "" throughput 4 --record /dev/shm/ring-p.log --record-capacity 65536 --record-rounds 2 --record-mode background \
    --record-drainers 4
  rm -f /dev/shm/ring-p.log
  for w in 16 24 32 48 64 32; do
    step "$w worker warps: 1 and 4 publishers"
    ring "-Dvyre.cuda.workerWarps=$w" throughput 1
    ring "-Dvyre.cuda.workerWarps=$w" throughput 4
  done
  step "latency, 32 and 64 worker warps"
  ring "-Dvyre.cuda.workerWarps=32" latency 1
  ring "-Dvyre.cuda.workerWarps=64" latency 1
  step "done" ;;
final)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session11-final.json 2>&1 | tail -3
  claims_ab 2
  for w in 16 64; do
    step "claims of up to 64, $w worker warps: 1 and 4 publishers"
    ring "-Dvyre.cuda.workerWarps=$w" throughput 1
    ring "-Dvyre.cuda.workerWarps=$w" throughput 4
  done
  bash "$0" perf
  step "RecordingBench: the host side of publishSlots recorded, drainers reading the ring (ringread/N) or the queue"
  timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.RecordingBench --seconds 1 --rounds 2 --capacity 65536 --drainers 1,4 \
    --ring-read --parts publish --device-rate 135e6 2>&1 | grep -v "^WARNING" | tail -24 | cut -c1-220
  for p in 1 4; do
    step "recording, background with the default drain threads, $p publishers, 65,536 records"
    ring "" throughput $p --record /dev/shm/ring-d.log --record-capacity 65536 --record-rounds 2 --record-mode background
    rm -f /dev/shm/ring-d.log
  done
  W=/tmp/vyre-s && rm -rf $W && mkdir -p $W
  head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
  for r in 1 2; do
    step "round $r: vyre scan --backend cuda --no-direct, then vyre ingest of the same file"
    timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --chunk 64K --slots 1024 --no-direct --top 1 $W/f.txt \
      2>&1 | grep -E "device \(|CPU peer|Fix" | cut -c1-200
    timeout -s KILL 60 $V ingest --backend cuda --chunk 64K --slots 1024 --no-direct $W/f.txt 2>&1 | grep -E "total:|Fix" | cut -c1-200
  done
  rm -rf $W
  mirror_ab 2
  step "done" ;;
last)
  step "conformance, cuda"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session11-last.json 2>&1 | tail -3
  claims_ab 1
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 \
    --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "recording, background with the default drain threads, 1 publisher, 65,536 records"
  ring "" throughput 1 --record /dev/shm/ring-d.log --record-capacity 65536 --record-rounds 2 --record-mode background
  rm -f /dev/shm/ring-d.log
  mirror_ab 1
  step "done" ;;
verify)
  step "conformance, cuda"
  timeout -s KILL 90 $V conform --backend cuda --report $OUT/conform-cuda-session11-verify.json 2>&1 | tail -3
  claims_ab 1
  mirror_ab 1
  step "done" ;;
perf)
  ring "" latency 1
  ring "-Dvyre.cuda.variant=64" latency 1
  for p in 1 2 4 8; do
    step "publishSlots/64, $p publishers: coalesced, then one lane per slot"
    ring "" throughput $p
    ring "-Dvyre.cuda.variant=64" throughput $p
  done
  step "cuda soak, 10^9 slots, 4 publishers"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1000000000 --slots 65536 --batch 64 \
    --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "done" ;;
*) echo "unknown part $PART. Fix: probe, probe2, probe3, final, last, verify or perf"; exit 2 ;;
esac
