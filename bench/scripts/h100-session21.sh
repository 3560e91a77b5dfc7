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
# Log $OUT/session21.txt. `bash bench/scripts/h100-session21.sh again` (a later start, log session21-again.txt): IR opcodes
# declared short (CustomOpcode.SHORT_MARK) run on the leader: cold CUDA conformance; the mapped-memory echo floor
# (bench/native/ring_budget.cu, built there); latency 35ed77c / this alternating, 2 rounds, with the built-in and the IR
# opcode; publishSlots/64 from 1 and 4 publishers (this, then 35ed77c); Vulkan latency and publishSlots/64 twice.
# `bash bench/scripts/h100-session21.sh fuzz` (log session21-fuzz.txt): the IR differential fuzzer on reference and CUDA,
# 45 s each with 35ed77c's backend-cuda jar (each batch's kernel with the dispatch inlined) and with this build (short
# programs on the leader), seed 7 as in session 4's run; then RobustnessBench (1,000 session cycles, the watchdog), last.
# `bash bench/scripts/h100-session21.sh verify` (log session21-verify.txt): latency runs that now check every increment:
# CUDA with the IR opcode (on the leader) twice, the built-in, the IR opcode in isolated mode; Vulkan built-in and IR.
# `bash bench/scripts/h100-session21.sh split` (log session21-split.txt): where a short IR opcode's extra 0.4 us goes:
# CUDA latency of the built-in, the built-in in a kernel compiled with the IR opcode, and the IR opcode, two rounds;
# then the built-in and the IR opcode traced (the leader's inline run split into claim, execution and DONE store).
# `bash bench/scripts/h100-session21.sh ptx` (log session21-ptx.txt): the built-in in a kernel compiled with the IR
# opcode, NVRTC's CUBIN (the default) against its PTX JIT-compiled by the driver (-Dvyre.cuda.nvrtcOutput=ptx), and the
# plain built-in, two rounds.
set -u
cd "$(dirname "$0")/../.."
PART=${1:-first}
. bench/scripts/h100-env.sh "$([ "$PART" = first ] && echo session21.txt || echo session21-$PART.txt)"
NEW=$CP
OLD="$H/old/vyre-backend-cuda-35ed77c.jar:$NEW"
cp_of() { [ "$1" = this ] && echo "$NEW" || echo "$OLD"; }  # the class path of build $1 (35ed77c or this)
conform() {
  step "conformance, cuda, this build (cold compile cache)"
  timeout -s KILL 400 $V conform --backend cuda --report $OUT/conform-cuda-$1.json 2>&1 \
    | grep -E "FAILED|^cuda|BACKEND|Fix|ir/crc32c|WARNING" | head -12
  python3 - "$OUT/conform-cuda-$1.json" <<'PY' 2>&1 || true
import json, sys
d = json.load(open(sys.argv[1]))
cases = sorted(d["cases"], key=lambda c: -(c.get("millis") or 0))
print("passed %s failed %s skipped %s; slowest:" % (d["passed"], d["failed"], d["skipped"]),
      ", ".join("%s %d ms" % (c["name"], c.get("millis") or 0) for c in cases[:5]))
PY
}
if [ "$PART" = ptx ]; then
  for round in 1 2; do
    for o in builtin "builtin-with-ir" "builtin-with-ir ptx"; do
      step "round $round: cuda latency, --opcode $o"
      ring "$([ "${o#* }" = ptx ] && echo -Dvyre.cuda.nvrtcOutput=ptx)" latency 1 --opcode ${o% *}
    done
  done
  step "done"
  exit 0
fi
if [ "$PART" = split ]; then
  for round in 1 2; do
    for op in builtin builtin-with-ir ir; do
      step "round $round: cuda latency, --opcode $op"
      ring "" latency 1 --opcode $op
    done
  done
  for op in builtin ir; do
    step "cuda latency traced, --opcode $op"
    ring "-Dvyre.cuda.trace=true" latency 1 --opcode $op
  done
  step "done"
  exit 0
fi
if [ "$PART" = verify ]; then
  for op in ir builtin ir; do
    step "cuda latency, --opcode $op"
    ring "" latency 1 --opcode $op
  done
  step "cuda latency, --opcode ir, isolated sessions"
  ring "" latency 1 --opcode ir --isolation on
  for op in builtin ir; do
    step "vulkan latency, --opcode $op"
    vk "" latency --opcode $op
  done
  step "done"
  exit 0
fi
if [ "$PART" = fuzz ]; then
  for b in 35ed77c this; do
    step "IrFuzzBench, reference and cuda, 45 s, seed 7, backend-cuda of $b"
    timeout -s KILL 150 $JAVA -cp "$(cp_of $b)" dev.vyre.bench.IrFuzzBench \
      --backends reference,cuda --seconds 45 --seed 7 --programs 8 --slots 2 --mode both --maximal-loops auto 2>&1 \
      | grep -E "^IR fuzz|^programs run|DIVERG|Fix" | head -8
  done
  step "RobustnessBench, cuda (last: the watchdog's stalled kernel keeps the GPU until the process is killed)"
  timeout -s KILL 150 $JAVA -cp "$NEW" dev.vyre.bench.RobustnessBench --backend cuda --cycles 1000 2>&1 | tail -12
  step "done"
  exit 0
fi
if [ "$PART" = again ]; then
  nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,clocks.max.sm --format=csv,noheader
  conform session21-again
  step "cuda: the mapped-memory echo floor (bench/native/ring_budget.cu)"
  RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu \
    && timeout -s KILL 60 $RB 100000 2>&1 | grep -E "^ring_budget|^\\| echo|^\\| line |^idle" | head -6
  for round in 1 2; do
    for b in 35ed77c this; do
      for op in builtin ir; do
        step "round $round: cuda latency, backend-cuda of $b, --opcode $op"
        CP=$(cp_of $b) ring "" latency 1 --opcode $op
      done
    done
  done
  for b in this 35ed77c this; do
    for p in 1 4; do
      step "cuda publishSlots/64, $p publishers, backend-cuda of $b"
      CP=$(cp_of $b) ring "" throughput $p
    done
  done
  for round in 1 2; do
    step "round $round: vulkan latency, then publishSlots/64 from 1 publisher"
    vk "" latency
    vk "" throughput --slots 65536 --batch 64 --api slots
  done
  step "done"
  exit 0
fi
conform session21
for round in 1 2 3; do
  for b in 35ed77c this; do
    step "round $round: cuda latency, backend-cuda of $b"
    CP=$(cp_of $b) ring "" latency 1
  done
done
for round in 1 2; do
  for b in 35ed77c this; do
    for op in builtin ir; do
      step "round $round: backend-cuda of $b, --opcode $op: latency, then publishSlots/64 from 1 publisher"
      CP=$(cp_of $b) ring "" latency 1 --opcode $op
      CP=$(cp_of $b) ring "" throughput 1 --opcode $op
    done
  done
done
step "done"
