#!/usr/bin/env bash
# Reads an incident's referral state, signing the request path as CAD contract v1's poll endpoint requires.
# Usage: scripts/poll-incident.sh CAD_SYSTEM INCIDENT_ID [HUB_URL] [SECRET]
#   HUB_URL defaults to the HUB_URL environment variable, else http://localhost:8080; SECRET to "demo-secret".
set -euo pipefail
cad=${1:?usage: $0 CAD_SYSTEM INCIDENT_ID [HUB_URL] [SECRET]}
incident=${2:?usage: $0 CAD_SYSTEM INCIDENT_ID [HUB_URL] [SECRET]}
hub=${3:-${HUB_URL:-http://localhost:8080}}
secret=${4:-demo-secret}
path="/cad/v1/incidents/$cad/$incident"
t=$(date +%s)
sig=$(printf '%s.%s' "$t" "$path" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
curl -sS "$hub$path" -H "X-Hub-Signature: t=$t,v1=$sig" -w '\nHTTP %{http_code}\n'
