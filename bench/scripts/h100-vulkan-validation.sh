#!/usr/bin/env bash
# Issue 17 item 4: the whole Vulkan conformance suite (`vyre conform --backend vulkan`) under
# VK_LAYER_KHRONOS_validation with its GPU-assisted and synchronization validation, on the H100.
#
#   bash bench/scripts/h100-vulkan-validation.sh [both|sync|all]     (default: all)
#
#   both: -Dvyre.vulkan.validationFeatures=gpu-assisted,synchronization. The one-pass cases run; the
#         persistent ones are SKIPPED by design (GPU-assisted validation waits inside vkQueueSubmit for
#         each submission to finish, so the backend turns persistent sessions off under it).
#   sync: -Dvyre.vulkan.validationFeatures=synchronization: every case, persistent sessions included.
#
# Carry .h100 holding vyre-*-linux-x86_64.tar.gz (built with the validation-feature change), gl/*.deb
# (libvulkan1, as for h100-diag.sh) and vvl/vulkan-validationlayers_1.3.239.0-2_amd64.deb (Debian 12; needs
# glibc >= 2.34 and libstdc++ with GLIBCXX_3.4.30, checked below). Every line is teed to
# $OUT/vulkan-validation.txt; reports go to $OUT/conformance-vulkan-<run>.json and the full output of each
# run to $OUT/vvl-<run>.txt. SKIP_DEBS=1 skips the dpkg -x steps (a machine with the layer installed);
# H100_DIR=dir reads the carry from dir instead of .h100.
# The backend writes each validation error as "vyre vulkan validation error: ..." and, when a device
# closes, "vyre vulkan validation summary: <device>: <layer> <version>, features: <running>[; <feature>
# refused: <the layer's message>], <n> errors" to standard error; the counts below come from those lines.
set -u
cd "$(dirname "$0")/../.."
H=${H100_DIR:-.h100}
OUT=${OUT:-/tmp/vyre-out}
WHICH=${1:-all}
case "$WHICH" in both|sync|all) ;; *) echo "usage: $0 [both|sync|all]. Fix: name one of both, sync, all" >&2; exit 2 ;; esac
mkdir -p "$OUT"
exec > >(tee -a "$OUT/vulkan-validation.txt") 2>&1
t0=$(date +%s)
step() { echo; echo "== [$(( $(date +%s) - t0 )) s] $*"; }

step "setup: libvulkan1 and vulkan-validationlayers (dpkg -x /), the NVIDIA ICD, the layer path"
if [ "${SKIP_DEBS:-0}" != 1 ]; then
  for f in $H/gl/*.deb $H/vvl/*.deb; do [ -e "$f" ] && dpkg -x "$f" / ; done; ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
export VK_LAYER_PATH=/usr/share/vulkan/explicit_layer.d
layer=/usr/lib/x86_64-linux-gnu/libVkLayer_khronos_validation.so
grep -h '"api_version"' $VK_LAYER_PATH/VkLayer_khronos_validation.json
echo "glibc: $(ldd --version | head -1)"
libstdcxx=$(ldconfig -p | grep -m1 'libstdc++.so.6 ' | sed 's/.*=> //')
echo "libstdc++: $libstdcxx, GLIBCXX_3.4.30 $(grep -q -a GLIBCXX_3.4.30 "$libstdcxx" && echo present || echo MISSING)"
if ldd "$layer" | grep -q "not found"; then ldd "$layer"; echo "the layer cannot load here"; fi
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"

# run NAME FEATURES LIMIT_S
run() {
  local name=$1 features=$2 limit=$3 log=$OUT/vvl-$1.txt
  step "vyre conform --backend vulkan, validation features: $features (limit ${limit} s)"
  VYRE_JAVA_OPTS="-Dvyre.vulkan.validation=true -Dvyre.vulkan.validationFeatures=$features" \
    timeout -s KILL "$limit" $V conform --backend vulkan --report "$OUT/conformance-vulkan-$name.json" > "$log" 2>&1
  echo "exit $?"
  grep -E "^== vulkan|^vulkan +[0-9]" "$log" | cut -c1-1500
  grep -E "^  FAILED" "$log" | cut -c1-400 | head -20
  grep -F "vyre vulkan validation summary:" "$log" | tail -1 | cut -c1-1500
  errors=$(grep -c -F "vyre vulkan validation error:" "$log")
  echo "validation errors ($features): $errors"
  if [ "$errors" -gt 0 ]; then
    echo "by message id:"
    grep -F "vyre vulkan validation error:" "$log" | grep -o -E '\[ [A-Za-z0-9_-]+[^]]* \]' | sort | uniq -c | sort -rn | head -20
    grep -F "vyre vulkan validation error:" "$log" | head -5 | cut -c1-1200
  fi
}

case "$WHICH" in
  both) run both gpu-assisted,synchronization 560 ;;
  sync) run sync synchronization 560 ;;
  all) run both gpu-assisted,synchronization 300; run sync synchronization 270 ;;
esac
ls "$OUT"
step "done"
