#!/usr/bin/env bash
# Parse throughput and peak memory of the edihub X12 reader (with envelope checks) against
# the npm parsers x12-parser and node-x12 in stream mode, on one generated 856 file read
# in 64 KiB chunks, every element visited. Each parser runs RUNS times; the table shows
# the median MB/s (1 MB = 10^6 bytes) over wall time as each parser measures it and over
# the CPU time (user + sys) of its process, the highest peak RSS, and ours/peer ratios.
# On a busy machine wall time includes waiting for a core; CPU time does not.
#
# Usage: bench/parse-bench.sh [BUILD_DIR [MEGABYTES]]
#   BUILD_DIR holds edihub_bench (default: build); MEGABYTES of 856 to generate (default 200).
# Needs /usr/bin/time (Debian package `time`), node and npm.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
megabytes=${2:-200}
runs=${RUNS:-3}
bench=$build/edihub_bench
out=$here/out
file=$out/856-${megabytes}mb.edi

[[ -x /usr/bin/time ]] || { echo "parse-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
[[ -x $bench ]] || { echo "parse-bench: $bench missing (build the edihub_bench target)" >&2; exit 1; }
[[ -d $here/node_modules/x12-parser && -d $here/node_modules/node-x12 ]] || (cd "$here" && npm ci --no-audit --no-fund)

mkdir -p "$out"
if [[ ! -s $file ]]; then
  echo "generating $file"
  "$bench" --generate-856 "$file" --megabytes "$megabytes"
fi
echo "input: $file ($(stat -c %s "$file") bytes), $runs runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# run NAME COMMAND...: appends "wall_mb_per_s cpu_mb_per_s rss_kib" of each run to $out/NAME.runs
run() {
  local name=$1
  shift
  local bytes
  bytes=$(stat -c %s "$file")
  : >"$out/$name.runs"
  for ((i = 1; i <= runs; i++)); do
    local line rss user sys
    line=$(/usr/bin/time -f '%M %U %S' -o "$out/$name.time" "$@" "$file")
    read -r rss user sys <"$out/$name.time"
    echo "  $name run $i: $line (max RSS $rss KiB, CPU ${user}s user ${sys}s sys)"
    echo "$(sed -n 's/.*mb_per_s=\([0-9.]*\).*/\1/p' <<<"$line")" \
      "$(awk -v b="$bytes" -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", b / 1e6 / (u + s) }')" "$rss" >>"$out/$name.runs"
  done
}

run edihub "$bench" --parse-file
run x12-parser node "$here/peers/x12-parser.js"
run node-x12 node "$here/peers/node-x12.js"

median() { sort -n -k"$2,$2" "$out/$1.runs" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
peak_rss_mib() { sort -n -k3,3 "$out/$1.runs" | awk 'END { printf "%.1f", $3 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { printf f, a / b }'; }

echo
printf '%-12s %12s %12s %14s %16s %16s %14s\n' parser "wall MB/s" "CPU MB/s" "peak RSS MiB" \
  "wall ours/peer" "CPU ours/peer" "RSS ours/peer"
for name in edihub x12-parser node-x12; do
  printf '%-12s %12s %12s %14s %16s %16s %14s\n' "$name" "$(median "$name" 1)" "$(median "$name" 2)" \
    "$(peak_rss_mib "$name")" "$(ratio "$(median edihub 1)" "$(median "$name" 1)" '%.1fx')" \
    "$(ratio "$(median edihub 2)" "$(median "$name" 2)" '%.1fx')" \
    "$(ratio "$(peak_rss_mib edihub)" "$(peak_rss_mib "$name")" '%.2f')"
done
