#!/usr/bin/env bash
# Install the browser the end-to-end tests drive (Playwright with Debian's
# Chromium; Playwright's own browser download cannot work here) and Thai
# fonts so screenshots of Thai pages render real glyphs.
#
# Idempotent: when everything is present it prints one line to stderr and
# nothing else. Needs root (or sudo) only when something must be installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-thai-tlwg)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if [[ ! -x $CHROMIUM ]] && [[ ! " ${missing[*]} " == *" chromium "* ]]; then
    missing+=(chromium)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install_browser: $CHROMIUM and Thai fonts already installed" >&2
    exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install_browser: need root to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "install_browser: installing ${missing[*]} (a few minutes)..." >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt-get may hold the lock (e.g. ops/postgres.sh); wait for it.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
        break
    fi
    [[ $attempt -eq 10 ]] && { echo "install_browser: apt-get update failed" >&2; exit 1; }
    sleep 15
done
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2

if [[ ! -x $CHROMIUM ]]; then
    echo "install_browser: $CHROMIUM still missing after install" >&2
    exit 1
fi
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)" >&2
