#!/bin/bash
# kill -9 of aether-ublk under fio writing with fsync after every write on a mounted ext4, then ublk recover: the FLUSHes in flight are reissued, fio finishes without error, its verify passes, and e2fsck is clean.
# timeout: 400
# vm: cost 3
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 14
modprobe ublk_drv && modprobe ext4
ublk_recover_under_fio recover --size=8M --bs=4k --rw=write --fsync=1
tap_done
