#!/bin/bash
# `aether-ctl status` without the module exits 1 and says clearly that it is not loaded.
. "$(dirname "$0")/lib.sh"
plan 3

check "aether.ko is not loaded" test ! -d /sys/module/aether
err=$(aether-ctl status 2>&1 >/dev/null)
rc=$?
echo "$err" | sed 's/^/  /'
check "status exits 1" test "$rc" = 1
check "status explains the module is not loaded" grep -q "aether.ko is not loaded" <<<"$err"
tap_done
