#!/bin/bash
# The guest kernel's ublk_drv loads from its module tree and creates /dev/ublk-control.
. "$(dirname "$0")/lib.sh"
plan 3

check "modprobe ublk_drv" modprobe ublk_drv
check "/dev/ublk-control is a character device" test -c /dev/ublk-control
check "modprobe -r ublk_drv" modprobe -r ublk_drv
tap_done
