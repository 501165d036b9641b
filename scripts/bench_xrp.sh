#!/usr/bin/env bash
# `make bench`, inside the VM: XRP-style lookups. Numbers only: nothing here passes
# or fails. Usage: bench_xrp.sh [LOOKUPS [ROUNDS]].
#
# B+trees of depth 3 to 6 (100000 keys at fanouts 64, 24, 10 and 7) on two null_blk
# disks: one RAM-backed with no added latency and one poll queue, and one whose every
# request completes $AETHER_BENCH_XRP_LATENCY_US later (default 20, an NVMe-like read).
# For each, $AETHER_BENCH_XRP_LOOKUPS lookups (default 2000; half the tree's keys,
# half absent, all walking every level) run in the kernel (one AETHER_IOC_XRP_LOOKUP
# each, xrp_btree attached) and from user space, interleaved, $AETHER_BENCH_ROUNDS
# times (default 3), in three ways, each against its user-space equivalent:
# - direct: a bio per hop, sleeping until it completes, against one O_DIRECT pread
#   per hop; and, where the kernel has io_uring_bpf_ops (Linux 7.x), a third walk
#   in the same rounds: one io_uring_enter per lookup, its BPF loop_step submitting
#   each hop's O_DIRECT read (`xrp get --uring`, no aether.ko);
# - polled (the RAM disk only: null_blk completes a poll queue's requests at once,
#   ignoring the added latency): a REQ_POLLED bio reaped with bio_poll(), against one
#   read per hop on an IORING_SETUP_IOPOLL io_uring;
# - cached (the RAM disk only; the device held open and read once, so its page cache
#   holds the tree): each node stepped over in place in the page cache, against one
#   buffered pread per hop.
# Each figure is the median lookups/s that `aether-ctl xrp get --timing` measures over
# its lookups alone.
#
# Under TCG a syscall and a request each cost far more CPU than on hardware, so the
# figures compare the two chains with each other; they are not what hardware would do.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"

# Arguments beat the environment (which tests/vm/run passes on for AETHER_BENCH_*).
lookups=${1:-${AETHER_BENCH_XRP_LOOKUPS:-2000}}
rounds=${2:-${AETHER_BENCH_ROUNDS:-3}}
lat_us=${AETHER_BENCH_XRP_LATENCY_US:-20}
cleanup() {
	bpf_unload_all
	unload_aether_wait
	rmmod null_blk 2>/dev/null || true
}
trap cleanup EXIT
insmod "$AETHER_KO"
aether-ctl bpf load xrp_btree >/dev/null
# nullb0: RAM, no added latency; nullb1: every request $lat_us later.
modprobe null_blk nr_devices=0
for i in 0 1; do
	d=/sys/kernel/config/nullb/nullb$i
	mkdir -p /sys/kernel/config 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	mkdir "$d"
	echo 256 >"$d/size" # MiB: the depth-6 tree takes 66
	echo $((1 - i)) >"$d/poll_queues"
	echo 1 >"$d/memory_backed"
	echo 4096 >"$d/blocksize"
	if [ $i = 1 ]; then
		echo 2 >"$d/irqmode"
		echo $((lat_us * 1000)) >"$d/completion_nsec"
	fi
	echo 1 >"$d/power"
done

# rate DEV [ARGS...]: lookups per second of one `aether-ctl xrp get --sample` run.
rate() {
	{ aether-ctl xrp get "$@" --sample "$lookups" --timing >/dev/null || [ $? = 1 ]; } 2>&1 |
		sed -n 's/.* \([0-9]*\) lookups\/s$/\1/p'
}
# ratio A B: A / B to two places.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# pair DEV ARGS...: "KERNEL USER RATIO", the medians of $rounds interleaved runs each;
# with no ARGS and $uring set, also "URING URING/USER" from the same rounds.
pair() {
	local dev=$1 k=() u=() r=() km um rm
	shift
	for _ in $(seq "$rounds"); do
		k+=("$(rate "$dev" "$@")")
		u+=("$(rate "$dev" --user "$@")")
		if [ $# = 0 ] && [ -n "$uring" ]; then r+=("$(rate "$dev" --uring)"); fi
	done
	km=$(median "${k[@]}")
	um=$(median "${u[@]}")
	echo -n "$km $um $(ratio "$km" "$um")"
	if [ ${#r[@]} -gt 0 ]; then
		rm=$(median "${r[@]}")
		echo " $rm $(ratio "$rm" "$um")"
	else
		echo " - NaN"
	fi
}
# The io_uring walk needs io_uring_bpf_ops, whose kfunc is its probe.
uring=
grep -qw bpf_io_uring_submit_sqes /proc/kallsyms && uring=1

echo "== XRP: $lookups lookups per figure, median of $rounds rounds, ${AETHER_VM_CLOCK:-real} clock"
echo "   kernel/s against user/s for each way a hop reads its node (see scripts/bench_xrp.sh)"
[ -n "$uring" ] || echo "   (no io_uring_bpf_ops in Linux $(uname -r): the io_uring walk is not measured)"
printf '%-18s %5s  %-24s  %-15s  %-24s  %-24s\n' "" "" "direct: bio / pread" "io_uring BPF" "polled: bio / IOPOLL" \
	"cached: in place / pread"
printf '%-18s %5s  %9s %8s %5s  %9s %5s  %9s %8s %5s  %9s %8s %5s\n' device depth \
	kernel user ratio uring ratio kernel user ratio kernel user ratio
bench_data xrp device depth direct polled cached uring
for dev in /dev/nullb0 /dev/nullb1; do
	[ $dev = /dev/nullb0 ] && name="RAM (null_blk)" || name="null_blk +${lat_us} us"
	for fanout in 64 24 10 7; do
		depth=$(aether-ctl xrp mkbtree "$dev" --keys 100000 --fanout "$fanout" --force --json |
			sed -n 's/.*"depth": \([0-9]*\).*/\1/p')
		read -r dk du dr rk rr <<<"$(pair "$dev")"
		pk=- pu=- pr=NaN ck=- cu=- cr=NaN
		if [ $dev = /dev/nullb0 ]; then
			read -r pk pu pr _ _ <<<"$(pair "$dev" --poll)"
			# A block device's page cache lasts while it is open: hold it for the cached runs.
			exec 9<"$dev"
			dd if="$dev" of=/dev/null bs=1M count=128 status=none
			read -r ck cu cr _ _ <<<"$(pair "$dev" --cached)"
			exec 9<&-
		fi
		printf '%-18s %5s  %9s %8s %4s×  %9s %4s×  %9s %8s %4s×  %9s %8s %4s×\n' "$name" "$depth" \
			"$dk" "$du" "$dr" "$rk" "$rr" "$pk" "$pu" "$pr" "$ck" "$cu" "$cr" | sed 's/NaN×/  - /g'
		bench_data xrp "$name" "$depth" "$dr" "$pr" "$cr" "$rr"
	done
done
for i in 0 1; do
	echo 0 >/sys/kernel/config/nullb/nullb$i/power
	rmdir /sys/kernel/config/nullb/nullb$i
done
