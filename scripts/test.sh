#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing (redis-server, chromium and
# the PostgreSQL server binaries through apt-get when run as root; pnpm 12), installs the
# workspace, builds the packages and runs every test project once (unit, conformance suites
# against throwaway PostgreSQL and Redis servers it starts itself, real `next build`s and the
# example app in headless Chromium). Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
. "$ROOT/scripts/install-tools.sh"

install_system_tools
pnpm() { if have pnpm; then command pnpm "$@"; else npx -y pnpm@12 "$@"; fi; }
pnpm install --frozen-lockfile
# also the opt-in check of @metered/next inside a real `next build` + `next start`
METERED_NEXT_SMOKE=1 pnpm test "$@"
