#!/usr/bin/env bash
# Nightly rescoring of an interactions log with a trained model: routes every (user,
# query) of the log, evaluates the routes against what the log recorded, and appends one
# CSV line (date, log, routed, skipped, ratio to Oracle, reward, total cost) to HISTORY.
# Bad log lines are skipped into LOG.errors.jsonl; the exit status is pr-route's (65 when
# lines were skipped), after the summary is written.
# Usage: examples/rescore.sh GRAPH WEIGHTS LOG HISTORY
set -uo pipefail
[ $# -eq 4 ] || { echo "usage: $0 GRAPH WEIGHTS LOG HISTORY" >&2; exit 64; }
graph=$1 weights=$2 log=$3 history=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pr-route --graph "$graph" --weights "$weights" --keep-going --errors "$log.errors.jsonl" -o "$work/routes.jsonl" "$log"
status=$?
[ -s "$work/routes.jsonl" ] || { echo "$0: nothing routed from $log" >&2; exit "$((status ? status : 65))"; }
# The truth is the log without the lines pr-route skipped.
touch "$work/bad.txt"
[ -f "$log.errors.jsonl" ] && grep -o '"line":[0-9]*' "$log.errors.jsonl" | cut -d: -f2 >"$work/bad.txt"
awk 'FILENAME == ARGV[1] { bad[$1]; next } !(FNR in bad)' "$work/bad.txt" "$log" >"$work/truth.jsonl"
pr-eval --truth "$work/truth.jsonl" --format csv "$work/routes.jsonl" >"$work/eval.csv" || exit $?
skipped=$(wc -l <"$work/bad.txt")
[ -s "$history" ] || echo "date,log,routed,skipped,ratio_to_oracle,reward,total_cost" >"$history"
awk -F, -v date="$(date +%F)" -v file="$log" -v skipped="$skipped" \
    '$1 == "system" && $4 == "" { print date "," file "," $5 "," skipped "," $8 "," $6 "," $10 }' "$work/eval.csv" >>"$history"
exit "$status"
