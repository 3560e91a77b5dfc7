#!/usr/bin/env bash
# A short GPU call: CUDA isolated mode after the DONE_COUNT/mailbox fix (conformance and overhead), the
# Vulkan allocation store probe (-Dvyre.vulkan.storeProbe=true), and vyre scan --resident with the JVM's
# crash report kept in $OUT, and background recording before/after the parallel drain. Carry .h100 (tarball,
# bench.jar, HdrHistogram.jar, gl, vkprobe: gcc -O2 -o .h100/vkprobe/vk_store_probe
# bench/native/vk_store_probe.c -lvulkan, rec-old: the vyre jars of 64582f5). Log: $OUT/last.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh last.txt
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

step "CUDA isolated mode: the isolation/ cases, then RingBench default vs isolated"
timeout -s KILL 40 $V conform --backend cuda --cases isolation/ --report "$OUT/conformance-isolation-cuda.json" 2>&1 | tail -6
timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode both --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --isolation both 2>&1 | grep -E "^\| cuda|overhead"

step "Vulkan: the store probe from C (bench/native/vk_store_probe.c, built on the build machine into .h100/vkprobe)"
[ -x $H/vkprobe/vk_store_probe ] && timeout -s KILL 20 $H/vkprobe/vk_store_probe 2>&1 | cut -c1-600

step "Vulkan: the same probe from vyre's JVM, at session open"
VYRE_JAVA_OPTS=-Dvyre.vulkan.storeProbe=true timeout -s KILL 15 $V demo --backend vulkan --seconds 1 --slots 64 \
  2>&1 | grep -E "store probe" | cut -c1-4000

step "vyre scan --resident 256M on CUDA, crash report kept"
VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
  --resident 256M --passes 3 --chunk 64K --workers 1024 2>&1 | grep -E "vyre scan:|pass [0-9]|device:|CPU peer|agree|Fix"
echo "exit ${PIPESTATUS[0]}"
ls "$OUT"; for f in "$OUT"/hs_err_*.log; do [ -e "$f" ] && grep -m12 -E "^# |^(j|J|V|C)  " "$f"; done
step "#12 background recording, same call: the recorder before the parallel drain (64582f5 jars in .h100/rec-old) vs this one"
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
for round in 1 2; do
  for build in old new; do
    if [ $build = old ]; then C="$H/rec-old/*:$THIRD$H/HdrHistogram.jar"; else C="$CP"; fi
    echo "-- $build, round $round"
    timeout -s KILL 40 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 2 --warmup 1 --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 65536 \
      --record-rounds 2 --record-mode background 2>&1 | grep -E "best of|Exception|Fix" | head -3
    rm -f /dev/shm/ring.vrri
  done
done

step "done"
