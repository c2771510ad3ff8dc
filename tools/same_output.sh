#!/usr/bin/env bash
# Does this tree give the same output as an earlier commit? For a refactor that must not change
# behaviour: codes examples/ with the verb patterns (--rules-only) under both, then compares what
# the commands print (events as JSON lines and as a table, the deduplicated CSV, summary, actors,
# a trend, the export CSV, every command's --help, a mistake's message and exit status).
#   tools/same_output.sh REV        e.g. tools/same_output.sh 553f663
# Prints one line per output, "same" or "DIFFERS" (`dyad code` runs with --quiet: its lines name
# the database and the timing). Exit status 1 when anything differs.
set -euo pipefail
rev=${1:?usage: tools/same_output.sh REV}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/old" "$rev"

run() {  # run SRC OUT: every output of the tree at SRC into the folder OUT
  local src=$1 out=$2 c
  mkdir -p "$out"
  local dyad=("$root/.venv/bin/python" -m dyad)
  export PYTHONPATH=$src
  "${dyad[@]}" code "$root/examples/" --db "$out/db.duckdb" --rules-only --quiet
  "${dyad[@]}" events --db "$out/db.duckdb" --format jsonl --limit 0 > "$out/events.jsonl"
  COLUMNS=120 "${dyad[@]}" events --db "$out/db.duckdb" --limit 30 > "$out/events.table"
  "${dyad[@]}" events --db "$out/db.duckdb" --dedup --format csv --limit 0 > "$out/dedup.csv"
  "${dyad[@]}" summary --db "$out/db.duckdb" --json > "$out/summary.json"
  "${dyad[@]}" actors --db "$out/db.duckdb" > "$out/actors.txt"
  "${dyad[@]}" trend RUS UKR --db "$out/db.duckdb" --by month > "$out/trend.txt"
  "${dyad[@]}" export --db "$out/db.duckdb" --format csv --out "$out/export.csv" --force > /dev/null
  "${dyad[@]}" --help > "$out/help.txt"
  for c in code events eval export trend actors dyads search show migrate serve regroup summary; do
    "${dyad[@]}" "$c" --help >> "$out/help.txt"
  done
  "${dyad[@]}" events --db "$out/db.duckdb" --limit -1 > "$out/mistake.txt" 2>&1 || echo "exit $?" >> "$out/mistake.txt"
}

run "$work/old/src" "$work/a"
run "$root/src" "$work/b"
status=0
for f in events.jsonl events.table dedup.csv summary.json actors.txt trend.txt export.csv help.txt mistake.txt; do
  if cmp -s "$work/a/$f" "$work/b/$f"; then echo "same     $f"; else echo "DIFFERS  $f"; status=1; fi
done
exit $status
