# Installs what the test suite needs on a fresh Debian/Ubuntu machine, when missing: redis-server,
# chromium, the PostgreSQL server binaries, pgbouncer (apt-get, as root) and pnpm 12 (npm i -g).
# Sourced by scripts/test.sh and .ci/run; defines have, have_initdb, have_pgbouncer, install_system_tools.

have() { command -v "$1" >/dev/null 2>&1; }

have_initdb() {
  have initdb && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

have_pgbouncer() { have pgbouncer || [ -x /usr/sbin/pgbouncer ]; }

install_system_tools() {
  local ok=0 apt=()
  have redis-server || apt+=(redis-server)
  have chromium || [ -x /usr/bin/chromium ] || apt+=(chromium)
  have_initdb || apt+=(postgresql)
  have_pgbouncer || apt+=(pgbouncer)
  if [ "${#apt[@]}" -gt 0 ]; then
    echo "apt-get install: ${apt[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "not root: cannot apt-get install ${apt[*]}; install them or set DATABASE_URL/REDIS_URL" >&2
      ok=1
    else
      apt-get update -qq || ok=1
      apt-get install -y -qq --no-install-recommends "${apt[@]}" >/tmp/ci-apt.log 2>&1 || {
        tail -n 30 /tmp/ci-apt.log
        ok=1
      }
    fi
  fi
  if ! have pnpm; then
    echo "npm i -g pnpm@12"
    npm i -g pnpm@12 --no-fund --no-audit || ok=1
  fi
  echo "node $(node --version); pnpm $(pnpm --version 2>/dev/null || echo missing);" \
    "$(redis-server --version 2>/dev/null | cut -d' ' -f1-3 || echo 'redis-server missing');" \
    "$( (chromium --version 2>/dev/null || echo 'chromium missing') | head -n1)"
  have pnpm && have redis-server && have_initdb && have_pgbouncer && { have chromium || [ -x /usr/bin/chromium ]; } || ok=1
  return $ok
}
