#!/usr/bin/env bash
# Runs the built api and one processor in the foreground under a small Node supervisor
# (scripts/start.ts): Ctrl-C, SIGTERM or SIGHUP stops both, an app that crashes after it was ready
# is started again with backoff (the other goes on), and "Hark is ready: …" is printed once both
# are up. `exec` keeps one process for npm to signal.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f dist/scripts/start.js ] && [ -f dist/apps/api/src/main.js ] && [ -f dist/apps/processor/src/main.js ] \
  || { echo "Not built yet: run npm run build (or scripts/quickstart.sh)" >&2; exit 1; }
exec node dist/scripts/start.js
