#!/usr/bin/env bash
# Nightly rescoring of an interactions log with a trained model: routes every (user,
# query) of the log, evaluates the routes against what the log recorded, and appends one
# CSV line (date, log, routed, skipped, ratio to Oracle, reward, total cost) to HISTORY.
# Bad log lines are skipped into LOG.errors.jsonl; the exit status is pr-route's (65 when
# lines were skipped), after the summary is written. The truth for pr-eval is the log
# without the skipped lines (pr-eval rejects a bad line where pr-route can skip it).
# Finds the tools in $PROUTER_BIN, next to itself (`make install` puts it in the tools'
# directory as pr-rescore), in the source tree's release build, or on PATH, so that it
# runs under cron's bare environment.
# Exit statuses: 64 bad usage; 69 tools not found; 73 HISTORY cannot be written; else
# pr-route's or pr-eval's.
# Usage: rescore.sh GRAPH WEIGHTS LOG HISTORY
set -uo pipefail
[ $# -eq 4 ] || { echo "usage: $0 GRAPH WEIGHTS LOG HISTORY" >&2; exit 64; }
graph=$1 weights=$2 log=$3 history=$4
here=$(cd "$(dirname "$0")" && pwd)
for dir in "${PROUTER_BIN:-}" "$here" "$here/../.build/release"; do
    if [ -n "$dir" ] && [ -x "$dir/pr-route" ] && [ -x "$dir/pr-eval" ]; then
        PATH="$dir:$PATH"
        break
    fi
done
command -v pr-route >/dev/null 2>&1 && command -v pr-eval >/dev/null 2>&1 \
    || { echo "$0: cannot find pr-route and pr-eval: set PROUTER_BIN to their directory, or run make install" >&2; exit 69; }
history_dir=$(dirname "$history")
if [ -d "$history" ] || [ ! -d "$history_dir" ] || [ ! -w "$history_dir" ]; then
    echo "$0: $history: cannot write the history (not a writable file in an existing directory)" >&2
    exit 73
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pr-route --graph "$graph" --weights "$weights" --keep-going --errors "$log.errors.jsonl" -o "$work/routes.jsonl" -- "$log"
status=$?
[ -s "$work/routes.jsonl" ] || { echo "$0: nothing routed from $log" >&2; exit "$((status ? status : 65))"; }
# The truth is the log without the lines pr-route skipped (read from standard input, so
# that a log named like an awk assignment, a=b.jsonl, is still a file).
touch "$work/bad.txt"
[ -f "$log.errors.jsonl" ] && grep -o '"line":[0-9]*' "$log.errors.jsonl" | cut -d: -f2 >"$work/bad.txt"
BAD="$work/bad.txt" awk 'BEGIN { while ((getline line < ENVIRON["BAD"]) > 0) bad[line] } !(FNR in bad)' <"$log" >"$work/truth.jsonl"
pr-eval --truth "$work/truth.jsonl" --format csv "$work/routes.jsonl" >"$work/eval.csv" || exit $?
skipped=$(wc -l <"$work/bad.txt")
[ -s "$history" ] || echo "date,log,routed,skipped,ratio_to_oracle,reward,total_cost" >"$history" || exit 73
DAY="$(date +%F)" FILE="$log" SKIPPED="$skipped" \
    awk -F, '$1 == "system" && $4 == "" { print ENVIRON["DAY"] "," ENVIRON["FILE"] "," $5 "," ENVIRON["SKIPPED"] "," $8 "," $6 "," $10 }' \
    "$work/eval.csv" >>"$history" || exit 73
exit "$status"
