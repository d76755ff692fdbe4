#!/bin/sh
# Installs the Debian packages given that are not installed yet (make deps).
# Usage: tools/deps.sh SUDO [--optional] PACKAGE...
# With --optional, a failure to install is reported and ignored.
sudo=$1; shift
optional=no
if [ "$1" = "--optional" ]; then optional=yes; shift; fi
missing=
for p in "$@"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
echo "make deps: installing$missing"
install() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; }
if install || { $sudo apt-get update -q && install; }; then exit 0; fi
if [ "$optional" = yes ]; then
  echo "make deps: could not install$missing; the benchmarks and fuzzers that need them will skip"
  exit 0
fi
exit 1
