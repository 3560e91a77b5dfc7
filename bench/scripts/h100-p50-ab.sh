#!/usr/bin/env bash
# CUDA p50/p99 of the build before (.h100/old jars) and this build, in alternating rounds on one machine, so
# that a p50 difference is not the lease's day-to-day 3.4 vs 4.4 µs spread. Usage: [OLD=rec-old] [BACKENDS="cuda vulkan"] h100-p50-ab.sh [rounds].
# Carry .h100 (tarball, bench.jar, HdrHistogram.jar, old/*.jar). Log: $OUT/p50-ab.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh p50-ab.txt
ROUNDS=${1:-3}
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
OLDCP="$H/${OLD:-old}/*:$THIRD$H/HdrHistogram.jar"
for round in $(seq 1 "$ROUNDS"); do
  for build in old new; do
    if [ $build = old ]; then C=$OLDCP; else C=$CP; fi
    for b in ${BACKENDS:-cuda}; do
      echo "-- round $round $build $b"
      timeout -s KILL 30 $JAVA -cp "$C" dev.vyre.bench.RingBench --backend $b --mode latency --seconds 3 --warmup 1 \
        2>&1 | grep -E "^\| $b|Exception|Fix" | head -2
    done
  done
done
step "done"
