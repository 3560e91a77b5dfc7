#!/usr/bin/env bash
# A short GPU call: CUDA isolated mode after the DONE_COUNT/mailbox fix (conformance and overhead), the
# Vulkan allocation store probe (-Dvyre.vulkan.storeProbe=true), and vyre scan --resident with the JVM's
# crash report kept in $OUT. Carry .h100 (tarball, bench.jar, HdrHistogram.jar, gl). Log: $OUT/last.txt.
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/last.txt") 2>&1
t0=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - t0 )) s] $*"; }
for f in $H/gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
CP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

step "CUDA isolated mode: the isolation/ cases, then RingBench default vs isolated"
timeout -s KILL 40 $V conform --backend cuda --cases isolation/ --report "$OUT/conformance-isolation-cuda.json" 2>&1 | tail -6
timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode both --slots 65536 --seconds 2 \
  --warmup 1 --batch 64 --api slots --isolation both 2>&1 | grep -E "^\| cuda|overhead"

step "Vulkan: the allocation store probe at session open"
VYRE_JAVA_OPTS=-Dvyre.vulkan.storeProbe=true timeout -s KILL 15 $V demo --backend vulkan --seconds 1 --slots 64 \
  2>&1 | grep -E "store probe" | cut -c1-4000

step "vyre scan --resident 256M on CUDA, crash report kept"
VYRE_JAVA_OPTS="-XX:ErrorFile=$OUT/hs_err_%p.log" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
  --resident 256M --passes 3 --chunk 64K --workers 1024 2>&1 | grep -E "vyre scan:|pass [0-9]|device:|CPU peer|agree|Fix"
echo "exit ${PIPESTATUS[0]}"
ls "$OUT"; for f in "$OUT"/hs_err_*.log; do [ -e "$f" ] && grep -m12 -E "^# |^(j|J|V|C)  " "$f"; done
step "done"
