#!/usr/bin/env bash
# Failover benchmark (see README.md): bench/failover/run.sh [--runs 20] [--resilient PATH] [--dir DIR]
set -euo pipefail
exec python3 "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.py" "$@"
