#!/bin/bash
# A queue whose ring fails for good (injected -EBADF on every submission) while readers on both queues park on each other's prefetch fills: no reader hangs, and the server stops the device and exits with the reason.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_queue_fails_cleanup EXIT
# A queue whose ring cannot submit must close it while the device is live. Linux
# 6.12's ublk can then hand that ring a request it started just before the close,
# after the close cancelled the ring's commands, and wait for the request for ever
# (ublk_cancel_cmd() skips started requests; the task work that delivers them does
# not check ubq->canceling): about one run in three or four here. 7.2 has not, in
# 20 runs.
[ "$(uname -r | cut -d. -f1)" -ge 7 ] ||
	skip_all "Linux $(uname -r)'s ublk can lose a request to a ring closed while the device is live, and STOP_DEV then waits for it for ever"
plan 12
ublk_queue_fails gone=300 "lose a queue's ring for good" \
	"queue [01]: io_uring_submit_and_wait: Bad file descriptor"
tap_done
