#!/usr/bin/env bash
# Digest benchmark: compose and hand N daily digests (30 papers each) to a local SMTP server,
# Release build, embedded database. Subscribers are inserted straight into the database as
# confirmed: the opt-in flow is not what is measured. MEMBERS percent of them (default 10) are
# tied to member accounts that each keep a saved search delivered in the digest, so their digest
# is rendered on its own with a personal section (a real search per member).
#   N=10000 SMTP=sink    bash bench/digests.sh   # a minimal SMTP sink (asyncio): measures Paperboy
#   N=1000  SMTP=maildev bash bench/digests.sh   # maildev, the tests' server: measures mostly maildev
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000}
members=${MEMBERS:-10}
server=${SMTP:-sink}
dotnet build src/Paperboy -c Release -nologo -v quiet >/dev/null
bin=src/Paperboy/bin/Release/net10.0/paperboy
dir=$(mktemp -d)
smtp_pid=""
trap '[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null; rm -rf "$dir"' EXIT

# 30 papers featured on one day.
python3 - "$dir/papers.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(30):
        f.write(json.dumps({"id": f"2511.{i:05d}", "title": f"Benchmark paper {i} <with> & markup",
                            "abstract": "An abstract of some length. " * 20, "authors": ["A. Author", "B. Author", "C. Author", "D. Author"],
                            "published": "2025-11-18", "categories": ["cs.LG"], "daily_date": "2025-11-20", "upvotes": 100 - i}) + "\n")
PY
$bin --data "$dir/d" import "$dir/papers.jsonl" >/dev/null
python3 - "$dir/d/paperboy.db" "$n" "$members" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n, members = int(sys.argv[2]), int(sys.argv[3])
db.executemany("INSERT INTO subscriptions (email, frequency, status, created_at, confirmed_at) VALUES (?, 'daily', 'confirmed', '2025-11-01T00:00:00Z', '2025-11-01T00:00:00Z')",
               ((f"reader{i}@example.org",) for i in range(n)))
# Every (100 / MEMBERS)-th subscriber is a member with one saved search that all 30 papers match,
# added to the catalog after the search was saved.
step = 100 // members if members else n + 1
for i in range(0, n, step):
    uid = db.execute("INSERT INTO users (email, name, password_hash, security_stamp, created_at) VALUES (?, ?, 'x', 's', '2025-11-01T00:00:00Z')",
                     (f"reader{i}@example.org", f"reader{i}")).lastrowid
    db.execute("UPDATE subscriptions SET user_id = ? WHERE email = ?", (uid, f"reader{i}@example.org"))
    db.execute("INSERT INTO saved_searches (user_id, name, query, delivery, created_at, alerted_until) VALUES (?, 'benchmark', 'benchmark paper', 'digest', '2025-11-01T00:00:00Z', '2025-11-01T00:00:00Z')", (uid,))
db.execute("UPDATE papers SET created_at = '2025-11-19T00:00:00Z'")
db.commit()
print(f"{db.execute('SELECT COUNT(*) FROM subscriptions WHERE user_id IS NOT NULL').fetchone()[0]} member-tied subscribers with a saved search", file=sys.stderr)
PY

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smtp=$(port)
if [ "$server" = maildev ]; then
  web=$(port)
  maildev --ip 127.0.0.1 --smtp "$smtp" --web "$web" --silent >/dev/null 2>&1 &
  smtp_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$web/email" >/dev/null 2>&1 && break; sleep 0.2; done
  count() { curl -fs "http://127.0.0.1:$web/email" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
else
  # The smallest SMTP server that accepts everything (EHLO, MAIL, RCPT, DATA, QUIT) and counts.
  python3 - "$smtp" "$dir/count" <<'PY' &
import asyncio, sys
port, count_file, count = int(sys.argv[1]), sys.argv[2], 0
async def handle(r, w):
    global count
    w.write(b"220 sink\r\n")
    while line := await r.readline():
        verb = line[:4].upper()
        if verb == b"EHLO": w.write(b"250-sink\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            w.write(b"354 go\r\n"); await w.drain()
            while await r.readline() != b".\r\n": pass
            count += 1; open(count_file, "w").write(str(count)); w.write(b"250 queued\r\n")
        elif verb == b"QUIT": w.write(b"221 bye\r\n"); await w.drain(); break
        else: w.write(b"250 ok\r\n")
        await w.drain()
    w.close()
async def main():
    async with await asyncio.start_server(handle, "127.0.0.1", port) as s: await s.serve_forever()
asyncio.run(main())
PY
  smtp_pid=$!
  sleep 1
  count() { cat "$dir/count"; }
fi

echo "== $n digests ($members% members with a saved search) to $server, $(nproc) cores, $(date -u +%Y-%m-%d)"
# First without SMTP: the run composes into the outbox and stops (what composing costs alone);
# then with SMTP: the same command finds the digests composed and delivers them.
start=$(date +%s.%N)
PAPERBOY_PUBLIC_URL=https://papers.example.org $bin --data "$dir/d" digest send --date 2025-11-20 | head -n 1
mid=$(date +%s.%N)
PAPERBOY_SMTP_HOST=127.0.0.1 PAPERBOY_SMTP_PORT=$smtp PAPERBOY_PUBLIC_URL=https://papers.example.org \
  $bin --data "$dir/d" digest send --date 2025-11-20 | tail -n 1
end=$(date +%s.%N)
received=$(count)
python3 -c "t=$end-$start; print(f'composed and delivered {$n} digests in {t:.1f} s ({$n/t:.0f}/s): composing {$mid-$start:.1f} s, delivering {$end-$mid:.1f} s; the server received {$received}')"

# A second run must find nothing to do, quickly.
start=$(date +%s.%N)
PAPERBOY_SMTP_HOST=127.0.0.1 PAPERBOY_SMTP_PORT=$smtp $bin --data "$dir/d" digest send --date 2025-11-20 | tail -n 1
end=$(date +%s.%N)
python3 -c "print(f'second run (nothing new): {$end-$start:.1f} s; the server received $(count)')"
