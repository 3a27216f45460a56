#!/usr/bin/env bash
# TEST-ONLY AS2 keys and certificates for edihub's tests (transports/as2_test.cc).
# These keys are published in the repository: never use them for a real trading partner.
#
#   tests/data/as2/make-certs.sh [DIR]     (default: this script's folder)
#
# Writes, each as test-only-<name>.key (PKCS#8 PEM, unencrypted; libas2 needs PKCS#8) and
# test-only-<name>.crt (self-signed, RSA-2048, SHA-256, keyUsage digitalSignature+keyEncipherment):
#   hub            our side (As2Identity in the tests), valid 20 years
#   partner        the trading partner (libas2 peer / our second endpoint), valid 20 years
#   partner-next   the partner's rotated key: valid 20 years, overlaps "partner"
#   partner-old    an older partner key whose certificate EXPIRED (2000-01-01 .. 2001-01-01)
#   partner-future a partner key whose certificate is NOT YET VALID (2090-01-01 .. 2110-01-01)
#   stranger       a key nobody trusts (wrong-certificate tests), valid 20 years
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$dir"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# A minimal `openssl ca` setup, used only for the certificates with a fixed (past/future)
# validity window: `openssl req -x509` on OpenSSL 3.0 cannot set a start date.
mkdir -p "$work/ca"; : > "$work/ca/index.txt"; echo 01 > "$work/ca/serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $work/ca
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = ext
[anything]
commonName = supplied
[ext]
keyUsage = critical,digitalSignature,keyEncipherment
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
CNF

valid() {  # name
  openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 7300 \
    -subj "/CN=EDIHUB-TEST-ONLY-${1^^}-AS2" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
    -keyout "$dir/test-only-$1.key" -out "$dir/test-only-$1.crt" 2>/dev/null
}
window() {  # name startdate enddate (YYYYMMDDHHMMSSZ)
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=EDIHUB-TEST-ONLY-${1^^}-AS2" \
    -keyout "$dir/test-only-$1.key" -out "$work/$1.csr" 2>/dev/null
  openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$dir/test-only-$1.key" \
    -in "$work/$1.csr" -startdate "$2" -enddate "$3" -notext -out "$dir/test-only-$1.crt" 2>/dev/null
}

for n in hub partner partner-next stranger; do valid "$n"; done
window partner-old 20000101000000Z 20010101000000Z
window partner-future 20900101000000Z 21100101000000Z
for f in "$dir"/test-only-*.crt; do
  printf '%-28s %s .. %s\n' "$(basename "$f")" \
    "$(openssl x509 -in "$f" -noout -startdate | cut -d= -f2)" "$(openssl x509 -in "$f" -noout -enddate | cut -d= -f2)"
done
