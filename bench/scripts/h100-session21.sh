#!/usr/bin/env bash
# Session 21 on the H100 (issue 18). This build's kernel is session 17's (35ed77c) again: the staggered poll, the
# pipelined poll and the every-8-loops SHUTDOWN load were removed after session 20's bisect (a279f40 3.46-3.53,
# 35ed77c 3.42-3.44, the measured 3f4d44f 3.63-3.84, 383308d 3.66-3.81 us p50 on one machine). And a custom opcode's
# dispatch is one non-inlined function called only for registered opcodes (the conformance family's kernel took
# 50 s of nvcc against 6 s). Steps:
#   1. CUDA latency, 35ed77c's backend-cuda jar (carried as .h100/old) and this build's, alternating, 3 rounds;
#   2. a custom opcode (RingBench --opcode ir: an IR ATOMIC_ADD) against the built-in one, latency and
#      publishSlots/64 from 1 publisher, 35ed77c (its dispatch inlined) and this build, alternating, 2 rounds;
#   3. CUDA conformance of this build on the cold machine (the first IR case compiles the family's kernel;
#      session 20 and the bisect saw it pass 60 s).
# Log $OUT/session21.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh session21.txt
NEW=$CP
OLD="$H/old/vyre-backend-cuda-35ed77c.jar:$NEW"
step "conformance, cuda, this build (cold compile cache)"
timeout -s KILL 400 $V conform --backend cuda --report $OUT/conform-cuda-session21.json 2>&1 \
  | grep -E "FAILED|^cuda|BACKEND|Fix|ir/crc32c|WARNING" | head -12
python3 - "$OUT/conform-cuda-session21.json" <<'PY' 2>&1 || true
import json, sys
d = json.load(open(sys.argv[1]))
cases = sorted(d["cases"], key=lambda c: -(c.get("millis") or 0))
print("passed %s failed %s skipped %s; slowest:" % (d["passed"], d["failed"], d["skipped"]),
      ", ".join("%s %d ms" % (c["name"], c.get("millis") or 0) for c in cases[:5]))
PY
for round in 1 2 3; do
  for b in 35ed77c this; do
    step "round $round: cuda latency, backend-cuda of $b"
    CP=$([ $b = this ] && echo "$NEW" || echo "$OLD") ring "" latency 1
  done
done
for round in 1 2; do
  for b in 35ed77c this; do
    for op in builtin ir; do
      step "round $round: backend-cuda of $b, --opcode $op: latency, then publishSlots/64 from 1 publisher"
      CP=$([ $b = this ] && echo "$NEW" || echo "$OLD") ring "" latency 1 --opcode $op
      CP=$([ $b = this ] && echo "$NEW" || echo "$OLD") ring "" throughput 1 --opcode $op
    done
  done
done
step "done"
