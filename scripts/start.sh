#!/usr/bin/env bash
# Runs the built api and one processor in the foreground; Ctrl-C (or either exiting) stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f dist/apps/api/src/main.js ] || { echo "Not built yet: run npm run build (or scripts/quickstart.sh)"; exit 1; }
node dist/apps/processor/src/main.js & processor=$!
node dist/apps/api/src/main.js & api=$!
trap 'kill -TERM $api $processor 2>/dev/null; wait' INT TERM
wait -n $api $processor
status=$?
kill -TERM $api $processor 2>/dev/null
wait
exit $status
