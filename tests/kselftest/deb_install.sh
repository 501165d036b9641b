#!/bin/bash
# dpkg -i of make deb's packages: DKMS builds aether.ko for the running kernel (on a series newer than bookworm's, in a root of that kernel's own Debian release), the module loads and works, and dpkg -r leaves no file behind.
# timeout: 1800
# vm: cost 62
. "$(dirname "$0")/lib.sh"
kver=$(uname -r)
debs=$AETHER_BUILD/deb
ctl=/usr/sbin/aether-ctl
mods=/run/aether-deb-modules
cleanup() {
	if [ -d /sys/module/aether ]; then
		[ -x $ctl ] && $ctl bpf unload xrp_btree >/dev/null 2>&1
		unload_aether_wait
	fi
	dpkg -r aether-tools aether-dkms >/dev/null 2>&1
	umount "/lib/modules/$kver" 2>/dev/null
	umount $mods 2>/dev/null
}
tools=$(ls "$debs"/aether-tools_*_amd64.deb 2>/dev/null)
dkms_deb=$(ls "$debs"/aether-dkms_*_all.deb 2>/dev/null)
version=
[ -n "$dkms_deb" ] && version=$(dpkg-deb -f "$dkms_deb" Version)

# lists_only FROM TO: a writable TO for DKMS's install and depmod that holds FROM's
# build link and the kernel's lists of built-in modules, but none of its loadable
# modules: depmod, which DKMS runs after installing and after removing, would
# otherwise decompress all of them over 9p, under emulation, for minutes each time.
# aether.ko depends on no other module.
lists_only() {
	local f
	mkdir -p $mods && mount -t tmpfs tmpfs $mods || return 1
	for f in build source modules.builtin modules.builtin.modinfo; do
		if [ -e "$1/$f" ] || [ -L "$1/$f" ]; then cp -P "$1/$f" $mods/ || return 1; fi
	done
	mount --bind $mods "$2"
}

# DKMS builds with the compiler and kbuild tools of the kernel it builds for. The
# guest's user space is the host's bookworm, whose gcc 12 and glibc 2.36 suit only
# 6.12: a newer series' modpost and objtool need its own release's glibc. So on a
# newer series aether-dkms goes into the Debian root that make deps made for that
# kernel (trixie's, with its dkms and gcc, as on a machine running that release),
# chrooted into under the guest's throwaway overlay; the guest loads what DKMS built.
# aether-tools, built on bookworm, stays out of it: the 6.12 run installs that.
new_series() {
	local root=$AETHER_KTREE/root deb mod st rc
	deb=/tmp/${dkms_deb##*/}
	cleanup_new() {
		unload_aether_wait 2>/dev/null
		chroot "$root" dpkg -r aether-dkms >/dev/null 2>&1
		for m in "/lib/modules/$kver" /dev /sys /proc; do umount "$root$m" 2>/dev/null; done
		umount $mods 2>/dev/null
	}
	trap cleanup_new EXIT
	plan 8
	if [ -z "$dkms_deb" ]; then
		not_ok "aether-dkms in $debs: run make deb"
		exit 1
	fi
	for m in /proc /sys /dev; do mount --bind $m "$root$m"; done
	cp "$dkms_deb" "$root$deb"
	lists_only "$root/lib/modules/$kver" "$root/lib/modules/$kver"
	check "Debian's root for $kver has dkms, g++ and the kernel's headers" \
		test -x "$root/usr/sbin/dkms" -a -x "$root/usr/bin/g++" -a -r "$root/lib/modules/$kver/build/Module.symvers"
	t0=$SECONDS
	chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i "$deb" >/tmp/deb.out 2>&1
	rc=$?
	sed 's/^/  /' /tmp/deb.out | tail -n 20
	[ $rc = 0 ] && ok "dpkg -i aether-dkms ($version) in that root, $((SECONDS - t0)) s" || not_ok "dpkg -i exited $rc"
	st=$(chroot "$root" dkms status -m aether -v "$version" -k "$kver" 2>/dev/null)
	check "dkms status: installed for $kver ($st)" grep -q ": installed" <<<"$st"
	mod=$(ls "$root/lib/modules/$kver/updates/dkms/"aether.ko* 2>/dev/null | head -n 1)
	check "DKMS's module, ${mod#"$root"}, is built for $kver" \
		test "$(modinfo -F vermagic "$mod" 2>/dev/null | cut -d' ' -f1)" = "$kver"
	check "insmod of DKMS's module" insmod "$mod"
	expect 0 "aether-ctl bpf load xrp_btree on it" aether-ctl bpf load xrp_btree
	aether-ctl bpf unload xrp_btree >/dev/null 2>&1
	unload_aether_wait
	chroot "$root" dpkg -r aether-dkms >/tmp/deb.out 2>&1
	rc=$?
	sed 's/^/  /' /tmp/deb.out | tail -n 10
	[ $rc = 0 ] && ok "dpkg -r aether-dkms" || not_ok "dpkg -r exited $rc"
	check "it took DKMS's module and tree with it" \
		sh -c "! ls '$root/lib/modules/$kver/updates/dkms/'aether.ko* 2>/dev/null && [ ! -e '$root/var/lib/dkms/aether' ] &&
			[ ! -e '$root/usr/src/aether-$version' ]"
	tap_done
	exit
}
[ "$AETHER_KERNEL" = 6.12 ] || new_series

trap cleanup EXIT
plan 11
if [ -z "$tools" ] || [ -z "$dkms_deb" ]; then
	not_ok "packages in $debs: run make deb"
	exit 1
fi

# What a machine with this kernel's headers installed has: /usr/src/linux-headers-*
# and linux-kbuild (symlinks into the unpacked packages; the overlay is thrown away
# with the VM), and a writable /lib/modules/$kver (lists_only).
for p in "$AETHER_KTREE"/root/usr/src/* "$AETHER_KTREE"/root/usr/lib/linux-kbuild-*; do
	ln -sfn "$p" "${p#"$AETHER_KTREE"/root}"
done
lists_only "$AETHER_KTREE/root/lib/modules/$kver" "/lib/modules/$kver"
check "the headers of $kver at /lib/modules/$kver/build" test -r "/lib/modules/$kver/build/Module.symvers"

# man-db's trigger would index every man page on the machine, over 9p, under
# emulation; its database is not what this tests.
rm -f /var/lib/man-db/auto-update

# dpkg -i runs aether-dkms's postinst, which has DKMS build and install the module:
# minutes under emulation.
t0=$SECONDS
DEBIAN_FRONTEND=noninteractive dpkg -i "$tools" "$dkms_deb" >/tmp/deb.out 2>&1
rc=$?
sed 's/^/  /' /tmp/deb.out | tail -n 20
[ $rc = 0 ] && ok "dpkg -i aether-tools aether-dkms ($version), $((SECONDS - t0)) s" || not_ok "dpkg -i exited $rc"
st=$(dkms status -m aether -v "$version" -k "$kver" 2>/dev/null)
check "dkms status: installed for $kver ($st)" grep -q ": installed" <<<"$st"
# DKMS compresses the module as the kernel's own are (aether.ko.xz on Debian).
file=$(modinfo -n aether 2>&1)
check "modinfo finds DKMS's module: $file" eval '[[ $file == "/lib/modules/$kver/updates/dkms/aether.ko"* ]]'

check "modprobe aether" modprobe aether
$ctl status --json >/tmp/deb.status 2>&1
rc=$?
kv=$(jq -r .version /tmp/deb.status 2>/dev/null)
cv=$(jq -r .ctl_version /tmp/deb.status 2>/dev/null)
[ $rc = 0 ] && [ -n "$kv" ] && [ "$kv" = "$cv" ] && ok "$ctl status: loaded, version $kv, the tools' own" ||
	not_ok "$ctl status exited $rc: $(cat /tmp/deb.status)"
expect 0 "$ctl bpf load xrp_btree" $ctl bpf load xrp_btree
expect 0 "$ctl bpf unload xrp_btree" $ctl bpf unload xrp_btree
unload_aether_wait
check "rmmod aether" test ! -d /sys/module/aether

# Every file the packages and DKMS put on the machine, to look for after removal.
{
	dpkg -L aether-tools aether-dkms
	find /var/lib/dkms/aether "/lib/modules/$kver/updates" 2>/dev/null
} | sort -u >/tmp/deb.files
t0=$SECONDS
dpkg -r aether-tools aether-dkms >/tmp/deb.out 2>&1
rc=$?
sed 's/^/  /' /tmp/deb.out | tail -n 10
[ $rc = 0 ] && ok "dpkg -r aether-tools aether-dkms, $((SECONDS - t0)) s" || not_ok "dpkg -r exited $rc"
left=()
while read -r f; do
	# Directories shared with other packages stay; anything of ours must go.
	if [ -d "$f" ] && [ ! -L "$f" ]; then
		case $f in /usr/src/aether-* | /var/lib/dkms/aether* | /usr/share/doc/aether-*) [ -e "$f" ] && left+=("$f") ;; esac
	elif [ -e "$f" ] || [ -L "$f" ]; then
		left+=("$f")
	fi
done </tmp/deb.files
[ ${#left[@]} = 0 ] && ok "dpkg -r left none of the $(wc -l </tmp/deb.files) paths behind" ||
	not_ok "left behind: ${left[*]}"
tap_done
