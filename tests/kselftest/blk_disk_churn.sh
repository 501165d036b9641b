#!/bin/bash
# A deleted disk gives its devices/ slot back: after 200 loop disks come and go, a new disk is tracked, and a reused dev_t counts from zero.
# timeout: 600
# vm: cost 3
. "$(dirname "$0")/lib.sh"
work=/tmp/aether-churn
cleanup() {
	for i in 105 400; do
		losetup -d /dev/loop$i 2>/dev/null
		churn remove $i 2>/dev/null
	done
	unload_aether
	rm -rf "$work"
}
trap cleanup EXIT
plan 9

# churn add|remove|cycle FIRST [LAST]: loop disks by index, through /dev/loop-control
# (LOOP_CTL_ADD, LOOP_CTL_REMOVE; the second deletes the disk, as `losetup` never
# does). cycle adds each of FIRST..LAST, attaches $work/img, reads its first 4 KiB
# through the page cache, detaches it and removes it: a disk that lived and went.
churn() {
	python3 - "$work/img" "$@" <<'EOF'
import errno, fcntl, os, sys, time
LOOP_SET_FD, LOOP_CLR_FD, LOOP_CTL_ADD, LOOP_CTL_REMOVE = 0x4C00, 0x4C01, 0x4C80, 0x4C81
img, what, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
last = int(sys.argv[4]) if len(sys.argv) > 4 else first
ctl = os.open('/dev/loop-control', os.O_RDWR)
def remove(i):
    # A detached loop disk is released at its last close, which may still be under way.
    for _ in range(100):
        try:
            return fcntl.ioctl(ctl, LOOP_CTL_REMOVE, i)
        except OSError as e:
            if e.errno != errno.EBUSY:
                raise
            time.sleep(0.05)
    fcntl.ioctl(ctl, LOOP_CTL_REMOVE, i)
for i in range(first, last + 1):
    if what in ('add', 'cycle'):
        fcntl.ioctl(ctl, LOOP_CTL_ADD, i)
    if what == 'cycle':
        dev = os.open(f'/dev/loop{i}', os.O_RDWR)
        back = os.open(img, os.O_RDONLY)
        fcntl.ioctl(dev, LOOP_SET_FD, back)
        os.close(back)
        r = os.open(f'/dev/loop{i}', os.O_RDONLY)
        assert len(os.read(r, 4096)) == 4096
        os.close(r)
        fcntl.ioctl(dev, LOOP_CLR_FD, 0)
        os.close(dev)
    if what in ('remove', 'cycle'):
        remove(i)
EOF
}

# devdir INDEX: loop INDEX's directory under devices/, after its first request.
devdir() { echo "/sys/kernel/aether/devices/7:$1"; }
# await_dir PATH present|gone: waits up to 10 s for the work item to add or remove PATH.
await_dir() {
	for _ in $(seq 100); do
		if [ "$2" = present ]; then [ -d "$1" ] && return 0; else [ -d "$1" ] || return 0; fi
		sleep 0.1
	done
	return 1
}
# loop_dirs: how many loop disks devices/ shows.
loop_dirs() { grep -l '^loop' /sys/kernel/aether/devices/*/name 2>/dev/null | wc -l; }

mkdir -p "$work"
dd if=/dev/urandom of="$work/img" bs=1M count=1 status=none
modprobe loop
check "insmod aether.ko" insmod "$AETHER_KO"

# Three times the table's 64 slots: each disk claims one, and must give it back.
check "200 loop disks (loop100..loop299) each attached, read and deleted" churn cycle 100 299
await_dir "$(devdir 299)" gone
check "no deleted loop disk keeps a directory ($(loop_dirs) left)" test "$(loop_dirs)" = 0
untracked=$(cat /sys/kernel/aether/devices/untracked_requests)
check "no request went untracked ($untracked)" test "$untracked" = 0

# A new disk after the churn: the table must have room for it.
churn add 400 && losetup -r /dev/loop400 "$work/img" && dd if=/dev/loop400 of=/dev/null bs=4k count=1 status=none
await_dir "$(devdir 400)" present
check "a new disk (loop400) is tracked ($(cat "$(devdir 400)/name" 2>/dev/null))" \
	test "$(cat "$(devdir 400)/name" 2>/dev/null)" = loop400
losetup -d /dev/loop400 && churn remove 400
check "deleting it removes its directory" await_dir "$(devdir 400)" gone

# loop105 again: the same dev_t (7:105) as a disk of the churn, but a new disk. Its
# counters must be its own, as the kernel's /sys/block/loop105/stat are.
churn add 105 && losetup -r /dev/loop105 "$work/img" &&
	dd if=/dev/loop105 of=/dev/null bs=4k count=1 status=none
await_dir "$(devdir 105)" present
ours=$(cat "$(devdir 105)/read_bytes" 2>/dev/null)
kernel=$(($(awk '{ print $3 }' /sys/block/loop105/stat) * 512))
check "the reused dev_t counts from zero: $ours bytes read, the kernel says $kernel" \
	test -n "$ours" -a "$ours" = "$kernel"
losetup -d /dev/loop105 && churn remove 105
check "deleting it removes its directory" await_dir "$(devdir 105)" gone
check "rmmod" rmmod aether
tap_done
