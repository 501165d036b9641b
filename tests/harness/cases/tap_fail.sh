#!/bin/bash
# A test that exits 0 but prints a failing TAP point must fail.
# vm: cost 2
. "$AETHER_ROOT/tests/kselftest/lib.sh"
plan 2
ok "first"
not_ok "second"
exit 0
