#!/usr/bin/env bash
# Start to ready and idle memory of the native executable (issue 18's targets: under 0.3 s, under 150 MB), taken the
# same way every time:
#   flock /work/heavy.lock bench/native-start.sh                 # the executable's own defaults
#   flock /work/heavy.lock bench/native-start.sh --runs 3 -- -Xmx128m   # anything after -- goes to the executable
# It starts a throwaway PostgreSQL 15 cluster (Debian's, /usr/lib/postgresql/15/bin, or PG_BIN) and a stand-in OIDC
# issuer (discovery and keys, as a real issuer serves them), starts target/*-runner once to migrate the empty database,
# then --runs times (default 2) on the migrated one, each time in the prod profile, as the production checklist in the
# README configures it, with the board off (it needs an OIDC web-app tenant the stand-in does not provide). For each
# start it prints the hub's own "started in" and its RSS after --idle seconds (default 15) with no traffic, with the
# load average beside them. Everything it starts, it stops; the hub's logs are kept in target/native-start/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=2
idle=15
hub_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    --) shift; hub_args=("$@"); break ;;
    *) echo "usage: $0 [--runs N] [--idle SECONDS] [-- executable arguments]" >&2; exit 2 ;;
  esac
done
executable=$(ls target/*-runner 2>/dev/null | head -1)
[ -x "$executable" ] || { echo "no target/*-runner: build it with ./mvnw package -Pnative first" >&2; exit 1; }
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
work=$(mktemp -d /tmp/native-start.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL: as the deployment has it, a server of its own that is already up when the hub starts.
pg_port=$(free_port)
# initdb refuses to run as root; the cluster then belongs to the postgres user.
as_owner=()
[ "$(id -u)" = 0 ] && { as_owner=(runuser -u postgres --); chown postgres "$work"; }
"${as_owner[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >/dev/null
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null

# The stand-in issuer: the OIDC discovery document and a key set. Quarkus fetches both while the hub starts.
oidc_port=$(free_port)
openssl genrsa -out "$work/oidc.key" 2048 2>/dev/null
modulus=$(openssl rsa -in "$work/oidc.key" -noout -modulus 2>/dev/null | cut -d= -f2)
python3 - "$oidc_port" "$modulus" >"$work/oidc.log" 2>&1 <<'EOF' &
import base64, http.server, json, sys
port, modulus = int(sys.argv[1]), sys.argv[2]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
issuer = f"http://127.0.0.1:{port}/oidc"
documents = {
    "/oidc/.well-known/openid-configuration": {"issuer": issuer, "jwks_uri": issuer + "/jwks",
        "token_endpoint": issuer + "/token", "authorization_endpoint": issuer + "/authorize",
        "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"]},
    "/oidc/jwks": {"keys": [{"kty": "RSA", "kid": "native-start", "use": "sig", "alg": "RS256",
        "n": b64(bytes.fromhex(modulus)), "e": b64((65537).to_bytes(3, "big"))}]},
}
class Issuer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(documents[self.path]).encode() if self.path in documents else None
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")
http.server.ThreadingHTTPServer(("127.0.0.1", port), Issuer).serve_forever()
EOF
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$oidc_port/oidc/jwks" >/dev/null && break; sleep 0.1; done

mkdir -p target/native-start
echo 'hub.cad.systems."NATIVE-START".secret=native-start-secret' >"$work/cad-systems.properties"
# One start: prints its "started in" and its RSS after $idle seconds of no traffic, then stops it.
start() {
  local label="$1" port log pid started rss
  port=$(free_port)
  log="target/native-start/hub-$label.log"
  QUARKUS_CONFIG_LOCATIONS="$work/cad-systems.properties" \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$pg_port/postgres" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/postgres" \
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  QUARKUS_OIDC_AUTH_SERVER_URL="http://127.0.0.1:$oidc_port/oidc" \
  HUB_PUBLIC_BASE_URL="http://127.0.0.1:$port" HUB_BOARD_ENABLED=false \
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    "$executable" "${hub_args[@]}" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do
    started=$(grep -o 'started in [0-9.]*s' "$log" | head -1 || true)
    [ -n "$started" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "the hub exited; its log:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  [ -n "$started" ] || { echo "the hub did not start within 30 s; its log:" >&2; cat "$log" >&2; exit 1; }
  curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null || { echo "started but not ready:" >&2; cat "$log" >&2; exit 1; }
  sleep "$idle"
  rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  printf '%-10s %-20s RSS %4s MB after %ss idle   load %s\n' "$label" "$started" "$rss" "$idle" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# The processor, because start times from two machines differed by 2x with nothing else to tell them apart.
echo "$executable ${hub_args[*]:-(its own defaults)} against PostgreSQL $("$pg_bin/postgres" --version | grep -o "[0-9][0-9.]*" | head -1)" \
  "on $(nproc) x $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
start migrating
for run in $(seq "$runs"); do start "migrated-$run"; done
