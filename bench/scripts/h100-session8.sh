#!/usr/bin/env bash
# Session 8's GPU calls (kind nvidia-h100-x1), one per argument; log $OUT/session8-<part>.txt.
#   vulkan: H100_DIR=.h100/vk carried (the distribution without the JCuda jars, bench.jar, HdrHistogram.jar,
#           gl/, vvl/, old/ = the jars of 888fe8b):
#     1. the whole Vulkan suite under synchronization validation (after the abandoned-session fix: 0 errors?)
#     2. a Vulkan soak of 10^9 slots, publishSlots runs of 64, 4 publishers (issue 17)
#     3. Vulkan publishSlots/64, old (888fe8b) vs new, 5 alternating rounds of 3 s (issue 10)
#   cuda: .h100 carried (tarball, bench.jar, HdrHistogram.jar, rec-prev/ = vyre-protocol and vyre-api of the build before the
#         recorder read images back from the ring):
#     1. vyre scan --resident 256M on CUDA by data memory and chunk size (issue 11)
#     2. CompileCacheBench on CUDA with the NVRTC probe: where a warm registration's time goes (issue 11)
#     3. recording overhead, CUDA publishSlots/64, background recorder: rec-prev vs this build, 3 rounds (issue 12)
#   cuda2 (same carry as cuda): CompileCacheBench on CUDA after the lazy NVRTC binding; vyre scan --resident with
#         the option alone (no experiment property: residentData puts the buffer in managed memory)
#   vulkan2 (same carry as vulkan): the 10^9 soak again, 0.5 s samples (the decay check now ignores samples taken
#         after a publisher finished); the suite under GPU-assisted plus synchronization validation
#   scan (carry: tarball, bench.jar, HdrHistogram.jar, gl/): vyre scan --resident 256M, 1,000 patterns, by
#         --workers (CUDA worker warps; default 64) and chunk, then Vulkan with the same text
#   final (carry: tarball, bench.jar, HdrHistogram.jar, gl/): vyre scan --resident on CUDA with no --workers (the
#         CLI's resident default, 1,024 worker warps) at 4K and 64K chunks; Vulkan publishSlots/64, 3 runs
#   last (carry: tarball, bench.jar, HdrHistogram.jar, gl/): CompileCacheBench on CUDA and Vulkan after the CRC-32C
#         footer; the README's scan command on CUDA (512 MiB, the resident defaults)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session8.sh vulkan|cuda|vulkan2|cuda2|scan|final|last. Fix: name the part}
. bench/scripts/h100-env.sh "session8-$PART.txt"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
case "$PART" in
vulkan)
  step "1. Vulkan suite under synchronization validation"
  SKIP_DEBS=0 H100_DIR=$H timeout -s KILL 200 bash bench/scripts/h100-vulkan-validation.sh sync 2>&1 \
    | grep -E "^vulkan |validation errors|by message|^ +[0-9]+ \[|FAILED" | head -20
  step "2. Vulkan soak, 10^9 slots"
  timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend vulkan --total 1000000000 --batch 64 \
    --publishers 4 --sample 2 2>&1 | tail -14 | cut -c1-300
  echo "soak exit ${PIPESTATUS[0]}"
  step "3. Vulkan publishSlots/64, old (888fe8b) vs new, 5 rounds"
  vulkan_slots() {
    timeout -s KILL 25 $JAVA -cp "$1" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| vulkan|Fix" | cut -c1-200
  }
  alternate 5 "$H/old/*:$THIRD$H/HdrHistogram.jar" "$CP" vulkan_slots
  ;;
cuda)
  step "1. vyre scan --resident 256M, CUDA, by data memory and chunk"
  for memory in managed pinned; do
    for chunk in 4K 16K 64K; do
      [ $memory = pinned ] && [ $chunk != 16K ] && continue
      echo "-- $memory, chunk $chunk"
      VYRE_JAVA_OPTS="-Dvyre.cuda.dataMemory=$memory" timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 \
        --resident 256M --passes 5 --chunk $chunk 2>&1 | grep -E "device:|CPU peer|agree|Fix" | cut -c1-200
    done
  done
  step "2. CompileCacheBench, CUDA, NVRTC probe"
  timeout -s KILL 200 $JAVA -Dvyre.bench.probeNvrtc=true -cp "$CP" dev.vyre.bench.CompileCacheBench --backends cuda \
    --runs 3 2>&1 | grep -E "PROBE|^\| cuda|register \+ open" | cut -c1-250
  step "3. recording overhead, CUDA publishSlots/64, background x1: previous recorder vs ring-reading one"
  recorded() {
    timeout -s KILL 40 $JAVA -cp "$1" dev.vyre.bench.RingBench --backend cuda --mode throughput --slots 65536 \
      --seconds 2 --warmup 1 --batch 64 --api slots --record /dev/shm/ring.vrri --record-capacity 65536 \
      --record-rounds 2 --record-mode background 2>&1 | grep -E "best of|Exception|Fix" | head -3
    rm -f /dev/shm/ring.vrri
  }
  alternate 3 "$H/rec-prev/*:$CP" "$CP" recorded # old: the recorder before the ring-reading one
  ;;
cuda2)
  step "1. CompileCacheBench, CUDA, lazy NVRTC binding"
  timeout -s KILL 200 $JAVA -cp "$CP" dev.vyre.bench.CompileCacheBench --backends cuda --runs 5 2>&1 \
    | grep -E "^\| cuda|register \+ open" | cut -c1-250
  step "2. vyre scan --resident 256M --chunk 4K on CUDA, residentData from the command alone"
  timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --resident 256M --passes 5 --chunk 4K 2>&1 \
    | grep -E "device:|CPU peer|agree|Fix" | cut -c1-200
  ;;
vulkan2)
  step "1. Vulkan soak, 10^9 slots, 0.5 s samples"
  timeout -s KILL 90 $JAVA -cp "$CP" dev.vyre.bench.SoakBench --backend vulkan --total 1000000000 --batch 64 \
    --publishers 4 --sample 0.5 2>&1 | tail -22 | cut -c1-300
  echo "soak exit ${PIPESTATUS[0]}"
  step "2. Vulkan suite under GPU-assisted and synchronization validation"
  SKIP_DEBS=0 H100_DIR=$H timeout -s KILL 200 bash bench/scripts/h100-vulkan-validation.sh both 2>&1 \
    | grep -E "^vulkan |validation errors|by message|^ +[0-9]+ \[|FAILED|refused" | head -20
  ;;
scan)
  step "1. vyre scan --resident 256M on CUDA by worker warps and chunk"
  for wc in 64:4K 256:4K 1024:4K 4096:4K 1024:2K 4096:2K 1024:16K; do
    w=${wc%:*}; c=${wc#*:}
    echo "-- workers $w, chunk $c"
    timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --resident 256M --passes 5 --chunk $c \
      --workers $w 2>&1 | grep -E "device:|CPU peer|agree|Fix" | cut -c1-200
  done
  step "2. the same on Vulkan, chunk 4K"
  timeout -s KILL 60 $V scan --backend vulkan --random-patterns 1000 --resident 256M --passes 5 --chunk 4K 2>&1 \
    | grep -E "device:|CPU peer|agree|Fix" | cut -c1-200
  ;;
final)
  step "1. vyre scan --resident 256M on CUDA, no --workers"
  for c in 4K 64K; do
    timeout -s KILL 60 $V scan --backend cuda --random-patterns 1000 --resident 256M --passes 5 --chunk $c 2>&1 \
      | grep -E "resident:|device:|CPU peer|agree|Fix" | cut -c1-200
  done
  step "2. Vulkan publishSlots/64, 3 runs"
  for run in 1 2 3; do
    timeout -s KILL 25 $JAVA -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode throughput --slots 65536 \
      --seconds 3 --warmup 1 --batch 64 --api slots 2>&1 | grep -E "^\| vulkan|Fix" | cut -c1-200
  done
  ;;
last)
  step "1. CompileCacheBench, CUDA and Vulkan, CRC-32C footer"
  timeout -s KILL 240 $JAVA -cp "$CP" dev.vyre.bench.CompileCacheBench --backends cuda,vulkan --runs 5 2>&1 \
    | grep -E "^\| (cuda|vulkan)|register \+ open" | cut -c1-250
  step "2. the README's scan: vyre scan --backend cuda --random-patterns 1000 --resident 512M"
  timeout -s KILL 90 $V scan --backend cuda --random-patterns 1000 --resident 512M 2>&1 \
    | grep -E "resident:|device:|CPU peer|agree|Fix" | cut -c1-200
  echo "exit ${PIPESTATUS[0]}"
  ;;
*) echo "unknown part $PART. Fix: name vulkan, cuda, vulkan2, cuda2, scan, final or last" >&2; exit 2 ;;
esac
step "done"
