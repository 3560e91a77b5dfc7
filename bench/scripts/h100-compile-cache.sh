#!/usr/bin/env bash
# CompileCacheBench on the GPU machine, from the distribution tarball (its own jlink'ed runtime, no JDK),
# one call, with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution
#   .h100/bench.jar                    bench/target/vyre-bench-0.1.0-SNAPSHOT.jar
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Prints, per backend, the time to register an IR opcode (IrOpcodes.irOpcode(0x2001, Programs.crc32c(4096)))
# and open a session with it: cold (empty compile-cache directory) and warm (the filled directory, a new
# JVM each run), each registration verified against java.util.zip.CRC32C. Three passes:
#   1. as a user runs it (the NVIDIA driver's own shader and JIT caches on);
#   2. the driver's caches off (__GL_SHADER_DISK_CACHE=0, CUDA_CACHE_DISABLE=1): vyre's cache alone;
#   3. CUDA with PTX instead of CUBIN (-Dvyre.cuda.nvrtcOutput=ptx: the driver JIT-compiles at load).
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
BENCH=dev.vyre.bench.CompileCacheBench
echo "== 1. driver caches on"
timeout -s KILL 420 $JAVA -cp "$CP" $BENCH --backends reference,cuda,vulkan --runs 5
echo "== 2. driver caches off: vyre's compile cache alone"
timeout -s KILL 300 env __GL_SHADER_DISK_CACHE=0 CUDA_CACHE_DISABLE=1 $JAVA -cp "$CP" $BENCH --backends cuda,vulkan --runs 3
echo "== 3. CUDA, PTX instead of CUBIN"
timeout -s KILL 200 env CUDA_CACHE_DISABLE=1 $JAVA -Dvyre.cuda.nvrtcOutput=ptx -cp "$CP" $BENCH --backends cuda --runs 3
