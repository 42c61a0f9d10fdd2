#!/usr/bin/env bash
# Install the Debian packages the application needs besides Python's: pango, which WeasyPrint
# (the PDF documents, adapters/pdf.py) loads at run time. With --tests, also poppler-utils
# (pdftoppm), with which the tests render a page of each PDF to PNG to look at.
#
# Idempotent: when everything is present it prints one line to stderr and nothing else. Needs
# root (or sudo) only when something must be installed. Without pango the system still runs:
# the PDF routes answer 503 in Thai and the HTML documents stay printable.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0)
if [[ ${1:-} == --tests ]]; then
    PACKAGES+=(poppler-utils)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install_system_packages: ${PACKAGES[*]} already installed" >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_system_packages: no apt-get; install by hand: ${missing[*]}" >&2
    exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install_system_packages: need root to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "install_system_packages: installing ${missing[*]}..." >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt-get may hold the lock (ops/postgres.sh, ops/install_browser.sh); wait for it.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
        break
    fi
    [[ $attempt -eq 10 ]] && { echo "install_system_packages: apt-get update failed" >&2; exit 1; }
    sleep 15
done
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
echo "install_system_packages: installed ${missing[*]}" >&2
