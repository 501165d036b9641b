#!/bin/bash
# 10,000 random writes to each tunable while readers run: each is refused with EINVAL and changes nothing, or takes exactly the value written, and every value stays in its range with min_window_kb <= max_window_kb.
# timeout: 900
# vm: cost 5
. "$(dirname "$0")/lib.sh"
stop=/tmp/aether-stress.stop
cleanup() {
	stop_readers
	hook_disk_down
}
# Killing a reader's loop would leave its cold_read running, holding the file open,
# so that the disk could not be unmounted for the tests after this one: each loop
# ends at its next turn instead, and is waited for.
stop_readers() {
	touch $stop
	for r in ${readers:-}; do wait "$r" 2>/dev/null; done
	readers=
	rm -f $stop
}
trap cleanup EXIT
plan 6

hook_disk_up 16
echo adaptive >/sys/kernel/aether/mode
dmesg_before=$(dmesg | wc -l)

# Readers on every CPU, so that the hooks rebuild their cores from the tunables
# while they change: sequential, strided and random, over and over.
readers=
rm -f $stop
for p in seq stride:4 random:7:25; do
	(while [ ! -e $stop ]; do cold_read "$f" "$p" >/dev/null; done) &
	readers="$readers $!"
done

# The writer: tests/tools/sysfs_stress.cpp says what it writes and checks.
sysfs-stress --writes 10000 >/tmp/stress.out
status=$?
stop_readers
sed 's/^/  /' /tmp/stress.out
check "the writer ran to the end (exit $status)" test "$status" -le 1 -a -n "$(grep '^violations' /tmp/stress.out)"
check "no write broke a rule ($(grep '^violations' /tmp/stress.out))" grep -q '^violations: 0$' /tmp/stress.out
new=$(dmesg | tail -n +$((dmesg_before + 1)) | grep aether)
[ -n "$new" ] && echo "$new" | sed 's/^/  dmesg: /'
check "aether.ko logged nothing" test -z "$new"
tap_done
