#!/usr/bin/env bash
# Session 7's second GPU call, with .h100 carried (tarball, bench.jar, HdrHistogram.jar, gl): Vulkan on the H100
# now that persistent sessions start there (conformance with the IR family, default vs isolated overhead, stuck
# opcode, soak, recording and replay against the reference), then `vyre scan --resident` on CUDA bisected by
# size with the JVM's crash report and core limits kept (the 256 MiB SIGSEGV). Log: $OUT/s7.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh s7.txt
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

step "Vulkan conformance, every family"
timeout -s KILL 150 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 | grep -E "FAILED|BACKEND|^vulkan" | cut -c1-300

step "Vulkan RingBench: default vs isolated, latency and publishSlots/64"
timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode both --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --isolation both 2>&1 | grep -E "^\| vulkan|overhead|Fix"

step "Vulkan StuckOpcodeCheck, poll and ignore"
for body in poll ignore; do
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.StuckOpcodeCheck --backend vulkan --body $body 2>&1 | tail -3 | cut -c1-400
  echo "exit ${PIPESTATUS[0]}"
done

step "Vulkan SoakBench: 10^9 slots, publishSlots/64, 4 publishers"
timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend vulkan --total 1000000000 --batch 64 --publishers 4 \
  2>&1 | tail -6 | cut -c1-400

step "Vulkan recording: RingBench background x1, then demo --record and replay against the reference"
timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --record /dev/shm/vk.vrri --record-capacity 65536 --record-rounds 2 \
  --record-mode background 2>&1 | grep -E "best of|Exception|Fix" | head -3
rm -f /dev/shm/vk.vrri
timeout -s KILL 40 $V demo --backend vulkan --seconds 2 --record /dev/shm/demo.vrri --record-capacity 65536 2>&1 | tail -2 | cut -c1-300
timeout -s KILL 60 $V replay /dev/shm/demo.vrri --backend vulkan 2>&1 | tail -3 | cut -c1-300
echo "replay exit ${PIPESTATUS[0]}"
rm -f /dev/shm/demo.vrri

step "vyre scan --resident on CUDA by size; crash reports and a core limit kept"
ulimit -c unlimited 2>/dev/null; echo "core_pattern $(cat /proc/sys/kernel/core_pattern); gdb: $(command -v gdb || echo none)"
for size in 64M 128M 256M; do
  VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
    --resident $size --passes 3 --chunk 64K 2>&1 | grep -E "resident:|pass [0-9]|device:|CPU peer|agree|Fix" | cut -c1-200
  echo "$size exit ${PIPESTATUS[0]}"
done
VYRE_JAVA_OPTS="-Xcheck:jni -XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
  --resident 256M --passes 1 --chunk 64K 2>&1 | grep -v "^  *[0-9]" | tail -12 | cut -c1-300
echo "256M -Xcheck:jni exit ${PIPESTATUS[0]}"
timeout -s KILL 60 $V scan --backend vulkan --random-patterns 1000 --resident 256M --passes 3 --chunk 64K 2>&1 \
  | grep -E "pass [0-9]|device:|CPU peer|agree|Fix" | cut -c1-200
echo "vulkan 256M exit ${PIPESTATUS[0]}"
dmesg 2>/dev/null | tail -5
for f in "$OUT"/hs_err_*.log; do [ -e "$f" ] && grep -m14 -E "^# |^(j|J|V|C)  " "$f"; done
ls / /tmp | grep -i core | head
step "done"
