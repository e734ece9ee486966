#!/usr/bin/env bash
# Import benchmark: the whole corpus-arxiv-daily (47,915 papers) + all Hugging Face daily files
# into a fresh data dir, Release build, timed by hyperfine (or `time` when it is missing).
#
#   bench/import.sh                       # SQLite in a temp data dir
#   bench/import.sh "Host=127.0.0.1;Username=paperboy;Password=paperboy;Database=pb_bench"
#                                         # PostgreSQL: that database is dropped and created for every run
# BIN=/path/to/paperboy measures another build (e.g. the one before a change).
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
conn=${1:-}
if [ -z "${BIN:-}" ]; then
  dotnet build src/Paperboy -c Release -nologo -v quiet
  BIN=src/Paperboy/bin/Release/net10.0/paperboy
fi
bin=$(realpath "$BIN")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
files=("$data"/corpus-arxiv-daily/*.jsonl.gz "$data"/hf-daily-papers/*.json)

if [ -n "$conn" ]; then
  # The Npgsql connection string, as psql keywords, to recreate the database around each run.
  declare -A kv=()
  IFS=';' read -r -a parts <<< "$conn"
  for part in "${parts[@]}"; do [ -n "$part" ] && kv["$(tr 'A-Z' 'a-z' <<< "${part%%=*}" | tr -d ' ')"]="${part#*=}"; done
  db=${kv[database]:?the connection string needs Database=...}
  admin="host=${kv[host]:-127.0.0.1} port=${kv[port]:-5432} user=${kv[username]:-${kv[user id]:-postgres}} password=${kv[password]:-} dbname=postgres"
  reset="psql -q '$admin' -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)' -c 'CREATE DATABASE \"$db\"'"
  run="$reset && PAPERBOY_DATABASE='$conn' $bin --data $dir/d import ${files[*]}"
  finish() { PAPERBOY_DATABASE="$conn" $bin --data "$dir/d" stats; eval "psql -q '$admin' -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)'"; }
else
  reset="rm -rf $dir/d"
  run="$reset && $bin --data $dir/d import ${files[*]}"
  finish() { $bin --data "$dir/d" stats; }
fi

if command -v hyperfine >/dev/null; then
  hyperfine --runs "${RUNS:-3}" --warmup "${WARMUP:-1}" "$run"
else
  time bash -c "$run"
fi
# Peak memory of one run (streaming: it must not grow with the corpus).
eval "$reset"
env ${conn:+PAPERBOY_DATABASE="$conn"} /usr/bin/time -v "$bin" --data "$dir/d" import "${files[@]}" 2>&1 \
  | grep -E "imported|Maximum resident" || true
# Importing the same files again must change nothing (fingerprints).
env ${conn:+PAPERBOY_DATABASE="$conn"} "$bin" --data "$dir/d" import "${files[@]}"
finish
