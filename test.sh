#!/usr/bin/env bash
# Runs every test of Segmenter: installs what the tests need (redis-server), restores, builds with
# warnings as errors and runs the whole suite. Last line: "N passed, N failed".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Engine]
set -uo pipefail
cd "$(dirname "$0")"

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

if ! ensure_redis; then
  echo "0 passed, 1 failed"
  exit 1
fi

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
  --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$out"
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
