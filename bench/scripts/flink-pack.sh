#!/usr/bin/env bash
# Packs vyre-flink, its run-time class path and a Java runtime for the GPU machine, in parts that each fit
# one device-call carry (64 MiB): .gpu-flink/part1, .gpu-flink/part2 (more if needed), each below
# FLINK_PACK_PART_MIB (default 40 MiB: a carry of 59 MiB was refused as over the 64 MiB limit). A call removes the
# ignored paths it does not carry, so each call carries one part and runs `bash bench/scripts/h100-flink.sh --stage`
# (which copies it to /tmp/vyre-flink, kept while the machine stays warm); the call carrying the last part runs
# bench/scripts/h100-flink.sh with the bench's options.
#
# The Java runtime is jlink'ed here (the flags of ../shared/tools/gpu-pack) with the modules Flink 2.3 needs
# besides gpu-pack's default set: java.sql (Flink's type system), java.rmi and java.management.rmi (the
# TaskManager's JMX server), java.security.jgss, jdk.management, and jdk.jfr (vyre's session events). A
# runtime without them hangs the MiniCluster: its TaskManager never starts, and the job waits 5 minutes for
# slots. It lies in the part with the most room, as jre.tar.xz.
#
# Usage (repository root, JDK 25 here):  bash bench/scripts/flink-pack.sh
#   FLINK_PACK_SKIP_BUILD=1  reuse flink/target (vyre-flink jar and target/lib) as it is
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$JAVA_HOME/bin:$PATH
limit=$(( ${FLINK_PACK_PART_MIB:-40} * 1024 * 1024 ))
pack=.gpu-flink

if [ "${FLINK_PACK_SKIP_BUILD:-0}" != 1 ]; then
  # -f: this module alone (its vyre dependencies come from ~/.m2, as `-pl flink` would take them)
  ./mvnw -o -q -f flink/pom.xml package -DskipTests
  rm -rf flink/target/lib
  ./mvnw -o -q -f flink/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
fi
jar=$(ls flink/target/vyre-flink-*.jar | grep -v -- '-sources\|-tests\|-javadoc' | head -1)
[ -f "$jar" ] && [ -d flink/target/lib ] || { echo "flink-pack: no flink/target/vyre-flink-*.jar or target/lib." \
  "Fix: run without FLINK_PACK_SKIP_BUILD" >&2; exit 1; }

mkdir -p .git/info
grep -qx '/.gpu-flink/' .git/info/exclude 2>/dev/null || echo '/.gpu-flink/' >> .git/info/exclude
rm -rf "$pack" && mkdir -p "$pack"

mods=java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported,jdk.zipfs,jdk.crypto.ec
mods=$mods,java.sql,java.rmi,java.management.rmi,java.security.jgss,jdk.management,jdk.jfr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$tmp/jre"
tar -C "$tmp" -cJf "$tmp/jre.tar.xz" jre

# first fit, largest first; a new part when none has room
files=$( (ls -1 flink/target/lib/*.jar; echo "$jar"; echo "$tmp/jre.tar.xz") | while read -r f; do
  echo "$(stat -c %s "$f") $f"; done | sort -rn)
declare -a used=()
parts=0
while read -r size f; do
  [ "$size" -lt "$limit" ] || { echo "flink-pack: $f ($size bytes) alone exceeds a part." \
    "Fix: raise FLINK_PACK_PART_MIB (a carry holds 64 MiB)" >&2; exit 1; }
  placed=0
  for ((p = 1; p <= parts; p++)); do
    if [ $(( used[p] + size )) -lt "$limit" ]; then placed=$p; break; fi
  done
  if [ $placed = 0 ]; then parts=$((parts + 1)); placed=$parts; used[placed]=0; mkdir -p "$pack/part$placed"; fi
  cp "$f" "$pack/part$placed/"
  used[placed]=$(( used[placed] + size ))
  echo "part$placed/$(basename "$f")" >> "$tmp/list"
done <<< "$files"
# every part carries the whole list, so the runner can name a part that did not arrive
for ((p = 1; p <= parts; p++)); do cp "$tmp/list" "$pack/part$p/flink-pack.list"; done
echo "flink-pack: $(wc -l < "$tmp/list") files in $parts parts under $root/$pack:"
for ((p = 1; p <= parts; p++)); do
  printf '  %s/part%d  %5.1f MiB, %d files\n' "$pack" "$p" "$(echo "${used[p]} / 1048576" | bc -l)" \
    "$(ls "$pack/part$p" | grep -vc flink-pack.list)"
done
echo "On the GPU machine: one call per part, each carrying [\"$pack/partN\"] and running bash bench/scripts/h100-flink.sh --stage; in the call carrying the last part"
echo "run: bash bench/scripts/h100-flink.sh [--backend cuda --records 10000000 ...]"
