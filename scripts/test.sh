#!/usr/bin/env bash
# The second command of the README: installs what is missing, builds, checks that the committed
# migrations match the entities, and runs every test against the real Postgres, Redis, ffmpeg
# and sherpa-onnx. Models come from MODELS_DIR / ASR_MODEL (as for the app); audio from
# TEST_AUDIO_DIR (default ../shared/audio).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

prepare_machine
# The admin UI test drives a real Chromium (Debian's package; Playwright cannot download browsers here).
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null; then
  log "installing chromium for the browser test"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null; }
fi

load_env_file .env   # the environment wins over .env
export MODELS_DIR="${MODELS_DIR:-./models}"
export ASR_MODEL="${ASR_MODEL:-tiny}"
# Server for throw-away test databases: TEST_POSTGRES_URL, else the server of DATABASE_URL.
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  TEST_POSTGRES_URL=$(node -e 'const u=new URL(process.argv[1]); u.pathname=""; console.log(u.href.replace(/\/$/,""))' "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hark}")
fi
export TEST_POSTGRES_URL

log "checking that the migrations match the entities"
check_db="hark_migration_check_$$"
psql "$TEST_POSTGRES_URL/postgres" -qtAX -c "CREATE DATABASE $check_db" >/dev/null
trap 'psql "$TEST_POSTGRES_URL/postgres" -qtAX -c "DROP DATABASE IF EXISTS $check_db WITH (FORCE)" >/dev/null' EXIT
DATABASE_URL="$TEST_POSTGRES_URL/$check_db" npm run --silent migration:run >/dev/null
if ! DATABASE_URL="$TEST_POSTGRES_URL/$check_db" npm run --silent migration:check; then
  die "the entities changed without a migration: run npm run migration:generate -- libs/database/src/migrations/<Name> and commit it"
fi

log "running the tests (models: $MODELS_DIR, ASR_MODEL=$ASR_MODEL)"
rm -f test-results/summary.txt
status=0
npx tsc -p tsconfig.json --noEmit || die "type errors (npx tsc -p tsconfig.json --noEmit)"
npx tsc -p apps/web/tsconfig.json --noEmit || die "type errors in the web page (npx tsc -p apps/web/tsconfig.json --noEmit)"
npm run --silent lint || die "lint errors: fix them (npm run lint lists them; npx eslint --fix . fixes some)"
npm run --silent format:check || die "files not formatted with Prettier: run npm run format"
npx vitest run "$@" || status=$?
[ -f test-results/summary.txt ] || echo "0 passed, 1 failed" > test-results/summary.txt
cat test-results/summary.txt
exit $status
