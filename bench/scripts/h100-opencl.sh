#!/usr/bin/env bash
# The OpenCL backend on the GPU machine (issue 13), one call, with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz        the distribution (./mvnw -Pdist package; ships vyre-backend-opencl)
#   .h100/bench.jar, .h100/HdrHistogram.jar the bench jar (OnePassBench, RingBench) and its histogram library
#   .h100/opencl/ocl-icd-libopencl1_*.deb    the OpenCL ICD loader (the GPU machine has none); fetch it with
#                                            mkdir -p .h100/opencl && (cd .h100/opencl && apt-get download ocl-icd-libopencl1)
# Steps: install the loader from the .deb; register NVIDIA's OpenCL driver (libnvidia-opencl.so.1) in
# /etc/OpenCL/vendors/nvidia.icd, or print the evidence that this machine has none and stop after
# `vyre backends`; then `vyre backends`, the conformance suite on OpenCL (report in $OUT), the IR
# differential fuzz cases with 20 batches each, one-pass
# dispatch times for 1 / 64 / 4,096 / 65,536 slots beside CUDA's, and, if the backend runs persistent
# sessions here, publish->DONE p50/p99 and publishSlots throughput beside CUDA's.
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-opencl-out}
mkdir -p "$OUT"

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -2

echo "== OpenCL ICD loader"
if ldconfig -p | grep -q 'libOpenCL.so.1'; then
  echo "already installed: $(ldconfig -p | grep 'libOpenCL.so.1' | head -1)"
else
  debs=$(ls $H/opencl/ocl-icd-libopencl1_*.deb 2>/dev/null)
  [ -n "$debs" ] || { echo "FAIL: no $H/opencl/ocl-icd-libopencl1_*.deb carried. Fix: download it (see the header) and carry .h100"; exit 1; }
  for f in $debs; do dpkg -x "$f" / && echo "unpacked $(basename "$f")"; done
  ldconfig
  ldconfig -p | grep 'libOpenCL.so.1' || { echo "FAIL: libOpenCL.so.1 still not found after unpacking"; exit 1; }
fi

echo "== NVIDIA OpenCL driver"
lib=$(ldconfig -p | awk '/libnvidia-opencl\.so\.1 /{print $NF; exit}')
if [ -z "$lib" ]; then
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/compat /usr/local/cuda/lib64; do
    if [ -e "$d/libnvidia-opencl.so.1" ]; then lib="$d/libnvidia-opencl.so.1"; break; fi
  done
fi
if [ -z "$lib" ]; then
  lib=$(find / -xdev \( -name 'libnvidia-opencl.so.1' -o -name 'libnvidia-opencl.so.*' \) 2>/dev/null | head -1)
fi
if [ -n "$lib" ]; then
  echo "found $lib"
  mkdir -p /etc/OpenCL/vendors
  if ! grep -qs 'libnvidia-opencl' /etc/OpenCL/vendors/*.icd; then
    echo "$lib" > /etc/OpenCL/vendors/nvidia.icd
    echo "registered /etc/OpenCL/vendors/nvidia.icd -> $lib"
  fi
  ls -l /etc/OpenCL/vendors/
else
  echo "EVIDENCE: no libnvidia-opencl.so* on this machine (NVIDIA's OpenCL runtime is not installed with this driver):"
  echo "  ldconfig -p | grep -i nvidia:"; ldconfig -p | grep -i nvidia | sed 's/^/    /' | head -40
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu; do
    [ -d "$d" ] && { echo "  ls $d/libnvidia-*:"; ls "$d"/libnvidia-* 2>/dev/null | sed 's/^/    /' | head -40; }
  done
  echo "  /etc/OpenCL/vendors: $(ls /etc/OpenCL/vendors 2>&1)"
fi

rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
echo "== vyre backends ($(basename "$D"))"
env -u JAVA_HOME "$D/bin/vyre" backends 2>&1 | tee "$OUT/backends.txt"
if [ -z "$lib" ]; then
  echo "STOP: no NVIDIA OpenCL runtime here; the OpenCL backend is certified on PoCL only (see the evidence above)."
  exit 0
fi
line=$(grep -E '^[* ] +opencl ' "$OUT/backends.txt")
if ! echo "$line" | grep -q ' available '; then
  echo "STOP: the OpenCL backend is unavailable here: $line"
  exit 0
fi

echo "== conform opencl"
timeout -s KILL 400 env -u JAVA_HOME "$D/bin/vyre" conform --backend opencl --report "$OUT/conformance-opencl.json" 2>&1 | tail -25

echo "== IR differential fuzzing on OpenCL: 20 batches a case (the suite runs 1)"
VYRE_JAVA_OPTS=-Dvyre.irFuzz.batches=20 timeout -s KILL 300 env -u JAVA_HOME "$D/bin/vyre" conform --backend opencl \
  --cases ir/fuzz --report "$OUT/irfuzz-opencl.json" 2>&1 | tail -6

JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
echo "== one-pass dispatch times, CUDA beside OpenCL (median of 100, 20 at 65,536 slots; every dispatch verified)"
timeout -s KILL 240 $JAVA -cp "$CP" dev.vyre.bench.OnePassBench --backends cuda,opencl --slots 1,64,4096,65536 \
  --json "$OUT/onepass-cuda-opencl.json" 2>&1 | tail -20

if echo "$line" | grep -q ' persistent '; then
  for b in cuda opencl; do
    echo "== persistent $b: publish->DONE latency"
    timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode latency --seconds 3 --warmup 1 \
      --json "$OUT/latency-$b.json" 2>&1 | grep -E "^\| " | head -4
    echo "== persistent $b: throughput, publish() and publishSlots(64)"
    timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend $b --mode throughput --slots 65536 \
      --seconds 2 --warmup 1 --batch 64 --api publish,slots --json "$OUT/throughput-$b.json" 2>&1 | grep -E "^\| " | head -5
  done
else
  echo "== no persistent sessions on OpenCL here (one-pass only); the evidence is in the device line above"
fi
