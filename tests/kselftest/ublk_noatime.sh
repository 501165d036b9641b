#!/bin/bash
# aether-ublk's reads of its backing file leave the file's access time alone (O_NOATIME), as its owner or CAP_FOWNER may, and a backing file that user may not open so is served all the same.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 6
mkdir -p "$ublk_work"
head -c 16M /dev/urandom >"$ublk_work/backing"
sum=$(sha256sum <"$ublk_work/backing")
# Older than a day, so that a read would update it even under relatime.
touch -a -d '3 days ago' "$ublk_work/backing"
before=$(stat -c %X "$ublk_work/backing")

check "aether-ublk serves the file" ublk_up "$ublk_work/backing"
# Compared by checksum: reading the file itself would set its access time.
check "16 MiB read through the device equal the file's" \
	test "$(dd if="$ublk_dev" bs=1M iflag=direct status=none | sha256sum)" = "$sum"
ublk_down
after=$(stat -c %X "$ublk_work/backing")
check "the file's access time is unchanged ($(date -d "@$before" +%F) before, $(date -d "@$after" +%F) after)" \
	test "$after" = "$before"

# Root without CAP_FOWNER may not use O_NOATIME on a file it does not own: the server
# then opens the file without it, and serves it all the same.
chown nobody "$ublk_work/backing"
mkdir -p "$ublk_work/bin"
printf '#!/bin/sh\nexec setpriv --inh-caps=-fowner --bounding-set=-fowner %q "$@"\n' "$(command -v aether-ublk)" \
	>"$ublk_work/bin/aether-ublk"
chmod +x "$ublk_work/bin/aether-ublk"
# env_path PATH COMMAND...: COMMAND (a shell function too) with PATH as given.
env_path() {
	local PATH=$1
	shift
	"$@"
}
check "without CAP_FOWNER, over a file nobody owns, aether-ublk serves the file" \
	env_path "$ublk_work/bin:$PATH" ublk_up "$ublk_work/backing"
check "its CapEff lacks CAP_FOWNER (bit 3)" \
	bash -c '(( (0x$(awk "/^CapEff/ { print \$2 }" /proc/$0/status) >> 3 & 1) == 0 ))' "$ublk_pid"
check "16 MiB read through it equal the file's" \
	test "$(dd if="$ublk_dev" bs=1M iflag=direct status=none | sha256sum)" = "$sum"
tap_done
