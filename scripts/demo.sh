#!/usr/bin/env bash
# Installs what is needed, builds, and runs the hub once on a fresh copy of the shipped
# demo configuration (examples/demo), then shows the archive and the exception queue.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# build/ as scripts/test.sh builds it, without the benchmarks (scripts/build.sh names every
# option, so either script may run first).
BUILD_TARGET=edihub bash scripts/build.sh build -DEDIHUB_BENCH=OFF
work=build/demo
rm -rf "$work" && mkdir -p build && cp -r examples/demo "$work"
edihub=build/edihub
echo "== edihub check --config $work"
$edihub check --config "$work"
echo
echo "== edihub run --config $work --once"
$edihub run --config "$work" --once
echo
echo "== ERP outbox ($work/erp/outbox)"
ls -1 "$work/erp/outbox"
echo
echo "== Sent to partners ($work/outbox): our 997/999/CONTRL acknowledgments, the ERP's 850 and ORDERS"
for f in "$work"/outbox/*/*; do echo "-- $f"; cat "$f"; echo; done
echo
echo "== edihub acks --config $work (our 850 waits for Northwind's 997, our ORDERS for Rheinwerk's CONTRL)"
$edihub acks --config "$work"
echo
echo "== edihub orders --config $work (our PO 4500012345, with Northwind's ASN counted against it)"
$edihub orders --config "$work"
echo
echo "== edihub document po:4500012345 --config $work"
$edihub document po:4500012345 --config "$work"
echo
echo "== edihub exceptions --config $work"
echo "(reconciliation: line 1 of PO 4500012345 over-shipped, and Northwind's other ASN names a PO nobody sent)"
$edihub exceptions --config "$work"
echo
echo "== edihub status --config $work"
$edihub status --config "$work"
echo
echo "(From the repository folder, edihub is $edihub: e.g. $edihub archive query --config $work --type 856)"
