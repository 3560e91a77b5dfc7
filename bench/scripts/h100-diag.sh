#!/usr/bin/env bash
# Session 5, first GPU call: the new CUDA IO handshake, the Vulkan start handshake and hang diagnosis,
# the CUDA round-trip budget, publishers, soak, device loss. Every line is teed to $OUT/log.txt.
# Carry .h100 (tarball, bench.jar, HdrHistogram.jar, gl/*.deb, vkprobe/, ring_budget, old/*.jar).
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh log.txt
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')

step "the lease: GPU, BAR1, modes, processes"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,pcie.link.width.current,persistence_mode,compute_mode --format=csv
nvidia-smi -q | grep -E -i -A3 "BAR1 Memory|Confidential|MIG Mode|Addressing Mode|Virtualization" | head -30
nvidia-smi --query-compute-apps=pid,name,used_memory --format=csv; uname -r; nproc

step "raw Vulkan ping-pong (gpu-microbench vk_bench.c), device-local host-visible memory"
( cd $H/vkprobe && for s in 0 1 2; do timeout -s KILL 25 ./vkbench 2 $s 2>&1 | grep -E "memory type|ping-pong"; done )

step "vyre Vulkan persistent session: a 1 s demo (start handshake: heartbeat, then the host's ping echoed)"
timeout -s KILL 40 $V demo --backend vulkan --seconds 1 > $OUT/vk1.txt 2>&1; vk_ok=$?
tail -5 $OUT/vk1.txt | cut -c1-2500; echo "exit $vk_ok"
if [ $vk_ok -ne 0 ]; then
  step "Vulkan demo with one workgroup (--workers 32)"
  timeout -s KILL 30 $V demo --backend vulkan --seconds 1 --workers 32 2>&1 | tail -3 | cut -c1-2500; echo "exit $?"
fi

step "CUDA conformance with the new IO handshake"
timeout -s KILL 100 $V conform --backend cuda --report "$OUT/conformance-cuda.json" 2>&1 | tail -4

step "#17 IoRaceCheck CUDA$([ $vk_ok -eq 0 ] && echo ' and Vulkan')"
for b in cuda $([ $vk_ok -eq 0 ] && echo vulkan); do
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.IoRaceCheck --backend $b --rounds 100 --slots 64 --bound-ms 2 2>&1 \
    | grep -E "^IoRaceCheck|Exception|Fix:|LOST|NOT PROVOKED" | head -6; echo "exit ${PIPESTATUS[0]}"
done

step "#18 CUDA round-trip budget (bench/native/ring_budget.cu)"
timeout -s KILL 60 $H/ring_budget 100000 2>&1 | tail -17

step "#17 compute-sanitizer memcheck, CUDA conformance io/ family"
timeout -s KILL 120 /usr/local/cuda-13.0/bin/compute-sanitizer --tool memcheck --target-processes all --error-exitcode 99 \
  $D/bin/vyre conform --backend cuda --cases io/ > $OUT/memcheck-io.txt 2>&1; echo "exit $?"
grep -E "ERROR SUMMARY|Invalid|passed|failed" $OUT/memcheck-io.txt | sort | uniq -c | head -8

step "#12 device loss: a trap in slot 2048 of 4096, recovery on a fresh CUDA process"
timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.DeviceLossCheck --backend cuda --recover-on cuda --slots 4096 \
  --trap-slot 2048 --log /tmp/device-loss.vrri --timeout-s 60 2>&1 | tail -3 | cut -c1-1500

step "#18 CUDA publishSlots/64 from 1, 2, 4, 8 publisher threads (disjoint ranges)"
for p in 1 2 4 8; do
  timeout -s KILL 30 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^\| cuda|Exception|Fix" | head -2
done

step "#17 soak: 10^9 slots on CUDA, publishSlots/64, 4 publishers, GPU memory sampled"
nvidia-smi --query-gpu=memory.used --format=csv,noheader -l 2 > $OUT/gpu-mem.txt 2>&1 & smi=$!
timeout -s KILL 90 $JAVA -Xmx1g -cp "$CP" dev.vyre.bench.SoakBench --backend cuda --total 1e9 --slots 65536 \
  --batch 64 --publishers 4 --sample 2 2>&1 | tail -30; echo "exit ${PIPESTATUS[0]}"
kill $smi; echo "GPU memory used (MiB, every 2 s): $(tr '\n' ' ' < $OUT/gpu-mem.txt)"

step "#12 recording overhead: RingBench CUDA publishSlots/64, unrecorded vs direct vs background (VRRI0001, 65,536 records)"
SHM=/dev/shm; [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 400000 ] || SHM=/tmp
timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
  --seconds 2 --warmup 1 --batch 64 --api slots --record $SHM/ring.vrri --record-capacity 65536 --record-rounds 2 2>&1 \
  | grep -E "^(throughput|recording)"; rm -f $SHM/ring.vrri

step "vyre scan --resident 256M on CUDA (hs_err to \$OUT)"
VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
  --resident 256M --passes 2 --chunk 64K --workers 1024 2>&1 | tail -6 | cut -c1-600; echo "exit ${PIPESTATUS[0]}"
step "old build's jars on this machine (full output)"
timeout -s KILL 30 $JAVA -cp "$H/old/*:$THIRD$H/HdrHistogram.jar" dev.vyre.bench.RingBench --backend cuda --mode latency \
  --seconds 2 --warmup 1 2>&1 | tail -8 | cut -c1-400

step "#14 device group: 10^8 slots over 4 CUDA sessions on one GPU, one member lost at 5*10^7"
timeout -s KILL 120 $JAVA -cp "$CP" dev.vyre.bench.DeviceGroupBench --backend cuda --sessions 4 --slots 100000000 \
  --lose-member-at 50000000 2>&1 | tail -4 | cut -c1-800; echo "exit ${PIPESTATUS[0]}"

step "#10 A/B: the build before the architecture change (888fe8b) vs this build, CUDA, alternating"
for round in 1 2; do for build in old new; do
  if [ $build = old ]; then C="$H/old/*:$THIRD$H/HdrHistogram.jar"; else C="$CP"; fi
  echo "-- $build"
  timeout -s KILL 30 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 --warmup 1 \
    2>&1 | grep -E "^\| cuda" | head -1
  timeout -s KILL 30 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api publish,slots 2>&1 | grep -E "^\| cuda" | head -2
done; done
ls $OUT
step "done"
