#!/usr/bin/env bash
# One million papers on PostgreSQL (issue 7): the 47,915-paper corpus-arxiv-daily repeated with
# derived ids ("2503.11731-r07", published date kept), generated on the fly into a temp dir (never
# the repo), plus the Hugging Face daily files. Imports into a fresh database, builds the search
# index, serves it and loads the daily page, the daily API and search with wrk; reports wall
# times, peak RSS, latency percentiles and the query plans of page-load queries.
#
#   bench/million.sh ["Host=127.0.0.1;Username=paperboy;Password=paperboy;Database=pb_million"]
#   COPIES=20 (1,007,012 papers with the HF files; 10 for ~527k)  DURATION=15s  CONNECTIONS=16  KEEP=1 (keep the database)
#   DATA=dir (keep the data directory: search index, HNSW graph)  REUSE=1 (with KEEP=1 and DATA from a run before: serve and load only)
# The built-in model's vectors are seeded (`bench seed-vectors`: real ones from the vector cache, points between
# real neighbours for the rest), since embedding a million papers takes ~23 hours on 2 cores.
set -euo pipefail
command -v wrk >/dev/null || { echo "bench/million.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
cd "$(dirname "$0")/.."
data=$(realpath ../shared/data)
conn=${1:-"Host=127.0.0.1;Username=paperboy;Password=paperboy;Database=pb_million"}
copies=${COPIES:-20}
port=${PORT:-5097}
duration=${DURATION:-15s}
connections=${CONNECTIONS:-16}
dotnet build src/Paperboy -c Release -nologo -v quiet
dotnet build bench/Paperboy.Bench -c Release -nologo -v quiet
bin=$(realpath src/Paperboy/bin/Release/net10.0/paperboy)
bench=$(realpath bench/Paperboy.Bench/bin/Release/net10.0/Paperboy.Bench.dll)

declare -A kv=()
IFS=';' read -r -a parts <<< "$conn"
for part in "${parts[@]}"; do [ -n "$part" ] && kv["$(tr 'A-Z' 'a-z' <<< "${part%%=*}" | tr -d ' ')"]="${part#*=}"; done
db=${kv[database]:?the connection string needs Database=...}
server="host=${kv[host]:-127.0.0.1} port=${kv[port]:-5432} user=${kv[username]:-postgres} password=${kv[password]:-}"
[ -n "${REUSE:-}" ] || psql -q "$server dbname=postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""

dir=${DATA:-$(mktemp -d)}
mkdir -p "$dir"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${DATA:-}" ] || rm -rf "$dir"
  [ -n "${KEEP:-}" ] || psql -q "$server dbname=postgres" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
}
trap cleanup EXIT
export PAPERBOY_DATABASE="$conn"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
if [ -z "${REUSE:-}" ]; then
rm -rf "$dir/d"
echo "== generating $copies derived copies of the corpus in $dir"
python3 - "$data/corpus-arxiv-daily" "$dir/gen" "$copies" <<'PY'
import glob, gzip, json, os, sys
src, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
files = sorted(glob.glob(os.path.join(src, "*.jsonl.gz")))
for k in range(1, copies + 1):
    with gzip.open(os.path.join(out, f"copy-{k:02d}.jsonl.gz"), "wt", compresslevel=1) as w:
        for f in files:
            with gzip.open(f, "rt") as r:
                for line in r:
                    p = json.loads(line)
                    i = p["id"]
                    # Derived ids are not arXiv ids, so the date their id would give is stated.
                    p["published"] = f"20{i[0:2]}-{i[2:4]}-01"
                    p["id"] = f"{i}-r{k:02d}"
                    w.write(json.dumps(p) + "\n")
PY

echo "== import"
/usr/bin/time -v "$bin" --data "$dir/d" import "$data"/corpus-arxiv-daily/*.jsonl.gz "$dir"/gen/*.jsonl.gz "$data"/hf-daily-papers/*.json \
  2>&1 | grep -E "imported|Elapsed|Maximum resident" || true
"$bin" --data "$dir/d" stats
rm -rf "$dir/gen"

echo "== reindex (Lucene + LSA embeddings), at most REINDEX_TIMEOUT=${REINDEX_TIMEOUT:-1800} s"
# Without the model: reindex would go on to embed every paper (~23 hours here); the vectors are seeded below.
PAPERBOY_EMBEDDER=off timeout "${REINDEX_TIMEOUT:-1800}" /usr/bin/time -v "$bin" --data "$dir/d" reindex 2>&1 | grep -E "reindexed|Elapsed|Maximum resident" \
  || echo "!! reindex did not finish; serve builds the index in the background"

echo "== the built-in model's vectors, seeded"
/usr/bin/time -v dotnet "$bench" seed-vectors "$conn" 2>&1 | grep -E "seeded|real vectors|Elapsed|Maximum resident"
fi

echo "== query plans of page loads (a Seq Scan on papers would read every paper)"
day=$(psql -tA "$server dbname=$db" -c "SELECT MAX(day) FROM daily_entries")
plans=$(psql -tA "$server dbname=$db" <<SQL
EXPLAIN ANALYZE SELECT p.*, d.day FROM daily_entries d JOIN papers p ON p.id = d.paper_id
  WHERE d.day >= '$day' AND d.day <= '$day' AND p.hidden = FALSE ORDER BY p.upvotes DESC, d.day DESC, p.id LIMIT 30;
EXPLAIN ANALYZE SELECT COUNT(*), MAX(p.updated_at), COALESCE(SUM(p.upvotes), 0) FROM daily_entries d JOIN papers p ON p.id = d.paper_id
  WHERE d.day >= '2025-11-01' AND d.day <= '2025-11-30' AND p.hidden = FALSE;
EXPLAIN ANALYZE SELECT p.*, d.day FROM daily_entries d JOIN papers p ON p.id = d.paper_id
  WHERE d.day >= '2025-11-01' AND d.day <= '2025-11-30' AND p.hidden = FALSE
  AND d.day = (SELECT MIN(d2.day) FROM daily_entries d2 WHERE d2.paper_id = d.paper_id AND d2.day >= '2025-11-01' AND d2.day <= '2025-11-30')
  ORDER BY p.upvotes DESC, d.day DESC, p.id LIMIT 30;
EXPLAIN ANALYZE SELECT MAX(day) FROM daily_entries WHERE day < '$day';
EXPLAIN ANALYZE SELECT * FROM papers WHERE id = '2511.15065' AND hidden = FALSE;
EXPLAIN ANALYZE SELECT p.* FROM papers p WHERE p.hidden = FALSE
  AND p.id IN (SELECT paper_id FROM paper_authors WHERE name_key = 'yann lecun') ORDER BY p.published DESC, p.id LIMIT 30;
EXPLAIN ANALYZE SELECT id, title, updated_at FROM papers WHERE updated_at >= (SELECT MAX(updated_at) FROM papers) ORDER BY updated_at, id LIMIT 5000;
SQL
)
echo "$plans" | grep -E "Scan|Execution Time"
if echo "$plans" | grep -q "Seq Scan on papers"; then echo "!! a page-load query scans all papers"; fi

# Serves until the HNSW graph answers semantic queries (built the first time, loaded from the data directory after).
start_serving() {
  local began=$(date +%s.%N)
  env PAPERBOY_METRICS=public ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Logging__LogLevel__Paperboy.Search=Information \
    "$bin" --data "$dir/d" serve --urls "http://127.0.0.1:$port" >>"$dir/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  echo "   answering after $(awk "BEGIN {print $(date +%s.%N) - $began}") s, RSS $(ps -o rss= -p $pid) kB"
  for _ in $(seq 1 1440); do
    graph=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^paperboy_search_graph_papers/ {print $2}')
    [ "${graph:-0}" -gt 0 ] && break; sleep 5 # each scrape counts the papers
  done
  echo "   HNSW graph of ${graph:-0} papers ready after $(awk "BEGIN {print $(date +%s.%N) - $began}") s, RSS $(ps -o rss= -p $pid) kB"
  grep -E "HNSW|graph" "$dir/serve.log" | tail -3 | sed 's/^/   log: /'
}

echo "== serve + wrk -c$connections -d$duration"
start_serving
for route in "/" "/papers/date/$day" "/papers/month/2025-11" "/papers/trending" "/api/daily_papers" \
             "/papers/2511.15065" "/authors/Yann%20LeCun" \
             "/api/papers/search?q=video+reasoning" "/api/papers/search?q=graph+neural+network&mode=keyword" \
             "/api/papers/search?q=diffusion+models+for+protein+design&mode=semantic"; do
  curl -fs -o /dev/null "http://127.0.0.1:$port$route" || { echo "$route failed"; continue; }
  echo "-- $route"
  wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$route" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
done
for mode in hybrid keyword semantic; do
  echo "-- 40 different searches in turn, mode=$mode (bench/queries.lua)"
  MODE=$mode wrk -t2 -c"$connections" -d"$duration" --latency -s bench/queries.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
done
echo "-- one connection, hybrid, 40 different searches in turn (a search's own time)"
wrk -t1 -c1 -d"$duration" --latency -s bench/queries.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
echo "== server RSS after the load: $(ps -o rss= -p $pid) kB; peak: $(grep VmHWM /proc/$pid/status)"
echo "== restart: the saved graph is loaded"
kill "$pid"; wait "$pid" 2>/dev/null || true
start_serving
