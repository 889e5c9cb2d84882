#!/usr/bin/env bash
# Runs a what-if for the demo ICB (or your own scenario) and writes an HTML and a CSV report, without starting the hub:
# incidents go through the hub's own routing and send-back code on a simulated clock (a week takes seconds).
# Usage: scripts/what-if.sh [--variant NAME]... [--days N] [--seed N] [--first-day YYYY-MM-DD]
#                           [--incidents CAD-EXPORT.csv] [--scenario FILE] [--out DIR]
# Writes target/what-if/what-if-report.html and .csv unless --out says otherwise. See the README's What-if section.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/what-if.classpath \
  -Dmdep.includeScope=runtime
exec java -cp "target/classes:$(cat target/what-if.classpath)" org.rightcare.hub.whatif.WhatIfCommand "$@"
