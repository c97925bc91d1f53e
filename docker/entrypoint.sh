#!/bin/sh
# Role by command: api | processor | models:download [name…]
set -e
role="${1:-api}"; [ $# -gt 0 ] && shift
case "$role" in
  api) exec node dist/apps/api/src/main.js "$@" ;;
  processor)
    # Fetch the configured model on first start (no-op when present).
    node dist/scripts/download-models.js
    exec node dist/apps/processor/src/main.js "$@" ;;
  models:download) exec node dist/scripts/download-models.js "$@" ;;
  *) exec "$role" "$@" ;;
esac
