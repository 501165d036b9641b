#!/bin/bash
# timeout: 5
# A test that hangs must be killed at its timeout and fail.
. "$AETHER_ROOT/tests/kselftest/lib.sh"
plan 1
sleep 600
ok "never reached"
