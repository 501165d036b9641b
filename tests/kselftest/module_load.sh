#!/bin/bash
# aether.ko loads, publishes the build's version in sysfs, and unloads without a trace.
. "$(dirname "$0")/lib.sh"
trap unload_aether EXIT
plan 5

want=$(cat "$AETHER_BUILD/version")
check "insmod aether.ko" insmod "$AETHER_KO"
check "/sys/kernel/aether/version exists" test -r /sys/kernel/aether/version
got=$(cat /sys/kernel/aether/version 2>/dev/null)
if [ "$got" = "$want" ]; then ok "sysfs version is the build's ($want)"; else not_ok "sysfs version '$got', build is '$want'"; fi
check "rmmod aether" rmmod aether
check "/sys/kernel/aether is gone after rmmod" test ! -e /sys/kernel/aether
tap_done
