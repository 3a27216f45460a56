#!/usr/bin/env bash
# Peak memory and throughput of `edihub validate` and `edihub run --once` on one large 856
# file (one interchange, one group, ~1.9 KB per set), the same script for any build.
# Usage: bench/big-file-bench.sh EDIHUB_BINARY [SIZES_MB]     (default sizes: "100 1024")
# Needs python3 and GNU time (/usr/bin/time; scripts/install-deps.sh installs it). Works in a
# temporary folder (TMPDIR) that needs about 3x the largest size free; removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:?usage: big-file-bench.sh EDIHUB_BINARY [SIZES_MB]}")"
sizes="${2:-100 1024}"
[ -x /usr/bin/time ] || { echo "GNU time is missing: scripts/install-deps.sh installs it" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

measure() {  # label file command...: prints peak RSS and MB/s
  local label="$1" mb="$2"; shift 2
  local start end rc=0
  start=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out" 2>"$work/err" || rc=$?
  end=$(date +%s.%N)
  if [ "$rc" -gt 1 ]; then echo "$label failed (exit $rc):" >&2; tail -5 "$work/err" >&2; exit 1; fi
  awk -v label="$label" -v kib="$(tail -1 "$work/rss")" -v mb="$mb" -v s="$start" -v e="$end" \
    'BEGIN { printf "%-26s peak RSS %7.1f MiB  %8.1f s  %7.1f MB/s\n", label, kib / 1024, e - s, mb / (e - s) }'
}

echo "edihub: $binary"
for size in $sizes; do
  file="$work/big-$size.edi"
  sets=$(python3 "$here/tools/big_856.py" "$file" "$size")
  mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1000000 }')
  echo "== ${mb} MB, $sets transaction sets =="
  measure "validate" "$mb" "$binary" validate "$file"
  # run --once on a throwaway copy of the demo configuration with the file in Northwind's inbox.
  config="$work/config-$size"
  cp -r "$here/../examples/demo" "$config"
  rm -rf "$config"/inbox/*/* "$config/archive"
  mv "$file" "$config/inbox/northwind/big.edi"
  measure "run --once" "$mb" "$binary" run --config "$config" --once
  delivered=$(find "$config/erp/outbox" -name '*.json' | wc -l)
  echo "  delivered $delivered of $sets sets; acknowledgments: $(ls "$config/outbox/northwind" 2>/dev/null | wc -l) file(s)"
  rm -rf "$config"
done
