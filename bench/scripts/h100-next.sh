#!/usr/bin/env bash
# The next GPU call (about 7 min), .h100 carried (tarball, bench.jar, HdrHistogram.jar, gl, old = the vyre jars of
# 888fe8b, the build before the architecture change). Log: $OUT/next.txt.
#  1. Vulkan conformance (the second-session refusal should turn close_one_of_two_sessions into a skip: 0 failed)
#  2. Vulkan StuckOpcodeCheck ignore: the backend's loop polls should stop the body (clean close, JVM exits)
#  3. Vulkan publishSlots/64 old vs new, 3 alternating rounds (issue 10's last A/B)
#  4. vyre scan --resident 256M on CUDA with the data buffer pinned / managed / managed-read-mostly (issue 11)
#  5. Vulkan record and replay with a small log (issue 12), and a Vulkan soak of 10^8 slots (issue 17)
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh next.txt
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

step "1. Vulkan conformance"
timeout -s KILL 150 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 \
  | grep -E "FAILED|close_one_of_two|BACKEND|^vulkan" | cut -c1-400 | head -30

step "2. Vulkan StuckOpcodeCheck, ignore then poll"
for body in ignore poll; do
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.StuckOpcodeCheck --backend vulkan --body $body --timeout-s 50 2>&1 \
    | tail -2 | cut -c1-500
  echo "exit ${PIPESTATUS[0]}"
done

step "3. Vulkan publishSlots/64, old (888fe8b) vs new, 3 rounds"
vulkan_slots() {
  timeout -s KILL 20 $JAVA -cp "$1" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| vulkan|Fix" | cut -c1-200
}
alternate 3 "$H/old/*:$THIRD$H/HdrHistogram.jar" "$CP" vulkan_slots

step "4. vyre scan --resident 256M, CUDA, by data-buffer memory"
for memory in pinned managed managed-read-mostly; do
  VYRE_JAVA_OPTS="-Dvyre.cuda.dataMemory=$memory" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
    --resident 256M --passes 3 --chunk 64K 2>&1 | grep -E "device:|CPU peer|agree|Fix" | cut -c1-200
  echo "$memory exit ${PIPESTATUS[0]}"
done

step "5. Vulkan record and replay, Vulkan soak"
timeout -s KILL 30 $V demo --backend vulkan --seconds 1 --slots 1024 --record /dev/shm/vk.vrri --record-capacity 4096 \
  2>&1 | tail -1 | cut -c1-200
timeout -s KILL 60 $V replay /dev/shm/vk.vrri --backend vulkan 2>&1 | tail -4 | cut -c1-300
echo "replay exit ${PIPESTATUS[0]}"
rm -f /dev/shm/vk.vrri
timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend vulkan --total 100000000 --batch 64 --publishers 4 \
  2>&1 | tail -4 | cut -c1-300
step "done"
