#!/bin/sh
# deps.sh PACKAGE... - install the Debian packages that are missing, and only those.
# Runs apt-get as root, or through sudo; says what to run when it can do neither.
set -eu
missing=""
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "gavel: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1; then sudo="sudo"
else
	echo "gavel: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q -o DPkg::Lock::Timeout=300
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 $missing
