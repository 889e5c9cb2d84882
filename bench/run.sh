#!/usr/bin/env bash
# One command for the benchmark harness (issue 6). Builds the hub's packaged jar and the harness, then runs it:
#   bench/run.sh --rates 25,50,100,200 --duration 15s
#   bench/run.sh --smoke                 # a few seconds at a low rate: checks the harness still works
#   bench/run.sh --mode fhir --fhir-base http://127.0.0.1:8090/fhir --rates 50,100   # another FHIR server
# Options are listed in bench/README.md. Set BENCH_SKIP_BUILD=1 to reuse existing builds.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for a in "$@"; do
  if [ "$a" = "--smoke" ]; then args+=(--rates 5 --duration 3s --warmup 2s --settle 1s --drain 5s --slow-delay 500ms); else args+=("$a"); fi
done
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q package -DskipTests
  ./mvnw -B -q -f bench/pom.xml package
fi
exec java -Xmx256m -cp "bench/target/classes:bench/target/lib/*" org.rightcare.bench.Bench "${args[@]}"
