#!/bin/bash
# XFS on an aether-ublk device over a sparse file, through a small cache with aggressive prefetch: 64 MiB in many files survive xfs_repair -n and a remount bit for bit.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 10
modprobe xfs
ublk_fs_roundtrip "mkfs.xfs -q -f" "xfs_repair -n"
tap_done
