#!/bin/sh
# Unpacks the distribution into a temporary directory and runs bin/vyre there with no JDK: an empty
# environment (no JAVA_HOME), and a PATH that holds only the few tools bin/vyre uses, none of them java.
#   sh dist/src/test/sh/smoke.sh dist/target/vyre-<version>-linux-x86_64.tar.gz
# Checks: backends lists the reference backend as available and prints no LWJGL notice even when the
# Vulkan or OpenCL loader is missing; demo --seconds 1 verifies its results; bin/vyre works through a symlink.
set -eu
tarball=${1:?usage: smoke.sh vyre-VERSION-linux-x86_64.tar.gz}
[ -f "$tarball" ] || { echo "smoke: no tarball at $tarball. Fix: build it with ./mvnw -Pdist package." >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp"
dist=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'vyre-*')
[ -x "$dist/bin/vyre" ] || { echo "smoke: FAIL: $tarball has no executable vyre-*/bin/vyre" >&2; exit 1; }

# A PATH without java: only the tools bin/vyre itself calls.
mkdir "$tmp/tools" "$tmp/home" "$tmp/links"
for tool in sh readlink dirname; do
  ln -s "$(command -v "$tool")" "$tmp/tools/$tool"
done
# PoCL (the CPU OpenCL driver) links its kernels with the system linker it finds on PATH.
if command -v ld >/dev/null 2>&1; then ln -s "$(command -v ld)" "$tmp/tools/ld"; fi
if PATH="$tmp/tools" command -v java >/dev/null 2>&1; then
  echo "smoke: FAIL: java is on the test PATH $tmp/tools" >&2; exit 1
fi
ln -s "$dist/bin/vyre" "$tmp/links/vyre"

limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 300"
failures=0
# run NAME VYRE_JAVA_OPTS COMMAND ARGS...: runs bin/vyre from / with an empty environment
run() {
  name=$1; opts=$2; shift 2
  echo "smoke: $name: $*"
  set +e
  (cd / && $limit env -i PATH="$tmp/tools" HOME="$tmp/home" VYRE_JAVA_OPTS="$opts" "$@") \
      >"$tmp/$name.out" 2>"$tmp/$name.err"
  code=$?
  set -e
  sed 's/^/    /' "$tmp/$name.out" "$tmp/$name.err"
  if [ "$code" -ne 0 ]; then
    echo "smoke: FAIL: $name exited $code" >&2; failures=$((failures + 1))
  fi
  if grep -q -e '\[LWJGL\]' -e '^WARNING:' "$tmp/$name.err"; then
    echo "smoke: FAIL: $name printed LWJGL or JVM warnings on stderr" >&2; failures=$((failures + 1))
  fi
}
expect() {  # expect NAME PATTERN: the output of run NAME matches the extended regular expression
  if ! grep -Eq -e "$2" "$tmp/$1.out"; then
    echo "smoke: FAIL: $1: no line matches '$2'" >&2; failures=$((failures + 1))
  fi
}

run backends "" "$dist/bin/vyre" backends
expect backends '^[* ] +reference +-?[0-9]+ +available'

run no-vulkan-loader "-Dorg.lwjgl.vulkan.libname=libvulkan_vyre_smoke_missing.so.1" "$dist/bin/vyre" backends
expect no-vulkan-loader '^[* ] +vulkan +-?[0-9]+ +unavailable .*libvulkan_vyre_smoke_missing\.so\.1.*Fix: '

run no-opencl-loader "-Dorg.lwjgl.opencl.libname=libOpenCL_vyre_smoke_missing.so.1" "$dist/bin/vyre" backends
expect no-opencl-loader '^[* ] +opencl +-?[0-9]+ +unavailable .*libOpenCL_vyre_smoke_missing\.so\.1.*Fix: '

run symlink "" "$tmp/links/vyre" backends
expect symlink '^[* ] +reference +-?[0-9]+ +available'

run demo "" "$dist/bin/vyre" demo --seconds 1
expect demo 'verified'

if [ "$failures" -ne 0 ]; then
  echo "smoke: $failures check(s) failed for $tarball" >&2
  exit 1
fi
echo "smoke: OK: $(basename "$tarball") runs without a JDK ($(du -k "$tarball" | cut -f1) KiB)"
