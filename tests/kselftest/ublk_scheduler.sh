#!/bin/bash
# aether-ublk sets its device's I/O scheduler to none (loop's) unless told another, warns and serves on when the kernel lacks the one named, and refuses a malformed name before adding a device.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 9
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
# sched: the device's scheduler, the bracketed one in sysfs.
sched() { grep -o '\[[^]]*\]' "/sys/block/${ublk_dev#/dev/}/queue/scheduler" | tr -d '[]'; }

check "aether-ublk serves the file" ublk_up "$ublk_work/backing"
got=$(sched)
check "its scheduler is none (got $got; the kernel's default for one queue is mq-deadline)" test "$got" = none
ublk_down

check "with --io-scheduler mq-deadline" ublk_up "$ublk_work/backing" --io-scheduler mq-deadline
got=$(sched)
check "its scheduler is mq-deadline (got $got)" test "$got" = mq-deadline
ublk_down

ublk_up "$ublk_work/backing" --io-scheduler nosuch 2>"$ublk_work/err"
rc=$?
sed 's/^/# /' "$ublk_work/err"
check "with a scheduler the kernel lacks, the device still comes up" test "$rc" = 0
check "and the server says it kept the kernel's" grep -q "stays the kernel's: setting 'nosuch' failed" "$ublk_work/err"
check "and the device reads" dd if="$ublk_dev" of=/dev/null bs=1M count=4 iflag=direct status=none
ublk_down

before=$(aether-ctl ublk list --json | jq length)
aether-ublk --file "$ublk_work/backing" --io-scheduler 'mq deadline' >/dev/null 2>"$ublk_work/err"
rc=$?
check "a malformed name is refused (exit $rc): $(head -n1 "$ublk_work/err")" test "$rc" != 0
check "and no device was added" test "$(aether-ctl ublk list --json | jq length)" = "$before"
tap_done
