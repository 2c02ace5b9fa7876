#!/bin/sh
# Installs the Debian packages given as arguments when any is missing.
# Runs apt-get as root (or through sudo); prints what it does on stderr.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "kaifang: installing missing packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg may hold the lock (an unattended upgrade, a parallel
# make): wait for it, up to 10 minutes, rather than fail.
LOCK="-o DPkg::Lock::Timeout=600"
$SUDO apt-get $LOCK update -qq >&2 || exit 1
$SUDO apt-get $LOCK install -y -qq $missing >&2 || { echo "kaifang: apt-get install failed for:$missing" >&2; exit 1; }
