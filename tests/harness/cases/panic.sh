#!/bin/bash
# A test that crashes the kernel must fail, and the VM's death must be reported.
. "$AETHER_ROOT/tests/kselftest/lib.sh"
plan 1
echo c >/proc/sysrq-trigger
ok "never reached"
