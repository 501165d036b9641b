#!/bin/bash
# aether-ublk --config (what aether-ublk@N.service runs) refuses an unknown name, a bad value or a missing file with a message naming it, and takes the shipped example's every name.
# Usage: ublk_config.sh SOURCE_DIR AETHER_UBLK
top=$1 ublk=$2
. "$(dirname "$0")/lib.sh"

# refuses NAME WANT CONF-LINES: the server exits non-zero, saying WANT.
refuses() {
	local name=$1 want=$2 err rc
	printf '%s\n' "${@:3}" >"$d/$name.conf"
	err=$("$ublk" --config "$d/$name.conf" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != 0 ] && grep -qF -- "$want" <<<"$err"; then
		ok "$name: refused ($rc): $err"
	else
		bad "$name: exit $rc, '$err' does not say '$want'"
	fi
}

refuses misspelt "$d/misspelt.conf: 'cahce-mb' is not an option of aether-ublk" 'file = "/nonexistent"' 'cahce-mb = 64'
refuses underscore "'cache_mb' is not an option" 'file = "/nonexistent"' 'cache_mb = 64'
refuses bad-value "--cache-mb: Value lots not in range" 'file = "/nonexistent"' 'cache-mb = lots'
refuses no-file "give the backing store: --file PATH or --nbd URI" 'cache-mb = 64'
err=$("$ublk" --config "$d/none.conf" 2>&1)
grep -qF "File does not exist: $d/none.conf" <<<"$err" && ok "a missing config file is named" || bad "missing file: $err"

# The example parses: the server gets as far as opening its backing file.
sed 's|^file = .*|file = "/nonexistent/disk.img"|' "$top/ublk/systemd/ublk.conf.example" >"$d/example.conf"
err=$("$ublk" --config "$d/example.conf" 2>&1)
grep -qF "/nonexistent/disk.img" <<<"$err" && ok "the example's names are all options: $err" ||
	bad "the example does not parse: $err"
exit $fail
