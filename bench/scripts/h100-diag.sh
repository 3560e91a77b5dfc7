#!/usr/bin/env bash
# Diagnostics on the GPU machine: why a Vulkan persistent session hangs on some leases, why the old
# build's jars print nothing there, why `vyre scan --resident` crashes on CUDA. Every line is teed to
# $OUT/log.txt. Carry .h100 (tarball, gl/*.deb, vkprobe/ with vkbench and its .spv, new/*.jar to overlay).
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
t0=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - t0 )) s] $*"; }
for f in $H/gl/*.deb $H/opencl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
for j in $H/new/*.jar; do [ -e "$j" ] && cp "$j" "$D/lib/"; done
V="env -u JAVA_HOME $D/bin/vyre"
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
THIRD=$(ls "$D"/lib/*.jar | grep -v '/vyre-' | tr '\n' ':')

step "the lease: GPU, BAR1, modes, processes"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,pcie.link.width.current,persistence_mode,compute_mode --format=csv
nvidia-smi -q | grep -E -i -A3 "BAR1 Memory|Confidential|MIG Mode|Addressing Mode|Virtualization|GPU Reset" | head -40
nvidia-smi --query-compute-apps=pid,name,used_memory --format=csv
uname -r; nproc

step "raw Vulkan ping-pong (../shared/reference/gpu-microbench vk_bench.c), device-local host-visible memory"
( cd $H/vkprobe && for s in 0 1 2; do timeout -s KILL 25 ./vkbench 2 $s 2>&1 | grep -E "device=|memory type|ping-pong|Memory"; done )

step "#18 CUDA round-trip budget (bench/native/ring_budget.cu)"
timeout -s KILL 120 $H/ring_budget 100000 2>&1 | tail -20

NEWCP="$D/lib/*:$H/HdrHistogram.jar"
step "#18 CUDA publishSlots/64 from 1, 2, 4, 8 publisher threads (disjoint ranges)"
for p in 1 2 4 8; do
  timeout -s KILL 30 $JAVA -cp "$NEWCP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots --publishers $p 2>&1 | grep -E "^\| cuda|Exception|Fix" | head -2
done

step "#17 soak: 10^9 slots on CUDA, publishSlots/64, 4 publishers, GPU memory sampled"
nvidia-smi --query-gpu=memory.used --format=csv,noheader -l 2 > $OUT/gpu-mem.txt 2>&1 & smi=$!
timeout -s KILL 120 $JAVA -Xmx1g -cp "$NEWCP" dev.vyre.bench.SoakBench --backend cuda --total 1e9 --slots 65536 \
  --batch 64 --publishers 4 --sample 2 2>&1 | tail -40; echo "exit $?"
kill $smi; echo "GPU memory used (MiB, every 2 s): $(tr '\n' ' ' < $OUT/gpu-mem.txt)"

step "vyre Vulkan persistent session: a 1 s demo (start handshake: heartbeat, then host ping echoed)"
timeout -s KILL 40 $V demo --backend vulkan --seconds 1 > $OUT/vk1.txt 2>&1; vk_ok=$?
tail -6 $OUT/vk1.txt | cut -c1-3000; echo "exit $vk_ok"
if [ $vk_ok -ne 0 ]; then
  step "Vulkan demo with one workgroup (--workers 32)"
  timeout -s KILL 40 $V demo --backend vulkan --seconds 1 --workers 32 2>&1 | tail -4 | cut -c1-3000; echo "exit $?"
  step "Vulkan demo without the memory model (atomicAdd(x,0) loads)"
  VYRE_JAVA_OPTS=-Dvyre.vulkan.memoryModel=false timeout -s KILL 40 $V demo --backend vulkan --seconds 1 2>&1 | tail -4 | cut -c1-3000; echo "exit $?"
else
  step "Vulkan conformance (with the IR cases)"
  timeout -s KILL 150 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 | tail -3
fi

step "old build's jars on this machine (full output, no filter)"
timeout -s KILL 30 $JAVA -cp "$H/old/*:$THIRD$H/HdrHistogram.jar" dev.vyre.bench.RingBench --backend cuda --mode latency \
  --seconds 2 --warmup 1 2>&1 | tail -12 | cut -c1-400

step "vyre scan --resident 256M on CUDA (hs_err to \$OUT)"
VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 90 $V scan --backend cuda --random-patterns 1000 \
  --resident 256M --passes 2 --chunk 64K --workers 1024 2>&1 | tail -8 | cut -c1-600; echo "exit $?"
ls $OUT
step "done"
