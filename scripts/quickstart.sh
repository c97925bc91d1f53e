#!/usr/bin/env bash
# The first command of the README: installs what is missing, creates the database, fetches the
# default model unless present, and starts the api and one processor (migrations run at start).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

prepare_machine

if [ ! -f .env ]; then
  log "creating .env from .env.example (with a new CALLBACK_SECRET)"
  sed "s/^CALLBACK_SECRET=$/CALLBACK_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')/" .env.example > .env
fi
load_env_file .env   # the environment wins over .env

# Role and database of DATABASE_URL (created with the PostgreSQL superuser when missing).
db_user=$(node -e 'const u=new URL(process.argv[1]); console.log(decodeURIComponent(u.username)||"postgres")' "$DATABASE_URL")
db_pass=$(node -e 'const u=new URL(process.argv[1]); console.log(decodeURIComponent(u.password))' "$DATABASE_URL")
db_name=$(node -e 'const u=new URL(process.argv[1]); console.log(u.pathname.slice(1))' "$DATABASE_URL")
pg_admin() {
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then runuser -u postgres -- psql -qtAX "$@"
  elif id postgres >/dev/null 2>&1 && command -v sudo >/dev/null && [ "$(uname)" != Darwin ]; then sudo -u postgres psql -qtAX "$@"
  else psql -h 127.0.0.1 -qtAX -d postgres "$@"; fi
}
if [ "$(pg_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != 1 ]; then
  log "creating PostgreSQL role $db_user"
  pg_admin -c "CREATE ROLE \"$db_user\" LOGIN CREATEDB PASSWORD '$db_pass'"
fi
if [ "$(pg_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" != 1 ]; then
  log "creating database $db_name"
  pg_admin -c "CREATE DATABASE \"$db_name\" OWNER \"$db_user\""
fi

npm run --silent models:download
exec bash scripts/start.sh
