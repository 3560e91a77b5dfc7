#!/bin/sh
# Checks that bom/pom.xml manages the artifact of every module the root pom lists (profiles included),
# at the reactor's version.
#   sh dist/src/test/sh/check-bom.sh REPOSITORY_ROOT
set -eu
root=${1:?usage: check-bom.sh REPOSITORY_ROOT}
bom="$root/bom/pom.xml"
# a pom's own version and artifactId are the ones indented by two spaces (not inside <parent>)
version=$(sed -n 's:^  <version>\([^<]*\)</version>.*:\1:p' "$root/pom.xml" | head -n1)
bom_version=$(sed -n 's:^  <version>\([^<]*\)</version>.*:\1:p' "$bom" | head -n1)
failures=0
if [ "$version" != "$bom_version" ]; then
  echo "check-bom: FAIL: bom/pom.xml has version '$bom_version', the reactor '$version'. Fix: set <version>$version</version> in bom/pom.xml." >&2
  failures=1
fi
for module in $(grep -o '<module>[^<]*</module>' "$root/pom.xml" | sed 's:</*module>::g'); do
  [ "$module" = bom ] && continue
  artifact=$(sed -n 's:^  <artifactId>\([^<]*\)</artifactId>.*:\1:p' "$root/$module/pom.xml" | head -n1)
  if [ -z "$artifact" ]; then
    echo "check-bom: FAIL: no artifactId in $module/pom.xml. Fix: give it one." >&2
    failures=1
  elif ! grep -q "<artifactId>$artifact</artifactId>" "$bom"; then
    echo "check-bom: FAIL: bom/pom.xml does not manage $artifact (module $module). Fix: add it to bom/pom.xml's dependencyManagement." >&2
    failures=1
  fi
done
[ "$failures" -eq 0 ] && echo "check-bom: OK: bom/pom.xml manages every module's artifact at $version"
exit "$failures"
