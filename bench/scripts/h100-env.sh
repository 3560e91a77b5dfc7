# Sourced by the GPU-machine scripts (bench/scripts/h100-*.sh): from the repository root, with .h100 carried
# (vyre-*-linux-x86_64.tar.gz or .tar.xz, bench.jar, HdrHistogram.jar, gl/*.deb; H100_DIR=dir reads them from dir), tees every line to $OUT/$1 and sets
#   H (the carry), OUT, step "text" (a timed heading), D (the unpacked distribution), V (its vyre launcher),
#   JAVA (its runtime with native access), CP (distribution + bench + HdrHistogram class path), THIRD (the
#   distribution's third-party jars, ':'-terminated, for an older build's class path) and the helpers below
#   (alternate, pacedcost, recorderab, ring, vk; a script may define its own ring or vk after sourcing this).
# It installs the Vulkan loader from gl/*.deb (and the OpenCL ICD loader from opencl/*.deb when carried) and
# points the loader at the NVIDIA ICD when the machine has one.
H=${H100_DIR:-.h100}
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/$1") 2>&1
t0=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - t0 )) s] $*"; }
for f in $H/gl/*.deb $H/opencl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
T=$(ls $H/vyre-*-linux-x86_64.tar.* | head -1)
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && { tar -xf "$T" -C /tmp/vyre 2>/dev/null \
  || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$T" /tmp/vyre; }
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
JAVA="$D/runtime/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
CP="$D/lib/*:$H/bench.jar:$H/HdrHistogram.jar"
THIRD=$(ls "$D"/lib/*.jar | grep -v '/lib/vyre-' | tr '\n' ':')
# alternate ROUNDS OLD_CP NEW_CP RUN: ROUNDS times "-- round R old", RUN OLD_CP, "-- round R new", RUN NEW_CP
# (RUN a shell function taking the class path): an A/B of two builds on one machine, alternating.
alternate() {
  local rounds=$1 old=$2 new=$3 run=$4 r
  for r in $(seq "$rounds"); do
    echo "-- round $r old"; "$run" "$old"
    echo "-- round $r new"; "$run" "$new"
  done
}
# pacedcost CLASSPATH: the publisher's own cost of the ring-reading recorder, RecordingBench paced at 100 M slots/s with
# 4 drain threads (time inside the publish call per slot), against the bare ring write
pacedcost() {
  timeout -s KILL 40 $JAVA -cp "$1" dev.vyre.bench.RecordingBench --seconds 1 --rounds 1 --capacity 65536 \
    --ring-read --parts publish --pace 100e6 --drainers 4 2>&1 | grep -A2 -E "^publish harness, (unrecorded|ringread)" \
    | grep -E "^publish|inside" | cut -c1-160
}
# recorderab OLD_CLASSPATH: recording from 1 publisher with this build's recorder, the old one, this build's again,
# then from 4 publishers with this build's (each script's own `recorded CLASSPATH "JVM OPTIONS" PUBLISHERS`)
recorderab() {
  local c
  for c in new old new; do
    step "1 publisher: recording, default drain threads, $c recorder"
    recorded "$([ $c = new ] && echo "$CP" || echo "$1")" "" 1
  done
  step "4 publishers: recording, default drain threads, new recorder"
  recorded "$CP" "" 4
}
# ring "JVM OPTIONS" MODE PUBLISHERS [extra RingBench options]: CUDA RingBench of this build (latency: 3 s after 1 s of
# warm-up, with the leader's trace line when asked for; throughput: publishSlots/64 over 65,536 slots from PUBLISHERS)
ring() {
  local opts=$1 mode=$2 p=$3; shift 3
  if [ "$mode" = latency ]; then
    timeout -s KILL 40 $JAVA $opts -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode latency --seconds 3 \
      --warmup 1 "$@" 2>&1 | grep -E "^latency|vyre.cuda.trace|vyre.cuda.loops|Fix" | head -3 | cut -c1-300
  else
    timeout -s KILL 120 $JAVA $opts -cp "$CP" dev.vyre.bench.RingBench --backend cuda --mode throughput \
      --slots 65536 --seconds 3 --warmup 1 --batch 64 --api slots --publishers $p "$@" 2>&1 \
      | grep -E "^throughput|^recording overhead|Fix" | cut -c1-260
  fi
}
# vk "JVM OPTIONS" MODE [extra]: Vulkan RingBench of this build (latency: 2 s after 1 s of warm-up)
vk() {
  local opts=$1 mode=$2; shift 2
  timeout -s KILL 40 $JAVA $opts -cp "$CP" dev.vyre.bench.RingBench --backend vulkan --mode $mode --seconds 2 \
    --warmup 1 "$@" 2>&1 | grep -E "^latency|^throughput|Fix" | head -2 | cut -c1-400
}
