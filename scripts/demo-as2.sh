#!/usr/bin/env bash
# AS2 -> hub -> HTTP ERP, end to end on this machine (run scripts/install-deps.sh once first):
# builds edihub, copies examples/as2-demo to build/as2-demo (with the TEST-ONLY AS2 keys from
# tests/data/as2), starts a stand-in ERP endpoint and `edihub serve`, sends a real 856 with
# libas2 (an independent AS2 implementation: signed, encrypted, signed synchronous MDN asked),
# prints the MDN it verified, the JSON the ERP received, the archive and /healthz, and stops
# serve with SIGTERM. Exits non-zero when any step fails. docs/as2.md, "Try it".
set -euo pipefail
cd "$(dirname "$0")/.."

work=build/as2-demo
edihub=build/edihub
sample=examples/demo/inbox/northwind/ASN_521649209219.edi   # VICS 004010 856, ISA sender 12:2125931122
wait_seconds=30
serve_pid=
erp_pid=

say() { printf '\n== %s\n' "$*"; }
fail() {
  echo >&2
  echo "demo-as2: FAILED: $*" >&2
  if [[ -s $work/serve.log ]]; then
    echo "-- last lines of $work/serve.log:" >&2
    tail -n 20 "$work/serve.log" >&2
  fi
  if [[ -s $work/erp.log ]]; then
    echo "-- $work/erp.log:" >&2
    tail -n 5 "$work/erp.log" >&2
  fi
  exit 1
}
cleanup() {
  local pid
  for pid in $serve_pid $erp_pid; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $serve_pid $erp_pid; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# wait_until SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds, at most SECONDS.
wait_until() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}
alive() { kill -0 "$1" 2>/dev/null; }
# serve_field NAME: a field of the serve_started log line.
serve_field() {
  node -e '
    const line = require("fs").readFileSync(process.argv[1], "utf8").split("\n")
      .find(l => l.includes("\"event\":\"serve_started\""))
    process.stdout.write(String(JSON.parse(line)[process.argv[2]] || ""))' "$work/serve.log" "$1"
}
pretty_json() { node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")), null, 2))'; }

say "build edihub (build/)"
BUILD_TARGET=edihub bash scripts/build.sh build -DEDIHUB_BENCH=OFF || fail "the build failed"
if [[ ! -d tests/peers/node_modules/libas2 ]]; then
  say "npm ci --prefix tests/peers (the libas2 test peer)"
  npm ci --prefix tests/peers --no-audit --no-fund || fail "npm ci in tests/peers failed (offline?)"
fi

say "fresh configuration in $work (from examples/as2-demo)"
rm -rf "$work" && mkdir -p build && cp -r examples/as2-demo "$work"
# TEST-ONLY keys: their private halves are public in this repository. Demo use only.
mkdir -p "$work/certs"
cp tests/data/as2/test-only-hub.{crt,key} tests/data/as2/test-only-partner.{crt,key} "$work/certs/"

say "stand-in ERP endpoint: node scripts/erp-http-receiver.js $work/erp-received"
node scripts/erp-http-receiver.js "$work/erp-received" >"$work/erp.log" 2>&1 &
erp_pid=$!
wait_until "$wait_seconds" grep -q '^listening ' "$work/erp.log" || fail "the ERP receiver did not start"
erp_url=$(sed -n 's/^listening //p' "$work/erp.log" | head -n 1)
echo "$erp_url"
sed -i "s#http://127.0.0.1:9/erp/inbound#$erp_url#" "$work/partners/globex.yaml"
grep -qF "url: $erp_url" "$work/partners/globex.yaml" || fail "could not write the ERP URL into $work/partners/globex.yaml"

say "edihub check --config $work"
"$edihub" check --config "$work" || fail "edihub check refused $work"

say "edihub serve --config $work (JSON log: $work/serve.log)"
"$edihub" serve --config "$work" >"$work/serve.out" 2>"$work/serve.log" &
serve_pid=$!
started() { alive "$serve_pid" || fail "edihub serve exited at start"; grep -q '"event":"serve_started"' "$work/serve.log"; }
wait_until "$wait_seconds" started || fail "no serve_started within ${wait_seconds}s"
as2_url=$(serve_field as2)
health_url=$(serve_field health)
[[ -n $as2_url ]] || fail "serve_started has no AS2 URL (is the as2: section of edihub.yaml read?)"
echo "AS2 receiver: $as2_url"
echo "health:       $health_url"

say "libas2 sends $sample as GLOBEX -> EDIHUB-DEMO (signed sha-256, encrypted aes256-CBC, signed sync MDN)"
cat >"$work/sender.json" <<EOF
{"url": "$as2_url", "ownId": "GLOBEX", "ownCert": "certs/test-only-partner.crt", "ownKey": "certs/test-only-partner.key",
 "receiverId": "EDIHUB-DEMO", "receiverCert": "certs/test-only-hub.crt", "sign": "sha-256", "encrypt": "aes256-CBC",
 "mdnSigning": "sha-256", "contentType": "application/edi-x12"}
EOF
sender_rc=0
sent=$(timeout 60 node tests/peers/as2/as2-sender.js "$work/sender.json" "$sample") || sender_rc=$?
echo "The MDN as libas2 verified it (signature, disposition, MIC):"
if [[ $sent == \{* ]]; then printf '%s\n' "$sent" | pretty_json; else printf '%s\n' "${sent:-(no result: see the error above)}"; fi
((sender_rc == 0)) || fail "the libas2 sender did not get a good MDN (exit $sender_rc)"

say "the ERP endpoint's log ($work/erp.log)"
wait_until "$wait_seconds" grep -q '^received ' "$work/erp.log" || fail "the ERP received nothing within ${wait_seconds}s"
cat "$work/erp.log"
say "the hub's log lines for it ($work/serve.log)"
wait_until "$wait_seconds" grep -q '"event":"housekeeping_finished"' "$work/serve.log" || true
grep -E '"event":"(as2_received|as2_rejected|housekeeping_finished|exception)"' "$work/serve.log" || true
delivered=$(sed -n 's/^received .* -> //p' "$work/erp.log" | head -n 1)
say "the inbound_delivery the ERP received ($delivered)"
pretty_json <"$delivered"

say "edihub archive query --config $work"
"$edihub" archive query --config "$work"
say "edihub archive show --config $work F1 (the AS2 message and its MDN)"
"$edihub" archive show --config "$work" F1
say "edihub archive show --config $work F1 --mdn (the signed MDN the hub sent, as archived)"
"$edihub" archive show --config "$work" F1 --mdn

say "GET $health_url"
node -e '
  fetch(process.argv[1]).then(async r => {
    console.log("HTTP " + r.status)
    console.log(JSON.stringify(await r.json(), null, 2))
    process.exit(r.ok ? 0 : 1)
  }, e => { console.error(String(e)); process.exit(1) })' "$health_url" || fail "/healthz did not answer 200"

say "stop: SIGTERM to edihub serve"
kill -TERM "$serve_pid"
wait_until 45 bash -c "! kill -0 $serve_pid 2>/dev/null" || fail "edihub serve did not stop within 45s"
serve_rc=0
wait "$serve_pid" || serve_rc=$?
serve_pid=
echo "edihub serve exited with $serve_rc"
grep -E '"event":"(stop_requested|stopped|stop_abandoned)"' "$work/serve.log" || true
((serve_rc == 0)) || fail "edihub serve exited with $serve_rc"
kill -TERM "$erp_pid" 2>/dev/null || true
wait "$erp_pid" 2>/dev/null || true
erp_pid=

say "done in ${SECONDS}s: AS2 in, MDN out, delivered to the ERP over HTTP (files in $work)"
