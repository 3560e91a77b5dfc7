#!/usr/bin/env bash
# Issue 16 on the GPU machine, from the distribution tarball (no JDK needed), with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz   the distribution of this build (./mvnw -B -Pdist -DskipTests package)
# Runs: `vyre demo` on CUDA (the default 65,536-slot ring in runs of 4,096, then runs of 1,024 and 256,
# and a 1,024-slot ring), `vyre bench` on CUDA with the launch+sync and CUDA Graph peers in its one
# table (HTML page and .hgrm in $OUT), and a Ctrl-C during a demo (the totals must print, verified).
# Every line the commands print is kept; each command is bounded by `timeout -s KILL`.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf .h100/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
echo "== tarball: $(basename "$D"), java on PATH: $(command -v java || echo none)"
$V backends
for args in "" "--batch 1024" "--batch 256" "--slots 1024"; do
  echo "== vyre demo --backend cuda --seconds 5 $args"
  timeout -s KILL 90 $V demo --backend cuda --seconds 5 $args; echo "exit $?"
done
echo "== vyre bench --backend cuda --seconds 2 (peers in the same table)"
timeout -s KILL 180 $V bench --backend cuda --seconds 2 --html "$OUT/bench.html" --hgrm "$OUT/latency.hgrm"
echo "exit $?"
echo "== Ctrl-C 8 s into a 60 s demo (exit 130 and verified totals expected)"
$V demo --backend cuda --seconds 60 > "$OUT/demo-interrupted.txt" 2>&1 &   # env and bin/vyre exec java: one pid
pid=$!
sleep 8
kill -INT $pid
wait $pid; echo "exit $?"
cat "$OUT/demo-interrupted.txt"
