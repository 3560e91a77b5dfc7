#!/usr/bin/env bash
# Runs dev.vyre.flink.FlinkBench on the GPU machine (no JDK there) from the parts bench/scripts/flink-pack.sh
# wrote under .gpu-flink/: the CRC32C job through VyreAsyncFunction on a backend (CUDA by default) beside the
# same job with a plain CPU map, in one local MiniCluster run, one table of records/s. Each part must have been
# carried by this call or staged (--stage, into /tmp/vyre-flink) by an earlier call to the same warm machine. Output also goes to $OUT/flink-bench.txt.
#
# Usage (repository root):  bash bench/scripts/h100-flink.sh --stage            (a call carrying one part)
#                            bash bench/scripts/h100-flink.sh [FlinkBench options] (the call carrying the last)
#   default options: --backend cuda --records 10000000 (see FlinkBench: --device, --parallelism, --lanes,
#   --workers, --ordered). FLINK_JAVA=/path/to/java runs another Java instead of the packed runtime.
# Exit status: FlinkBench's (0 ok, 1 failed, 2 usage), 2 when a part is missing.
set -u
cd "$(dirname "$0")/../.."
pack=/tmp/vyre-flink
OUT=${OUT:-/tmp/vyre-out}
mkdir -p "$OUT" $pack
# a call removes the ignored paths it does not carry, so each carried part is staged outside the checkout
for part in .gpu-flink/part*/; do
  [ -d "$part" ] && rm -rf "$pack/$(basename "$part")" && cp -r "$part" "$pack/"
done
if [ "${1:-}" = --stage ]; then
  echo "h100-flink: staged $(ls $pack | tr '\n' ' ')in $pack"
  exit 0
fi

list=$(ls $pack/part*/flink-pack.list 2>/dev/null | head -1)
if [ -z "$list" ]; then
  echo "h100-flink: no part in .gpu-flink/ or $pack. Fix: run bash bench/scripts/flink-pack.sh, then carry each part" >&2
  exit 2
fi
missing=$(while read -r f; do [ -e "$pack/$f" ] || echo "${f%%/*}"; done < "$list" | sort -u | tr '\n' ' ')
if [ -n "$missing" ]; then
  echo "h100-flink: $pack/ lacks ${missing% } (a warm machine keeps what earlier calls staged; a fresh one has none)." \
    "Fix: stage each missing part on this machine first: carry [\".gpu-flink/partN\"], run bash bench/scripts/h100-flink.sh --stage" >&2
  exit 2
fi

java=${FLINK_JAVA:-}
if [ -z "$java" ]; then
  jre=/tmp/gpu-flink-jre
  packed=$(ls $pack/part*/jre.tar.xz | head -1)
  if [ ! -x $jre/bin/java ] || [ "$packed" -nt $jre/bin/java ]; then
    rm -rf $jre $jre-x && mkdir -p $jre-x && tar -xJf "$packed" -C $jre-x && mv $jre-x/jre $jre && rm -rf $jre-x
  fi
  java=$jre/bin/java
fi

# the opens Flink's launcher passes on JDK 17+ (flink.opens in flink/pom.xml)
opens=$(sed -n 's|.*<flink.opens>\(.*\)</flink.opens>.*|\1|p' flink/pom.xml)
cp=$(ls -d $pack/part*/ | sed 's|$|*|' | tr '\n' ':')
[ $# -gt 0 ] || set -- --backend cuda --records 10000000
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
echo "FlinkBench $*"
# shellcheck disable=SC2086
"$java" --enable-native-access=ALL-UNNAMED $opens -cp "$cp" dev.vyre.flink.FlinkBench "$@" 2>&1 \
  | grep -v '^WARNING: \|^SLF4J: ' | tee "$OUT/flink-bench.txt"
exit "${PIPESTATUS[0]}"
