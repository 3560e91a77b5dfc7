#!/usr/bin/env bash
# The IR conformance family and the IR differential fuzzer on the GPU machine, from the distribution
# tarball (its own jlink'ed runtime, no JDK), one call, with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution
#   .h100/bench.jar                    bench/target/vyre-bench-0.1.0-SNAPSHOT.jar
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Runs:
#   1. vyre conform --cases ir/ on CUDA and Vulkan (one-pass and sessions, the maximal loops included;
#      reports in $OUT/conformance-ir-<backend>.json);
#   2. IrFuzzBench for FUZZ_SECONDS (default 240) on reference, CUDA and Vulkan together: every batch on
#      every backend, one dispatch and a session, byte-identical to the reference backend and the host
#      model, maximal loops on; prints the programs run per backend and exits 1 at the first divergence
#      (with the program's encoding for --replay).
# Exit status: the fuzzer's (0: no divergence).
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp}
for f in $H/gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar"
for b in cuda vulkan; do
  echo "== conform --cases ir/ --backend $b"
  timeout -s KILL 300 env -u JAVA_HOME "$D/bin/vyre" conform --backend $b --cases ir/ \
    --report "$OUT/conformance-ir-$b.json" 2>&1 | tail -4
done
echo "== IrFuzzBench: reference, cuda, vulkan for ${FUZZ_SECONDS:-240} s"
timeout -s KILL $(( ${FUZZ_SECONDS:-240} + 240 )) $JAVA -cp "$CP" dev.vyre.bench.IrFuzzBench \
  --backends reference,cuda,vulkan --seconds "${FUZZ_SECONDS:-240}" --seed "${FUZZ_SEED:-1}" --programs 8 --slots 2 \
  --mode both --maximal-loops auto
