#!/usr/bin/env bash
# Takes the README's board screenshots (docs/board-*.png) from the demo, not from test fixtures: builds the hub,
# starts it in the demo profile (demo directory, demo traffic every 5 seconds, embedded PostgreSQL), waits for cases
# to arrive, drives the board in the machine's Chromium (BoardReadmeScreenshots), and stops the hub it started.
# Usage: scripts/board-screenshots.sh [port]   (needs /usr/bin/chromium; nothing else listening on the port)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8095}"
WAIT_FOR_TRAFFIC="${WAIT_FOR_TRAFFIC:-90}"

./mvnw -B -q package -DskipTests -Dformat.skip
java -Dquarkus.profile=demo -Dquarkus.http.port="$PORT" -Dhub.demo.traffic.interval=5s \
  -jar target/quarkus-app/quarkus-run.jar > target/board-screenshots-hub.log 2>&1 &
HUB=$!
trap 'kill "$HUB" 2>/dev/null || true; wait "$HUB" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if curl -fs "http://localhost:$PORT/q/health/ready" > /dev/null; then break; fi
  sleep 2
done
curl -fs "http://localhost:$PORT/q/health/ready" > /dev/null || { echo "the demo hub did not start: see target/board-screenshots-hub.log"; exit 1; }
echo "demo hub ready; letting traffic arrive for ${WAIT_FOR_TRAFFIC}s"
sleep "$WAIT_FOR_TRAFFIC"

./mvnw -B -q -o test -Dformat.skip -Dtest=BoardReadmeScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
  -Dboard.demo-url="http://localhost:$PORT/"
ls -l docs/board-*.png
