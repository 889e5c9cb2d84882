#!/usr/bin/env bash
# Answers an offer (a FHIR Task) as the service's organisation would: gets a demo token for the ODS code (demo
# profile only), reads the Task for its version, then PUTs the new status with If-Match.
# Usage: scripts/answer-offer.sh TASK_ID ODS_CODE STATUS [DOS_REJECTION_CODE [TEXT]]
#   STATUS is received, accepted, rejected, in-progress or completed. A rejection needs a code of
#   https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars, e.g. 22 (capacity), 23 (not clinically appropriate).
#   HUB_URL (environment) defaults to http://localhost:8080.
set -euo pipefail
usage="usage: $0 TASK_ID ODS_CODE STATUS [DOS_REJECTION_CODE [TEXT]]"
task=${1:?$usage}
ods=${2:?$usage}
status=${3:?$usage}
code=${4:-}
text=${5:-}
hub=${HUB_URL:-http://localhost:8080}

token=$(curl -sS -X POST "$hub/demo/token" -d "sub=answer-offer-$ods" -d "org=$ods" -d roles=provider \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
etag=$(curl -sS -o /dev/null -D - -H "Authorization: Bearer $token" "$hub/fhir/Task/$task" \
  | tr -d '\r' | sed -n -E 's/^[Ee][Tt][Aa][Gg]: *//p')
if [ -z "$etag" ]; then
  echo "Task/$task is not readable by $ods (no ETag): is it that organisation's offer?" >&2
  exit 1
fi
reason=""
if [ -n "$code" ]; then
  reason=$(printf ',"statusReason":{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/dos-rejected-reasons-bars","code":"%s"}],"text":"%s"}' "$code" "$text")
fi
curl -sS -X PUT "$hub/fhir/Task/$task" \
  -H "Authorization: Bearer $token" -H "If-Match: $etag" -H 'Content-Type: application/fhir+json' \
  -d "{\"resourceType\":\"Task\",\"id\":\"$task\",\"status\":\"$status\",\"intent\":\"order\"$reason}" \
  -w '\nHTTP %{http_code}\n'
