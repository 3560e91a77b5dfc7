#!/usr/bin/env bash
# Issue 12, recording overhead: is it the drain thread sharing a physical core (SMT sibling) with the publisher?
# RingBench on CUDA, publishSlots runs of 64, background recorder with one drainer (VRRI0001 in /dev/shm), in
# one call: (1) as the scheduler places threads; (2) the drainer pinned to physical cores that run no other
# thread of the JVM (taskset per thread id, re-applied every 50 ms while the JVM runs: drainers start with
# each recorded run). Prints the CPU topology, each run's "recording overhead" line and where the threads ran.
# Carry .h100 (tarball, bench.jar, HdrHistogram.jar). Log $OUT/record-smt.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh record-smt.txt
lscpu | grep -E "^CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|NUMA node\(s\)|Model name"
lscpu -p=CPU,CORE,SOCKET | grep -v '^#' | tr '\n' ' '; echo
# CPUs of the first half of the physical cores (every sibling) for the JVM, of the second half for the drainer
read -r JVM_CPUS DRAIN_CPUS < <(lscpu -p=CPU,CORE | grep -v '^#' | awk -F, '
  { cpu[NR]=$1; core[NR]=$2; if (!($2 in seen)) { seen[$2]=1; cores[++n]=$2 } }
  END { half=int(n/2); for (i=1;i<=NR;i++) { for (k=1;k<=n;k++) if (cores[k]==core[i]) idx=k;
        if (idx<=half) a=a (a==""?"":",") cpu[i]; else b=b (b==""?"":",") cpu[i] } print a, b }')
echo "JVM threads on CPUs $JVM_CPUS, drainer on CPUs $DRAIN_CPUS"
run() {
  timeout -s KILL 60 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
    --seconds 2 --warmup 1 --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 65536 \
    --record-rounds 2 --record-mode background > "$OUT/record-$1.txt" 2>&1 &
  local pid=$! jvm=""
  if [ "$1" = pinned ]; then
    while kill -0 $pid 2>/dev/null; do
      [ -z "$jvm" ] && jvm=$(pgrep -P $pid | head -1) # the JVM is timeout's child
      for t in /proc/${jvm:-none}/task/*; do
        tid=${t##*/}; name=$(cat $t/comm 2>/dev/null) || continue
        case "$name" in vyre-replay-lo*) taskset -p -c $DRAIN_CPUS $tid >/dev/null 2>&1 ;;
                        *) taskset -p -c $JVM_CPUS $tid >/dev/null 2>&1 ;; esac
      done
      sleep 0.05
    done
  fi
  wait $pid
  grep -E "recording overhead|Exception|Fix" "$OUT/record-$1.txt" | head -3
  rm -f /dev/shm/ring.vrri
}
for round in 1 2; do
  for mode in free pinned; do
    step "round $round, $mode"
    run $mode
  done
done
step "done"
