#!/usr/bin/env bash
# CUDA latency of five kernels on one machine, alternating, three rounds: session 16's a279f40, session 17's 35ed77c,
# session 19's 9889c8d, session 20's measured 3f4d44f (backend-cuda jars built with `mvn -o -DskipTests package -pl
# backend-cuda -am` in a worktree of each commit, carried as .h100/old/vyre-backend-cuda-COMMIT.jar) and this build's
# (the distribution: the mailbox read beside the poll again). Session 20's N4 ran a279f40 at p50 3.51-3.59 us (p99
# 4.1-4.8) against 3.61-3.73 us (p99 5.2-5.4) for 3f4d44f. Then CUDA conformance of this build.
# Log $OUT/session20-bisect.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh session20-bisect.txt
NEW=$CP
for round in 1 2 3; do
  for b in a279f40 35ed77c 9889c8d 3f4d44f this; do
    step "round $round: cuda latency, backend-cuda of $b"
    CP=$([ $b = this ] && echo "$NEW" || echo "$H/old/vyre-backend-cuda-$b.jar:$NEW") ring "" latency 1
  done
done
step "conformance, cuda, this build"
timeout -s KILL 240 $V conform --backend cuda --report $OUT/conform-cuda-bisect.json 2>&1 \
  | grep -E "FAILED|^cuda|BACKEND|Fix" | head -8
step "done"
