# Sourced by the ops/install_*.sh scripts: which Debian packages are missing, and installing them
# with apt-get (as root, or through sudo), waiting for another apt-get that holds the lock
# (ops/postgres.sh and the other install scripts may run at the same time).
# Messages go to stderr prefixed by the calling script's name ($INSTALLER).

# Print the packages among "$@" that dpkg does not have installed, one a line.
missing_debian_packages() {
    local pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            echo "$pkg"
        fi
    done
}

# Install the packages "$@"; exit 1 with a message when this machine cannot (no apt-get, no
# root and no sudo, apt-get update failing ten times).
install_debian_packages() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$INSTALLER: no apt-get; install by hand: $*" >&2
        exit 1
    fi
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "$INSTALLER: need root to install: $*" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        if "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
            break
        fi
        [[ $attempt -eq 10 ]] && { echo "$INSTALLER: apt-get update failed" >&2; exit 1; }
        sleep 15
    done
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "$@" >&2
}
