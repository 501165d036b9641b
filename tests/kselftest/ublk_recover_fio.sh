#!/bin/bash
# kill -9 of aether-ublk under fio's direct random writes on a mounted ext4, then ublk recover: fio sees a pause, not an error, its verify passes, and e2fsck is clean.
# timeout: 400
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 14
modprobe ublk_drv && modprobe ext4
ublk_recover_under_fio recover --size=32M --bs=16k --rw=randwrite --direct=1 --ioengine=io_uring --iodepth=16
tap_done
