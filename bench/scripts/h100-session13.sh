#!/usr/bin/env bash
# Session 13 on the GPU machine, one call (well inside 10 minutes). Carry .h100's tarball of this build, bench.jar,
# HdrHistogram.jar, gl/ and old12/ (the protocol jar of d1ed9f3). Log $OUT/session13-PART.txt.
#   a   issue 12: what bounds the drain threads: bench/native/log_write_probe.c (built there: 128-byte records
#       written by C threads, ordinary, non-temporal and rep-movsb stores, with and without reading a ring);
#       RecordingBench unpaced with 1, 2, 4 and 8 drain threads (how the drain scales); paced at 100 M slots/s,
#       the recorder whose drain side is its own object (RecordDrain) against d1ed9f3; recording from 1 publisher
#       new, old, new and from 4; issue 18: CUDA 4 publishers with 32 and 64 worker warps alternating; Vulkan
#       conformance without CLAIMED in the status mirror
#   b   issue 12: the publisher's cost of the ring-reading recorder, paced at 100 M slots/s, 4 drain threads: this
#       build against a protocol jar carried in hack/ (one pending entry per 64 ring slots, plus switches that
#       leave out one part each: hack.nosync the lock, hack.nofence the fence count, hack.noringread the drainers'
#       ring reads; a local build, not committed); then RingBench recording from 1 publisher, this build
#       against hack/, alternating
#   c   the CPU topology; issue 12: a JFR profile of RecordingBench's recorded rows with 4 drain threads
#       ($OUT/drain.jfr); recording from 1 publisher with 2 and 4 drain threads; issue 18: Vulkan latency by
#       default (CLAIMED out of the mirror) against the claim by store and SHUTDOWN every 16 sweeps, alternating,
#       conformance with both, publishSlots/64; CUDA 4 publishers with 32 and 64 worker warps alternating
#   f   (carry the tarball, bench.jar, gl/ and j13/ only: HdrHistogram.jar is in the distribution, and a carry
#       larger by 0.5 MB was refused) issue 12: the recorder with RingReadGuard and publishSlots' fence hint (this
#       build) against j13/old13/ (the protocol and api jars of e6f2d81, whose recorder is 472994c's; build them
#       from a checkout of e6f2d81 with ./mvnw -o -q -pl protocol,api package -DskipTests): recording
#       from 1 publisher alternating, 2 rounds, then from 4 publishers; RecordingBench paced at 100 M slots/s, this
#       build (the old bench jar did not fit the carry); issue 18: one Vulkan latency run, and only if it is not refused: the claim by store and
#       SHUTDOWN every 16 sweeps against the default, and conformance with both
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session13.sh a|b|c|f. Fix: name the part}
. bench/scripts/h100-env.sh "session13-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
OLD="$H/old12/$(ls $H/old12 | head -1):$CP"
ring() { # ring CLASSPATH "JVM OPTIONS" PUBLISHERS [extra RingBench options]: publishSlots/64 throughput
  local cp=$1 opts=$2 p=$3; shift 3
  timeout -s KILL 90 $JAVA $opts -cp "$cp" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p "$@" 2>&1 \
    | grep -E "^throughput|^recording overhead|Fix" | cut -c1-260
}
recorded() { # recorded CLASSPATH "JVM OPTIONS" PUBLISHERS [extra]: background recording, 65,536 records in /dev/shm
  local cp=$1 opts=$2 p=$3; shift 3
  ring "$cp" "$opts" $p --record /dev/shm/ring-rec.log --record-capacity 65536 --record-rounds 2 \
    --record-mode background "$@"
  rm -f /dev/shm/ring-rec.log
}
vklatency() { # vklatency "JVM OPTIONS": Vulkan publish->DONE latency, 2 s after 1 s of warm-up
  timeout -s KILL 40 $JAVA $1 -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency --seconds 2 \
    --warmup 1 2>&1 | grep -E "^latency|Fix" | head -2 | cut -c1-400
}
recbench() { # recbench CLASSPATH [extra]: RecordingBench, the host side of publishSlots
  local cp=$1; shift
  timeout -s KILL 90 $JAVA -cp "$cp" dev.vyre.bench.RecordingBench --seconds 1 --capacity 65536 \
    --ring-read --parts publish --device-rate 135e6 "$@" 2>&1 | grep -v "^WARNING" | cut -c1-220
}
case "$PART" in
a)
  step "log_write_probe: C threads writing 128-byte records into /dev/shm (bench/native/log_write_probe.c)"
  gcc -O2 -mavx2 -pthread -o /tmp/log_write_probe bench/native/log_write_probe.c \
    && timeout -s KILL 60 /tmp/log_write_probe 0.2
  step "RecordingBench unpaced, 1, 2, 4 and 8 drain threads (new recorder)"
  recbench "$CP" --rounds 1 --drainers 1,2,4,8
  step "RecordingBench paced at 100 M slots/s, 4 drain threads: new recorder (RecordDrain)"
  recbench "$CP" --rounds 2 --pace 100e6 --drainers 4
  step "the same, old recorder (d1ed9f3)"
  recbench "$OLD" --rounds 2 --pace 100e6 --drainers 4
  recorderab "$OLD"
  for r in 1 2; do
    for w in 32 64; do
      step "round $r: CUDA publishSlots/64, 4 publishers, $w worker warps"
      ring "$CP" "-Dvyre.cuda.workerWarps=$w" 4
    done
  done
  step "conformance, vulkan, CLAIMED left out of the status mirror"
  VYRE_JAVA_OPTS=-Dvyre.vulkan.mirrorClaimed=false timeout -s KILL 150 $V conform --backend vulkan \
    --report $OUT/conform-vulkan-session13.json 2>&1 | tail -3
  step "done" ;;
b)
  HACK="$H/hack/$(ls $H/hack | head -1):$CP"
  for r in 1 2; do
    for v in "base" "hack" "hack -Dhack.nosync=true" "hack -Dhack.nofence=true" "hack -Dhack.noringread=true"; do
      set -- $v
      step "round $r: RecordingBench paced at 100 M slots/s, 4 drain threads: $v (base: this build)"
      cp=$CP; [ "$1" = hack ] && cp=$HACK
      timeout -s KILL 60 $JAVA ${2:-} -cp "$cp" dev.vyre.bench.RecordingBench --seconds 1 --rounds 1 --capacity 65536 \
        --ring-read --parts publish --pace 100e6 --drainers 4 2>&1 | grep -A2 -E "^publish harness, (unrecorded|ringread)" \
        | grep -E "^publish|inside|CPU" | cut -c1-200
    done
  done
  for r in 1 2; do
    step "round $r: 1 publisher recording, default drain threads, this build"
    recorded "$CP" "" 1
    step "round $r: 1 publisher recording, default drain threads, hack/ (one pending entry per 64 slots)"
    recorded "$HACK" "" 1
  done
  step "done" ;;
c)
  lscpu | grep -E "^(Thread|Core|Socket|NUMA node|L1d|L2|L3|Model name)"
  step "RecordingBench unpaced, 4 drain threads, with a JFR profile"
  timeout -s KILL 90 $JAVA -XX:StartFlightRecording=filename=$OUT/drain.jfr,settings=profile -cp "$CP" \
    dev.vyre.bench.RecordingBench --seconds 2 --rounds 1 --capacity 65536 --ring-read --parts publish \
    --drainers 4 --device-rate 135e6 2>&1 | grep -E "^publish|CPU|^recording" | cut -c1-220
  step "1 publisher: recording with 2 and 4 drain threads"
  recorded "$CP" "" 1 --record-drainers 2,4
  for r in 1 2; do
    for o in "" "-Dvyre.vulkan.claimByStore=true" "-Dvyre.vulkan.stopEvery=16" \
        "-Dvyre.vulkan.claimByStore=true -Dvyre.vulkan.stopEvery=16"; do
      step "round $r: vulkan latency ${o:-(default)}"
      vklatency "$o"
    done
  done
  step "vulkan publishSlots/64, 1 publisher (default)"
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
    --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^throughput|Fix" | head -2
  step "conformance, vulkan, claim by store and SHUTDOWN every 16 sweeps"
  VYRE_JAVA_OPTS="-Dvyre.vulkan.claimByStore=true -Dvyre.vulkan.stopEvery=16" timeout -s KILL 150 $V conform \
    --backend vulkan --report $OUT/conform-vulkan-session13-c.json 2>&1 | tail -3
  for r in 1 2; do
    for w in 64 32; do
      step "round $r: CUDA publishSlots/64, 4 publishers, $w worker warps"
      ring "$CP" "-Dvyre.cuda.workerWarps=$w" 4
    done
  done
  step "done" ;;
f)
  OLD13="$H/j13/old13/*:$CP"
  for r in 1 2; do
    step "round $r: 1 publisher recording, default drain threads, old13/ (e6f2d81 jars, recorder of 472994c)"
    recorded "$OLD13" "" 1
    step "round $r: 1 publisher recording, default drain threads, this build (RingReadGuard, fence hint)"
    recorded "$CP" "" 1
  done
  step "4 publishers recording, default drain threads, this build"
  recorded "$CP" "" 4
  for r in 1; do
    for v in this; do
      step "round $r: RecordingBench paced at 100 M slots/s, ringread/4: $v"
      cp=$CP; [ $v = old13 ] && cp=$OLD13
      pacedcost "$cp"
    done
  done
  step "vulkan latency (default), a probe: the rest of Vulkan runs only if this is not refused"
  vklatency "" | tee /tmp/vkprobe.txt
  if grep -q "^latency" /tmp/vkprobe.txt; then
    for r in 1; do
      for o in "-Dvyre.vulkan.claimByStore=true -Dvyre.vulkan.stopEvery=16" "" "-Dvyre.vulkan.claimByStore=true" \
          "-Dvyre.vulkan.stopEvery=16"; do
        step "round $r: vulkan latency ${o:-(default)}"
        vklatency "$o"
      done
    done
    step "conformance, vulkan, claim by store and SHUTDOWN every 16 sweeps"
    VYRE_JAVA_OPTS="-Dvyre.vulkan.claimByStore=true -Dvyre.vulkan.stopEvery=16" timeout -s KILL 150 $V conform \
      --backend vulkan --report $OUT/conform-vulkan-session13-f.json 2>&1 | tail -3
  fi
  step "done" ;;
*) echo "unknown part $PART. Fix: a, b, c or f"; exit 2 ;;
esac
