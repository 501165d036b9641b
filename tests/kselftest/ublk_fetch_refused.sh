#!/bin/bash
# A FETCH_REQ (or, where the kernel batches, PREP_IO_CMDS) the kernel refuses ends aether-ublk at start with the reason and exit 1, instead of START_DEV waiting for ever, and leaves no device behind.
# timeout: 300
. "$(dirname "$0")/lib.sh"
plan 6
modprobe ublk_drv
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
trap 'rm -rf "$ublk_work"' EXIT
before=$(aether-ctl ublk list --json | jq length)
# The command that gives the kernel the queue's tags: PREP_IO_CMDS where it batches.
ublk_offers UBLK_F_BATCH_IO || exit 1
cmd=FETCH_REQ
[ "$offers" = true ] && cmd=PREP_IO_CMDS

# The fault makes the first FETCH_REQ or PREP_IO_CMDS (and every 64th after) name a queue the
# device does not have; the kernel refuses it (-EINVAL), as it would a FETCH_REQ it
# no longer accepts. With zero copy (7.2) and without (6.12), with a cache and without.
for how in "--queues 2 --depth 32" "--queues 1 --depth 16 --cache-mb 8"; do
	# shellcheck disable=SC2086 # the options are words
	AETHER_UBLK_FAULTS=fetch=64 timeout 120 aether-ublk --file "$ublk_work/backing" $how \
		>"$ublk_work/out" 2>"$ublk_work/err"
	rc=$?
	sed 's/^/# /' "$ublk_work/err"
	check "aether-ublk $how exits 1 (got $rc; 124 is a hang)" test "$rc" = 1
	check "it names the refused command ($cmd) and why" grep -q "$cmd: Invalid argument" "$ublk_work/err"
	check "it printed no device and left none" \
		sh -c '! [ -s "$1" ] && [ "$(aether-ctl ublk list --json | jq length)" = "$2" ]' _ "$ublk_work/out" "$before"
done
tap_done
