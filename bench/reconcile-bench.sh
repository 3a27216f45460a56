#!/usr/bin/env bash
# What reconciliation costs: `edihub run --once` over N small 856 files (default 5,000), each
# shipping against its own purchase order that the ERP made known through erp.open_orders
# (N purchase_order JSON files in the same run), with reconciliation on and, as the peer
# measured in the same run, off (orders still recorded, no rule evaluated). farm-bench
# times whole processes; prints its medians and ratio. BUILD_DIR picks the build (build).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-5000}
build=${BUILD_DIR:-build}
[ -x "$build/edihub" ] || bash scripts/build.sh "$build" >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/edihub-reconcile-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A template configuration per setting; each timed run copies it fresh.
template() {  # $1 folder, $2 true|false
  mkdir -p "$1/partners" "$1/mappings" "$1/inbox" "$1/erp-open"
  printf 'archive: {path: archive}\n' > "$1/edihub.yaml"
  cp examples/demo/mappings/x12-856-inbound-delivery.yaml "$1/mappings/"
  cat > "$1/partners/supplier.yaml" <<YAML
id: supplier
name: Supplier One
identities:
  - {isa_qualifier: ZZ, isa_id: SUPPLIER1}
inbound:
  folder: {path: inbox, settle_seconds: 0}
erp:
  folder: {path: erp}
  open_orders:
    folder: {path: erp-open, pattern: "*.json", settle_seconds: 0}
mappings:
  - {transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}
code_tables:
  uom: {EA: EA}
  transport_mode: {M: truck}
reconcile: {enabled: $2}
YAML
  "$build/edihub_generate_inbox" "$1/inbox" "$files"
  # The orders the ASNs ship against (tests/sample_856.h: PO<n>, PART-A 10 EA, PART-B 4.5 EA).
  python3 - "$1/erp-open" "$files" <<'PY'
import json, sys
folder, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    po = {"po_number": f"PO{i:07}", "order_date": "2026-11-20", "requested_ship_date": "2026-11-27",
          "ship_to": {"code": "1000"}, "vendor": {"code": "SUP1"},
          "lines": [{"line_number": 1, "quantity": 10, "unit": "EA", "unit_price": 1, "buyer_part": "PART-A"},
                    {"line_number": 2, "quantity": 4.5, "unit": "EA", "unit_price": 1, "buyer_part": "PART-B"}]}
    with open(f"{folder}/PO{i:07}.json", "w") as f:
        json.dump(po, f)
PY
}
template "$work/on" true
template "$work/off" false

run() {  # $1 template: a fresh copy, then one run
  printf 'rm -rf %s/run && cp -r %s %s/run && %s/edihub run --config %s/run --once >/dev/null' "$work" "$1" "$work" "$build" "$work"
}
# The copy is in both commands, so the ratio compares the runs.
farm-bench -n 5 --timeout 1800 --vs "bash -c '$(run "$work/off")'" -- bash -c "$(run "$work/on")"
# One more run with reconciliation on, checked: every ASN counted, no finding.
bash -c "$(run "$work/on")"
"$build/edihub" exceptions --config "$work/run" --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print(f"  reconciliation on: {len(rows)} open exception(s) (expected 0: every ASN ships what its PO ordered)")
'
"$build/edihub" orders --config "$work/run" --state shipped --limit 1 --json | python3 -c '
import json, sys
print("  orders shipped in full:", json.load(sys.stdin)["total"])
'
