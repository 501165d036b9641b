#!/bin/bash
# SIGHUP and SIGQUIT stop aether-ublk as SIGTERM does: status 0, the device and its stats file removed, every acknowledged write in the backing file.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 10
mkdir -p "$ublk_work"
for sig in HUP QUIT; do
	truncate -s 64M "$ublk_work/backing"
	check "a server with a cache (SIG$sig next)" ublk_up "$ublk_work/backing" --cache-mb 8
	id=${ublk_dev#/dev/ublkb}
	check "1 MiB written through it" sh -c "head -c 1M /dev/urandom | tee $ublk_work/data | dd of=$ublk_dev bs=64k seek=16 oflag=direct status=none"
	kill -s "$sig" "$ublk_pid"
	wait "$ublk_pid"
	rc=$?
	ublk_pid=
	check "SIG$sig: the server exits with status 0 (got $rc)" test "$rc" = 0
	check "the device and its stats file are gone" \
		sh -c "[ ! -e /dev/ublkb$id ] && [ ! -e /run/aether/ublk$id.stats ] && ! aether-ctl ublk list | grep -q ublkb$id"
	check "the written MiB is in the backing file" \
		sh -c "dd if=$ublk_work/backing bs=64k skip=16 count=16 status=none | cmp -s - $ublk_work/data"
	rm -f "$ublk_work/backing"
done
tap_done
