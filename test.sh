#!/usr/bin/env bash
# Runs every test of Segmenter: installs what the tests need (redis-server; python3-kafka, kcat and the npm packages
# of the interop suite), restores, builds with warnings as errors and runs the whole suite. Last line: "N passed, N failed".
# Usage: ./test.sh [--fast] [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Engine]
#   --fast: only the unit tests (Category=Unit: no server, process or fixture; seconds, nothing installed)
set -uo pipefail
cd "$(dirname "$0")"

fast=0
if [ "${1:-}" = "--fast" ]; then
  fast=1
  shift
fi

log() { printf '==> %s\n' "$*"; }

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing redis-server (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq redis-server >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq redis-server >/dev/null 2>&1; } \
      || { echo "could not install redis-server with apt-get" >&2; return 1; }
  else
    echo "redis-server is missing: install it (Debian/Ubuntu: sudo apt-get install redis-server)" >&2
    return 1
  fi
}

# The interop suite (Tests/Interop) runs clients Segmenter did not write: kafka-python and kcat from Debian, and
# kafkajs with its schema-registry client and LZ4 codec from npm, pinned by Tests/Interop/node/package-lock.json.
ensure_interop_clients() {
  local missing=()
  [ -f /usr/lib/python3/dist-packages/kafka/__init__.py ] || missing+=(python3-kafka)
  command -v kcat >/dev/null 2>&1 || missing+=(kcat)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "installing ${missing[*]} (Debian packages)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; } \
        || { echo "could not install ${missing[*]} with apt-get" >&2; return 1; }
    else
      echo "${missing[*]} missing: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
      return 1
    fi
  fi

  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node and npm are needed by the interop suite (Tests/Interop/node) and are missing: install Node.js 20 or later with npm" >&2
    return 1
  fi
  # lz4 (under kafkajs-lz4) builds a native module; node-gyp takes the headers of a packaged node from /usr/include/node
  # instead of downloading them.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
    export npm_config_nodedir=/usr
  fi
  log "npm ci (Tests/Interop/node)"
  (cd Tests/Interop/node && npm ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null) \
    || { echo "npm ci failed in Tests/Interop/node (run it there to see why)" >&2; return 1; }
}

if [ "$fast" -eq 0 ] && ! ensure_redis; then
  echo "0 passed, 1 failed"
  exit 1
fi

if [ "$fast" -eq 0 ] && ! ensure_interop_clients; then
  echo "0 passed, 1 failed"
  exit 1
fi

selection=()
[ "$fast" -eq 1 ] && selection=(--filter "Category=Unit")

log "restore"
if ! dotnet restore Segmenter.sln --nologo -v q; then
  echo "0 passed, 1 failed"
  exit 1
fi

log "build (warnings are errors)"
if ! dotnet build Segmenter.sln --no-restore --nologo -v q -warnaserror -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

log "test"
out=$(mktemp)
results=$(mktemp -d)
trap 'rm -rf "$out" "$results"' EXIT
dotnet test Segmenter.sln --no-build --nologo --blame-hang-timeout 10m \
  --logger "trx" --results-directory "$results" "${selection[@]}" "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

# Sum the counters of the trx reports (whatever console logger the caller chose); fall back to the console summaries
# ("Passed!  - Failed: 0, Passed: 12, ...") when no report was written.
read -r passed failed < <(
  if compgen -G "$results/*.trx" >/dev/null; then
    grep -ho '<Counters [^>]*' "$results"/*.trx | awk '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub("\"", "", kv[2]);
          if (kv[1] == "passed") p += kv[2]; if (kv[1] == "failed") f += kv[2] } }
      END { printf "%d %d\n", p, f }'
  else
    awk '
      /(Passed|Failed)! +- +Failed:/ {
        gsub(",", "");
        for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) }
      }
      END { printf "%d %d\n", p, f }' "$out"
  fi)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (crash, hang) without a test reported as failed
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
