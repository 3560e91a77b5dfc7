#!/usr/bin/env bash
# The GPU call of session 6 (docs/PERFORMANCE.md, "One H100 call of session 6"): Vulkan store experiments (the
# raw 8 MiB ping-pong, a 64-slot ring with the store sweep, no memory model, flushes, one allocation per
# binding), CUDA: closing one of two sessions, isolated mode, A/B of the pipelined leader (since removed: the
# variant bit is ignored now), a stuck custom opcode, scan, the device group's exit, background recording and
# the old-vs-new A/B. Every line is teed to $OUT/log.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh log.txt
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
nvidia-smi --query-gpu=name,driver_version,pci.bus_id --format=csv,noheader; nvidia-smi -q | grep -A1 "BAR1 Memory" | tail -1
nvidia-smi -q > $OUT/nvidia-smi-q.txt 2>&1; uname -r; grep -m1 "model name" /proc/cpuinfo

step "raw Vulkan ping-pong in an 8 MiB DEVICE_LOCAL | HOST_VISIBLE buffer (the 4 KiB one passed in call 1)"
( cd $H/vkprobe && timeout -s KILL 20 ./vkbench8m 2 1 2>&1 | grep -E "ping-pong" )

step "Vulkan: a 64-slot ring (thread dump at 20 s if it hangs)"
VYRE_JAVA_OPTS=-Dvyre.vulkan.storeSweep=true timeout -s QUIT -k 5 20 $V demo --backend vulkan --seconds 1 --slots 64 \
  > $OUT/vk-small.txt 2>&1; vk=$?; echo "exit $vk"
grep -E "verified|SEVERE|probe|Fix|vyre demo" $OUT/vk-small.txt | cut -c1-3000 | head -6
grep -B2 -A12 '"main"' $OUT/vk-small.txt | head -30

step "Vulkan: without the memory model (atomicAdd loads)"
VYRE_JAVA_OPTS=-Dvyre.vulkan.memoryModel=false timeout -s QUIT -k 5 20 $V demo --backend vulkan --seconds 1 --slots 64 \
  > $OUT/vk-nomm.txt 2>&1; echo "exit $?"
grep -E "verified|SEVERE|probe|Fix|vyre demo" $OUT/vk-nomm.txt | cut -c1-1500 | head -4

step "Vulkan: flushing the mapping after every host store (-Dvyre.vulkan.flushMapped=true)"
VYRE_JAVA_OPTS=-Dvyre.vulkan.flushMapped=true timeout -s QUIT -k 5 20 $V demo --backend vulkan --seconds 1 --slots 64 \
  > $OUT/vk-flush.txt 2>&1; echo "exit $?"
grep -E "verified|SEVERE|probe|Fix|vyre demo" $OUT/vk-flush.txt | cut -c1-1500 | head -4

step "Vulkan: every binding in its own allocation (-Dvyre.vulkan.blockPerBuffer=true), store sweep"
VYRE_JAVA_OPTS="-Dvyre.vulkan.blockPerBuffer=true -Dvyre.vulkan.storeSweep=true" timeout -s QUIT -k 5 20 $V demo \
  --backend vulkan --seconds 1 --slots 64 > $OUT/vk-split.txt 2>&1; vks=$?; echo "exit $vks"
grep -E "verified|SEVERE|probe|Fix|vyre demo" $OUT/vk-split.txt | cut -c1-3000 | head -4
KNOB=""
if [ $vk -ne 0 ] && [ $vks -eq 0 ]; then KNOB="-Dvyre.vulkan.blockPerBuffer=true"; vk=0; fi
if [ $vk -eq 0 ]; then
  step "Vulkan persistent sessions work on this lease ($KNOB): the whole suite, then RingBench latency and publishSlots"
  VYRE_JAVA_OPTS="$KNOB" timeout -s KILL 120 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 | tail -3
  timeout -s KILL 25 $JAVA $KNOB -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency --seconds 2 --warmup 1 \
    2>&1 | grep -E "^\| vulkan|Exception" | head -2
  timeout -s KILL 25 $JAVA $KNOB -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| vulkan|Exception" | head -2
fi

step "#14 CUDA: closing one session while another's megakernel runs (frees wait for the last kernel)"
timeout -s KILL 60 $V conform --backend cuda --cases persistent/close_one_of_two_sessions 2>&1 | tail -2

step "CUDA isolated mode: conformance, then RingBench default vs isolated"
timeout -s KILL 40 $V conform --backend cuda --cases isolation/ --report "$OUT/conformance-isolation-cuda.json" 2>&1 | tail -2
timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode both --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --isolation both 2>&1 | grep -E "^\| cuda|overhead"

step "#18 the pipelined leader (-Dvyre.cuda.variant=64) against the default, alternating; then its conformance"
for v in 0 64 0 64; do
  echo "-- variant $v"
  timeout -s KILL 20 $JAVA -Dvyre.cuda.variant=$v -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput \
    --slots 65536 --seconds 2 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| cuda|Exception" | head -1
done
for v in 0 64; do
  echo "-- variant $v, 4 publishers"
  timeout -s KILL 20 $JAVA -Dvyre.cuda.variant=$v -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput \
    --slots 65536 --seconds 2 --warmup 1 --batch 64 --api slots --publishers 4 2>&1 | grep -E "^\| cuda|Exception" | head -1
  timeout -s KILL 20 $JAVA -Dvyre.cuda.variant=$v -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency \
    --seconds 2 --warmup 1 2>&1 | grep -E "^\| cuda|Exception" | head -1
done
VYRE_JAVA_OPTS=-Dvyre.cuda.variant=64 timeout -s KILL 60 $V conform --backend cuda 2>&1 | tail -2

step "#17 a stuck custom opcode at close, CUDA"
for body in poll ignore; do
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.StuckOpcodeCheck --backend cuda --body $body --stop-timeout-ms 3000 \
    --timeout-s 50 2>&1 | grep -E "StuckOpcodeCheck" | cut -c1-600; echo "exit ${PIPESTATUS[0]}"
done

step "#11 vyre scan from a resident buffer, 1,000 patterns, 256 MiB and 1 GiB - table, beside the CPU peer"
for size in 256M; do
  timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --resident $size --passes 3 --chunk 64K --workers 1024 \
    2>&1 | grep -E "vyre scan:|pass [0-9]|device:|CPU peer|agree|Fix"; echo "exit ${PIPESTATUS[0]}"
done

step "#14 device group on CUDA, 10^7 slots, 4 sessions, one lost: does the process exit? (thread dump at 30 s)"
timeout -s QUIT -k 5 30 $JAVA -cp "$CP" dev.vyre.bench.DeviceGroupBench --backend cuda --sessions 4 --slots 10000000 \
  --lose-member-at 5000000 > $OUT/group.txt 2>&1; echo "exit $?"
grep -E "PASS|FAIL" $OUT/group.txt | cut -c1-400
grep -E '^"|at dev.vyre|java.lang.Thread.State' $OUT/group.txt | grep -B1 -A3 "dev.vyre" | head -40

step "#12 recording overhead: publishSlots/64 unrecorded vs background with 1 and 4 drain threads (VRRI0001, 65,536 records)"
timeout -s KILL 45 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 65536 --record-rounds 2 --record-mode background \
  --record-drainers 1,4 2>&1 | grep -E "recording overhead|Exception|Fix" | head -8
rm -f /dev/shm/ring.vrri

step "#10 A/B: the build before the architecture change (888fe8b) vs this build, CUDA"
for build in old new; do
  if [ $build = old ]; then C="$H/old/*:$THIRD$H/HdrHistogram.jar"; else C="$CP"; fi
  echo "-- $build"
  timeout -s KILL 25 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 2 --warmup 1 \
    2>&1 | grep -E "^\| cuda|Exception" | head -1
  timeout -s KILL 25 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| cuda|Exception" | head -1
done
step "done"
