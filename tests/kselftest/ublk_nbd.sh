#!/bin/bash
# aether-ublk serves an NBD export (nbdkit's memory plugin on a unix socket) with its cache and prefetch: fio crc32c verify at QD 1/32/128, the NBD round trips counted in ublk stats, discard, ext4 and XFS with fsck; a bad URI, a refused export, a handshake that never ends or --io-timeout without --nbd leaves no device. ublk_nbd_reconnect.sh kills the server.
# timeout: 900
# vm: cost 18
. "$(dirname "$0")/lib.sh"
work=$ublk_work
sock=$nbd_sock
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
	rm -rf "$work"
}
trap cleanup EXIT
modprobe ext4
modprobe xfs
# The devices and stats files that exist now, to tell that a refused add left none.
devices() { ls /dev/ublkb* /run/aether/ublk*.stats 2>/dev/null | sort | tr '\n' ' '; }

plan 48
mkdir -p "$work"
uri="nbd+unix:///?socket=$sock"
check "nbdkit serves a 256 MiB memory export on a unix socket" nbdkit_up memory 256M
check "aether-ublk serves it with 2 queues, a 32 MiB cache and adaptive prefetch" \
	ublk_start --nbd "$uri" --queues 2 --depth 128 --cache-mb 32 --policy adaptive
id=${ublk_dev#/dev/ublkb}
list=$(aether-ctl ublk list --json)
check "ublk list names the target and the URI" \
	test "$(jq -r ".[] | select(.id == $id) | \"\(.target) \(.file)\"" <<<"$list")" = "nbd $uri"
check "the device has the export's size" test "$(blockdev --getsize64 "$ublk_dev")" = $((256 << 20))

region=0
for qd in 1 32 128; do
	ublk_fio_verify "$ublk_dev" $((region * 16))M 16M 4k "$qd"
	region=$((region + 1))
done

# A cold sequential read of data the cache never held: prefetch reads it ahead.
trips() { aether-ctl ublk stats "$id" --json | jq '[.[0].backend_latency[]] | add // 0'; }
trips0=$(trips)
used0=$(ublk_stat "$ublk_dev" prefetch_used)
check "a cold sequential read of 32 MiB" dd if="$ublk_dev" of=/dev/null bs=64k skip=$((128 * 16)) count=512 iflag=direct status=none
used=$(( $(ublk_stat "$ublk_dev" prefetch_used) - used0 ))
check "prefetched blocks served it ($used of 8192)" test "$used" -gt 4096
trips=$(( $(trips) - trips0 ))
check "ublk stats counted the NBD round trips it took ($trips)" test "$trips" -gt 0
p50=$(aether-ctl ublk stats "$id" --json | jq -r '.[0].backend_latency_p50')
check "and gives their median's bucket ($p50)" test "$p50" != "-"
check "no I/O error was counted" test "$(ublk_stat "$ublk_dev" errors)" = 0

check "blkdiscard of the whole device" blkdiscard "$ublk_dev"
check "the first 48 MiB read back zeros" cmp -n $((48 << 20)) "$ublk_dev" /dev/zero
ublk_down
rc=$?
check "SIGTERM stops the server with status 0 (got $rc)" test "$rc" = 0
nbdkit_down

# ext4 and XFS, each over a fresh export: 10 points each.
for fs in ext4 xfs; do
	check "nbdkit serves a 512 MiB memory export" nbdkit_up memory 512M
	if [ $fs = ext4 ]; then
		ublk_fs_roundtrip "mkfs.ext4 -q -F" "e2fsck -fn" --nbd "$uri"
	else
		ublk_fs_roundtrip "mkfs.xfs -q -f" "xfs_repair -n" --nbd "$uri"
	fi
	mkdir -p "$work"
	[ $fs = ext4 ] && nbdkit_down
done

# Bad URIs and a refused export: a clear error, and no device or stats file left.
before=$(devices)
out=$(aether-ublk --file "$work/none" --io-timeout 5 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
case $rc:$out in
0:*) not_ok "aether-ublk refuses --io-timeout without --nbd" ;;
*--nbd*) ok "aether-ublk refuses --io-timeout without --nbd (exit $rc), naming --nbd" ;;
*) not_ok "aether-ublk refuses --io-timeout without --nbd (exit $rc), naming --nbd" ;;
esac
expect 1 "an unknown URI scheme is refused" aether-ctl ublk add --nbd "http://example.org/disk"
out=$(aether-ctl ublk add --nbd "nbd+unix:///?socket=$work/none.sock" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
case $rc:$out in
1:*none.sock*) ok "a socket nobody listens on is refused (exit $rc), naming it" ;;
*) not_ok "a socket nobody listens on is refused (exit $rc), naming it" ;;
esac
nbdkit_down
check "nbdkit serves only the export named 'good'" \
	nbdkit_up --filter=exportname memory 64M exportname-strict=true exportname=good
out=$(aether-ctl ublk add --nbd "nbd+unix:///bad?socket=$sock" 2>&1)
rc=$?
check "an export the server refuses is refused (exit $rc)" test "$rc" = 1
echo "$out" | sed 's/^/# /'
nbdkit_down
# A server that accepts and then says nothing: nbdkit's delay filter holds the
# export's open, inside the handshake, for 600 s.
check "nbdkit serves an export that takes 600 s to open" nbdkit_up --filter=delay memory 64M delay-open=600
start=$(date +%s)
out=$(aether-ctl ublk add --nbd "nbd+unix:///?socket=$sock" --io-timeout 2 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
case $rc:$out in
1:*handshake*) ok "a handshake not finished within --io-timeout 2 is refused (exit $rc, after $(($(date +%s) - start)) s), saying so" ;;
*) not_ok "a handshake not finished within --io-timeout 2 is refused (exit $rc), saying so" ;;
esac
nbdkit_down KILL
check "no device or stats file is left behind" test "$(devices)" = "$before"

tap_done
