#!/usr/bin/env bash
# Import benchmark: the whole corpus-arxiv-daily (47,915 papers) + all Hugging Face daily files
# into a fresh data dir, Release build, timed by hyperfine (or `time` when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
dotnet build src/Paperboy -c Release -nologo -v quiet
bin=src/Paperboy/bin/Release/net10.0/paperboy
dir=$(mktemp -d)
cmd="rm -rf $dir/d && $bin --data $dir/d import $data/corpus-arxiv-daily/*.jsonl.gz $data/hf-daily-papers/*.json"
if command -v hyperfine >/dev/null; then
  hyperfine --runs "${RUNS:-3}" --warmup 1 "$cmd"
else
  time bash -c "$cmd"
fi
# Peak memory of one run (streaming: it must not grow with the corpus).
rm -rf "$dir/d"
/usr/bin/time -v $bin --data "$dir/d" import $data/corpus-arxiv-daily/*.jsonl.gz $data/hf-daily-papers/*.json 2>&1 \
  | grep -E "imported|Maximum resident" || true
$bin --data "$dir/d" stats
rm -rf "$dir"
