#!/bin/bash
# A test during which a module does WARN_ON(1) must fail, though it exits 0.
. "$AETHER_ROOT/tests/kselftest/lib.sh"
plan 2
check "insmod aether_warn_on.ko" insmod "$AETHER_HARNESS_DIR/aether_warn_on.ko"
check "rmmod aether_warn_on" rmmod aether_warn_on
tap_done
