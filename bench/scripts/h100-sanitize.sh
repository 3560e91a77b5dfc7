#!/usr/bin/env bash
# Issue 17 item 3: compute-sanitizer memcheck, initcheck and synccheck over the whole CUDA conformance
# suite on the H100 (must report 0 errors each). Carry .h100 (vyre-*-linux-x86_64.tar.gz). The full output
# of each tool goes to $OUT/sanitizer-<tool>.txt; the summary lines are teed to $OUT/sanitize.txt.
#   bash bench/scripts/h100-sanitize.sh [SECONDS_PER_TOOL]    (default 150)
set -u
cd "$(dirname "$0")/../.."
H=.h100
OUT=${OUT:-/tmp/vyre-out}
LIMIT=${1:-150}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/sanitize.txt") 2>&1
if [ -z "$(ls -d /tmp/vyre/vyre-* 2>/dev/null)" ]; then
  mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
fi
D=$(echo /tmp/vyre/vyre-*)
SANITIZER=${SANITIZER:-/usr/local/cuda-13.0/bin/compute-sanitizer}
"$SANITIZER" --version | tail -1
rc=0
for tool in memcheck initcheck synccheck; do
  echo "== compute-sanitizer --tool $tool, vyre conform --backend cuda (whole suite, limit ${LIMIT} s)"
  t0=$(date +%s)
  timeout -s KILL "$LIMIT" "$SANITIZER" --tool $tool --target-processes all --error-exitcode 99 \
    env -u JAVA_HOME "$D/bin/vyre" conform --backend cuda --report "$OUT/conformance-cuda-$tool.json" \
    > "$OUT/sanitizer-$tool.txt" 2>&1
  st=$?
  grep -E "^cuda +[0-9]|passed|ERROR SUMMARY" "$OUT/sanitizer-$tool.txt" | sort | uniq -c | head -5
  grep -E "^========= [A-Z]" "$OUT/sanitizer-$tool.txt" | grep -v "ERROR SUMMARY" | sort | uniq -c | sort -rn | head -8
  echo "$tool exit $st after $(( $(date +%s) - t0 )) s (0 = clean; 99 = sanitizer errors; 137 = limit)"
  [ $st -eq 0 ] || rc=1
done
exit $rc
