#!/usr/bin/env bash
# The reference backend's publishSlots/64 on this machine, each run read together with the cache distance of the
# two CPUs it ran on (bench/native/core_pingpong.c, measured just before and just after the run): ROUNDS rounds of
# -Dvyre.reference.claimAhead=false (the peer: one compare-and-set per slot) and the default (claims ahead), each a
# fresh JVM. From the repository root after `./mvnw -Pdist -DskipTests install` (uses dist/target/lib and the bench
# jar). One line per run: time, claimAhead, one-way ns before / after, RingBench's throughput line.
#   bash bench/scripts/reference-phases.sh [ROUNDS]
set -u
cd "$(dirname "$0")/../.."
ROUNDS=${1:-4}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CP="dist/target/lib/*:bench/target/vyre-bench-0.1.0-SNAPSHOT.jar"
[ -d dist/target/lib ] && [ -f bench/target/vyre-bench-0.1.0-SNAPSHOT.jar ] \
  || { echo "reference-phases: no built distribution. Fix: run ./mvnw -Pdist -DskipTests install first"; exit 2; }
PP=/tmp/core_pingpong
gcc -O2 -pthread -o $PP bench/native/core_pingpong.c || { echo "reference-phases: gcc failed. Fix: install gcc"; exit 2; }
for r in $(seq "$ROUNDS"); do
  for ahead in false true; do
    before=$($PP | sed 's/.*one-way //')
    line=$($JAVA -Dvyre.reference.claimAhead=$ahead --enable-native-access=ALL-UNNAMED -cp "$CP" dev.vyre.bench.RingBench \
      --backend reference --mode throughput --api slots --batch 64 --seconds 2 --warmup 1 2>&1 \
      | grep -E "^throughput|Fix" | cut -c1-90)
    after=$($PP | sed 's/.*one-way //')
    echo "$(date -u +%T) claimAhead=$ahead one-way $before / $after | $line"
  done
done
