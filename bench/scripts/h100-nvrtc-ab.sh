#!/usr/bin/env bash
# Warm CUDA IR registration, A/B in one call: the distribution's backend-cuda jar (A) against .h100/ab's (B: NVRTC
# loaded on a virtual thread while the opcodes are lowered), alternating, CompileCacheBench --runs 3 each.
# Carry .h100 (tarball, bench.jar, HdrHistogram.jar) and .h100/ab/vyre-backend-cuda-*.jar. Log $OUT/nvrtc-ab.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh nvrtc-ab.txt
for round in 1 2; do
  for build in A B; do
    if [ $build = A ]; then C="$CP"; else C="$(ls $H/ab/*.jar | tr '\n' ':')$CP"; fi
    echo "-- round $round, $build"
    timeout -s KILL 60 $JAVA -cp "$C" dev.vyre.bench.CompileCacheBench --backends cuda --runs 3 2>&1 \
      | grep -E "^\| cuda|register \+ open" | cut -c1-250
  done
done
