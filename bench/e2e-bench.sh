#!/usr/bin/env bash
# End-to-end benchmark: `edihub run --once` over N small 856 files (default 10,000) in one
# partner's inbox, with durability kept. Compares group commit (batch_files: 500) with
# the one-sync-and-commit-per-file peer (batch_files: 1) measured in the same run, 3 runs
# each, and prints the medians and their ratio. BUILD_DIR picks the build folder (build).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
runs=${RUNS:-3}
build=${BUILD_DIR:-build}
bash scripts/build.sh "$build" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/edihub-e2e-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

setup() {  # $1 folder, $2 batch_files
  mkdir -p "$1/partners" "$1/mappings" "$1/inbox"
  printf 'archive: {path: archive}\npipeline: {batch_files: %s}\n' "$2" > "$1/edihub.yaml"
  cp examples/demo/mappings/x12-856-inbound-delivery.yaml "$1/mappings/"
  cat > "$1/partners/supplier.yaml" <<'YAML'
id: supplier
name: Supplier One
identities:
  - {isa_qualifier: ZZ, isa_id: SUPPLIER1}
inbound:
  folder: {path: inbox, settle_seconds: 0}
erp:
  folder: {path: erp}
mappings:
  - {transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}
code_tables:
  uom: {EA: EA}
  transport_mode: {M: truck}
reconcile: {enabled: false}  # its POs are unknown: bench/reconcile-bench.sh measures reconciliation
YAML
  "$build/edihub_generate_inbox" "$1/inbox" "$files"
}

measure() {  # $1 batch_files -> prints transaction sets per second
  local dir="$work/run-$1-$RANDOM"
  setup "$dir" "$1"
  sync
  local start end delivered
  start=$(date +%s.%N)
  "$build/edihub" run --config "$dir" --once --json > "$dir/summary.json"
  end=$(date +%s.%N)
  delivered=$(grep -o '"sets_delivered": [0-9]*' "$dir/summary.json" | grep -o '[0-9]*$')
  [ "$delivered" = "$files" ] || { echo "expected $files delivered, got $delivered" >&2; exit 1; }
  # Run folders are removed only at exit: mass deletes just before a run slow ext4's
  # inode allocation for the next one and would skew the comparison.
  echo "$delivered $start $end" | awk '{printf "%.0f\n", $1 / ($3 - $2)}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -a group per_file
for ((i = 0; i < runs; i++)); do
  group+=("$(measure 500)")
  per_file+=("$(measure 1)")
done
g=$(printf '%s\n' "${group[@]}" | median)
p=$(printf '%s\n' "${per_file[@]}" | median)
echo "edihub run --once, $files files of one 856 each, $runs runs each (transaction sets/s):"
printf '  %-40s median %6s   runs: %s\n' "group commit (batch_files: 500)" "$g" "${group[*]}"
printf '  %-40s median %6s   runs: %s\n' "one sync + commit per file (batch_files: 1)" "$p" "${per_file[*]}"
awk -v g="$g" -v p="$p" 'BEGIN {printf "  ratio group/per-file: %.1fx\n", g / p}'
