#!/usr/bin/env bash
# Install and start a one-node SLURM cluster on this (Debian) machine, for the SLURM integration tests.
#
#   sudo bash .ci/setup-slurm.sh
#
# Installs Debian's munge, slurmctld, slurmd and slurm-client, writes /etc/slurm/slurm.conf for localhost
# (one partition "debug", the machine's cores and memory), creates a munge key, starts munged, slurmctld and
# slurmd in the background (no systemd needed) and waits until the node is idle. Safe to run again: a
# cluster that already answers with an idle node is left alone.
set -euo pipefail

log() { echo "setup-slurm: $*"; }
die() { echo "setup-slurm: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (sudo bash $0)"
command -v apt-get >/dev/null || die "needs a Debian/Ubuntu machine (apt-get not found)"

CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
STATE_DIR=/var/lib/slurm
LOG_DIR=/var/log/slurm
RUN_DIR=/run/slurm
PARTITION=debug
WAIT_SEC=${SLURM_SETUP_WAIT_SEC:-90}

node_state() { timeout 10 sinfo -h -N -p "$PARTITION" -o %t 2>/dev/null | head -n1 || true; }

# ---- slurm.conf -------------------------------------------------------------------------------------
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(free -m | awk '/^Mem:/ {print $2}')
REAL_MEM=$(( MEM_MB * 9 / 10 ))   # a little below the total so slurmd never drains the node for "low memory"

new_conf=$(mktemp)
cat >"$new_conf" <<EOF
# Written by calibman .ci/setup-slurm.sh: a one-node cluster on localhost for integration tests.
ClusterName=calibman-ci
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
StateSaveLocation=$STATE_DIR/slurmctld
SlurmdSpoolDir=$STATE_DIR/slurmd
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# keep finished jobs visible to "scontrol show job" for an hour (there is no accounting database here)
MinJobAge=3600
SchedulerParameters=sched_interval=2
MessageTimeout=20
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
# no slurmdbd: sacct is not available; job state comes from squeue / scontrol and the completion log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.log
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$REAL_MEM State=UNKNOWN
# FORCE:4 lets up to 4 short test jobs share a core, so concurrent test files do not queue behind each other
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF

# ---- already up with this configuration? -------------------------------------------------------------
if command -v sinfo >/dev/null && [ -f "$CONF" ] && cmp -s "$new_conf" "$CONF"; then
  st=$(node_state)
  case "$st" in
    idle|mix|alloc|comp) rm -f "$new_conf"; log "SLURM already running (node state: $st); nothing to do"; exit 0 ;;
  esac
fi

# ---- packages ---------------------------------------------------------------------------------------
need_install=0
for b in munged slurmctld slurmd sbatch; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || need_install=1
done
if [ "$need_install" -eq 1 ]; then
  log "installing munge and slurm packages"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101: let the packages install without trying to start services (we start them ourselves)
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; created_policy=1
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    munge slurmctld slurmd slurm-client >/dev/null
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; trap - EXIT; fi
fi
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

# ---- munge ------------------------------------------------------------------------------------------
id munge >/dev/null 2>&1 || die "user munge missing after installing munge"
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile=/etc/munge/munge.key --force
  else
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
  if [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    kill "$(cat /run/munge/munged.pid)" || true
    sleep 1
  fi
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 1 20); do munge_ok && break; sleep 0.5; done
  munge_ok || die "munged does not answer (see /var/log/munge/munged.log)"
fi

getent hosts "$HOST" >/dev/null || echo "127.0.0.1 $HOST" >>/etc/hosts
install -d -m 0755 "$CONF_DIR" "$LOG_DIR" "$RUN_DIR" "$STATE_DIR"
install -d -m 0755 "$STATE_DIR/slurmctld" "$STATE_DIR/slurmd"
conf_changed=1
if [ -f "$CONF" ] && cmp -s "$new_conf" "$CONF"; then conf_changed=0; fi
if [ "$conf_changed" -eq 1 ]; then
  log "writing $CONF ($CPUS cpus, ${REAL_MEM} MB)"
  install -m 0644 "$new_conf" "$CONF"
fi
rm -f "$new_conf"
# cgroup.conf is not used (no cgroup plugins), but some builds warn without it
[ -f "$CONF_DIR/cgroup.conf" ] || echo "# not used: calibman CI runs without cgroup plugins" >"$CONF_DIR/cgroup.conf"

# ---- daemons ----------------------------------------------------------------------------------------
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
stop_pidfile() {
  if running "$1"; then
    local pid; pid=$(cat "$1")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
}

if [ "$conf_changed" -eq 1 ]; then
  stop_pidfile "$RUN_DIR/slurmd.pid"
  stop_pidfile "$RUN_DIR/slurmctld.pid"
fi
if ! running "$RUN_DIR/slurmctld.pid"; then
  log "starting slurmctld"
  /usr/sbin/slurmctld
fi
if ! running "$RUN_DIR/slurmd.pid"; then
  log "starting slurmd"
  /usr/sbin/slurmd
fi

# ---- wait for an idle node --------------------------------------------------------------------------
deadline=$(( $(date +%s) + WAIT_SEC ))
resumed=0
while :; do
  st=$(node_state)
  case "$st" in
    idle|mix|alloc|comp) break ;;
    down*|drain*|drng*|fail*)
      if [ "$resumed" -eq 0 ]; then
        scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true
        resumed=1
      fi ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "setup-slurm: node state after ${WAIT_SEC}s: '${st:-no answer}'" >&2
    tail -n 20 "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" >&2 || true
    die "SLURM node did not become idle"
  fi
  sleep 1
done
log "SLURM is up: $(sinfo -h -o '%P %a %D %t' | tr '\n' ' ')"
