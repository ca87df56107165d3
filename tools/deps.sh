#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages Loom needs, and nothing from anywhere else.
# As root: installs what is missing with apt-get. Otherwise: prints the exact
# command and fails. `make demo` and `make test` call this first.
set -eu

# One line per package and what uses it.
PACKAGES="
make               build front end
gcc                runtime, compiler, tests
g++                Verilator's C++ output
python3            tools/isagen.py (the ISA contract generator)
verilator          RTL simulation and lint
zlib1g-dev         FST waveform tracing in the Verilator library
yosys              synthesis checks and board builds
libdnnl-dev        make bench: oneDNN, the CPU baseline the fallback is compared with
"

missing=""
for p in $(printf '%s\n' "$PACKAGES" | awk 'NF { print $1 }'); do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "Loom needs these Debian packages:$missing" >&2
    echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
