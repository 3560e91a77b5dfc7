#!/usr/bin/env bash
# Session 20: CUDA latency of four kernels on one machine, alternating, three rounds: session 16's a279f40, session
# 17's 35ed77c, session 19's 9889c8d (backend-cuda jars built in a worktree, carried as .h100/old/) and this build's
# (the distribution). N4 ran a279f40 at 3.51-3.59 us against 3.61-3.73 for this build. Log $OUT/session20-bisect.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh session20-bisect.txt
NEW=$CP
for round in 1 2 3; do
  for b in a279f40 35ed77c 9889c8d this; do
    step "round $round: cuda latency, backend-cuda of $b"
    CP=$([ $b = this ] && echo "$NEW" || echo "$H/old/vyre-backend-cuda-$b.jar:$NEW") ring "" latency 1
  done
done
step "done"
