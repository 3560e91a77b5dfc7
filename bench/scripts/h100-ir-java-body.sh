#!/usr/bin/env bash
# Issue 11 follow-ups on the GPU machine, from the distribution tarball, one call, with .h100 carried
# (as bench/scripts/h100-compile-cache.sh):
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution
#   .h100/bench.jar                    bench/target/vyre-bench-0.1.0-SNAPSHOT.jar
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Prints:
#   1. the custom-opcode conformance cases (custom/packed_args: a packed inner op reads argument words 3..11
#      as 0) on CUDA and Vulkan;
#   2. CompileCacheBench (register an IR opcode + open a session, cold and warm in new JVMs; each dialect is
#      now lowered only when its backend reads it): reference, cuda, vulkan, 5 warm runs;
#   3. IrEvalBench: the IR opcode's Java body compiled to bytecode vs the tree-walking evaluator (host CPU).
set -u
cd "$(dirname "$0")/../.."
H=.h100
for f in $H/gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar"
for b in cuda vulkan; do
  echo "== 1. conform $b, custom/ cases"
  timeout -s KILL 200 env -u JAVA_HOME "$D/bin/vyre" conform --backend $b --cases custom/ --verbose 2>&1 | tail -8
done
echo "== 2. CompileCacheBench"
timeout -s KILL 420 $JAVA -cp "$CP" dev.vyre.bench.CompileCacheBench --backends reference,cuda,vulkan --runs 5
echo "== 3. IrEvalBench"
timeout -s KILL 120 $JAVA -cp "$CP" dev.vyre.bench.IrEvalBench --seconds 2 --rounds 5
