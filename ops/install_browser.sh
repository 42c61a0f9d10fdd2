#!/usr/bin/env bash
# Install the browser the end-to-end tests drive (Playwright with Debian's
# Chromium; Playwright's own browser download cannot work here) and Thai
# fonts so screenshots of Thai pages render real glyphs.
#
# Idempotent: when everything is present it prints one line to stderr and
# nothing else. Needs root (or sudo) only when something must be installed.
set -euo pipefail
INSTALLER=install_browser
source "$(dirname "${BASH_SOURCE[0]}")/debian_packages.sh"

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-thai-tlwg)

mapfile -t missing < <(missing_debian_packages "${PACKAGES[@]}")
if [[ ! -x $CHROMIUM ]] && [[ ! " ${missing[*]} " == *" chromium "* ]]; then
    missing+=(chromium)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "$INSTALLER: $CHROMIUM and Thai fonts already installed" >&2
    exit 0
fi

echo "$INSTALLER: installing ${missing[*]} (a few minutes)..." >&2
install_debian_packages "${missing[@]}"

if [[ ! -x $CHROMIUM ]]; then
    echo "$INSTALLER: $CHROMIUM still missing after install" >&2
    exit 1
fi
echo "$INSTALLER: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)" >&2
