#!/usr/bin/env bash
# Runs the jcstress tests of this module and fails when any test failed: a FORBIDDEN outcome was observed, or a
# test errored. jcstress's Main exits 0 either way, so this reads its closing "(Results: ...)" line.
#   run-jcstress.sh CLASSPATH RESULTS_DIR "JCSTRESS ARGS"
# ./mvnw verify runs it with the time-bounded CI arguments; a long run (see docs/RELIABILITY.md):
#   ./mvnw -pl stress verify -Dvyre.jcstress.args="-m default"
set -uo pipefail
classpath=$1
results=$2
read -r -a args <<<"${3:-}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$results"
results=$(cd "$results" && pwd)
log="$results/jcstress.log"
# from inside the results directory: jcstress writes its result blob into the working directory
(cd "$results" && exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$classpath" org.openjdk.jcstress.Main "${args[@]}" \
  -r "$results") 2>&1 | tee "$log" \
  | grep --line-buffered -E '^\[(OK|FAILED|ERROR)|^\s+\[(FAILED|ERROR)|\(Results:|FORBIDDEN'
rc=${PIPESTATUS[0]}
summary=$(grep -E '^\(Results: ' "$log" | tail -n1)
if command -v python3 >/dev/null; then
  python3 "$here/outcomes.py" "$results" | tee "$results/outcomes.txt"
fi
echo "jcstress: ${summary:-no results line} (log: $log)"
if [ "$rc" -ne 0 ]; then
  echo "jcstress: FAILED: the jcstress JVM exited with $rc. Fix: read $log." >&2
  exit 1
fi
if [[ ! "$summary" =~ \(Results:\ ([0-9]+)\ planned\;\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ soft\ errs,\ ([0-9]+)\ hard\ errs\) ]]; then
  echo "jcstress: FAILED: no results line in $log. Fix: read the log; the run did not finish." >&2
  exit 1
fi
planned=${BASH_REMATCH[1]}; passed=${BASH_REMATCH[2]}; failed=${BASH_REMATCH[3]}
soft=${BASH_REMATCH[4]}; hard=${BASH_REMATCH[5]}
if [ "$planned" -eq 0 ] || [ "$passed" -ne "$planned" ] || [ "$failed" -ne 0 ] || [ "$soft" -ne 0 ] || [ "$hard" -ne 0 ]; then
  echo "jcstress: FAILED: $failed failed (a FORBIDDEN outcome was seen), $soft soft and $hard hard errors, $passed of $planned passed. Fix: open $results/index.html and fix the race it shows." >&2
  exit 1
fi
echo "jcstress: $passed of $planned test runs passed, no FORBIDDEN outcome"
