#!/bin/bash
# aether.ko carries BTF, so the kernel publishes /sys/kernel/btf/aether for BPF to use.
. "$(dirname "$0")/lib.sh"
trap unload_aether EXIT
plan 3

check "insmod aether.ko" insmod "$AETHER_KO"
check "/sys/kernel/btf/aether exists" test -r /sys/kernel/btf/aether
# The module's BTF must describe the module's own functions, split on vmlinux's BTF.
if bpftool -B /sys/kernel/btf/vmlinux btf dump file /sys/kernel/btf/aether 2>&1 |
	grep -q "FUNC 'aether_sysfs_init'"; then
	ok "module BTF describes aether_sysfs_init"
else
	not_ok "module BTF describes aether_sysfs_init"
fi
rmmod aether
tap_done
