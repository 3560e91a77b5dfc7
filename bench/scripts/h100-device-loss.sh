#!/usr/bin/env bash
# Device-loss recovery on the GPU (issue 12 item 4): a custom opcode traps in one slot, the CUDA context is
# lost, the unfinished slots are re-run from the replay log (on CUDA in a new process, then on the reference
# backend in this one) and every slot is checked to have run exactly once. One PASS/FAIL line per run.
# Carry .h100 as for h100-session.sh: .h100/vyre-*-linux-x86_64.tar.gz and .h100/bench.jar.
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/device-loss.txt") 2>&1
if [ ! -d /tmp/vyre ] || [ -z "$(ls -d /tmp/vyre/vyre-* 2>/dev/null)" ]; then
  mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
fi
D=$(echo /tmp/vyre/vyre-*)
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED"
CP="$D/lib/*:$H/bench.jar"
rc=0
for on in cuda reference; do
  echo "== DeviceLossCheck --backend cuda --recover-on $on"
  timeout -s KILL 240 $JAVA -cp "$CP" dev.vyre.bench.DeviceLossCheck --backend cuda --recover-on $on \
    --slots 4096 --trap-slot 2048 --log /tmp/device-loss-$on.vrri --timeout-s 60 || rc=1
done
exit $rc
