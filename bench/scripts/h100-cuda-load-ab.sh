#!/usr/bin/env bash
# CUDA data-word loads, A/B in one call: .h100/abcu's backend-cuda jar (old: a data word read as four byte loads)
# against the distribution's (one aligned 4-byte load). CUDA conformance of the new build, then vyre scan
# (1,000 patterns) of a 1.5 GiB file with O_DIRECT and from the page cache, and --resident 256M, old and new
# alternating, with vyre ingest of the same file beside. Carry the tarball, gl/ and abcu/. Log $OUT/cuda-load-ab.txt.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh cuda-load-ab.txt
OLD="$(ls $H/abcu/*.jar | tr '\n' ':')$D/lib/*"
NEW="$D/lib/*"
vyre() { local cp=$1; shift; timeout -s KILL 120 $JAVA -cp "$cp" dev.vyre.cli.VyreCommand "$@"; }
step "conformance, cuda, new build"
vyre "$NEW" conform --backend cuda --report $OUT/conform-cuda-session9.json 2>&1 | tail -2
W=/tmp/vyre-ab && rm -rf $W && mkdir -p $W
head -c 1200000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/big.txt
step "ingest, page cache and O_DIRECT (64K x 1,024)"
for io in --no-direct ""; do vyre "$NEW" ingest --backend cuda --chunk 64K --slots 1024 $io $W/big.txt 2>&1 | grep -E "total:"; done
scan() {
  for io in --no-direct ""; do
    echo "   scan ${io:-O_DIRECT}"
    vyre "$1" scan --backend cuda --random-patterns 1000 --chunk 64K --slots 1024 --top 1 $io $W/big.txt 2>&1 | grep -E "device \(|Fix"
  done
  echo "   scan --resident 256M"
  vyre "$1" scan --backend cuda --random-patterns 1000 --resident 256M --passes 3 2>&1 | grep -E "device:|Fix"
}
alternate 2 "$OLD" "$NEW" scan
step done
