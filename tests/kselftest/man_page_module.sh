#!/bin/bash
# aether(4) documents the loaded module as it is: every file under /sys/kernel/aether with its permission, every parameter, tracepoint and /dev/aether.
# timeout: 300
. "$(dirname "$0")/lib.sh"
page=$AETHER_BUILD/cmake/man/aether.4
cleanup() {
	unload_aether
	rmmod null_blk 2>/dev/null
}
trap cleanup EXIT
plan 6

[ -s "$page" ] || { not_ok "no $page: run make"; exit 1; }
# documented PATH MODE: the page has a ".B PATH \fR(MODE)\fP" tag for it.
documented() { grep -qxF ".B $1 \\fR($2)\\fP" "$page"; }

check "insmod aether.ko" insmod "$AETHER_KO"
# A disk with I/O, so a per-disk directory exists.
modprobe null_blk nr_devices=1 gb=1 >/dev/null &&
	dd if=/dev/nullb0 of=/dev/null bs=64k count=4 iflag=direct status=none

n=0 missing=()
while read -r mode path; do
	rel=${path#/sys/kernel/aether/}
	rel=$(sed -E 's|^devices/[0-9]+:[0-9]+/|devices/MAJOR:MINOR/|' <<<"$rel")
	n=$((n + 1))
	documented "$rel" "0$mode" || missing+=("$rel (0$mode)")
done < <(find /sys/kernel/aether -type f -exec stat -c '%a %n' {} + | sort -u -k2)
[ "$n" -ge 30 ] && [ ${#missing[@]} = 0 ] && ok "all $n sysfs files, each with its permission" ||
	not_ok "$n sysfs files; undocumented: ${missing[*]}"
check "the per-disk files were among them" test -d "/sys/kernel/aether/devices/$(cat /sys/block/nullb0/dev)"

missing=()
for p in $(modinfo -F parm "$AETHER_KO" | cut -d: -f1); do
	documented "$p" "0$(stat -c %a "/sys/module/aether/parameters/$p")" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && ok "every module parameter, with its permission" || not_ok "undocumented parameters: ${missing[*]}"

missing=() n=0
for e in /sys/kernel/tracing/events/aether/*/; do
	e=$(basename "$e")
	n=$((n + 1))
	grep -qxF ".B $e" "$page" || missing+=("$e")
done
[ "$n" -ge 3 ] && [ ${#missing[@]} = 0 ] && ok "all $n tracepoints" || not_ok "$n tracepoints; undocumented: ${missing[*]}"

documented /dev/aether "0$(stat -c %a /dev/aether)" && grep -q AETHER_IOC_XRP_LOOKUP "$page" &&
	ok "/dev/aether with its permission, and its ioctl" || not_ok "/dev/aether ($(stat -c %a /dev/aether)) or its ioctl missing"
tap_done
