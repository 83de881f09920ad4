# Shared by the scripts in this folder (sourced, not run).
# Local runs use the programs built in Release; state of a local cluster lives in .run/ (pids, logs).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"
BIN="Release"
SILO_DLL="$ROOT/Silo/bin/$BIN/net10.0/Segmenter.Silo.dll"
DRIVER_DLL="$ROOT/Driver/bin/$BIN/net10.0/Segmenter.Driver.dll"
READER_DLL="$ROOT/Reader/bin/$BIN/net10.0/Segmenter.Reader.dll"
EMBEDDED_DLL="$ROOT/Embedded/bin/$BIN/net10.0/Segmenter.Embedded.dll"
# The local cluster's shared infrastructure (scripts/scale-up starts it): Kafka 9092, registry 8081, Redis 6390.
CLUSTER_REDIS="127.0.0.1:6390"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is required: https://dotnet.microsoft.com/download"
}

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing redis-server (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1; } \
      || die "could not install redis-server"
  else
    die "redis-server is required: sudo apt-get install redis-server (or brew install redis)"
  fi
}

build() {
  say "building (Release)"
  dotnet build "$ROOT/Segmenter.sln" -c "$BIN" --nologo -v q -clp:ErrorsOnly >/dev/null || die "build failed (run: dotnet build Segmenter.sln -c Release)"
}

# build_current: an incremental build, so a script never runs binaries older than the sources (a build that is up to
# date takes seconds); once per script tree: the scripts a script calls inherit SEGMENTER_BUILT and skip it.
build_current() {
  [ "${SEGMENTER_BUILT:-}" = "1" ] && return 0
  build
  export SEGMENTER_BUILT=1
}

# http_ok URL: a 2xx answer to a GET (bash's /dev/tcp, so curl is not needed).
http_ok() {
  local rest="${1#http://}" hostport path
  hostport="${rest%%/*}"; path="/${rest#*/}"; [ "$rest" = "$hostport" ] && path="/"
  { exec 3<>"/dev/tcp/${hostport%%:*}/${hostport##*:}"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
  local status; read -r _ status _ <&3 || status=0
  exec 3<&-
  [ "${status:-0}" -ge 200 ] && [ "${status:-0}" -lt 300 ]
}

# wait_healthy URL SECONDS
wait_healthy() {
  local url="$1" deadline=$((SECONDS + ${2:-120}))
  until http_ok "$url"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

compose() {
  command -v docker >/dev/null 2>&1 || die "docker is required for --compose"
  docker compose -f "$ROOT/docker-compose.yml" "$@"
}

# Silo i of the local cluster: Orleans ports 11111+i / 30000+i, HTTP 8080 for the first, 8090+ for the others.
silo_http_port() { if [ "$1" -eq 0 ]; then echo 8080; else echo $((8089 + $1)); fi; }

start_cluster_silo() {
  local i="$1" http; http=$(silo_http_port "$i")
  mkdir -p "$RUN_DIR/cluster"
  ( cd "$RUN_DIR" && exec dotnet "$SILO_DLL" --Segmenter:Profile=cluster --Redis:ConnectionString="$CLUSTER_REDIS" \
      --Orleans:SiloPort=$((11111 + i)) --Orleans:GatewayPort=$((30000 + i)) --Orleans:AdvertisedAddress=127.0.0.1 \
      --urls="http://127.0.0.1:$http" >"$RUN_DIR/cluster/silo-$i.log" 2>&1 ) &
  echo $! > "$RUN_DIR/cluster/silo-$i.pid"
  say "silo $i started (pid $!, http://127.0.0.1:$http/dashboard/, log .run/cluster/silo-$i.log)"
}

cluster_silo_pids() {
  for f in "$RUN_DIR"/cluster/silo-*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid | cut -d- -f2) $pid"; else rm -f "$f"; fi
  done
}
