#!/bin/bash
# A queue whose ring fails once (injected -EBADR, lost completions) while readers on both queues park on each other's prefetch fills: no reader hangs, and the server stops the device and exits with the reason.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_queue_fails_cleanup EXIT
plan 12
ublk_queue_fails dead=300 "have a queue's ring drop completions" \
	"queue [01]: io_uring_submit_and_wait: .*dropped completions"
tap_done
