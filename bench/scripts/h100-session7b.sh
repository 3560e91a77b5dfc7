#!/usr/bin/env bash
# Session 7's third GPU call, .h100 carried (tarball, bench.jar, HdrHistogram.jar, gl): `vyre scan --resident` on
# CUDA at 64M/128M/256M twice each with the JVM's signal handlers guarded (libLLVM had replaced SIGSEGV's), which
# drivers load LLVM, then Vulkan with the BAR mapping checked page by page at creation: demo, conformance, and if
# sessions start, default vs isolated, stuck opcode and recording. Log: $OUT/s7b.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh s7b.txt
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "OpenCL vendors: $(cat /etc/OpenCL/vendors/*.icd 2>/dev/null | tr '\n' ' '); Vulkan ICDs: $(ls /usr/share/vulkan/icd.d 2>/dev/null | tr '\n' ' ')"
echo "libLLVM: $(ls /usr/lib/x86_64-linux-gnu/ 2>/dev/null | grep -i llvm | tr '\n' ' ')"

step "vyre scan --resident on CUDA, signal handlers guarded"
for round in 1 2; do
  for size in 64M 128M 256M; do
    VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
      --resident $size --passes 3 --chunk 64K 2>&1 | grep -E "device:|CPU peer|agree|Fix" | cut -c1-160
    echo "$size round $round exit ${PIPESTATUS[0]}"
  done
done
timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --resident 256M --passes 3 --chunk 128K --workers 4096 2>&1 \
  | grep -E "device:|CPU peer|agree|Fix" | cut -c1-160
echo "256M chunk 128K workers 4096 exit ${PIPESTATUS[0]}"

step "Vulkan demo, store probe at open"
VYRE_JAVA_OPTS=-Dvyre.vulkan.storeProbe=true timeout -s KILL 30 $V demo --backend vulkan --seconds 2 2>&1 \
  | grep -E "store probe|verified|Fix" | cut -c1-1500
echo "demo exit ${PIPESTATUS[0]}"

step "Vulkan conformance, every family"
timeout -s KILL 150 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 | grep -E "FAILED|BACKEND|^vulkan" | cut -c1-700 | head -40

step "Vulkan RingBench: default vs isolated"
timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode both --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --isolation both 2>&1 | grep -E "^\| vulkan|overhead|Fix" | cut -c1-400

step "Vulkan StuckOpcodeCheck poll / ignore"
for body in poll ignore; do
  timeout -s KILL 45 $JAVA -cp "$CP" dev.vyre.bench.StuckOpcodeCheck --backend vulkan --body $body 2>&1 | tail -3 | cut -c1-400
  echo "exit ${PIPESTATUS[0]}"
done
step "Vulkan recording: demo --record, replay against the reference"
timeout -s KILL 30 $V demo --backend vulkan --seconds 2 --record /dev/shm/demo.vrri --record-capacity 65536 2>&1 | tail -2 | cut -c1-300
timeout -s KILL 40 $V replay /dev/shm/demo.vrri --backend vulkan 2>&1 | tail -3 | cut -c1-300
echo "replay exit ${PIPESTATUS[0]}"
rm -f /dev/shm/demo.vrri
for f in "$OUT"/hs_err_*.log; do [ -e "$f" ] && grep -m14 -E "^# |^(j|J|V|C)  " "$f"; done
step "done"
