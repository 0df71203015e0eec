#!/usr/bin/env bash
# deps.sh: install the Debian packages cutover builds and tests with, only those missing.
set -eu
PKGS="build-essential pkg-config libetpan-dev libcurl4-gnutls-dev libyaml-dev libsqlite3-dev
libcsv-dev libjansson-dev libgnutls28-dev libsasl2-modules ca-certificates
dovecot-core dovecot-imapd dovecot-pop3d openssl sqlite3 fetchmail python3-aiosmtpd
libxml2-utils iproute2 procps tzdata chromium isync clang libclang-rt-dev
slurm-wlm munge"
# slurm-wlm, munge: tests/integration/slurm_shards.sh runs a private one-node Slurm.
# clang: the warnings build (make clang-check); libclang-rt-dev: its libFuzzer and
# sanitizer runtimes (make fuzz); clang only recommends it, and we install no recommends.
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The packaged Dovecot starts a system instance on the standard ports; our tests run their
# own instances and need none of it.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true; fi
# Likewise Slurm and munge: the test starts its own on ports and sockets of its own.
if command -v systemctl >/dev/null 2>&1; then
	$SUDO systemctl disable --now slurmctld slurmd munge >/dev/null 2>&1 || true
fi
