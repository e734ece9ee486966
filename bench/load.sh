#!/usr/bin/env bash
# HTTP load benchmark: a Release `paperboy serve` over the real Hugging Face data, loaded by wrk
# from a second process on loopback. Prints requests/s and latency percentiles per route.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
port=${PORT:-5087}
duration=${DURATION:-20s}
connections=${CONNECTIONS:-32}
dotnet build src/Paperboy -c Release -nologo -v quiet
bin=src/Paperboy/bin/Release/net10.0/paperboy
dir=$(mktemp -d)
$bin --data "$dir" import $data/hf-daily-papers/*.json $data/corpus-arxiv-daily/*.jsonl.gz >/dev/null
# Build the search index first, so the server is not training embeddings while it is measured.
$bin --data "$dir" reindex >/dev/null
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  $bin --data "$dir" serve --urls "http://127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
# ROUTES="..." (space-separated) measures other routes instead.
read -r -a routes <<< "${ROUTES:-/ /papers/date/2025-11-20 /papers/week/2025-W47 /papers/trending /api/daily_papers /api/daily_papers?date=2025-11-20 /api/papers/2511.15065}"
for route in "${routes[@]}"; do
  [ -n "$route" ] || continue
  curl -fs -o /dev/null "http://127.0.0.1:$port$route" || { echo "$route failed"; continue; }
  echo "== $route"
  wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$route" \
    | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" 
done
echo "== server RSS: $(ps -o rss= -p $pid) kB"
