#!/usr/bin/env bash
# Posts a CAD event file to the hub, signed as CAD contract v1 requires:
#   X-Hub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
# Usage: scripts/post-cad-event.sh EVENT.json [HUB_URL] [SECRET]
#   HUB_URL defaults to the HUB_URL environment variable, else http://localhost:8080; SECRET to the demo
#   profile's "demo-secret".
# With FRESH_IDS=1 the eventId and incidentId are replaced by new ones, so the same file can be posted again as a
# new incident.
# The event's times are moved together so that it happens now (the hub refuses calls more than 7 days old and times
# ahead of its clock), and the bytes sent are kept in ${TMPDIR:-/tmp}/rightcare-last-event.json: REPLAY=1 sends those
# very bytes again, an idempotent replay that gets the first answer back.
set -euo pipefail
file=${1:?usage: $0 EVENT.json [HUB_URL] [SECRET]}
hub=${2:-${HUB_URL:-http://localhost:8080}}
secret=${3:-demo-secret}

last="${TMPDIR:-/tmp}/rightcare-last-event.json"
body=$(cat "$file")
if [ "${REPLAY:-0}" = "1" ]; then
  body=$(cat "$last")
else
  occurred=$(printf '%s' "$body" | sed -nE 's/.*"occurredAt": *"([^"]+)".*/\1/p' | head -1)
  if shift_by=$(( $(date +%s) - $(date -d "$occurred" +%s 2>/dev/null) )) 2>/dev/null && [ -n "$occurred" ]; then
    for stamp in $(printf '%s' "$body" | grep -oE '"(occurredAt|receivedAt|takenAt|onSceneAt)": *"[0-9T:.Z+-]+"' \
        | sed -E 's/.*"([^"]+)"$/\1/' | sort -u); do
      moved=$(date -u -d "@$(( $(date -d "$stamp" +%s) + shift_by ))" +%Y-%m-%dT%H:%M:%SZ)
      body=${body//\"$stamp\"/\"$moved\"}
    done
  fi
fi
if [ "${FRESH_IDS:-0}" = "1" ]; then
  suffix=$(date +%s%N)
  body=$(printf '%s' "$body" | sed -E "s/\"eventId\": *\"[^\"]*\"/\"eventId\": \"evt-$suffix\"/; s/\"incidentId\": *\"[^\"]*\"/\"incidentId\": \"INC-$suffix\"/")
  # Say which incident this is, so it can be polled (scripts/poll-incident.sh) or cancelled later.
  echo "incidentId: INC-$suffix" >&2
fi
printf '%s' "$body" > "$last"
t=$(date +%s)
sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
printf '%s' "$body" | curl -sS -X POST "$hub/cad/v1/events" \
  -H 'Content-Type: application/json' \
  -H "X-Hub-Signature: t=$t,v1=$sig" \
  --data-binary @- \
  -w '\nHTTP %{http_code}\n'
