#!/bin/bash
# aether-ublk over NBD with TLS (nbds+unix://, a pre-shared key, nbdkit --tls=require): fio crc32c verify through the cache, the encrypted connection opened again after nbdkit's restart; a plain URI or a wrong key is refused and leaves no device.
# timeout: 600
# vm: cost 15
. "$(dirname "$0")/lib.sh"
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
}
trap cleanup EXIT
devices() { ls /dev/ublkb* /run/aether/ublk*.stats 2>/dev/null | sort | tr '\n' ' '; }
# psk FILE USER: a fresh 256-bit key for USER, in the IDENTITY:HEX form of GnuTLS's psktool.
psk() { printf '%s:%s\n' "$2" "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$1"; }

plan 12
mkdir -p "$ublk_work"
keys=$ublk_work/keys.psk
psk "$keys" alice
psk "$ublk_work/other.psk" alice
truncate -s 128M "$nbd_disk"
serve() { nbdkit_file_up --tls=require --tls-psk="$keys"; }
check "nbdkit serves a 128 MiB file, TLS required, with a pre-shared key" serve
uri="nbds+unix://alice@/?socket=$nbd_sock&tls-psk-file=$keys"

before=$(devices)
out=$(aether-ctl ublk add --nbd "$nbd_uri" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
case $rc:$out in
1:*"requires TLS"*) ok "a plain nbd+unix:// URI is refused (exit $rc): the server requires TLS" ;;
*) not_ok "a plain nbd+unix:// URI is refused (exit $rc): the server requires TLS" ;;
esac
out=$(aether-ctl ublk add --nbd "nbds+unix://alice@/?socket=$nbd_sock&tls-psk-file=$ublk_work/other.psk" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
case $rc:$out in
1:*handshake*) ok "a wrong key is refused (exit $rc) in the TLS handshake" ;;
*) not_ok "a wrong key is refused (exit $rc) in the TLS handshake" ;;
esac
check "and neither left a device or a stats file" test "$(devices)" = "$before"

check "aether-ublk serves it over TLS with 2 queues, a 16 MiB cache and adaptive prefetch" \
	ublk_start --nbd "$uri" --queues 2 --depth 64 --cache-mb 16 --policy adaptive --io-timeout 60
ublk_fio_verify "$ublk_dev" 0 32M 4k 32
seq_read() { dd if="$ublk_dev" of=/dev/null bs=64k count=512 iflag=direct status=none; }
check "a 32 MiB sequential read" seq_read
used=$(ublk_stat "$ublk_dev" prefetch_used)
check "prefetch served reads over TLS (prefetch_used $used)" test "${used:-0}" -gt 0

# A restart means a new TLS handshake, done by libnbd without blocking the queue.
nbdkit_down KILL
check "nbdkit is killed and started again" serve
check "what fio wrote reads back through the new encrypted connection" \
	fio --name=w --filename="$ublk_dev" --allow_file_create=0 --size=32M --bs=4k --direct=1 \
	--ioengine=psync --rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
