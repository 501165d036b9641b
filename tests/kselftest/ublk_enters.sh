#!/bin/bash
# At queue depth 1, aether-ublk's queue enters the kernel at most twice per request (once to send the backend read, once to answer and wait for the next), with batches (UBLK_F_BATCH_IO, where the kernel has them) as with one command per request.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 6
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
echo -1 >/proc/sys/kernel/perf_event_paranoid
ios=2048

# enters: io_uring_enter() calls of the server's threads while fio reads $ios blocks
# at QD1; prints the count.
enters() {
	local tids
	tids=$(ls "/proc/$ublk_pid/task" | paste -sd,)
	perf stat -x, -e syscalls:sys_enter_io_uring_enter -t "$tids" -- \
		fio --name=r --filename="$ublk_dev" --allow_file_create=0 --rw=randread --bs=4k --iodepth=1 --size=64M \
		--direct=1 --io_size=$((ios * 4))k --ioengine=io_uring --output=/dev/null 2>&1 >/dev/null |
		awk -F, '/io_uring_enter/ { print $1 }'
}

for way in "" --no-batch; do
	check "aether-ublk serves the file ${way:-(batches where the kernel has them: $(uname -r))}" \
		ublk_up "$ublk_work/backing" --queues 1 --depth 64 $way
	n=$(enters)
	# Two per request, and a few for fio's start and end.
	check "$ios reads at QD1: $n io_uring_enter() calls, at most 2 per request" test "${n:-0}" -gt 0 -a "${n:-0}" -le $((2 * ios + 64))
	ublk_down
	rc=$?
	check "the server stops with status 0 (got $rc)" test "$rc" = 0
done
tap_done
