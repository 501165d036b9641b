#!/bin/bash
# aether-ctl's bash completion offers the ids of the live ublk devices and the names of the loaded eBPF programs, as the running system has them.
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../../ctl/completion/aether-ctl.bash"
work=/tmp/ctl-completion
cleanup() {
	ublk_down
	rm -rf "$work"
	[ -d /sys/module/aether ] && { bpf_unload_all; unload_aether_wait; }
}
trap cleanup EXIT
plan 6

# completes WORDS...: what completing the last of WORDS offers, one line.
completes() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_aether_ctl
	echo "${COMPREPLY[*]}"
}

check "insmod aether.ko" insmod "$AETHER_KO"
check "load policy_next" aether-ctl bpf load policy_next
got=$(completes aether-ctl bpf unload '')
check "bpf unload offers the loaded program: '$got'" test "$got" = policy_next

mkdir -p "$work" && truncate -s 64M "$work/backing"
check "an aether-ublk device" ublk_up "$work/backing"
id=${ublk_dev#/dev/ublkb}
got=$(completes aether-ctl ublk stats '')
check "ublk stats offers the device's id $id: '$got'" test "$got" = "$id"
got=$(completes aether-ctl ublk del "${id:0:1}")
check "ublk del completes its id from its first digit: '$got'" test "$got" = "$id"
tap_done
