#!/bin/bash
# `aether-ctl status` reports the loaded module and its version, as text and JSON.
. "$(dirname "$0")/lib.sh"
trap unload_aether EXIT
plan 5

want=$(cat "$AETHER_BUILD/version")
check "insmod aether.ko" insmod "$AETHER_KO"
out=$(aether-ctl status 2>&1)
rc=$?
echo "$out" | sed 's/^/  /'
check "status exits 0" test "$rc" = 0
check "status says loaded, version $want" grep -q "version: $want\$" <<<"$out"
json=$(aether-ctl status --json)
check "status --json says loaded" grep -q '"loaded": true' <<<"$json"
check "status --json has the version" grep -q "\"version\": \"$want\"" <<<"$json"
rmmod aether
tap_done
