#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make demo: build the Verilated 16x16 core and the runtime, run runtime/examples/loom_demo.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s -C tests/bench demo-build
exec build/bench/loom_demo
