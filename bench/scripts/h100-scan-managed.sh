#!/usr/bin/env bash
# Issue 11, scan from the page cache on CUDA: the data buffer in pinned memory (default) against managed memory
# (-Dvyre.cuda.dataMemory=managed-read-mostly, then managed), same 512 MB file, 64K x 1,024, --no-direct; the
# first run also fills the compile cache. Short (the last seconds of a session's budget). Carry the tarball.
set -u
cd "$(dirname "$0")/../.."
. bench/scripts/h100-env.sh scan-managed.txt
W=/tmp/vyre-m && rm -rf $W && mkdir -p $W
head -c 400000000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/f.txt
for mem in pinned managed-read-mostly managed pinned; do
  step "$mem"
  timeout -s KILL 40 $JAVA -Dvyre.cuda.dataMemory=$mem -cp "$D/lib/*" dev.vyre.cli.VyreCommand scan --backend cuda \
    --random-patterns 1000 --chunk 64K --slots 1024 --no-direct --top 1 $W/f.txt 2>&1 | grep -E "device \(|CPU peer|WARN|Fix" | cut -c1-200
done
