#!/usr/bin/env bash
# The project's test command: system packages (when root on Debian), .venv, then pytest.
# Usage: bash scripts/run-tests.sh [pytest args...]   (default selection: -m "not slow")
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

say() { printf '[run-tests] %s\n' "$*"; }

# 1. System packages: Chromium for the report tests, PostgreSQL server binaries for
#    throwaway test servers, libpq for psycopg, venv support for python3.
#    Tests that need a missing one skip.
have_pg_server() {
    command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}
have_libpq() {
    compgen -G '/usr/lib/*/libpq.so.5' >/dev/null || compgen -G '/usr/lib/libpq.so.5' >/dev/null
}
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
have_pg_server || missing+=(postgresql)
have_libpq || missing+=(libpq5)
# Debian's python3 cannot make a venv without python3-venv (ensurepip).
[ -x .venv/bin/python ] || python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
    say "system: chromium, postgresql, libpq present"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "system: installing ${missing[*]} (apt-get, quiet)"
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    # Output goes to a file, stdin from /dev/null: a service started by a package's
    # postinst must not hold the caller's terminal or CI pipe open.
    apt_install() {
        timeout 1200 apt-get install -y -qq --no-install-recommends "$@" </dev/null >>"$log" 2>&1
    }
    timeout 600 apt-get update -qq </dev/null >"$log" 2>&1 || say "system: apt-get update failed"
    if apt_install "${missing[@]}"; then
        say "system: installed ${missing[*]}"
    else
        # One unavailable package must not block the others.
        failed=()
        for package in "${missing[@]}"; do apt_install "$package" || failed+=("$package"); done
        if [ ${#failed[@]} -eq 0 ]; then
            say "system: installed ${missing[*]}"
        else
            say "system: apt-get could not install ${failed[*]}; tests that need it will be skipped:"
            grep -E '^(E|W):' "$log" | awk '!seen[$0]++' | tail -n 10 | sed 's/^/    /'
        fi
    fi
    rm -f "$log"
else
    say "system: missing ${missing[*]}; tests that need them will be skipped" \
        "(as root on Debian: apt-get install ${missing[*]})"
fi

# 2. The virtualenv, reinstalled only when pyproject.toml changed since the last install.
export PIP_DISABLE_PIP_VERSION_CHECK=1
py=.venv/bin/python
if [ ! -x "$py" ]; then
    say "venv: creating .venv with $(command -v python3)"
    python3 -m venv .venv || { say "venv: python3 -m venv failed"; exit 2; }
fi
stamp=.venv/.ehcp-audit-test-install
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && "$py" -c 'import ehcp_audit, pytest' 2>/dev/null; then
    say "venv: .venv up to date"
else
    say "venv: pip install -e '.[test]' (quiet)"
    log=$(mktemp)
    if "$py" -m pip install -q -e '.[test]' </dev/null >"$log" 2>&1; then
        echo "$want" >"$stamp"
    else
        say "venv: pip install failed:"
        tail -n 30 "$log" | sed 's/^/    /'
        rm -f "$log"
        exit 2
    fi
    rm -f "$log"
fi

# 3. The tests. A later -m in "$@" overrides the default selection.
say "pytest: python -m pytest -m 'not slow' $*"
"$py" -m pytest -m "not slow" "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    say "pytest collected no tests: that is a failure here (exit 5)"
fi
exit "$rc"
