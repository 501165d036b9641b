#!/bin/bash
# aether.ko runs the core's golden vectors at load and they all pass in the kernel.
. "$(dirname "$0")/lib.sh"
trap unload_aether EXIT
plan 2

check "insmod aether.ko" insmod "$AETHER_KO"
# The host's unit tests check the same vectors: passing here too means the kernel's
# build of the core decides exactly as user space does.
line=$(dmesg | grep -o 'aether: core self-check passed: [0-9]* golden vectors')
echo "  $line"
check "the golden vectors passed in the kernel" test -n "$line"
tap_done
