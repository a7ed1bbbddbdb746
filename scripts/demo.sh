#!/usr/bin/env bash
# The whole Seam loop on the embedded defaults, one step at a time.
# Each step prints what it does; steps not built yet say so plainly.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=.demo
rm -rf "$WORK" && mkdir -p "$WORK"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
todo() { printf '   (not built yet: %s)\n' "$*"; }

step "1. consumer tests (pytest + seam plugin) write contracts/"
todo "issue 3, the seam pytest plugin"

step "2. snapshot the provider's own OpenAPI into contracts/openapi/"
todo "issue 2, contracts snapshot"

step "3. start the provider and verify every pact against it"
todo "issue 4, contracts verify"

step "4. check every pact against the provider's OpenAPI (no provider running)"
todo "issue 7, contracts check"

step "5. diff the contracts against the committed version"
todo "issue 5, contracts diff"

step "6. publish to the embedded broker and ask can-i-deploy"
todo "issue 6, contracts broker / publish / can-i-deploy"

step "done"
