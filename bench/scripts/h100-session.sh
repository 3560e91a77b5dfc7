#!/usr/bin/env bash
# One lean call on the GPU machine that measures every open issue's GPU figure, most important first,
# each step under its own timeout, every line appended to $OUT/log.txt as it is printed (a call that
# runs out of time still returns what it measured). Carry .h100:
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution (its own jlink'ed runtime)
#   .h100/bench.jar, .h100/HdrHistogram.jar  the bench jar and its histogram library
#   .h100/old/*.jar                    the build before (888fe8b: its vyre jars and bench jar) for the A/B
#   .h100/gl/*.deb, .h100/opencl/*.deb the Vulkan and OpenCL ICD loaders (the GPU machine has neither)
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
LOG=$OUT/log.txt
exec > >(tee -a "$LOG") 2>&1
t0=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - t0 )) s] $*"; }
for f in $H/gl/*.deb $H/opencl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
lib=$(find /usr/local/nvidia /usr/lib/x86_64-linux-gnu -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
if [ -n "$lib" ]; then mkdir -p /etc/OpenCL/vendors; echo "$lib" > /etc/OpenCL/vendors/nvidia.icd; fi
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
echo "nvidia OpenCL: ${lib:-none}"
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
NEWCP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
OLDCP="$H/old/*:$THIRD$H/HdrHistogram.jar"

step "backends (devices, modes)"
timeout -s KILL 60 $V backends

step "Vulkan: does a persistent session start here? (a 1 s demo)"
timeout -s KILL 40 $V demo --backend vulkan --seconds 1 > $OUT/vulkan-demo.txt 2>&1
vk_ok=$?
tail -4 $OUT/vulkan-demo.txt; echo "exit $vk_ok"

step "#14 device group: 10^8 slots over 4 CUDA sessions on the one GPU, member 1 lost mid-run (exactly once)"
timeout -s KILL 180 $JAVA -cp "$NEWCP" dev.vyre.bench.DeviceGroupBench --backend cuda --sessions 4 --slots 100000000 \
  --lose-member-at 50000000 2>&1 | grep -v '^WARNING'
echo "exit ${PIPESTATUS[0]}"

step "#16 demo on CUDA (target >= 50 M verified slots/s)"
timeout -s KILL 40 $V demo --backend cuda --seconds 5 2>&1 | tail -6

step "#10 RingBench, the build before vs this build, CUDA (same machine, alternating)"
for build in old new; do
  if [ $build = old ]; then CP=$OLDCP; else CP=$NEWCP; fi
  echo "-- $build"
  timeout -s KILL 30 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 --warmup 1 \
    2>&1 | grep -E "^\| cuda" | head -1
  timeout -s KILL 30 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api publish,slots 2>&1 | grep -E "^\| cuda" | head -2
done

step "#16 vyre bench on CUDA (launch+sync and CUDA Graph peers in the same table)"
timeout -s KILL 90 $V bench --backend cuda --seconds 2 --html "$OUT/bench.html" 2>&1 | tail -14

step "#12 recording overhead: RingBench publishSlots/64 unrecorded vs recorded (VRRI to /dev/shm)"
for rec in "" "--record /dev/shm/ring.vrri --record-capacity 1048576"; do
  timeout -s KILL 40 $JAVA -cp "$NEWCP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots $rec 2>&1 | grep -E "^(recording|\| cuda)" | head -2
done
rm -f /dev/shm/ring.vrri

step "#12 record on CUDA, replay on CUDA against the reference"
timeout -s KILL 40 $V demo --backend cuda --seconds 1 --record /tmp/cuda.vrri --record-capacity 65536 2>&1 | tail -2
timeout -s KILL 90 $V replay /tmp/cuda.vrri --backend cuda --report "$OUT/replay-cuda-on-cuda.json" 2>&1 | tail -3
echo "exit $?"

step "#11 vyre scan: counts against awk, CUDA"
W=/tmp/vyre-scan && rm -rf $W && mkdir -p $W
export LC_ALL=C
head -c 3000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/check.txt
printf '%s\n' aa aaa aaaa ab abab ba a b 'a a' the zzz abcd 'b a' aab abba > $W/p.txt
awk -v PF=$W/p.txt 'BEGIN { while ((getline l < PF) > 0) p[++n] = l }
  { for (i = 1; i <= n; i++) { s = $0; while ((k = index(s, p[i])) > 0) { c[i]++; s = substr(s, k + 1) } } }
  END { for (i = 1; i <= n; i++) print i, c[i] + 0 }' $W/check.txt > $W/awk.txt
timeout -s KILL 60 $V scan --backend cuda --patterns $W/p.txt --chunk 16K --slots 256 $W/check.txt > $W/cuda.txt 2>&1; rc=$?
sed -nE 's/^ +([0-9,]+) +#([0-9]+) .*/\2 \1/p' $W/cuda.txt | tr -d ',' > $W/vyre.txt
if [ $rc -eq 0 ] && diff -q $W/awk.txt $W/vyre.txt > /dev/null; then echo "scan cuda: counts equal awk's; exit 0"
else echo "scan cuda: MISMATCH or failure (exit $rc)"; diff $W/awk.txt $W/vyre.txt | head -5; tail -3 $W/cuda.txt; fi

step "#11 vyre scan from a resident buffer, 1,000 patterns, 1 GiB (target >= 10 GB/s) beside the CPU peer"
timeout -s KILL 90 $V scan --backend cuda --random-patterns 1000 --resident 1G --passes 3 --chunk 64K --workers 1024 \
  2>&1 | grep -E "vyre scan:|device:|CPU peer|agree|Fix"

step "#11 IR conformance and differential fuzz on CUDA (60 s)"
timeout -s KILL 100 $JAVA -cp "$NEWCP" dev.vyre.bench.IrFuzzBench --backends reference,cuda --seconds 45 --seed 7 \
  --programs 8 --slots 2 --mode both --maximal-loops auto 2>&1 | tail -4

step "#11 compile cache: register an IR opcode cold vs warm (CUDA)"
timeout -s KILL 90 $JAVA -cp "$NEWCP" dev.vyre.bench.CompileCacheBench --backends cuda --runs 3 2>&1 | tail -6

step "conformance on CUDA (this build; report carries commit and build time)"
timeout -s KILL 120 $V conform --backend cuda --report "$OUT/conformance-cuda.json" 2>&1 | tail -2

step "#13 OpenCL on NVIDIA"
timeout -s KILL 90 $V conform --backend opencl --report "$OUT/conformance-opencl.json" 2>&1 | tail -3
timeout -s KILL 60 $JAVA -cp "$NEWCP" dev.vyre.bench.OnePassBench --backends cuda,opencl --slots 1,64,4096,65536 \
  2>&1 | tail -12

if [ $vk_ok -eq 0 ]; then
  step "Vulkan: conformance, and RingBench old vs new"
  timeout -s KILL 150 $V conform --backend vulkan --report "$OUT/conformance-vulkan.json" 2>&1 | tail -2
  for build in old new; do
    if [ $build = old ]; then CP=$OLDCP; else CP=$NEWCP; fi
    echo "-- $build"
    timeout -s KILL 30 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode latency --seconds 3 --warmup 1 \
      2>&1 | grep -E "^\| vulkan" | head -1
    timeout -s KILL 30 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
      --seconds 2 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| vulkan" | head -1
  done
fi
step "done"
