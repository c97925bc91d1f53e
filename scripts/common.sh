# Shared steps of scripts/quickstart.sh and scripts/test.sh. Source it; do not run it.
# Installs what is missing (system packages via apt-get or brew, npm packages) and makes sure
# PostgreSQL and Redis are running. Every step is skipped when its work is already done.

log() { printf '\033[1m[hark]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

require_node() {
  command -v node >/dev/null || die "Node.js 20.19+ is required: https://nodejs.org"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js 20.19+ is required (found $(node -v))"
}

install_system_packages() {
  local missing=()
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
  command -v bzip2 >/dev/null || missing+=(bzip2)
  command -v psql >/dev/null && { command -v pg_ctlcluster >/dev/null || command -v pg_ctl >/dev/null; } || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis)
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v apt-get >/dev/null; then
    local apt=("${missing[@]/redis/redis-server}")
    log "installing ${apt[*]} with apt-get"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt[@]}" >/dev/null
  elif command -v brew >/dev/null; then
    local brew=("${missing[@]/postgresql/postgresql@16}")
    log "installing ${brew[*]} with brew"
    brew install "${brew[@]}"
  else
    die "please install: ${missing[*]} (ffmpeg with ffprobe, PostgreSQL 13+, Redis 6.2+), then run this again"
  fi
}

start_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    log "starting PostgreSQL"
    if command -v pg_ctlcluster >/dev/null; then
      local version; version=$(ls /etc/postgresql | sort -V | tail -1)
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || as_root pg_ctlcluster "$version" main start
    elif command -v brew >/dev/null; then brew services start postgresql@16
    else die "PostgreSQL is not running on 127.0.0.1:5432; start it and run this again"; fi
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    if command -v brew >/dev/null && [ "$(uname)" = Darwin ]; then brew services start redis
    else redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes --dir "${REDIS_DIR:-/tmp}" >/dev/null; fi
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

install_npm_packages() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    # npm install, not npm ci: npm 11 writes lockfiles without the optional packages of other
    # platforms, which npm ci then rejects; the lockfile still pins every version.
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# Exports the variables of an env file (default .env) that the environment does not set already:
# environment variables win over .env, as in the apps. Reads NAME=value lines (optionally
# `export NAME=value`), skips comments and blank lines, strips one pair of surrounding quotes;
# nothing is evaluated.
load_env_file() {
  local file="${1:-.env}" line name value
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    name="${BASH_REMATCH[2]}"
    value="${BASH_REMATCH[3]}"
    if [[ "$value" =~ ^\"(.*)\"[[:space:]]*$ ]] || [[ "$value" =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    [ -n "${!name+set}" ] && continue
    export "$name=$value"
  done < "$file"
}

# Succeeds when dist/ holds a complete build made after every source file last changed (apps,
# libs, scripts, tsconfig*, nest-cli.json, package-lock.json): then `npm run build` would make
# the same dist/. `build` writes dist/.build-stamp after a successful build; `npm run build`
# itself empties dist/, so a build made another way is redone once.
# Argument: the project folder (default: the current one).
dist_is_fresh() {
  local root="${1:-.}"
  [ -f "$root/dist/.build-stamp" ] && [ -f "$root/dist/apps/api/src/main.js" ] || return 1
  local newer
  newer=$(cd "$root" && find apps libs scripts tsconfig*.json nest-cli.json package-lock.json \
    -newer dist/.build-stamp -type f -print -quit 2>/dev/null || true)
  [ -z "$newer" ]
}

build() {
  if dist_is_fresh; then
    log "build is up to date (dist/ is newer than every source file): skipped"
    return 0
  fi
  log "building"
  npm run --silent build
  touch dist/.build-stamp
}

# Everything both commands need before they do their own work.
prepare_machine() {
  require_node
  install_system_packages
  start_services
  install_npm_packages
  build
}
