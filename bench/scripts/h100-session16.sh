#!/usr/bin/env bash
# Session 16 on the GPU machine, one part per call (each inside 10 minutes). Carry .h100's tarball of this build,
# bench.jar and gl/ (HdrHistogram.jar is in the distribution). Log $OUT/session16-PART.txt.
#   ahead  issue 18: CUDA conformance of this build (the leader alone issues its generation CAS beside the tenant
#          loads and reads the tenant again after a give-back: session 15's last build, first GPU run); ring_budget
#          with the poll-ahead variants (two or three tail-line reads in flight, spaced by a fraction of the measured
#          round trip); CUDA latency, three rounds alternating: this build, two reads in flight
#          (-Dvyre.cuda.variant=2048; the bit was removed after K1 measured it slower, later builds ignore it), the
#          earlier claim and fence (1536); traced runs of this build and of 2048 (the
#          inline run split into claim, execution, fence and DONE; the idle loop's period); CUDA conformance with 2048;
#          Vulkan latency against the earlier order, one round (about 5 minutes). With .h100/vram_doorbell carried,
#          also the C round trip with the tail line in VRAM (Vulkan memory imported into CUDA) against mapped host memory
#   vram   (the tail lines in device memory written through BAR1, -Dvyre.cuda.tailLines=auto by default) CUDA
#          conformance of this build; CUDA latency, three rounds alternating: tail lines in device memory (=vram) and
#          in host memory (=host); traced runs of both (the line names the placement); publishSlots/64 from 1 and 4
#          publishers, both placements; the 4-publisher soak (10^9 slots) with vram (about 4 minutes)
#   diag   (vram stalled a lone publication) vram_doorbell with the lock-add fence and a long idle poll; RingBench
#          latency with the tail lines in device memory: the leader takes every submission from the array
#          (-Dvyre.cuda.variant=8), never runs one itself (4), one submission queue (about 2 minutes)
#   vram2  (the device zeroes the block too) CUDA conformance with =vram; then CUDA latency with one submission
#          queue, the lines in device and in host memory (about 2 minutes)
set -u
cd "$(dirname "$0")/../.."
PART=${1:?usage: h100-session16.sh ahead|vram|diag|vram2. Fix: name the part}
. bench/scripts/h100-env.sh "session16-$PART.txt"
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current --format=csv,noheader
grep -m1 "model name" /proc/cpuinfo; nproc
case "$PART" in
ahead)
  step "conformance, cuda, this build"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session16.json 2>&1 | tail -3
  step "cuda: ring_budget, every variant (bench/native/ring_budget.cu, built here)"
  RB=/tmp/ring_budget; nvcc -O2 -std=c++20 -arch=sm_90 -o $RB bench/native/ring_budget.cu 2>&1 | grep -i error
  [ -x $RB ] && timeout -s KILL 90 $RB 100000 2>&1 | grep -E "^ring_budget|^\| [a-z]|^idle"
  step "cuda: vram_doorbell (bench/native/vram_doorbell.cu, carried as .h100/vram_doorbell: built where the Vulkan headers are)"
  [ -x $H/vram_doorbell ] && LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib:${LD_LIBRARY_PATH:-} timeout -s KILL 60 $H/vram_doorbell 100000 2>&1 | grep -E "^vram|^vulkan|^\| [a-z]|Fix|error" | head -12
  for r in 1 2 3; do
    for v in 0 2048 1536; do
      step "round $r: cuda latency, -Dvyre.cuda.variant=$v"
      ring "-Dvyre.cuda.variant=$v" latency 1
    done
  done
  for v in 0 2048; do
    step "cuda latency traced, -Dvyre.cuda.variant=$v"
    ring "-Dvyre.cuda.variant=$v -Dvyre.cuda.trace=true" latency 1
  done
  step "conformance, cuda, -Dvyre.cuda.variant=2048"
  VYRE_JAVA_OPTS="-Dvyre.cuda.variant=2048" timeout -s KILL 120 $V conform --backend cuda \
    --report $OUT/conform-cuda-session16-2048.json 2>&1 | tail -3
  step "round 1: vulkan latency, the earlier order (-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true)"
  vk "-Dvyre.vulkan.ringStatusLast=false -Dvyre.vulkan.doneBarrier=true" latency
  step "round 1: vulkan latency, this build"
  vk "" latency
  step "done" ;;
vram)
  step "conformance, cuda, this build (tail lines auto: device memory where Vulkan maps it)"
  timeout -s KILL 120 $V conform --backend cuda --report $OUT/conform-cuda-session16-vram.json 2>&1 | tail -3
  for r in 1 2 3; do
    for t in vram host; do
      step "round $r: cuda latency, -Dvyre.cuda.tailLines=$t"
      ring "-Dvyre.cuda.tailLines=$t" latency 1
    done
  done
  for t in vram host; do
    step "cuda latency traced, -Dvyre.cuda.tailLines=$t"
    timeout -s KILL 40 $JAVA -Dvyre.cuda.tailLines=$t -Dvyre.cuda.trace=true -cp "$CP" dev.vyre.bench.RingBench \
      --backend cuda --mode latency --seconds 3 --warmup 1 2>&1 | grep -E "^latency|vyre.cuda.trace|Fix" | head -3
  done
  for t in vram host; do
    step "cuda publishSlots/64, 1 and 4 publishers, -Dvyre.cuda.tailLines=$t"
    ring "-Dvyre.cuda.tailLines=$t" throughput 1
    ring "-Dvyre.cuda.tailLines=$t" throughput 4
  done
  step "cuda soak, 10^9 slots, 4 publishers, -Dvyre.cuda.tailLines=vram"
  timeout -s KILL 60 $JAVA -Dvyre.cuda.tailLines=vram -cp "$CP" dev.vyre.bench.SoakBench --backend cuda \
    --total 1000000000 --slots 65536 --batch 64 --publishers 4 2>&1 | grep -E "^soak|PASS|FAIL|Fix" | head -4 | cut -c1-240
  step "done" ;;
diag)
  step "cuda: vram_doorbell (carried as .h100/vram_doorbell)"
  [ -x $H/vram_doorbell ] && LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib:${LD_LIBRARY_PATH:-} timeout -s KILL 60 \
    $H/vram_doorbell 100000 2>&1 | grep -E "^vram|^vulkan|^\| [a-z]|Fix|error" | head -16
  for o in "-Dvyre.cuda.variant=8" "-Dvyre.cuda.variant=4" "-Dvyre.cuda.submissionQueues=1" ""; do
    step "cuda latency traced, -Dvyre.cuda.tailLines=vram $o"
    timeout -s KILL 25 $JAVA -Dvyre.cuda.tailLines=vram $o -Dvyre.cuda.trace=true -cp "$CP" dev.vyre.bench.RingBench \
      --backend cuda --mode latency --seconds 2 --warmup 1 2>&1 | grep -E "^latency|vyre.cuda.trace|Fix" | head -3
  done
  step "done" ;;
vram2)
  step "conformance, cuda, -Dvyre.cuda.tailLines=vram"
  VYRE_JAVA_OPTS="-Dvyre.cuda.tailLines=vram" timeout -s KILL 100 $V conform --backend cuda \
    --report $OUT/conform-cuda-session16-vram2.json 2>&1 | grep -E "FAILED|^cuda|BACKEND" | head -8
  for n in 1; do
    for t in vram host; do
      step "cuda latency traced, -Dvyre.cuda.submissionQueues=$n -Dvyre.cuda.tailLines=$t"
      timeout -s KILL 25 $JAVA -Dvyre.cuda.tailLines=$t -Dvyre.cuda.submissionQueues=$n -Dvyre.cuda.trace=true \
        -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 2 --warmup 1 2>&1 \
        | grep -E "^latency|vyre.cuda.trace|Fix" | head -3
    done
  done
  step "done" ;;
*) echo "unknown part $PART. Fix: name the part: ahead, vram, diag or vram2"; exit 2 ;;
esac
