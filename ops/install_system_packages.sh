#!/usr/bin/env bash
# Install the Debian packages the application needs besides Python's: pango, which WeasyPrint
# (the PDF documents, adapters/pdf.py) loads at run time. With --tests, also poppler-utils
# (pdftoppm), with which the tests render a page of each PDF to PNG to look at.
#
# Idempotent: when everything is present it prints one line to stderr and nothing else. Needs
# root (or sudo) only when something must be installed. Without pango the system still runs:
# the PDF routes answer 503 in Thai and the HTML documents stay printable.
set -euo pipefail
INSTALLER=install_system_packages
source "$(dirname "${BASH_SOURCE[0]}")/debian_packages.sh"

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0)
if [[ ${1:-} == --tests ]]; then
    PACKAGES+=(poppler-utils)
fi

mapfile -t missing < <(missing_debian_packages "${PACKAGES[@]}")
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "$INSTALLER: ${PACKAGES[*]} already installed" >&2
    exit 0
fi

echo "$INSTALLER: installing ${missing[*]}..." >&2
install_debian_packages "${missing[@]}"
echo "$INSTALLER: installed ${missing[*]}" >&2
