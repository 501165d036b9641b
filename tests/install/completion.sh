#!/bin/bash
# aether-ctl's bash completion completes commands, subcommands, options, option values and knobs from aether-ctl's own help.
# Usage: completion.sh COMPLETION_SCRIPT AETHER_CTL_DIR
set -uo pipefail
. "$1" || { echo "not ok - $1 does not load in bash"; exit 1; }
PATH=$2:$PATH
fail=0

# expect WANT WORDS...: completing the last of WORDS offers WANT (space-separated).
expect() {
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_aether_ctl
	if [ "${COMPREPLY[*]}" = "$want" ]; then
		echo "ok - '$*' completes to '$want'"
	else
		echo "not ok - '$*' completes to '${COMPREPLY[*]}', not '$want'"
		fail=1
	fi
}

expect ublk aether-ctl ub
expect "add del recover list stats" aether-ctl ublk ''
expect --policy aether-ctl ublk add --pol
expect "off hft gaming adaptive" aether-ctl ublk add --policy ''
expect "--cache-mb" aether-ctl ublk add --file disk.img --cac
expect "off observe hft gaming adaptive" aether-ctl set mode ''
expect "mode min_window_kb max_window_kb" aether-ctl get m
expect "policy_next policy_stride" aether-ctl bpf load p
expect "cloudphysics generic" aether-ctl replay --format ''
expect "" aether-ctl version ''
# A trace file for replay's positional argument: this script itself.
here=$(cd "$(dirname "$0")" && pwd)
expect "$here/completion.sh" aether-ctl replay "$here/completion.s"
exit $fail
