# TAP helpers for the guest tests in this directory. Sourced, not run.
#
# A test declares its plan, reports each point, and exits 0; the harness also fails
# it on a non-zero exit, a missing or short plan, or a kernel BUG/WARNING/Oops.

tap_n=0
tap_failed=0

plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# skip_all WHY: the whole test does not apply to this kernel or machine. A TAP plan
# of no points with the reason; the harness reports it as a skip, with WHY. Call it
# before plan.
skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit 0
}

# skip WHY: one TAP point that does not apply here, passed with TAP's SKIP directive
# and the reason, which the output keeps.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - # SKIP $*"
}

# check DESCRIPTION COMMAND...: one TAP point from a command's exit status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# expect CODE DESCRIPTION COMMAND...: one TAP point that COMMAND exits with CODE.
# Its output is left in /tmp/ctl.out; its errors are shown, indented.
expect() {
	local want=$1 what=$2 rc
	shift 2
	"$@" >/tmp/ctl.out 2>/tmp/ctl.err
	rc=$?
	sed 's/^/  /' /tmp/ctl.err
	if [ $rc = "$want" ]; then ok "$what (exit $rc)"; else not_ok "$what (exit $rc, want $want)"; fi
}

# Exit status for the end of a test: non-zero if any point failed.
tap_done() {
	[ "$tap_failed" = 0 ]
}

# Unloads aether.ko if a test loaded it, so a failing test still cleans up.
unload_aether() {
	if [ -d /sys/module/aether ]; then rmmod aether; fi
}

# slow_disk_up LATENCY_US [FS]: a RAM-backed null_blk disk whose every request
# completes LATENCY_US later, with FS (ext4, the default, or xfs, whose page cache
# uses large folios) on it mounted at $slow_mnt. Slow enough that a read the page
# cache missed is a wait worth counting; lives only in the VM's memory.
slow_mnt=/mnt/aether-slow
slow_disk_up() {
	local fs=${2:-ext4}
	modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 bs=4096 \
		irqmode=2 completion_nsec=$(($1 * 1000)) || return 1
	modprobe "$fs" || return 1
	case $fs in
	ext4) mkfs.ext4 -q -F /dev/nullb0 ;;
	xfs) mkfs.xfs -q -f /dev/nullb0 ;;
	*) return 1 ;;
	esac || return 1
	mkdir -p "$slow_mnt" && mount /dev/nullb0 "$slow_mnt"
}

slow_disk_down() {
	if mountpoint -q "$slow_mnt"; then umount "$slow_mnt"; fi
	if [ -d /sys/module/null_blk ]; then rmmod null_blk; fi
}

# slow_disk_read_bytes: bytes the slow disk has read (its /sys/block stat, sectors
# read, times 512).
slow_disk_read_bytes() {
	echo $(($(awk '{ print $3 }' /sys/block/nullb0/stat) * 512))
}

# hook_disk_up MIB [FS]: what a test of the readahead hooks starts from, as 3 TAP
# points: a slow disk (slow_disk_up 100 FS), a file $f of MIB MiB of random bytes on
# it, and aether.ko loaded. hook_disk_down, for the EXIT trap, undoes it all, with
# any program a test attached.
hook_disk_up() {
	check "a slow ${2:-ext4} disk (null_blk, 100 us per request)" slow_disk_up 100 "${2:-ext4}"
	f=$slow_mnt/data
	check "a $1 MiB file of random bytes" dd if=/dev/urandom of="$f" bs=1M count="$1" status=none
	check "insmod aether.ko" insmod "$AETHER_KO"
}

hook_disk_down() {
	if [ -d /sys/module/aether ]; then bpf_unload_all; fi
	unload_aether_wait
	slow_disk_down
}

# drop_cache: writes back and drops the page cache, so the next read is cold.
drop_cache() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# cold_read FILE PATTERN [BLOCK_KB]: drops the page cache, reads FILE in PATTERN
# (see tests/tools/pattern_read.cpp) and prints the sha256 of what was read.
cold_read() {
	drop_cache
	pattern-read "$1" "$2" ${3:+"$3"} | sha256sum | cut -d' ' -f1
}

# timed_cold_read FILE PATTERN: drops the page cache, reads FILE in PATTERN and
# prints "BYTES NANOSECONDS" for the reads alone, leaving out starting pattern-read.
timed_cold_read() {
	drop_cache
	{ pattern-read --time "$1" "$2" >/dev/null; } 2>&1
}

# aether_trace_on EVENT...: clears the trace buffer and enables these aether
# tracepoints (aether_decision, aether_prefetch_issue, ...); aether_trace_off
# disables all of aether's again, and may run in a cleanup before the module is
# loaded or after it is gone. The trace is read from $tracing/trace.
tracing=/sys/kernel/tracing
aether_trace_on() {
	local e
	mountpoint -q "$tracing" || mount -t tracefs none "$tracing"
	echo >"$tracing/trace"
	for e in "$@"; do echo 1 >"$tracing/events/aether/$e/enable"; done
}
aether_trace_off() {
	[ -w "$tracing/events/aether/enable" ] && echo 0 >"$tracing/events/aether/enable"
	return 0
}

# stat_of NAME: one counter from /sys/kernel/aether/stats/.
stat_of() {
	cat "/sys/kernel/aether/stats/$1"
}

# Where the ublk helpers mount a device and keep its backing file; ublk_cleanup
# removes both.
ublk_mnt=/mnt/aether-ublk
ublk_work=/tmp/ublk-fs

# ublk_up FILE [aether-ublk OPTIONS...]: starts aether-ublk over FILE in the
# background and sets $ublk_dev (/dev/ublkbN) once the device is live and
# $ublk_pid. Returns non-zero, with the server's message on stderr, if it fails.
ublk_up() {
	local file=$1
	shift
	ublk_start --file "$file" "$@"
}

# ublk_start [aether-ublk OPTIONS...]: ublk_up with the server's options as given
# (e.g. --config FILE).
ublk_start() {
	local out
	modprobe ublk_drv || return 1
	out=$(mktemp)
	aether-ublk "$@" >"$out" 2>"$out.err" &
	ublk_pid=$!
	ublk_dev=
	for _ in $(seq 300); do
		ublk_dev=$(head -n1 "$out")
		[ -n "$ublk_dev" ] && break
		kill -0 "$ublk_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out.err" >&2
	rm -f "$out" "$out.err"
	[ -n "$ublk_dev" ] && [ -b "$ublk_dev" ]
}

# ublk_down: stops the server ublk_up started (SIGTERM) and returns its exit status.
ublk_down() {
	[ -n "${ublk_pid:-}" ] || return 0
	kill -TERM "$ublk_pid" 2>/dev/null
	wait "$ublk_pid"
	local rc=$?
	ublk_pid=
	return $rc
}

# ublk_offers FLAG: sets $offers to true if the running kernel's own
# <linux/ublk_cmd.h> (from its headers in $AETHER_KTREE) defines FLAG, else false,
# and says which; without the headers, prints a failed TAP point and returns 1.
ublk_offers() {
	local hdr
	hdr=$(ls "$AETHER_KTREE"/root/usr/src/linux-headers-*-common/include/uapi/linux/ublk_cmd.h 2>/dev/null | head -n1)
	if [ -z "$hdr" ]; then
		not_ok "the headers of $(uname -r) in $AETHER_KTREE"
		return 1
	fi
	offers=false
	grep -q "define $1" "$hdr" && offers=true
	echo "# $(uname -r): $1 in its uapi: $offers"
}

# ublk_fio_verify DEV OFFSET SIZE BS QD: fio's crc32c-verified direct random writes of
# SIZE bytes at OFFSET of DEV, BS each at iodepth QD, then a buffered verify-only pass
# after drop_caches. 2 TAP points.
ublk_fio_verify() {
	local where=(--filename="$1" --allow_file_create=0 --offset="$2" --size="$3" --bs="$4") qd=$5
	check "bs=$4 iodepth=$qd: direct randwrite, each block verified by crc32c" \
		fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth="$qd" \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --do_verify=1 --output=/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	check "bs=$4 iodepth=$qd: buffered verify-only pass after drop_caches" \
		fio --name=w "${where[@]}" --direct=0 --ioengine=psync \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
}

# ublk_read_fails_eio DEV BLOCK DESCRIPTION: one TAP point that a direct 4 KiB read
# of DEV at 4 KiB block BLOCK fails with an I/O error within two minutes; prints how
# long it took and what dd said.
ublk_read_fails_eio() {
	local start=$SECONDS out rc
	out=$(timeout 120 dd if="$1" of=/dev/null bs=4k count=1 skip="$2" iflag=direct status=none 2>&1)
	rc=$?
	echo "# after $((SECONDS - start)) s: $out"
	case $rc:$out in
	1:*"Input/output error"*) ok "$3" ;;
	*) not_ok "$3 (exit $rc)" ;;
	esac
}

# ublk_fs_roundtrip MKFS CHECK [BACKING...]: a filesystem on an aether-ublk device over
# a sparse 512 MiB file, or over BACKING if given (aether-ublk's backing-store options,
# e.g. --nbd URI). MKFS (e.g. "mkfs.ext4 -q -F") makes it; 64 MiB go in as 256 files
# from 8 writers at once; after sync and umount, CHECK (e.g. "e2fsck -fn") must pass
# and a remount must give every file back bit for bit. 10 TAP points; cleans up after
# itself.
ublk_fs_roundtrip() {
	local mkfs=$1 fsck=$2 mnt=$ublk_mnt work=$ublk_work rc w writers=() backing
	shift 2
	mkdir -p "$work" "$mnt"
	if [ $# = 0 ]; then
		truncate -s 512M "$work/backing"
		set -- --file "$work/backing"
	fi
	backing="$*"
	check "aether-ublk serves $backing through a 16 MiB cache with aggressive prefetch" \
		ublk_start "$@" --queues 2 --depth 32 --cache-mb 16 --policy gaming
	check "$mkfs $ublk_dev" $mkfs "$ublk_dev"
	check "mount it" mount "$ublk_dev" "$mnt"
	for w in $(seq 0 7); do
		(for i in $(seq 0 31); do
			head -c 262144 /dev/urandom >"$mnt/f$w-$i"
		done) &
		writers+=($!)
	done
	wait "${writers[@]}"
	(cd "$mnt" && sha256sum f* >"$work/sums")
	check "256 files written to it" sh -c "mountpoint -q '$mnt' && [ \$(wc -l <'$work/sums') = 256 ]"
	sync
	check "umount" umount "$mnt"
	check "$fsck is clean" $fsck "$ublk_dev"
	check "remount" mount "$ublk_dev" "$mnt"
	drop_cache
	check "every file's sha256 is unchanged" sh -c "mountpoint -q '$mnt' && cd '$mnt' && sha256sum --quiet -c '$work/sums'"
	umount "$mnt"
	ublk_down
	rc=$?
	check "SIGTERM stops the server with status 0 (got $rc)" test "$rc" = 0
	check "the device is gone" test ! -e "$ublk_dev"
	rm -rf "$work"
}

# ublk_cleanup: for a test's EXIT trap: unmounts and stops what the ublk helpers started.
ublk_cleanup() {
	if mountpoint -q "$ublk_mnt"; then umount "$ublk_mnt"; fi
	ublk_down
	if [ -n "${ublk_dev:-}" ] && [ -e "/run/aether/ublk${ublk_dev#/dev/ublkb}.stats" ]; then
		aether-ctl ublk del --force "${ublk_dev#/dev/ublkb}"
	fi
	rm -rf "$ublk_work"
}

# ublk_blocks_match DEV STORE BLOCK...: whether each 4 KiB BLOCK of DEV, read with
# O_DIRECT, holds what the same block of STORE (the backing store, read beside it) does.
ublk_blocks_match() {
	local dev=$1 store=$2 b
	shift 2
	for b in "$@"; do
		dd if="$dev" of=/tmp/aether-block.got bs=4k skip="$b" count=1 iflag=direct status=none &&
			dd if="$store" of=/tmp/aether-block.want bs=4k skip="$b" count=1 status=none &&
			cmp -s /tmp/aether-block.got /tmp/aether-block.want || return 1
	done
	rm -f /tmp/aether-block.got /tmp/aether-block.want
}

# ublk_race_rw DEV: race-rw's 4 writers and 2 sequential readers on DEV for 20 s
# (every read current), and that the readers' stream was prefetched and writes raced
# prefetches in flight, which were discarded: 3 points.
ublk_race_rw() {
	local issued stale
	check "4 writers and 2 sequential readers for 20 s: every read current (race-rw)" \
		race-rw "$1" --blocks 8192 --writers 4 --readers 2 --seconds 20 --read-kb 64
	issued=$(ublk_stat "$1" prefetch_issued)
	stale=$(ublk_stat "$1" prefetch_stale)
	echo "# prefetch_issued $issued prefetch_stale $stale"
	check "the readers' stream was prefetched ($issued blocks)" test "${issued:-0}" -gt 0
	check "writes raced prefetches in flight, which were discarded ($stale blocks)" test "${stale:-0}" -gt 0
}

# nbdkit_up PLUGIN-AND-ARGS...: starts nbdkit serving on the unix socket $nbd_sock,
# with its pid in $nbdkit_pid. The URI of its default export is $nbd_uri.
nbd_sock=/tmp/aether-nbd.sock
nbd_uri="nbd+unix:///?socket=$nbd_sock"
nbdkit_pid=
nbdkit_up() {
	rm -f "$nbd_sock" # a killed nbdkit leaves it
	nbdkit --unix "$nbd_sock" --pidfile /tmp/aether-nbdkit.pid "$@" || return 1
	nbdkit_pid=$(cat /tmp/aether-nbdkit.pid)
}

# nbdkit_file_up [OPTION...]: nbdkit_up with OPTIONs, serving the file $nbd_disk
# (create it first) with the file plugin, so that what it acknowledged outlives a
# restart.
nbd_disk=$ublk_work/disk.img
nbdkit_file_up() { nbdkit_up "$@" file "$nbd_disk"; }

# ublk_nbd_file_start: nbdkit serving a new 256 MiB $nbd_disk, and aether-ublk over it
# with 2 queues, a 32 MiB adaptive cache and a 60 s I/O timeout, which the restarts
# of the tests that kill nbdkit stay well within. 2 points.
ublk_nbd_file_start() {
	mkdir -p "$ublk_work"
	truncate -s 256M "$nbd_disk"
	check "nbdkit serves a 256 MiB file" nbdkit_file_up
	check "aether-ublk serves it with 2 queues, a 32 MiB cache and adaptive prefetch" \
		ublk_start --nbd "$nbd_uri" --queues 2 --depth 64 --cache-mb 32 --policy adaptive --io-timeout 60
}

# nbdkit_down [SIGNAL]: stops nbdkit (TERM by default, which waits for its clients to
# disconnect; KILL stands for a crash or a lost network) and waits until it is gone.
nbdkit_down() {
	[ -n "$nbdkit_pid" ] || return 0
	kill -"${1:-TERM}" "$nbdkit_pid" 2>/dev/null
	while kill -0 "$nbdkit_pid" 2>/dev/null; do sleep 0.1; done
	nbdkit_pid=
}

# job_ends PID SECONDS: waits for background job PID of this shell for up to SECONDS
# and returns its exit status, or 124 if it is still running. A task stuck in D state
# outlives timeout(1)'s signals, so the waiting is done here.
job_ends() {
	local i
	for i in $(seq "$2"); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return; }
		sleep 1
	done
	echo "# still running after $2 s"
	return 124
}

# finishes SECONDS CMD...: runs CMD in the background and job_ends it.
finishes() {
	local secs=$1
	shift
	"$@" &
	job_ends $! "$secs"
}

# ublk_stat DEV NAME: counter NAME of aether-ublk device DEV (/dev/ublkbN), from
# `aether-ctl ublk stats N`.
ublk_stat() {
	aether-ctl ublk stats "${1#/dev/ublkb}" | awk -v n="$2" '$1 == n { print $2 }'
}

# ublk_fault_up FAULTS: aether-ublk with $AETHER_UBLK_FAULTS=FAULTS (ublk/fault.hpp)
# over a 64 MiB file whose first MiB is $ublk_work/pattern: 2 queues, a cache, the
# hft preset (whose short windows keep sequential readers at the edge of the fills
# in flight) and 300 ms backend reads, so that reads park on fills. Sets $fault_dev
# and $fault_pid; the server's stderr goes to $ublk_work/err.
ublk_fault_up() {
	modprobe ublk_drv
	mkdir -p "$ublk_work"
	truncate -s 64M "$ublk_work/backing"
	head -c 1M /dev/urandom >"$ublk_work/pattern"
	dd if="$ublk_work/pattern" of="$ublk_work/backing" conv=notrunc status=none
	AETHER_UBLK_FAULTS=$1 aether-ublk --file "$ublk_work/backing" --queues 2 --depth 32 \
		--cache-mb 48 --policy hft --latency-us 300000 >"$ublk_work/out" 2>"$ublk_work/err" &
	fault_pid=$!
	for _ in $(seq 300); do [ -s "$ublk_work/out" ] && break; sleep 0.1; done
	fault_dev=$(head -n1 "$ublk_work/out")
	[ -b "$fault_dev" ]
}

# ublk_parked_readers DEV: eight readers of DEV's first MiB, in 4 KiB direct reads
# with a 300 s timeout, four on each CPU (so on each queue), released together once
# all of them are ready: in lockstep, whenever the prefetch fills they started are
# still in flight, readers on both queues park on the same fills, so each fill that
# lands wakes reads on its own queue and on the other one. Reader R leaves the
# sha256sum of what it read in $ublk_work/sumR and dd's exit status in $ublk_work/rcR.
ublk_parked_readers() {
	local r readers=()
	rm -f "$ublk_work/go"
	for r in 1 2 3 4 5 6 7 8; do
		(: >"$ublk_work/ready$r"
		while [ ! -e "$ublk_work/go" ]; do sleep 0.02; done
		taskset -c $((r % 2)) timeout 300 dd if="$1" bs=4k count=256 iflag=direct status=none |
			sha256sum >"$ublk_work/sum$r"
		echo "${PIPESTATUS[0]}" >"$ublk_work/rc$r") &
		readers+=($!)
	done
	for r in 1 2 3 4 5 6 7 8; do
		while [ ! -e "$ublk_work/ready$r" ]; do sleep 0.02; done
	done
	: >"$ublk_work/go"
	wait "${readers[@]}"
}

# ublk_queue_fails FAULT WHAT REASON: 12 TAP points. aether-ublk armed with
# $AETHER_UBLK_FAULTS=FAULT, which fails one queue's ring (WHAT says how), while
# ublk_parked_readers reads: each reader ends, with its data or an I/O error; the
# server exits by itself with status 1, its errors match the extended regex REASON,
# and the device is gone. The caller's EXIT trap calls ublk_queue_fails_cleanup.
ublk_queue_fails() {
	local r rc
	check "aether-ublk, armed to $2 (2 queues, prefetch, 300 ms backend reads)" ublk_fault_up "$1"
	ublk_parked_readers "$fault_dev"
	for r in 1 2 3 4 5 6 7 8; do
		check "reader $r ended, with its data or an I/O error, not killed by the timeout (exit $(cat "$ublk_work/rc$r"))" \
			test "$(cat "$ublk_work/rc$r")" != 124
	done
	for _ in $(seq 600); do kill -0 "$fault_pid" 2>/dev/null || break; sleep 0.1; done
	wait "$fault_pid"
	rc=$?
	fault_pid=
	sed 's/^/# server: /' "$ublk_work/err"
	check "the server exited by itself, with status 1 (got $rc)" test "$rc" = 1
	check "saying which queue's ring failed, and how" grep -Eq "$3" "$ublk_work/err"
	check "the device is gone" test ! -e "$fault_dev"
}

# ublk_queue_fails_cleanup: stops a server ublk_queue_fails left running.
ublk_queue_fails_cleanup() {
	[ -n "${fault_pid:-}" ] && kill -INT "$fault_pid" 2>/dev/null && wait "$fault_pid"
	rm -rf "$ublk_work"
}

# ublk_await_writes DEV N: waits, for up to a minute, until aether-ublk device DEV's
# server has counted more than N write requests.
ublk_await_writes() {
	for _ in $(seq 600); do
		[ "$(ublk_stat "$1" writes)" -gt "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# ublk_server_pid DEV: the pid of the server of aether-ublk device DEV (/dev/ublkbN),
# from the first line of `aether-ctl ublk stats N` ("/dev/ublkbN  pid P (live), ...").
ublk_server_pid() {
	aether-ctl ublk stats "${1#/dev/ublkb}" | awk 'NR == 1 { print $3 }'
}

# ublk_recover_under_fio HOW FIO_OPTIONS...: kill -9 of a cached aether-ublk server
# while fio (with FIO_OPTIONS, writing and then verifying crc32c in $ublk_mnt) runs
# on ext4 on it. HOW is "recover" (aether-ctl ublk recover, by hand: 14 TAP points)
# or "restart" (ublk add --restart recovers it by itself: 11 TAP points). The kernel
# must hold the I/O: fio finishes with no error and its verify passes, and e2fsck is
# clean. ublk_cleanup undoes it.
ublk_recover_under_fio() {
	local how=$1 id pid newpid fio_pid rc writes0 restart=
	shift
	[ "$how" = restart ] && restart=--restart
	mkdir -p "$ublk_work" "$ublk_mnt"
	truncate -s 256M "$ublk_work/backing"
	expect 0 "aether-ctl ublk add $restart: 256 MiB, 2 queues, a 16 MiB cache, gaming prefetch" \
		aether-ctl ublk add --file "$ublk_work/backing" --queues 2 --depth 32 --cache-mb 16 --policy gaming $restart
	ublk_dev=$(cat /tmp/ctl.out)
	id=${ublk_dev#/dev/ublkb}
	pid=$(ublk_server_pid "$ublk_dev")
	check "ext4 on $ublk_dev, mounted" \
		sh -c "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $ublk_dev && mount $ublk_dev $ublk_mnt"
	writes0=$(ublk_stat "$ublk_dev" writes)
	fio --name=recover --directory="$ublk_mnt" --ioengine=psync --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --output="$ublk_work/fio.out" "$@" &
	fio_pid=$!
	# Kill once fio's writes reach the server, however slowly the emulator starts fio.
	ublk_await_writes "$ublk_dev" $((writes0 + 64))
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	check "fio was still running when the server died" kill -0 "$fio_pid"
	if [ "$how" = recover ]; then
		check "ublk list shows $ublk_dev quiesced" sh -c "aether-ctl ublk list | grep -Eq '^$ublk_dev +$pid +quiesced '"
		check "ublk list --json says so too" sh -c "aether-ctl ublk list --json | grep -q '\"state\": \"quiesced\"'"
		sleep 1
		check "fio waits, and has not failed, while the device has no server" kill -0 "$fio_pid"
		expect 0 "aether-ctl ublk recover $id" aether-ctl ublk recover "$id"
		check "it prints $ublk_dev" grep -qx "$ublk_dev" /tmp/ctl.out
	fi
	for _ in $(seq 1200); do
		newpid=$(ublk_server_pid "$ublk_dev")
		[ "$newpid" != "$pid" ] && aether-ctl ublk list | grep -Eq "^$ublk_dev +$newpid +live " && break
		sleep 0.1
	done
	check "ublk list shows it live under a new server (pid $newpid, was $pid)" \
		sh -c "[ '$newpid' != '$pid' ] && aether-ctl ublk list | grep -Eq '^$ublk_dev +$newpid +live '"
	if [ "$how" = restart ]; then
		check "the supervisor's log says why it started one" \
			grep -q "(pid $pid) died (Killed): starting a new one to recover the device" "/run/aether/ublk$id.log"
	fi
	wait "$fio_pid"
	rc=$?
	grep -E "err=|verify" "$ublk_work/fio.out" | sed 's/^/# fio: /'
	check "fio finished with exit 0 (got $rc)" test "$rc" = 0
	check "fio reports err=0 for its writes and its verify" grep -q "err= 0" "$ublk_work/fio.out"
	check "umount" umount "$ublk_mnt"
	check "e2fsck -fn is clean" e2fsck -fn "$ublk_dev"
	expect 0 "aether-ctl ublk del $id" aether-ctl ublk del "$id"
	if [ "$how" = restart ]; then
		for _ in $(seq 100); do pgrep -x aether-ublk >/dev/null || break; sleep 0.1; done
		check "the supervisor exited with its server" sh -c "! pgrep -x aether-ublk"
	fi
}

# bpf_unload_all: detaches every program aether-ctl pinned, for a test's EXIT trap.
bpf_unload_all() {
	local p
	for p in /sys/fs/bpf/aether/*; do
		if [ -e "$p" ]; then aether-ctl bpf unload "${p##*/}" >/dev/null; fi
	done
}

# unload_aether_wait: rmmod aether.ko once nothing holds it. A detached struct_ops
# map keeps its module reference until the kernel frees the map, a few RCU grace
# periods later, so rmmod right after `bpf unload` may find the module busy.
# Gives up after 30 s with rmmod's own error.
unload_aether_wait() {
	for _ in $(seq 300); do
		[ -d /sys/module/aether ] || return 0
		rmmod aether 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod aether
}

# xrp_loop_up SIZE KEYS FANOUT: a loop device (direct I/O) over a sparse file of
# SIZE holding a B+tree of KEYS keys at FANOUT, in $xrp_dev; xrp_loop_down removes it.
xrp_work=/tmp/xrp-kernel
xrp_loop_up() {
	mkdir -p "$xrp_work" && truncate -s "$1" "$xrp_work/tree" || return 1
	modprobe loop || return 1
	xrp_dev=$(losetup --find --show --direct-io=on "$xrp_work/tree") || return 1
	aether-ctl xrp mkbtree "$xrp_dev" --keys "$2" --fanout "$3" --seed 11 >/dev/null
}

xrp_loop_down() {
	[ -n "${xrp_dev:-}" ] && losetup -d "$xrp_dev"
	xrp_dev=
	rm -rf "$xrp_work"
}

# xrp_slow_up MS: dm-delay over $xrp_dev, every read MS ms late, as $xrp_slow.
xrp_slow=/dev/mapper/aether-xrp-slow
xrp_slow_up() {
	modprobe dm-delay &&
		echo "0 $(blockdev --getsz "$xrp_dev") delay $xrp_dev 0 $1" | dmsetup create aether-xrp-slow &&
		dmsetup mknodes aether-xrp-slow
}

# xrp_slow_down: removes it. A process killed mid-read may leave the device held for a
# moment after it is gone (io_uring tears a ring down in a work item), so it retries
# for up to 5 s. Returns 0 once removed, 1 if it is still there.
xrp_slow_down() {
	local _
	[ -e /dev/mapper/aether-xrp-slow ] || return 0
	for _ in $(seq 50); do
		dmsetup remove aether-xrp-slow 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# xrp_cleanup: for the EXIT trap of a test that used xrp_loop_up and loaded programs.
xrp_cleanup() {
	bpf_unload_all
	unload_aether_wait
	xrp_loop_down
}

# median N...: the median of the figures given (integers or decimals), for the benchmarks.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# bench_data TABLE FIELD...: one row of TABLE for make bench's plots, printed as
# "@data TABLE<tab>FIELD<tab>..."; the first row of a table names its columns.
# scripts/bench.sh collects the rows into build/bench/TABLE.tsv and keeps them out of
# the scorecard. It prints only when AETHER_BENCH_DATA=1 (bench.sh sets it), so a
# benchmark run by hand shows its tables alone.
bench_data() {
	[ "${AETHER_BENCH_DATA:-0}" = 1 ] || return 0
	local table=$1 IFS=$'\t'
	shift
	printf '@data %s\t%s\n' "$table" "$*"
}
