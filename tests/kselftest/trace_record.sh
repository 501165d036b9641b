#!/bin/bash
# aether-ctl trace record captures exactly the requests of known dd runs on a disk, as a CSV that aether-ctl replay reads, and refuses bad devices and existing files.
# timeout: 300
. "$(dirname "$0")/lib.sh"
work=/tmp/trace-record
rec_pid=
cleanup() {
	[ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null && wait "$rec_pid"
	rmmod null_blk 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
plan 16
mkdir -p "$work"

check "a RAM-backed null_blk disk" modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 bs=4096
aether-ctl trace record --dev /dev/nullb0 -o "$work/t.csv" 2>"$work/rec.err" &
rec_pid=$!
for _ in $(seq 300); do
	grep -q recording "$work/rec.err" && break
	kill -0 "$rec_pid" 2>/dev/null || break
	sleep 0.1
done
check "the recorder says it is recording" grep -q "recording /dev/nullb0" "$work/rec.err"
check "dd reads 1000 blocks of 4 KiB, direct" \
	dd if=/dev/nullb0 of=/dev/null bs=4k count=1000 iflag=direct status=none
check "dd writes 100 blocks of 64 KiB at 6400 KiB, direct" \
	dd if=/dev/zero of=/dev/nullb0 bs=64k count=100 seek=100 oflag=direct status=none
kill -INT "$rec_pid"
wait "$rec_pid"
rc=$?
rec_pid=
check "SIGINT stops the recorder with status 0 (got $rc)" test "$rc" = 0
sed 's/^/  /' "$work/rec.err"
reads=$(grep -c ',R$' "$work/t.csv")
writes=$(grep -c ',W$' "$work/t.csv")
check "it recorded the 1000 reads and 100 writes (got $reads and $writes)" test "$reads" = 1000 -a "$writes" = 100
check "the reads are 4 KiB each from byte 0 on, in order" \
	sh -c "grep ',R\$' '$work/t.csv' | awk -F, '\$1 != (NR - 1) * 4096 || \$2 != 4096 { bad = 1 } END { exit bad }'"
check "the writes are 64 KiB each from byte 6553600 on" \
	sh -c "grep ',W\$' '$work/t.csv' | awk -F, '\$1 != 6553600 + (NR - 1) * 65536 || \$2 != 65536 { bad = 1 } END { exit bad }'"
check "it says how many it wrote" grep -q "1100 requests (1000 reads, 100 writes)" "$work/rec.err"
expect 0 "aether-ctl replay reads the recording" aether-ctl replay "$work/t.csv"
check "replay counts 1100 requests, 1000 of them reads" grep -q "requests: 1100  reads: 1000" /tmp/ctl.out

sum=$(sha256sum <"$work/t.csv")
expect 1 "recording over an existing file without --force is refused" \
	aether-ctl trace record --dev /dev/nullb0 -o "$work/t.csv" --duration 1
check "it names --force and leaves the file as it was" \
	sh -c "grep -q -- '--force overwrites it' /tmp/ctl.err && [ \"\$(sha256sum <'$work/t.csv')\" = '$sum' ]"
expect 0 "--duration 1 stops by itself" aether-ctl trace record --dev /dev/nullb0 -o "$work/d.csv" --duration 1
check "its file is a trace, if an empty one" grep -q '^offset_bytes,length_bytes,op$' "$work/d.csv"
expect 1 "a device that is not a block device is refused" \
	aether-ctl trace record --dev /etc/hostname -o "$work/u.csv" --duration 1
tap_done
