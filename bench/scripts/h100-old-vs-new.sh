#!/usr/bin/env bash
# One call on the GPU machine, with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution of the new build (its own jlink'ed runtime)
#   .h100/bench.jar, .h100/HdrHistogram.jar  the new bench and its histogram library
#   .h100/old/*.jar                    the vyre jars of the build before (same third-party jars)
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Runs: the tarball with no JDK (backends, demo), RingBench old vs new alternating (CUDA and Vulkan:
# p50, publishSlots/64 and publish() per slot), then conformance of the new build on CUDA and Vulkan
# (reports in $OUT).
set -u
cd "$(dirname "$0")/../.."
H=.h100
for f in $H/gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
echo "== tarball: $(basename "$D"), java on PATH: $(command -v java || echo none)"
env -u JAVA_HOME "$D/bin/vyre" backends
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
NEWCP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
OLDCP="$H/old/*:$THIRD$H/HdrHistogram.jar"
for round in 1 2; do
  for build in old new; do
    if [ $build = old ]; then CP=$OLDCP; else CP=$NEWCP; fi
    for b in cuda vulkan; do
      echo "== round $round $build $b"
      timeout -s KILL 40 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode latency --seconds 3 --warmup 1 2>&1 \
        | grep -E "^\| $b" | head -2
      timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode throughput --slots 65536 \
        --seconds 2 --warmup 1 --batch 64 --api publish,slots 2>&1 | grep -E "^\| $b" | head -3
    done
  done
done
echo "== demo on cuda (tarball)"
timeout -s KILL 60 env -u JAVA_HOME "$D/bin/vyre" demo --backend cuda --seconds 3 2>&1 | tail -4
echo "== first Vulkan session per process: 10 fresh JVMs, a thread dump (SIGQUIT) if one runs past 25 s"
for i in $(seq 1 10); do
  start=$(date +%s%N)
  timeout -k 5 -s QUIT 25 env -u JAVA_HOME "$D/bin/vyre" demo --backend vulkan --seconds 1 > /tmp/vk$i.log 2>&1
  rc=$?; end=$(date +%s%N)
  printf 'vulkan process %d: rc=%d %d ms: %s\n' $i $rc $(( (end - start) / 1000000 )) "$(grep -E 'verified|error|Fix' /tmp/vk$i.log | tail -1)"
  if [ $rc -ne 0 ]; then cp /tmp/vk$i.log "$OUT/vulkan-process-$i.log"; fi
done
for b in cuda vulkan; do
  echo "== conform $b (tarball)"
  timeout -s KILL 150 env -u JAVA_HOME "$D/bin/vyre" conform --backend $b --report "$OUT/conformance-$b.json" 2>&1 | tail -3
done
