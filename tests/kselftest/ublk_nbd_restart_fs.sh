#!/bin/bash
# A mounted ext4 on aether-ublk over NBD survives nbdkit's restart: killed while fio writes and fsyncs files, started again within --io-timeout; fio verifies, every file synced before the kill is intact after a remount, and fsck finds the filesystem clean.
# timeout: 900
# vm: cost 6
. "$(dirname "$0")/lib.sh"
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
}
trap cleanup EXIT
modprobe ext4
fs_errors() { dmesg | grep -cE "EXT4-fs (error|warning)|Buffer I/O error|I/O error, dev ublkb"; }

plan 14
ublk_nbd_file_start
errors0=$(fs_errors)
check "mkfs.ext4" mkfs.ext4 -q -F "$ublk_dev"
mkdir -p "$ublk_mnt"
check "mount" mount "$ublk_dev" "$ublk_mnt"

# Files written and synced before the kill: sync(1) returned, so every byte is
# acknowledged by the server, and a restart must not lose any of it.
mkdir "$ublk_mnt/before"
for i in $(seq 8); do head -c 1M /dev/urandom >"$ublk_mnt/before/f$i"; done
check "8 files of 1 MiB written and synced" sync -f "$ublk_mnt"
(cd "$ublk_mnt/before" && sha256sum f*) >"$ublk_work/before.sum"

# fio writes through the page cache and fsyncs every 16 writes, so the kill lands on
# writeback and on fsyncs that wait for it.
mkdir "$ublk_mnt/during"
fio_args=(--name=w --directory="$ublk_mnt/during" --size=16M --nrfiles=4 --bs=4k --ioengine=psync
	--rw=randwrite --fsync=16 --verify=crc32c --verify_fatal=1)
fio "${fio_args[@]}" --do_verify=1 --output="$ublk_work/fio.out" &
fio_pid=$!
sleep 3
check "nbdkit is killed while fio writes into the mounted filesystem" nbdkit_down KILL
sleep 3
check "and started again 3 s later" nbdkit_file_up
check "fio finishes, every block verified" job_ends "$fio_pid" 300
grep -E "err=|IOPS" "$ublk_work/fio.out" | sed 's/^/# /'
check "umount, which writes back what is left" finishes 120 umount "$ublk_mnt"
check "fsck.ext4 finds the filesystem clean" fsck.ext4 -fn "$ublk_dev"

# Read back from the server, not from the page cache.
echo 3 >/proc/sys/vm/drop_caches
mount "$ublk_dev" "$ublk_mnt"
check "the files synced before the kill are intact after a remount" \
	sh -c "cd '$ublk_mnt/before' && sha256sum -c --quiet '$ublk_work/before.sum'"
check "fio's files verify after the remount" finishes 300 fio "${fio_args[@]}" --verify_only --output=/dev/null
umount "$ublk_mnt"
errors=$(($(fs_errors) - errors0))
check "the kernel logged no ext4 or I/O error ($errors)" test "$errors" = 0
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
