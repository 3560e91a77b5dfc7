#!/usr/bin/env bash
# The IO handshake without shared atomics (issue 17 item 3) on the GPU machine:
#   1. IoRaceCheck: LOAD_MISS completions racing the take-back at the IO wait bound, no lost update
#      (CUDA, Vulkan, and OpenCL when it runs persistent sessions there); one summary line each.
#   2. the io/ conformance family on CUDA and Vulkan (io/load_miss_race_timeout with 20 rounds).
#   3. compute-sanitizer memcheck over the whole CUDA conformance suite (must report 0 errors).
# Carry .h100 as for h100-session.sh: .h100/vyre-*-linux-x86_64.tar.gz and .h100/bench.jar.
# Output goes to $OUT (default /tmp/vyre-out): io-race.txt and memcheck-conform-cuda.txt.
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/io-race.txt") 2>&1
if [ ! -d /tmp/vyre ] || [ -z "$(ls -d /tmp/vyre/vyre-* 2>/dev/null)" ]; then
  mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
fi
D=$(echo /tmp/vyre/vyre-*)
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar"
SANITIZER=${SANITIZER:-/usr/local/cuda-13.0/bin/compute-sanitizer}
echo "== commit $(git rev-parse HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
rc=0
for b in cuda vulkan opencl; do
  echo "== IoRaceCheck --backend $b --rounds 200 --slots 64 --bound-ms 2"
  timeout -s KILL 240 $JAVA -cp "$CP" dev.vyre.bench.IoRaceCheck --backend $b --rounds 200 --slots 64 --bound-ms 2 \
    > "$OUT/io-race-$b.txt" 2>&1
  st=$?
  grep -E "^IoRaceCheck|Exception|Fix:" "$OUT/io-race-$b.txt" | head -8
  echo "IoRaceCheck $b exit $st"
  # OpenCL is informational: the H100 machine may have no OpenCL ICD, or no persistent OpenCL sessions
  [ $st -eq 0 ] || [ $b = opencl ] || rc=1
done
for b in cuda vulkan; do
  echo "== vyre conform --backend $b --cases io/ (race rounds 20)"
  VYRE_JAVA_OPTS="-Dvyre.conformance.ioRaceRounds=20" timeout -s KILL 300 "$D/bin/vyre" conform --backend $b --cases io/ \
    --verbose || rc=1
done
echo "== compute-sanitizer memcheck, whole CUDA conformance suite"
timeout -s KILL 1500 "$SANITIZER" --tool memcheck --target-processes all --error-exitcode 99 \
  "$D/bin/vyre" conform --backend cuda > "$OUT/memcheck-conform-cuda.txt" 2>&1
mc=$?
tail -5 "$OUT/memcheck-conform-cuda.txt"
grep -E "ERROR SUMMARY|Invalid __global__" "$OUT/memcheck-conform-cuda.txt" | sort | uniq -c | head
echo "memcheck exit $mc (0 = clean; 99 = sanitizer errors)"
[ $mc -eq 0 ] || rc=1
exit $rc
