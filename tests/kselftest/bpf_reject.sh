#!/bin/bash
# aether-ctl bpf load refuses a program the verifier rejects, a file that is no BPF object and bad tunables, says why, and attaches nothing.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	bpf_unload_all
	unload_aether_wait
	rm -f /tmp/not-bpf.o
}
trap cleanup EXIT
plan 15

check "insmod aether.ko" insmod "$AETHER_KO"
expect 1 "bpf load of a program reading byte 100 of a 64-byte block pointer fails" \
	aether-ctl bpf load "$AETHER_BUILD/bpf/xrp_oob.bpf.o"
check "the verifier's own message is shown" grep -q "invalid access to memory, mem_size=64 off=100 size=1" /tmp/ctl.err
check "aether-ctl says the kernel refused it" grep -q "the kernel refused" /tmp/ctl.err
check "nothing is attached and nothing pinned" \
	sh -c 'test -z "$(cat /sys/kernel/aether/xrp/ops)" && test ! -e /sys/fs/bpf/aether/xrp_oob'
head -c 4096 /dev/urandom >/tmp/not-bpf.o
expect 1 "bpf load of random bytes fails" aether-ctl bpf load /tmp/not-bpf.o
check "it says the file is not a BPF object" grep -q "as a BPF object" /tmp/ctl.err
expect 1 "bpf load with a tunable the program does not have fails" aether-ctl bpf load policy_next --set nosuch=1
check "it names the tunables it has, and nothing is attached" \
	sh -c 'grep -q "no tunable .nosuch.; it has: pages" /tmp/ctl.err && test -z "$(cat /sys/kernel/aether/policy/ops)"'
expect 1 "bpf load with a tunable value that is no number fails" aether-ctl bpf load policy_next --set pages=-3
check "it says so" grep -q "is not an unsigned decimal number" /tmp/ctl.err
expect 1 "bpf load with a value too big for the tunable fails" aether-ctl bpf load policy_next --set pages=4294967296
check "it says it does not fit" grep -q "does not fit its 4 bytes" /tmp/ctl.err
expect 2 "bpf load of an unknown built-in is a usage error" aether-ctl bpf load no_such_program
check "it lists the built-in programs" grep -q "built in: xrp_btree" /tmp/ctl.err
tap_done
