#!/bin/bash
# ext4 on an aether-ublk device over a sparse file, through a small cache with aggressive prefetch: 64 MiB in many files survive e2fsck -fn and a remount bit for bit.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 10
modprobe ext4
ublk_fs_roundtrip "mkfs.ext4 -q -F" "e2fsck -fn"
tap_done
