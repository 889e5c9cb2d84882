#!/usr/bin/env bash
# One command for the benchmark harness (issue 6). Builds the hub's packaged jar and the harness, then runs it:
#   bench/run.sh --rates 200,500,1000 --duration 60s --search   # results in bench/results/<UTC timestamp>/
#   bench/run.sh --smoke                 # a few seconds at a low rate, failing unless every event and offer went through
#   bench/run.sh --mode fhir --fhir-base http://127.0.0.1:8090/fhir --rates 50,100   # another FHIR server
#   bench/run.sh --rates 25,50,100 --search --compare hapi   # then the same against HAPI FHIR JPA (bench/hapi-jpa)
#   bench/run.sh --native --rates 200 --duration 60s        # the native executable (./mvnw package -Pnative) instead of the jar
# Options are listed in bench/README.md. BENCH_SKIP_BUILD=1 reuses both builds; BENCH_SKIP_BUILD=hub reuses the hub's
# jar and builds only the harness (what `./mvnw verify` does for its smoke run). The HAPI FHIR JPA server of
# bench/hapi-jpa is built only when the run compares with it. BENCH_HEAP sets the harness's own heap (default 1g): at
# 1,000/s against a hub that falls behind it holds tens of thousands of unanswered requests, which 256 MB did not.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
compare=0
native=0
for a in "$@"; do
  [ "$a" = "--compare" ] && compare=1
  [ "$a" = "--native" ] && native=1
  if [ "$a" = "--smoke" ]; then
    args+=(--rates 5 --duration 3s --warmup 2s --settle 1s --drain 30s --slow-delay 500ms --directory-services 20 --expect-clean)
  else
    args+=("$a")
  fi
done
skip="${BENCH_SKIP_BUILD:-0}"
# The native executable takes half an hour to build here: --native never builds it, it uses target/*-runner.
if [ "$skip" != "1" ] && [ "$skip" != "hub" ] && [ "$native" = "0" ]; then
  ./mvnw -B -q package -DskipTests
fi
if [ "$skip" != "1" ]; then
  ./mvnw -B -q -f bench/pom.xml package
  if [ "$compare" = "1" ]; then
    ./mvnw -B -q -f bench/hapi-jpa/pom.xml clean package
  fi
fi
exec java -Xmx"${BENCH_HEAP:-1g}" -cp "bench/target/classes:bench/target/lib/*" org.rightcare.bench.Bench "${args[@]}"
