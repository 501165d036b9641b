#!/bin/bash
# aether-ublk over NBD survives the server's restart: nbdkit killed during fio verify and restarted within --io-timeout, fio finishes and verifies; killed for longer, reads get EIO, and once it is back the device reads again.
# timeout: 900
# vm: cost 17
. "$(dirname "$0")/lib.sh"
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
}
trap cleanup EXIT
# What the server is doing, if a step never ends.
stuck() {
	echo "# stuck: $*"
	for f in /proc/"$ublk_pid"/fdinfo/*; do grep -q SqMask "$f" 2>/dev/null && grep -E "SqHead|CqHead|op=" "$f" | sed "s/^/#   /"; done
	cat >"$ublk_work/gdb.py" <<'G'
import gdb
Q = "(('aether::ublk::(anonymous namespace)::NbdQueue' *)this->q_.priv)"
want = ["*" + Q, "((long (*)(void *))nbd_aio_in_flight)(%s->h)" % Q,
        "((unsigned (*)(void *))nbd_aio_get_direction)(%s->h)" % Q,
        "((int (*)(void *))nbd_aio_is_ready)(%s->h)" % Q, "((int (*)(void *))nbd_aio_is_processing)(%s->h)" % Q,
        "((int (*)(void *))nbd_aio_is_dead)(%s->h)" % Q, "((int (*)(void *))nbd_aio_get_fd)(%s->h)" % Q,
        "((const char *(*)(void))nbd_get_error)()",
        "this->q_.progress", "this->fills_", "this->live_", "this->wake_", "this->commits_",
        "this->wakes_", "this->done_"]
for t in gdb.selected_inferior().threads():
    t.switch()
    f = gdb.newest_frame()
    while f is not None and (f.name() is None or "Loop::run" not in f.name()):
        f = f.older()
    if f is None:
        continue
    f.select()
    print("thread", t.num)
    for e in want:
        try:
            print(e, "=", gdb.parse_and_eval(e))
        except Exception as ex:
            print(e, ": error:", ex)
    try:  # the requests with the target: where they stand
        for tag in range(int(gdb.parse_and_eval("this->q_.progress.size()"))):
            if int(gdb.parse_and_eval("this->q_.progress[%d]" % tag)):
                print("tag", tag, gdb.parse_and_eval("this->tags_[%d]" % tag))
    except Exception as ex:
        print("tags: error:", ex)
G
	ss -xpn | grep -E "nbdkit|aether" | sed 's/^/#   /'
	gdb -q -batch -p "$ublk_pid" -ex "set print elements 200" -x "$ublk_work/gdb.py" 2>&1 | sed 's/^/#   /' | head -400
	return 1
}
# dumps SECONDS CMD...: finishes, with stuck()'s dump if CMD has not ended in time.
dumps() {
	finishes "$@"
	local rc=$?
	[ $rc = 124 ] && stuck "${*:2}"
	return $rc
}

plan 14
ublk_nbd_file_start

where=(--filename="$ublk_dev" --allow_file_create=0 --size=64M --bs=4k)
fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth=32 --rw=randwrite \
	--verify=crc32c --verify_fatal=1 --do_verify=1 --output="$ublk_work/fio.out" &
fio_pid=$!
sleep 3
check "nbdkit is killed while fio writes" nbdkit_down KILL
sleep 3
check "and started again 3 s later" nbdkit_file_up
job_ends "$fio_pid" 240
rc=$?
[ $rc = 124 ] && stuck "fio, after the restart"
grep -E "err=|IOPS" "$ublk_work/fio.out" | sed 's/^/# /'
check "fio finishes with no error and every block verifies (exit $rc)" test "$rc" = 0
check "drop_caches" dumps 60 sh -c "echo 3 >/proc/sys/vm/drop_caches"
check "a buffered verify-only pass" dumps 240 fio --name=w "${where[@]}" --direct=0 --ioengine=psync \
	--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

# Down for longer than the timeout: the application gets EIO, and the device lives on.
check "aether-ublk serves it again, with a 3 s I/O timeout and no cache" \
	ublk_start --nbd "$nbd_uri" --io-timeout 3
nbdkit_down KILL
ublk_read_fails_eio "$ublk_dev" 1000 "with nbdkit gone for longer, a read fails with an I/O error"
check "nbdkit is started again" nbdkit_file_up
# Past the timeout, reads fail at once until the next attempt to connect, at most the
# 2 s backoff later, succeeds.
reads_again() {
	local i
	for i in $(seq 30); do
		dd if="$ublk_dev" of=/dev/null bs=4k count=1 skip=2000 iflag=direct status=none 2>/dev/null && return 0
		sleep 1
	done
	return 1
}
check "and the device reads again within 30 s" reads_again
check "what fio wrote reads back through it" \
	fio --name=w "${where[@]}" --direct=1 --ioengine=psync --rw=randwrite \
	--verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
