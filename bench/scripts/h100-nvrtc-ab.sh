#!/usr/bin/env bash
# Warm CUDA IR registration, A/B in one call: .h100/ab's backend-cuda jar (A: built before NVRTC was loaded on a
# virtual thread, the parent of commit 6f435fb; it shadows the distribution's) against the distribution's own (B: NVRTC
# loads while the opcodes are lowered), alternating, CompileCacheBench --runs 3 each.
# Carry .h100 (tarball of this build, bench.jar, HdrHistogram.jar) and .h100/ab/vyre-backend-cuda-*.jar (the old
# jar: git checkout 6f435fb~1, ./mvnw -o -q install -DskipTests -pl backend-cuda -am). Log $OUT/nvrtc-ab.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh nvrtc-ab.txt
registration() {
  timeout -s KILL 60 $JAVA -cp "$1" dev.vyre.bench.CompileCacheBench --backends cuda --runs 3 2>&1 \
    | grep -E "^\| cuda|register \+ open" | cut -c1-250
}
alternate 2 "$(ls $H/ab/*.jar | tr '\n' ':')$CP" "$CP" registration # old = A, new = B
