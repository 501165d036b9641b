#!/bin/bash
# The installed aether-ublk@.service passes systemd-analyze verify without a message, and runs the aether-ublk of its install prefix.
# Usage: systemd_unit.sh SOURCE_DIR CMAKE_BUILD_DIR
top=$1 b=$(dirname "$2")
. "$(dirname "$0")/lib.sh"

mk install >/dev/null || bad "make install exited $?"
unit=$d/usr/lib/systemd/system/aether-ublk@.service
[ -s "$unit" ] && ok "installed $unit" || bad "no $unit"
grep -qx 'ExecStart=/usr/sbin/aether-ublk --config /etc/aether/ublk/%i.conf' "$unit" &&
	ok "it runs /usr/sbin/aether-ublk, of PREFIX=/usr" || bad "ExecStart: $(grep ExecStart= "$unit")"
# verify exits 0 on a line it ignores, so its silence is the test. --man=no: the
# pages are in the scratch root, where man does not look.
msg=$(systemd-analyze verify --man=no --root="$d" aether-ublk@0.service 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$msg" ] && ok "systemd-analyze verify aether-ublk@0.service: no message" ||
	bad "systemd-analyze verify exited $rc: $msg"
exit $fail
