#!/usr/bin/env bash
# SFTP -> hub -> PostgreSQL, end to end on this machine (run scripts/install-deps.sh once first;
# needs root: it creates a throwaway SFTP account and runs sshd and PostgreSQL).
# Builds edihub, copies examples/sftp-demo to build/sftp-demo, starts on 127.0.0.1:
#   - a throwaway OpenSSH sshd (own ed25519 host key, key-only SFTP login for the account
#     edihubdemo) whose outbox/ holds two real 856 ship notices,
#   - a throwaway PostgreSQL cluster (in build/sftp-demo/peers/postgres) with a database erp,
# writes their port, user, key, pinned host key fingerprint and connection string into the
# partner profile, and shows the journey: the remote outbox, `edihub check`, `erp init-db`,
# `run --once`, the emptied outbox, the staging table, the archive, a second run (nothing is
# taken twice) and a run on a re-sent file (recorded as a duplicate, not delivered again).
# Stops both servers and removes the account at the end. Exits non-zero when any step fails.
# docs/sftp.md, "Try it: SFTP -> hub -> PostgreSQL".
set -euo pipefail
cd "$(dirname "$0")/.."

work=build/sftp-demo
edihub=build/edihub
profile=$work/partners/harbor.yaml
sftp_user=edihubdemo
sftp_user_comment="edihub scripts/demo-sftp.sh (throwaway)"
samples=(examples/demo/inbox/northwind/ASN_521649209219.edi   # VICS 004010, ISA sender 12:2125931122
         examples/demo/inbox/pacific/146940.edi)              # 004010, ISA sender ZZ:123456789
sshd_bin=/usr/sbin/sshd   # absolute: sshd re-executes itself
sshd_pid=
pg_bin=
pg_data=
user_created=

say() { printf '\n== %s\n' "$*"; }
fail() {
  echo >&2
  echo "demo-sftp: FAILED: $*" >&2
  local log
  for log in "${sshd_dir:-}/sshd.log" "${pg_dir:-}/server.log"; do
    if [[ -n $log && -s $log ]]; then
      echo "-- last lines of $log:" >&2
      tail -n 10 "$log" >&2
    fi
  done
  exit 1
}
# gone PID: the process no longer exists or is a zombie waiting to be reaped.
gone() { [[ ! -e /proc/$1/stat ]] || [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) == Z ]]; }
# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds, at most SECONDS.
wait_until() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < end)) || return 1
    sleep 0.1
  done
}
stop_sshd() {
  [[ -n $sshd_pid ]] || return 0
  kill -TERM "$sshd_pid" 2>/dev/null || true
  wait_until 10 gone "$sshd_pid" || { kill -KILL "$sshd_pid" 2>/dev/null || true; }
  wait "$sshd_pid" 2>/dev/null || true
  sshd_pid=
}
stop_postgres() {
  [[ -n $pg_data && -f $pg_data/postmaster.pid ]] || return 0
  local pid
  pid=$(head -n 1 "$pg_data/postmaster.pid")
  timeout 40 runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    { kill -QUIT "$pid" 2>/dev/null || true; wait_until 10 gone "$pid" || true; }
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_sshd
  stop_postgres
  if [[ -n $user_created ]]; then userdel "$sftp_user" 2>/dev/null || true; fi
  # The peers' state (keys, data folder, remote files) goes; the hub's config and archive stay.
  [[ -d $work/peers ]] && rm -rf "$work/peers"
  exit "$rc"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# port_taken PORT: something on 127.0.0.1 accepts connections on PORT.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in {1..50}; do
    p=$((20000 + RANDOM % 40000))
    port_taken "$p" || { echo "$p"; return 0; }
  done
  return 1
}
# ssh_banner PORT: the port answers with an SSH-2.0 banner within 1 s.
ssh_banner() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    IFS= read -r -t 1 line <&3 || exit 1
    [[ $line == SSH-2.0-* ]]
  ) 2>/dev/null
}

# hub ARGS...: build/edihub, bounded (its own SFTP and PostgreSQL timeouts are 10 s and 60 s).
hub() { timeout 300 "$edihub" "$@"; }
# stop_stale_peers: a run that was killed (SIGKILL) could not clean up; stop its servers.
stop_stale_peers() {
  local pid cfg=$PWD/$work/peers/sshd/sshd_config data=$PWD/$work/peers/postgres/data
  if [[ -f $work/peers/sshd/sshd.pid ]]; then
    pid=$(<"$work/peers/sshd/sshd.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && grep -aqF "$cfg" "/proc/$pid/cmdline" 2>/dev/null; then
      echo "stopping the sshd of an earlier, interrupted run (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      wait_until 10 gone "$pid" || true
    fi
  fi
  if [[ -f $data/postmaster.pid ]]; then
    echo "stopping the PostgreSQL of an earlier, interrupted run"
    timeout 40 runuser -u postgres -- "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
}

[[ $(id -u) == 0 ]] || fail "run as root: the demo creates the SFTP account $sftp_user and starts sshd and PostgreSQL"
[[ -x $sshd_bin ]] || fail "$sshd_bin missing: run bash scripts/install-deps.sh (openssh-server)"
for tool in sftp ssh-keygen psql runuser useradd; do
  command -v "$tool" >/dev/null || fail "$tool missing: run bash scripts/install-deps.sh"
done
pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[[ -x $pg_bin/initdb && -x $pg_bin/pg_ctl ]] || fail "no PostgreSQL server in /usr/lib/postgresql/*/bin: run bash scripts/install-deps.sh"
[[ $PWD != *[[:space:]]* ]] || fail "the repository path contains white space; sshd_config cannot take it: clone to another folder"

say "build edihub (build/)"
BUILD_TARGET=edihub bash scripts/build.sh build -DEDIHUB_BENCH=OFF || fail "the build failed"

say "fresh configuration in $work (from examples/sftp-demo)"
stop_stale_peers
rm -rf "$work" && mkdir -p build && cp -r examples/sftp-demo "$work"
chmod 755 "$work"
peers=$PWD/$work/peers
sshd_dir=$peers/sshd        # host key, client key, authorized_keys, sshd_config, log
home=$peers/partner-sftp    # the SFTP account's login folder; outbox/ is remote_dir
pg_dir=$peers/postgres
mkdir -p "$sshd_dir/authorized_keys" "$home/outbox" "$pg_dir"
chmod 755 "$peers" "$sshd_dir" "$sshd_dir/authorized_keys" "$home"
echo "config: $work   peers: $work/peers (removed at the end)"

say "throwaway sshd on 127.0.0.1: SFTP account $sftp_user, ed25519 keys, key-only login"
if ! id "$sftp_user" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin -c "$sftp_user_comment" "$sftp_user" ||
    fail "cannot create the account $sftp_user"
  user_created=1
elif [[ $(getent passwd "$sftp_user" | cut -d: -f5) == "$sftp_user_comment" ]]; then
  user_created=1   # left behind by an interrupted run: ours, removed at the end
fi
usermod -p '*' "$sftp_user"   # '*' not '!': with UsePAM no, sshd refuses locked accounts even for keys
chown "$sftp_user:" "$home/outbox"
runuser -u "$sftp_user" -- test -w "$home/outbox" ||
  fail "$sftp_user cannot reach $home/outbox: a parent folder of the repository is not searchable by other users"
ssh-keygen -q -t ed25519 -N '' -C edihub-demo-host -f "$sshd_dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C edihub-demo-partner-login -f "$sshd_dir/client_ed25519"
cp "$sshd_dir/client_ed25519.pub" "$sshd_dir/authorized_keys/$sftp_user"
chmod 644 "$sshd_dir/authorized_keys/$sftp_user"   # sshd reads it as $sftp_user
host_fp=$(ssh-keygen -l -E sha256 -f "$sshd_dir/host_ed25519.pub" | awk '{print $2}')
[[ $host_fp == SHA256:* ]] || fail "no fingerprint for the host key"
install -d -m 755 /run/sshd   # privilege separation folder, missing on fresh containers

sftp_port=
for _ in 1 2 3 4 5; do
  port=$(free_port) || fail "no free port found on 127.0.0.1"
  cat >"$sshd_dir/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $sshd_dir/host_ed25519
PidFile $sshd_dir/sshd.pid
AuthorizedKeysFile $sshd_dir/authorized_keys/%u
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
AllowUsers $sftp_user
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PermitTTY no
Subsystem sftp internal-sftp
ForceCommand internal-sftp -d $home
LogLevel VERBOSE
EOF
  "$sshd_bin" -t -f "$sshd_dir/sshd_config" || fail "sshd -t refused $sshd_dir/sshd_config"
  "$sshd_bin" -D -e -f "$sshd_dir/sshd_config" </dev/null >>"$sshd_dir/sshd.log" 2>&1 &
  sshd_pid=$!
  up() { ! gone "$sshd_pid" && ssh_banner "$port"; }
  if wait_until 10 up; then sftp_port=$port; break; fi
  stop_sshd
  grep -q 'Address already in use' "$sshd_dir/sshd.log" || fail "sshd did not answer on 127.0.0.1:$port within 10s"
done
[[ -n $sftp_port ]] || fail "sshd found no free port in 5 attempts"
echo "[127.0.0.1]:$sftp_port ssh-ed25519 $(awk '{print $2}' "$sshd_dir/host_ed25519.pub")" >"$sshd_dir/known_hosts"
echo "sshd pid $sshd_pid on 127.0.0.1:$sftp_port, host key $host_fp"

# partner_sftp COMMANDS: the OpenSSH sftp client, logged in as the partner's account, host key
# pinned through known_hosts (no trust on first use), runs the batch COMMANDS.
partner_sftp() {
  printf '%s\n' "$@" | timeout 30 sftp -q -b - -F /dev/null -P "$sftp_port" -i "$sshd_dir/client_ed25519" \
    -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR \
    -o UserKnownHostsFile="$sshd_dir/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
    "$sftp_user@127.0.0.1"
}
remote_files() { find "$home/outbox" -maxdepth 1 -type f | wc -l; }

say "the partner puts two ship notices (856) into outbox/ with sftp"
for f in "${samples[@]}"; do
  name=$(basename "$f")
  # upload under a hidden temporary name, then rename: the hub never sees a partial file
  partner_sftp "put $f outbox/.$name.part" "rename outbox/.$name.part outbox/$name" ||
    fail "sftp could not upload $f"
done
partner_sftp "ls -l outbox" || fail "sftp could not list outbox/"
[[ $(remote_files) == 2 ]] || fail "expected 2 files in the remote outbox/"

say "throwaway PostgreSQL on 127.0.0.1 ($pg_bin, data in $work/peers/postgres)"
chown postgres: "$pg_dir" && chmod 700 "$pg_dir"
runuser -u postgres -- test -w "$pg_dir" ||
  fail "the postgres user cannot reach $pg_dir: a parent folder of the repository is not searchable by other users"
pg_data=$pg_dir/data
# trust authentication: only for this throwaway cluster, which listens on 127.0.0.1 only
timeout 120 runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; fail "initdb failed"; }
pg_port=
for _ in 1 2 3 4 5; do
  port=$(free_port) || fail "no free port found on 127.0.0.1"
  if timeout 90 runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_dir/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_dir -c fsync=off" \
       start >/dev/null; then
    pg_port=$port
    break
  fi
  grep -q 'could not bind\|already in use' "$pg_dir/server.log" || fail "PostgreSQL did not start"
done
[[ -n $pg_port ]] || fail "PostgreSQL found no free port in 5 attempts"
export PGCONNECT_TIMEOUT=10
psql_admin() { timeout 60 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"; }
psql_admin -c "CREATE ROLE erp LOGIN" -c "CREATE DATABASE erp OWNER erp" || fail "cannot create the database erp"
conninfo="host=127.0.0.1 port=$pg_port dbname=erp user=erp"
erp_sql() { timeout 60 psql -X -v ON_ERROR_STOP=1 "$conninfo" "$@"; }
echo "PostgreSQL pid $(head -n 1 "$pg_data/postmaster.pid") on 127.0.0.1:$pg_port, database erp (owner erp)"

say "partner profile $profile: port, user, key, pinned host key, conninfo"
install -d -m 700 "$work/keys"
install -m 600 "$sshd_dir/client_ed25519" "$work/keys/harbor_ed25519"
sed -i -e "s#^\(    port: \)[0-9]*#\1$sftp_port#" \
       -e "s#^\(    user: \)[^ ]*#\1$sftp_user#" \
       -e "s#^\(    host_key_sha256: \)\"[^\"]*\"#\1\"$host_fp\"#" \
       -e "s#^\(    conninfo: \)\"[^\"]*\"#\1\"$conninfo\"#" "$profile"
for line in "port: $sftp_port" "user: $sftp_user" "private_key: keys/harbor_ed25519" \
            "host_key_sha256: \"$host_fp\"" "conninfo: \"$conninfo\""; do
  grep -qF "    $line" "$profile" || fail "could not write '$line' into $profile"
done
sed -n '/^inbound:/,/^acknowledgments:/p' "$profile" | grep -v '^acknowledgments:'

say "edihub check --config $work"
hub check --config "$work" || fail "edihub check refused $work"

say "edihub erp init-db --config $work"
hub erp init-db --config "$work" || fail "edihub erp init-db failed"

# run_once EXPECT...: edihub run --once, printed; its summary must contain every EXPECT.
run_once() {
  local out want
  out=$(hub run --once --config "$work" 2>&1) || { printf '%s\n' "$out"; fail "edihub run --once failed"; }
  printf '%s\n' "$out"
  for want in "$@"; do
    grep -qF -- "$want" <<<"$out" || fail "the run summary does not say '$want'"
  done
}
rows() { erp_sql -Atc "select count(*) from edihub.erp_inbound"; }

say "edihub run --once --config $work (polls the partner's outbox/ over SFTP)"
run_once "2 file(s) received" " 0 new exception(s)"

say "the partner's outbox/ after the run (each file removed once its receipt was durable)"
partner_sftp "ls -l outbox" || fail "sftp could not list outbox/"
[[ $(remote_files) == 0 ]] || fail "the remote outbox/ still holds files"
echo "(empty)"

say "the ERP's staging table edihub.erp_inbound in database erp"
erp_sql -c "select idempotency_key, partner, target, document->'transaction'->>'shipment_id' as shipment_id,
                   jsonb_array_length(document->'transaction'->'orders') as orders, received_at, attempts
            from edihub.erp_inbound order by idempotency_key" || fail "cannot read edihub.erp_inbound"
[[ $(rows) == 2 ]] || fail "expected 2 rows in edihub.erp_inbound"

say "edihub archive query --config $work"
hub archive query --config "$work" || fail "edihub archive query failed"

say "edihub run --once --config $work again: nothing is taken twice"
run_once "0 file(s) received" " 0 transaction set(s) delivered" " 0 new exception(s)"
echo "rows in edihub.erp_inbound: $(rows)"
[[ $(rows) == 2 ]] || fail "the second run changed edihub.erp_inbound"

say "the partner sends $(basename "${samples[0]}") again; edihub run --once --config $work"
name=$(basename "${samples[0]}")
partner_sftp "put ${samples[0]} outbox/.$name.part" "rename outbox/.$name.part outbox/$name" ||
  fail "sftp could not upload ${samples[0]} again"
run_once "1 file(s) received" "(1 duplicate(s))" " 0 transaction set(s) delivered" "] duplicate: "
[[ $(remote_files) == 0 ]] || fail "the re-sent file is still in the remote outbox/"
echo "rows in edihub.erp_inbound: $(rows)"
[[ $(rows) == 2 ]] || fail "the re-sent file added a row"

say "stop sshd and PostgreSQL"
stop_sshd
stop_postgres
echo "stopped"

say "done in ${SECONDS}s: SFTP (OpenSSH) -> edihub -> PostgreSQL; config and archive stay in $work"
