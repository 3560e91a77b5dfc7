#!/usr/bin/env bash
# Issue 17 item 3: compute-sanitizer memcheck, initcheck and synccheck over the CUDA conformance suite on
# the H100, family by family (each must report 0 errors). Carry .h100 (vyre-*-linux-x86_64.tar.gz).
#   bash bench/scripts/h100-sanitize.sh [SECONDS_PER_FAMILY [TOOLS]]    (defaults 60, "memcheck initcheck synccheck")
# persistent/close_one_of_two_sessions is left out: the sanitizers serialize kernel launches, so a second
# persistent megakernel never starts while the first runs (it timed out under memcheck and initcheck on
# 2026-12-06); it runs without a sanitizer in the plain suite. The full output of each run goes to
# $OUT/sanitizer-<tool>-<family>.txt; the summary lines are teed to $OUT/sanitize.txt.
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
LIMIT=${1:-60}
TOOLS=${2:-memcheck initcheck synccheck}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/sanitize.txt") 2>&1
if [ -z "$(ls -d /tmp/vyre/vyre-* 2>/dev/null)" ]; then
  mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
fi
D=$(echo /tmp/vyre/vyre-*)
SANITIZER=${SANITIZER:-/usr/local/cuda-13.0/bin/compute-sanitizer}
"$SANITIZER" --version | tail -1
FAMILIES="opcode/ data/ io/ isolation/ custom/ ir/ packed/ hostile/ printf/ mixed/ tenant/ run/ persistent/shutdown
 persistent/million persistent/four"
rc=0
for tool in $TOOLS; do
  for family in $FAMILIES; do
    name=$(echo "$family" | tr -d '/')
    t0=$(date +%s)
    timeout -s KILL "$LIMIT" "$SANITIZER" --tool "$tool" --target-processes all --error-exitcode 99 \
      env -u JAVA_HOME "$D/bin/vyre" conform --backend cuda --cases "$family" > "$OUT/sanitizer-$tool-$name.txt" 2>&1
    st=$?
    summary=$(grep -E "ERROR SUMMARY" "$OUT/sanitizer-$tool-$name.txt" | tail -1)
    cases=$(grep -E "^cuda +[0-9]" "$OUT/sanitizer-$tool-$name.txt" | tail -1)
    echo "$tool $family: exit $st after $(( $(date +%s) - t0 )) s; $cases; $summary"
    grep -E "^========= [A-Z]" "$OUT/sanitizer-$tool-$name.txt" | grep -v -E "ERROR SUMMARY|COMPUTE-SANITIZER" \
      | sort | uniq -c | sort -rn | head -4
    grep -E "^  FAILED" "$OUT/sanitizer-$tool-$name.txt" | cut -c1-200 | head -3
    [ $st -eq 0 ] || rc=1
  done
done
exit $rc
