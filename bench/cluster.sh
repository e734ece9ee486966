#!/usr/bin/env bash
# Two-instance load test: two `paperboy serve` (each with a data dir of its own) on one PostgreSQL
# database, loaded at once on loopback. Members race upvotes and un-upvotes on a few hot papers
# through both instances while readers load pages from both; then every member sets a known final
# vote, `paperboy digest send` runs on both instances at the same moment against maildev, and the
# script checks the invariants:
#   - votes rows == the expected final votes == upvotes shown by the API and the paper pages of both instances
#   - maildev received exactly one digest per subscriber
#   - no response other than 2xx/3xx during the whole load
# Prints throughput and latency per load, and PASS/FAIL per check (exit status 1 on any FAIL).
#   MEMBERS=200 SUBSCRIBERS=200 DURATION=20s CONNECTIONS=16 bash bench/cluster.sh
# It needs a PostgreSQL role that may create databases (PGHOST, PGPORT, PGUSER, PGPASSWORD). The cluster
# .ci/run makes for the tests (PGPORT=5433) has one, but runs without fsync: use it for the checks, not for figures.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
members=${MEMBERS:-200}
subscribers=${SUBSCRIBERS:-200}
duration=${DURATION:-20s}
connections=${CONNECTIONS:-16}
day=2025-11-20
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-paperboy} PGPASSWORD=${PGPASSWORD:-paperboy}
db=pb_cluster_bench_$$
url="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db"
sql() { psql -d "$db" -qtAX -v ON_ERROR_STOP=1 "$@"; }

dotnet build src/Paperboy -c Release -nologo -v quiet >/dev/null
bin=src/Paperboy/bin/Release/net10.0/paperboy
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
psql -d postgres -qc "CREATE DATABASE \"$db\""
export PAPERBOY_DATABASE=$url

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), PostgreSQL $(psql -d postgres -qtAXc 'SHOW server_version')"
start=$(date +%s.%N)
$bin --data "$dir/a" import $data/hf-daily-papers/*.json | tail -n 1
echo "import: $(python3 -c "print(f'{$(date +%s.%N)-$start:.1f} s')")"

# Members and their API tokens, straight into the database (sign-up is not what is measured); the
# token hash is MemberStore.HashToken's: hex SHA-256 of the token.
python3 - "$dir" "$members" "$subscribers" <<'PY'
import base64, hashlib, os, sys
d, n, s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = "2025-11-01T00:00:00Z"
with open(f"{d}/members.sql", "w") as f, open(f"{d}/tokens.txt", "w") as t:
    for i in range(n):
        token = "pb_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        f.write(f"INSERT INTO users (email, name, password_hash, security_stamp, created_at) VALUES ('m{i}@example.org', 'm{i}', 'x', 's{i}', '{now}');\n")
        f.write(f"INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) SELECT id, 'bench', '{hashlib.sha256(token.encode()).hexdigest()}', '{token[:9]}', '{now}' FROM users WHERE email = 'm{i}@example.org';\n")
        t.write(token + "\n")
    for i in range(s):
        f.write(f"INSERT INTO subscriptions (email, frequency, status, created_at, confirmed_at) VALUES ('reader{i}@example.org', 'daily', 'confirmed', '{now}', '{now}');\n")
PY

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pa=$(port); pb=$(port)
# Vote limits are per member and per instance (see README "Operations"); the load is many votes per member on purpose.
for inst in a:$pa b:$pb; do
  name=${inst%%:*}; p=${inst##*:}
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Community__VotesPerMinute=1000000 \
    $bin --data "$dir/$name" serve --urls "http://127.0.0.1:$p" >"$dir/serve-$name.log" 2>&1 &
  pids+=($!)
done
for p in $pa $pb; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
done
# Subscribers come after both schedulers' start-up run (which finds nobody), so only `digest send` mails them.
sleep 3
sql -f "$dir/members.sql"

# The hot papers: the day's list, whose pages everyone reads.
mapfile -t papers < <(sql -c "SELECT paper_id FROM daily_entries WHERE day = '$day' ORDER BY paper_id LIMIT 10")
printf '%s\n' "${papers[@]}" >"$dir/papers.txt"
sql -c "SELECT id, upvotes FROM papers WHERE id IN ($(printf "'%s'," "${papers[@]}" | sed 's/,$//'))" >"$dir/base.txt"
for p in $pa $pb; do for id in "${papers[@]}"; do curl -fs -o /dev/null "http://127.0.0.1:$p/papers/$id"; done; done

cat >"$dir/votes.lua" <<LUA
local tokens, papers = {}, {}
for l in io.lines("$dir/tokens.txt") do tokens[#tokens + 1] = l end
for l in io.lines("$dir/papers.txt") do papers[#papers + 1] = l end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local method = math.random(2) == 1 and "POST" or "DELETE"
  return wrk.format(method, "/api/papers/" .. papers[math.random(#papers)] .. "/upvote",
    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
LUA
cat >"$dir/reads.lua" <<LUA
local paths = { "/papers/date/$day", "/", "/papers/trending", "/api/daily_papers?date=$day" }
for l in io.lines("$dir/papers.txt") do paths[#paths + 1] = "/papers/" .. l; paths[#paths + 1] = "/api/papers/" .. l end
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
LUA

echo "== load: $duration, votes (POST/DELETE race, $members members, ${#papers[@]} papers) and page reads on both instances at once, $connections connections each"
for inst in a:$pa b:$pb; do
  name=${inst%%:*}; p=${inst##*:}
  wrk -t1 -c"$connections" -d"$duration" --timeout 10s --latency -s "$dir/votes.lua" "http://127.0.0.1:$p" >"$dir/wrk-votes-$name.txt" &
  wrk -t1 -c"$connections" -d"$duration" --timeout 10s --latency -s "$dir/reads.lua" "http://127.0.0.1:$p" >"$dir/wrk-reads-$name.txt" &
done
wait_jobs() { for j in $(jobs -p); do case " ${pids[*]} " in *" $j "*) ;; *) wait "$j";; esac; done; }
wait_jobs
bad=0
for f in "$dir"/wrk-*.txt; do
  name=$(basename "$f" .txt); name=${name#wrk-}
  rps=$(awk '/Requests\/sec/{print $2}' "$f"); p50=$(awk '$1=="50%"{print $2}' "$f"); p99=$(awk '$1=="99%"{print $2}' "$f")
  non=$(awk '/Non-2xx/{print $NF}' "$f"); err=$(awk '/Socket errors/{print}' "$f")
  echo "$name: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx/3xx ${non:-0}${err:+, $err}"
  bad=$(( bad + ${non:-0} ))
  [ -z "$err" ] || bad=$(( bad + 1 ))
done

# Every member sets a known final vote on every hot paper, alternating instances, in parallel.
python3 - "$dir" "$pa" "$pb" <<'PY' >"$dir/final.txt"
import concurrent.futures, sys, urllib.request
d, pa, pb = sys.argv[1], sys.argv[2], sys.argv[3]
tokens = open(f"{d}/tokens.txt").read().split()
papers = open(f"{d}/papers.txt").read().split()
def vote(job):
    i, j = job
    want = (i + j) % 3 == 0
    port = pa if (i + j) % 2 == 0 else pb
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/papers/{papers[j]}/upvote", method="POST" if want else "DELETE",
                                 headers={"Authorization": f"Bearer {tokens[i]}"})
    with urllib.request.urlopen(req) as r:
        return r.status
jobs = [(i, j) for i in range(len(tokens)) for j in range(len(papers))]
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    statuses = list(pool.map(vote, jobs))
print(sum(1 for s in statuses if not 200 <= s < 400))
for j, p in enumerate(papers):
    print(p, sum(1 for i in range(len(tokens)) if (i + j) % 3 == 0))
PY

status=0
check() { if [ "$1" = ok ]; then echo "PASS $2"; else echo "FAIL $2"; status=1; fi; }
final_bad=$(head -n 1 "$dir/final.txt")
check "$([ $(( bad + final_bad )) -eq 0 ] && echo ok)" "no response other than 2xx/3xx (load: $bad, final votes: $final_bad)"
expected=$(tail -n +2 "$dir/final.txt" | awk '{s += $2} END {print s}')
rows=$(sql -c "SELECT COUNT(*) FROM votes")
check "$([ "$rows" -eq "$expected" ] && echo ok)" "votes rows $rows == expected final votes $expected"
shown_ok=ok
while read -r id want; do
  base=$(awk -F'|' -v id="$id" '$1==id{print $2}' "$dir/base.txt")
  for p in $pa $pb; do
    api=$(curl -fs "http://127.0.0.1:$p/api/papers/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["upvotes"])')
    page=$(curl -fs "http://127.0.0.1:$p/papers/$id" | grep -o "data-paper-id=\"$id\" title=\"[0-9]* upvotes\?" | head -n 1 | grep -o '[0-9]*\( upvote\)' | grep -o '^[0-9]*')
    if [ "$api" -ne $(( base + want )) ] || [ "$page" -ne $(( base + want )) ]; then
      shown_ok=""; echo "  $id on :$p: api $api, page $page, expected $(( base + want ))"
    fi
  done
done < <(tail -n +2 "$dir/final.txt")
check "$shown_ok" "upvotes on the API and paper pages of both instances == source upvotes + final votes"

# Both instances send the digest at the same moment.
smtp=$(port); web=$(port)
maildev --ip 127.0.0.1 --smtp "$smtp" --web "$web" --silent >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$web/email" >/dev/null 2>&1 && break; sleep 0.2; done
start=$(date +%s.%N)
for name in a b; do
  PAPERBOY_SMTP_HOST=127.0.0.1 PAPERBOY_SMTP_PORT=$smtp PAPERBOY_PUBLIC_URL=https://papers.example.org \
    $bin --data "$dir/$name" digest send --date $day >"$dir/digest-$name.txt" 2>&1 &
done
wait_jobs
echo "digest send on both at once: $(python3 -c "print(f'{$(date +%s.%N)-$start:.1f} s')")"
received=$(curl -fs "http://127.0.0.1:$web/email" | python3 -c '
import collections, json, sys
mails = json.load(sys.stdin)
per = collections.Counter(m["to"][0]["address"] for m in mails if m["subject"].startswith("Paperboy daily"))
print(len(mails), len(per), sum(1 for c in per.values() if c != 1))')
read -r total distinct dup <<<"$received"
check "$([ "$total" -eq "$subscribers" ] && [ "$distinct" -eq "$subscribers" ] && [ "$dup" -eq 0 ] && echo ok)" \
  "maildev received $total mails, one digest each for $distinct of $subscribers subscribers, $dup duplicated"
for name in a b; do
  errors=$(grep -c -E "fail:|Exception" "$dir/serve-$name.log" || true)
  check "$([ "$errors" -eq 0 ] && echo ok)" "instance $name logged no errors ($errors)"
done
echo "== server RSS: a $(ps -o rss= -p "${pids[0]}") kB, b $(ps -o rss= -p "${pids[1]}") kB"
exit $status
