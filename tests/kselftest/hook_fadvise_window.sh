#!/bin/bash
# A window the user chose (POSIX_FADV_SEQUENTIAL doubles it) is kept: under a policy that calls the stream random, a sequential read of the file goes to the disk in the user's window, as with the module off, and no acting mode sets the window back.
# timeout: 600
# vm: cost 3
. "$(dirname "$0")/lib.sh"
trap hook_disk_down EXIT
plan 9
hook_disk_up 64

# seq_read [--sequential]: a cold sequential read of $f in 4 KiB reads, with
# POSIX_FADV_SEQUENTIAL if asked; sets $reqs (read requests the disk served) and
# $shrunk (windows_shrunk's rise).
seq_read() {
	drop_cache
	local r0 s0
	r0=$(awk '{ print $1 }' /sys/block/nullb0/stat) s0=$(stat_of windows_shrunk)
	pattern-read "$@" "$f" seq >/dev/null
	reqs=$(($(awk '{ print $1 }' /sys/block/nullb0/stat) - r0)) shrunk=$(($(stat_of windows_shrunk) - s0))
}

echo off >/sys/kernel/aether/mode
seq_read
plain=$reqs
seq_read --sequential
user=$reqs
check "module off: POSIX_FADV_SEQUENTIAL reads in fewer, larger requests ($user against $plain)" \
	test "$user" -lt $((plain * 9 / 10))

echo adaptive >/sys/kernel/aether/mode
expect 0 "bpf load policy_stride (a sequential stream is random to it)" aether-ctl bpf load policy_stride
seq_read --sequential
check "under it, the read keeps the user's window: $reqs requests, $user with the module off" \
	test "$reqs" -le $((user + user / 50))
check "and no window was set back (windows_shrunk +$shrunk)" test "$shrunk" = 0
expect 0 "bpf unload policy_stride" aether-ctl bpf unload policy_stride

seq_read --sequential
check "adaptive, the core deciding: no window set back either (windows_shrunk +$shrunk)" test "$shrunk" = 0
tap_done
