#!/usr/bin/env bash
# `make run`, inside the VM: load aether.ko and show what an operator sees.
# Later issues grow this into the full demo (readahead, ublk cache, XRP).
set -euo pipefail

echo "== $(uname -sr) in QEMU; source tree $AETHER_ROOT"
echo "== before: aether-ctl status (module not loaded yet)"
aether-ctl status || echo "(exit status $?, as expected)"
echo
echo "== insmod $AETHER_KO"
insmod "$AETHER_KO"
dmesg | grep -E 'aether: ' | tail -n 3
echo
echo "== aether-ctl status"
aether-ctl status
echo
echo "== aether-ctl status --json"
aether-ctl status --json
echo
echo "== aether-ctl version"
aether-ctl version
echo
echo "== rmmod aether"
rmmod aether
aether-ctl status >/dev/null 2>&1 || echo "unloaded cleanly"
