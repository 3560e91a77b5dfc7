#!/usr/bin/env bash
# Fuzzes every Jazzer target of this module, one after the other, each for DURATION (default 5m), and prints one
# summary line per target. A finding stops that target, leaves its crash input in src/test/resources/.../*Inputs/,
# and makes the script exit 1 at the end. The corpus each run grows stays in fuzz/.cifuzz-corpus/ (not committed);
# `run-fuzz.sh --keep-corpus` copies it into the regression inputs that `./mvnw verify` replays.
#   bash fuzz/run-fuzz.sh [--keep-corpus] [DURATION] [Class#method ...]
set -uo pipefail
cd "$(dirname "$0")/.."
keep=0
if [ "${1:-}" = --keep-corpus ]; then keep=1; shift; fi
duration=${1:-5m}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    dev.vyre.fuzz.ProtocolDecodersFuzzTest#controlDecoders
    dev.vyre.fuzz.ProtocolDecodersFuzzTest#ringDecoders
    dev.vyre.fuzz.ProtocolDecodersFuzzTest#encodersRoundTrip
    dev.vyre.fuzz.SlotChecksFuzzTest#slotImages
    dev.vyre.fuzz.SlotChecksFuzzTest#packedSlot
    dev.vyre.fuzz.SlotChecksFuzzTest#descriptors
    dev.vyre.fuzz.SlotChecksFuzzTest#ioQueue
    dev.vyre.fuzz.IrFuzzTest#decodeAndValidate
    dev.vyre.fuzz.IrFuzzTest#buildAndValidate
    dev.vyre.fuzz.ReplayLogFuzzTest#replayLog
    dev.vyre.cli.CliArgumentsFuzzTest#parse
  )
fi
logs=fuzz/target/fuzz-logs
mkdir -p "$logs"
failed=0
for t in "${targets[@]}"; do
  log="$logs/${t##*.}.log"
  start=$(date +%s)
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$duration ./mvnw -o -q -pl fuzz test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  stats=$(grep -E '^#[0-9]+' "$log" | tail -n1)
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n1)
  echo "$t rc=$rc wall=$((end - start))s ${done_line:-no Done line} | last: ${stats:-none}"
  [ $rc -eq 0 ] || failed=1
  if [ $keep -eq 1 ]; then
    class=${t%#*}; method=${t#*#}
    src="fuzz/.cifuzz-corpus/$class/$method"
    dst="fuzz/src/test/resources/$(echo "${class%.*}" | tr . /)/${class##*.}Inputs/$method"
    if [ -d "$src" ]; then mkdir -p "$dst" && cp -n "$src"/* "$dst"/ 2>/dev/null; fi
  fi
done
exit $failed
