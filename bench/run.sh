#!/usr/bin/env bash
# Kept for old habits: the benchmark suite is bench/suite.sh (same arguments:
# [BUILD_DIR] [--append], plus --quick). See bench/README.md.
exec "$(dirname "$0")/suite.sh" "$@"
