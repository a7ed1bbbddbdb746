#!/usr/bin/env bash
# Every benchmark and corpus score, one after another (`make bench`). Each script prints a
# markdown table; copy the figures into bench/RESULTS.md with the date and the machine's load.
# The broker benchmark seeds its database once (about 20 minutes) and reuses it from bench/.work/.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in plugin verify_speed verify_messages check_corpus check_speed check_scale diff_corpus diff_specs diff_vs_check plugin_infer_corpus asyncapi_corpus broker; do
  printf '\n== bench/%s.py\n' "$script"
  python "bench/$script.py"
done
