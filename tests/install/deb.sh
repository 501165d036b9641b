#!/bin/bash
# make deb's packages pass lintian with no error, hold what they should, and DKMS builds aether.ko from aether-dkms for the Debian 6.12 kernel.
# Usage: deb.sh SOURCE_DIR CMAKE_BUILD_DIR
top=$1 b=$(dirname "$2")
. "$(dirname "$0")/lib.sh"

out=$d/out
"$top/scripts/deb.sh" "$b" "$out" >/dev/null || { bad "scripts/deb.sh exited $?"; exit 1; }
tools=$(ls "$out"/aether-tools_*_amd64.deb 2>/dev/null)
dkms_deb=$(ls "$out"/aether-dkms_*_all.deb 2>/dev/null)
[ -s "$tools" ] && [ -s "$dkms_deb" ] && ok "built ${tools##*/} and ${dkms_deb##*/}" ||
	{ bad "packages missing: $(ls "$out")"; exit 1; }

# lintian exits non-zero on an error; its E: lines say which.
msg=$(lintian --tag-display-limit 0 "$out"/*.changes 2>&1)
rc=$?
errors=$(grep -c '^E: ' <<<"$msg")
[ "$rc" = 0 ] && [ "$errors" = 0 ] && ok "lintian: no error ($(grep -c '^[WIP]: ' <<<"$msg") other tags)" ||
	bad "lintian exited $rc: $msg"

files=$(dpkg-deb -c "$tools" | awk '{ print $6 }')
for f in usr/sbin/aether-ctl usr/sbin/aether-ublk usr/share/man/man8/aether-ctl.8.gz \
	usr/share/man/man8/aether-ublk.8.gz usr/share/man/man4/aether.4.gz usr/share/bash-completion/completions/aether-ctl \
	usr/lib/systemd/system/aether-ublk@.service usr/share/doc/aether-tools/copyright \
	usr/share/doc/aether-tools/examples/ublk.conf.example; do
	grep -qx "./$f" <<<"$files" || bad "aether-tools lacks /$f"
done
ok "aether-tools holds the programs, man pages, completion, unit and example"

version=$(dpkg-deb -f "$dkms_deb" Version)
dpkg-deb -x "$dkms_deb" "$d/root"
src=$d/root/usr/src/aether-$version
grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf" 2>/dev/null &&
	ok "aether-dkms: /usr/src/aether-$version/dkms.conf names its version" ||
	bad "aether-dkms: no dkms.conf for $version: $(ls "$d/root/usr/src")"
for f in modules-load.d/aether.conf modprobe.d/aether.conf; do
	[ -s "$d/root/usr/share/doc/aether-dkms/examples/$f" ] || bad "aether-dkms lacks the example $f"
done

# DKMS itself, in a scratch tree, against the kernel make deps unpacked.
kver=$(cat "$b/kernel/version")
mkdir -p "$d/dkms"
dk=(-m aether -v "$version" --sourcetree "$d/root/usr/src" --dkmstree "$d/dkms")
if dkms add "${dk[@]}" >"$d/dkms.log" 2>&1 &&
	dkms build "${dk[@]}" -k "$kver" --kernelsourcedir "$b/kernel/root/usr/src/linux-headers-$kver" >>"$d/dkms.log" 2>&1; then
	ko=$d/dkms/aether/$version/$kver/x86_64/module/aether.ko
	[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$kver" ] &&
		ok "dkms build: aether.ko for $kver" || bad "dkms build made no aether.ko for $kver"
	# The module says the same version as the packaged tools.
	dpkg-deb -x "$tools" "$d/tools"
	ctl_version=$("$d/tools/usr/sbin/aether-ctl" version 2>/dev/null | awk '$1 == "aether-ctl" { print $2 }')
	ko_version=$(modinfo -F version "$ko")
	[ -n "$ctl_version" ] && [ "$ko_version" = "$ctl_version" ] &&
		ok "the module's version is the tools' ($ko_version)" ||
		bad "module version '$ko_version', aether-ctl's '$ctl_version'"
	grep -q 'bad exit status' "$d/dkms.log" && bad "dkms: a step failed: $(grep 'bad exit status' "$d/dkms.log")"
else
	bad "dkms add/build failed:"
	sed 's/^/#   /' "$d/dkms.log"
	find "$d/dkms" -name make.log -exec sed 's/^/#   /' {} \;
fi
exit $fail
