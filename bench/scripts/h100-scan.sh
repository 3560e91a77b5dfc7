#!/usr/bin/env bash
# vyre scan on the GPU machine, from the distribution tarball (its own jlink'ed runtime, no JDK), one call,
# with .h100 carried:
#   .h100/vyre-*-linux-x86_64.tar.gz  the distribution
#   .h100/gl/*.deb                     the Vulkan loader (the GPU machine has none)
# Runs, on CUDA and Vulkan:
#   1. counts against an independent check: awk counts every (overlapping) occurrence of 24 literals in a
#      6 MB text line by line (no literal holds a newline); vyre scan must print the same count for each,
#      and its CPU peer must agree (else vyre exits 1);
#   2. scanning from the resident data buffer (no IO), 1,000 random literals over 512 MiB of text, the CPU
#      peer (same DFA, every core) in the same run, with the resident defaults (and 16K chunks on CUDA);
#   3. a 2 GiB file: `vyre ingest` (io_uring + CRC32C per chunk) and `vyre scan` with the same chunking,
#      O_DIRECT and page cache, the CPU peer (from memory) beside.
# STEPS=13 (say) runs only those steps (default 123).
# Look for: "check ... equal" lines (1), "device: best X GB/s" against "CPU peer ... GB/s" (2), and the
# "total:"/"device (...)" rates of ingest and scan on the same file (3).
set -u
cd "$(dirname "$0")/../.."
H=.h100
for f in $H/gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.current,pcie.link.width.current --format=csv,noheader
nproc
rm -rf /tmp/vyre && mkdir -p /tmp/vyre && tar -xzf $H/vyre-*-linux-x86_64.tar.gz -C /tmp/vyre
D=$(echo /tmp/vyre/vyre-*)
V="env -u JAVA_HOME $D/bin/vyre"
export LC_ALL=C
W=/tmp/vyre-scan && rm -rf $W && mkdir -p $W
STEPS=${STEPS:-123}
if [[ $STEPS == *1* ]]; then

echo "== 1. counts against awk (overlapping occurrences), CUDA and Vulkan"
head -c 4500000 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/check.txt
printf '%s\n' aa aaa aaaa ab abab ba a b 'a a' '  ' the qq zzz xyz abcd hello 'b a' aab baa abba cc ccc ccca zyx \
  > $W/check-patterns.txt
awk -v PF=$W/check-patterns.txt 'BEGIN { while ((getline l < PF) > 0) p[++n] = l }
  { for (i = 1; i <= n; i++) { s = $0; while ((k = index(s, p[i])) > 0) { c[i]++; s = substr(s, k + 1) } } }
  END { for (i = 1; i <= n; i++) print i, c[i] + 0 }' $W/check.txt > $W/awk.txt
for b in cuda vulkan; do
  timeout -s KILL 120 $V scan --backend $b --patterns $W/check-patterns.txt --chunk 16K --slots 256 $W/check.txt \
    > $W/check-$b.txt 2>&1; rc=$?
  sed -nE 's/^ +([0-9,]+) +#([0-9]+) .*/\2 \1/p' $W/check-$b.txt | tr -d ',' > $W/vyre-$b.txt
  if [ $rc -eq 0 ] && diff -q $W/awk.txt $W/vyre-$b.txt > /dev/null; then
    echo "check $b: 24 counts equal awk's ($(awk '{s += $2} END {print s}' $W/awk.txt) occurrences); exit $rc"
  else
    echo "check $b: MISMATCH or failure (exit $rc)"; diff $W/awk.txt $W/vyre-$b.txt | head; tail -5 $W/check-$b.txt
  fi
  grep -E "device \(|CPU peer" $W/check-$b.txt
done
echo "== 1b. --matches on CUDA: offsets of a 1 MB slice (lines printed = occurrences counted)"
head -c 1000000 $W/check.txt > $W/slice.txt
timeout -s KILL 120 $V scan --backend cuda --patterns $W/check-patterns.txt --matches $W/slice.txt > $W/matches.txt 2>&1
echo "exit $?: $(grep -c '^/tmp/vyre-scan/slice.txt:' $W/matches.txt) match lines; $(grep -E 'total:|match lines' $W/matches.txt | tr '\n' ' ')"

fi
if [[ $STEPS == *2* ]]; then
echo "== 2. resident data buffer, 1,000 patterns, 512 MiB (the resident defaults: 4K chunks, 1,024 CUDA worker warps)"
for run in "cuda 4K 0" "cuda 16K 0" "vulkan 4K 0"; do
  set -- $run
  echo "-- $1 --chunk $2 --workers $3"
  timeout -s KILL 240 $V scan --backend $1 --random-patterns 1000 --resident 512M --passes 5 --chunk $2 --workers $3 \
    2>&1 | grep -E "vyre scan:|resident:|device:|CPU peer|agree|Fix"
done

fi
if [[ $STEPS == *3* ]]; then
echo "== 3. a 2 GiB file: ingest vs scan, same chunking"
head -c 1610612736 /dev/urandom | base64 -w 100 | tr 'A-Z0-9+/' 'a-za-j  ' > $W/big.txt
ls -l $W/big.txt
for b in cuda vulkan; do
  for io in "" --no-direct; do
    echo "-- $b ${io:-O_DIRECT}"
    timeout -s KILL 300 $V ingest --backend $b --chunk 64K --slots 1024 $io $W/big.txt 2>&1 | grep -E "total:|Fix"
    timeout -s KILL 300 $V scan --backend $b --random-patterns 1000 --chunk 64K --slots 1024 --top 3 $io $W/big.txt 2>&1 \
      | grep -E "device \(|CPU peer|total:|Fix"
  done
  echo "-- $b ingest with its default 1 MiB chunks (its best case), page cache"
  timeout -s KILL 300 $V ingest --backend $b --slots 32 --no-direct $W/big.txt 2>&1 | grep -E "total:|Fix"
done
fi
rm -rf $W
