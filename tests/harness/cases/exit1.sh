#!/bin/bash
# A test whose TAP is all "ok" but which exits 1 must fail.
. "$AETHER_ROOT/tests/kselftest/lib.sh"
plan 1
ok "looks fine"
exit 1
