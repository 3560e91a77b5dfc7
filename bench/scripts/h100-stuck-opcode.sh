#!/usr/bin/env bash
# Issue 17 item 6 on the GPU machine: a custom opcode stuck in a loop must not keep the process alive.
# For CUDA and Vulkan, StuckOpcodeCheck runs a child JVM that publishes one slot whose body spins
#   poll:   until vyre_abort_requested(ctx) / vyre_abort_requested()  -> close must stop the kernel (no timeout)
#   ignore: forever (ignoring the flag)                                -> close reports the stuck slot after its
#           bounded wait (--stop-timeout-ms) and the JVM must still exit
# and prints session_close_ms, vyre_close_ms and exit_after_main_ms (JVM exit after main returned).
# Carry .h100 as for h100-session.sh (the distribution tarball, bench.jar, HdrHistogram.jar, the ICD .debs).
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/stuck-opcode.txt") 2>&1
for f in $H/gl/*.deb $H/opencl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
if [ ! -d /tmp/vyre ]; then mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre; fi
D=$(echo /tmp/vyre/vyre-*)
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
for backend in cuda vulkan; do
  for body in poll ignore; do
    echo "== $backend $body"
    timeout -s KILL 200 $JAVA -cp "$CP" dev.vyre.bench.StuckOpcodeCheck --backend $backend --body $body \
        --stop-timeout-ms 3000 --timeout-s 150
    echo "exit $?"
  done
done
