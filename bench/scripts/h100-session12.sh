#!/usr/bin/env bash
# Session 12 on the GPU machine, one part per call (each well inside 10 minutes). Carry .h100's tarball of this
# build, bench.jar, HdrHistogram.jar, gl/ and old12/ (the protocol jar of the previous build, d1ed9f3). Log
# $OUT/session12-PART.txt.
#   rec     issue 12: the recorder whose publishers bookkeep under the lock and write the ring outside it, read the
#           drainers' tail only when short of room, and whose idle drainers park at once: RecordingBench
#           --ring-read (the publisher's own cost), new against old; RingBench recording with the default drain
#           threads from 1 and 4 publishers, old against new alternating 2 rounds; idle drainers spinning first
#           (-Dvyre.replay.drainerSpins=256); 4 publishers with 8 drain threads; issue 18: the CUDA echo floor
#           (bench/native/ring_budget.cu, built there) and latency; Vulkan conformance with the new claim (a load and a store), SHUTDOWN
#           every 16 sweeps and no CLAIMED in the status mirror; Vulkan latency of each change against the old shader
#   last    the recorder whose drain side lives in its own object (RecordDrain): RecordingBench paced at
#           100 M slots/s, new against old; recording from 1 publisher, new, old, new; from 4 publishers; Vulkan
#           conformance without CLAIMED in the status mirror
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session12.sh rec|last. Fix: name the part}
. bench/scripts/h100-env.sh "session12-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
OLD="$H/old12/$(ls $H/old12 | head -1):$CP"
ring() { # ring CLASSPATH "JVM OPTIONS" MODE PUBLISHERS [extra RingBench options]
  local cp=$1 opts=$2 mode=$3 p=$4; shift 4
  if [ "$mode" = latency ]; then
    timeout -s KILL 40 $JAVA $opts -cp "$cp" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 \
      --warmup 1 "$@" 2>&1 | grep -E "^latency|Fix" | head -2
  else
    timeout -s KILL 90 $JAVA $opts -cp "$cp" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p "$@" 2>&1 \
      | grep -E "^throughput|^recording overhead|Fix" | cut -c1-260
  fi
}
recorded() { # recorded CLASSPATH "JVM OPTIONS" PUBLISHERS [extra]: background recording, 65,536 records in /dev/shm
  local cp=$1 opts=$2 p=$3; shift 3
  ring "$cp" "$opts" throughput $p --record /dev/shm/ring-rec.log --record-capacity 65536 --record-rounds 2 \
    --record-mode background "$@"
  rm -f /dev/shm/ring-rec.log
}
recbench() { # recbench CLASSPATH [extra]: RecordingBench, the host side of publishSlots, the ring-reading recorder
  local cp=$1; shift
  timeout -s KILL 90 $JAVA -cp "$cp" dev.vyre.bench.RecordingBench --seconds 1 --rounds 2 --capacity 65536 \
    --drainers 1,4 --ring-read --parts publish --device-rate 135e6 "$@" 2>&1 | grep -v "^WARNING" | cut -c1-220
}
case "$PART" in
rec)
  step "RecordingBench, new recorder"
  recbench "$CP"
  step "RecordingBench, new recorder, paced at 100 M slots/s (the time inside the publish call)"
  recbench "$CP" --pace 100e6 --drainers 4
  step "RecordingBench, old recorder (d1ed9f3; the new bench jar), paced at 100 M slots/s"
  recbench "$OLD" --pace 100e6 --drainers 4
  for r in 1 2; do
    for p in 1 4; do
      [ $r = 2 ] && [ $p = 4 ] && continue # the second round of 4 publishers: left out (10 minutes)
      step "round $r, $p publishers: recording, default drain threads, old recorder (d1ed9f3)"
      recorded "$OLD" "" $p
      step "round $r, $p publishers: recording, default drain threads, new recorder"
      recorded "$CP" "" $p
    done
  done
  step "new recorder, idle drainers spin 256 times before parking (the old idle policy), 1 publisher"
  recorded "$CP" "-Dvyre.replay.drainerSpins=256" 1
  step "new recorder, 4 publishers, 8 drain threads"
  recorded "$CP" "" 4 --record-drainers 8
  step "cuda: the mapped-memory echo floor and the megakernel's round trip (bench/native/ring_budget.cu)"
  RB=$H/ring_budget; [ -x $RB ] || { RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu; }
  [ -x $RB ] && timeout -s KILL 60 $RB 100000 2>&1 | grep -E "^ring_budget|^\\| echo|^\\| line |^idle" | head -6
  ring "$CP" "" latency 1
  ring "$CP" "" latency 1
  step "conformance, vulkan: claims by a load and a store, SHUTDOWN every 16 sweeps, CLAIMED left out of the status mirror"
  VYRE_JAVA_OPTS=-Dvyre.vulkan.mirrorClaimed=false timeout -s KILL 180 $V conform --backend vulkan \
    --report $OUT/conform-vulkan-session12.json 2>&1 | tail -3
  OLDVK="-Dvyre.vulkan.claimByCas=true -Dvyre.vulkan.stopEvery=1 -Dvyre.vulkan.mirrorClaimed=true"
  for r in 1 2; do
    for o in "$OLDVK" "-Dvyre.vulkan.mirrorClaimed=true" "-Dvyre.vulkan.mirrorClaimed=false" \
        "-Dvyre.vulkan.mirrorClaimed=false -Dvyre.vulkan.claimByCas=true" \
        "-Dvyre.vulkan.mirrorClaimed=false -Dvyre.vulkan.stopEvery=1"; do
      step "round $r: vulkan latency $o"
      timeout -s KILL 40 $JAVA $o -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency --seconds 2 \
        --warmup 1 2>&1 | grep -E "^latency|Fix" | head -2
    done
  done
  for o in "$OLDVK" "-Dvyre.vulkan.mirrorClaimed=false"; do
    step "vulkan publishSlots/64, 1 publisher: $o"
    timeout -s KILL 60 $JAVA $o -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^throughput|Fix" | head -2
  done
  step "done" ;;
last)
  step "RecordingBench paced at 100 M slots/s, 4 drain threads: new recorder (drain side in its own object)"
  recbench "$CP" --pace 100e6 --drainers 4
  step "the same, old recorder (d1ed9f3)"
  recbench "$OLD" --pace 100e6 --drainers 4
  recorderab "$OLD"
  step "conformance, vulkan, CLAIMED left out of the status mirror"
  VYRE_JAVA_OPTS=-Dvyre.vulkan.mirrorClaimed=false timeout -s KILL 150 $V conform --backend vulkan \
    --report $OUT/conform-vulkan-session12-last.json 2>&1 | tail -3
  step "done" ;;
*) echo "unknown part $PART. Fix: rec or last"; exit 2 ;;
esac
