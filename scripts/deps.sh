#!/usr/bin/env bash
# Installs everything Aether builds and tests with; safe to run any number of times.
#
# What it does, in order:
#   1. enables bookworm-backports (libbpf >= 1.4, bpftool 7.5, QEMU 10 and the 6.12
#      uapi headers live there);
#   2. installs the apt packages below that are not installed yet;
#   3. resolves the newest Debian linux-6.12.*+deb12-amd64 and unpacks its image,
#      headers and kbuild (downloaded, never installed) into $AETHER_BUILD/kernel/root.
#      The chosen version is written to $AETHER_BUILD/kernel/version.
#
# When everything is already present it touches the network not at all.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AETHER_BUILD:-$top/build}
cache=${AETHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aether}
kdir=$build/kernel

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
*) printf 'usage: %s [--check]\n  --check  exit 0 if everything is installed, 1 (listing what is not) otherwise\n' "$0" >&2; exit 2 ;;
esac

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# Everything below checks before it changes anything; --check stops at the first
# missing piece.
need() {
	if [ $check_only = 1 ]; then
		log "missing: $*"
		exit 1
	fi
}

[ "$(uname -m)" = x86_64 ] || die "Aether targets x86_64; this is $(uname -m)"
[ -r /etc/debian_version ] || die "make deps needs Debian bookworm (apt-get); install the packages in $0 by hand"

sudo=
if [ $check_only = 0 ] && [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: run 'make deps' as root"
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive

# Packages from bookworm proper.
pkgs=(
	build-essential g++ gcc make cmake pkg-config git
	clang llvm libclang-rt-14-dev # libFuzzer, for make fuzz
	libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
	liburing-dev libelf-dev zlib1g-dev
	libnbd-dev nbdkit nbd-client # the nbd target, its tests, and the kernel NBD client it is measured against
	gcc-12 dwarves kmod bc libssl3
	busybox-static cpio xz-utils zstd
	fio e2fsprogs xfsprogs util-linux
	gnuplot-nox jq # make bench's replay plots (scripts/bench_replay.sh)
	help2man man-db groff-base # the man pages (scripts/manpages.sh), and their test
	systemd # systemd-analyze verify, in the test of aether-ublk@.service
	dpkg-dev debhelper dh-dkms dkms lintian # make deb, and the packages' tests
)
# Packages that must come from bookworm-backports, with the minimum version we need.
# QEMU: bookworm's 7.2 emulates text patching under multi-threaded TCG wrongly (see
# vm_qemu_cmd in tests/vm/lib.sh), and twice double-faulted a guest in the module's
# load/unload test with single-threaded TCG; 10.0 carries three years of TCG fixes.
# linux-libc-dev: aether-ublk is written against 6.12's <linux/ublk_cmd.h>.
bp_pkgs=(libbpf-dev bpftool qemu-system-x86 linux-libc-dev)
declare -A bp_min=([libbpf-dev]=1:1.4 [bpftool]=7.5 [qemu-system-x86]=1:10 [linux-libc-dev]=6.12)

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	log "apt-get update"
	$sudo apt-get update -q >&2 || die "apt-get update failed"
	apt_updated=1
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Version of an installed package, or nothing.
inst_ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# 1. bookworm-backports.
bp_list=/etc/apt/sources.list.d/aether-bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	need "bookworm-backports apt source"
	log "enabling bookworm-backports in $bp_list"
	$sudo tee "$bp_list" >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_updated=0
fi

# 2. Packages.
missing=()
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	need "${missing[*]}"
	apt_update
	log "installing: ${missing[*]}"
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed for: ${missing[*]}"
fi

# Prints "PKG VERSION" for each backports package older than its minimum.
bp_old() {
	local p
	for p in "${bp_pkgs[@]}"; do
		dpkg --compare-versions "$(inst_ver "$p")" ge "${bp_min[$p]}" 2>/dev/null ||
			echo "$p ${bp_min[$p]}"
	done
}
old=$(bp_old)
if [ -n "$old" ]; then
	need "from bookworm-backports (package, minimum): $(echo $old)"
	apt_update
	log "installing from bookworm-backports: ${bp_pkgs[*]}"
	$sudo apt-get install -y -q --no-install-recommends -t bookworm-backports "${bp_pkgs[@]}" >&2 ||
		die "apt-get install -t bookworm-backports ${bp_pkgs[*]} failed"
	old=$(bp_old)
	[ -z "$old" ] || die "still older than needed after installing (package, minimum): $(echo $old)"
fi

# 3. Kernel: headers, kbuild and image are downloaded and unpacked into the build
#    cache, never installed. Installing a kernel image would change the bootloader
#    default of the machine running `make deps`, and the headers package depends on
#    the image. The .debs are kept in $cache so a rebuild of build/ needs no network.
#    Reuse the version recorded in the build dir while its tree is complete, so an
#    offline rebuild never has to ask apt what is newest.
kernel_ok() {
	[ -r "$kdir/root/boot/vmlinuz-$1" ] &&
		[ -r "$kdir/root/usr/src/linux-headers-$1/Module.symvers" ] &&
		[ -r "$kdir/root/lib/modules/$1/modules.dep" ]
}

kver=
[ -r "$kdir/version" ] && kver=$(cat "$kdir/version")
if [ -z "$kver" ] || ! kernel_ok "$kver"; then
	need "Debian 6.12 kernel tree in $kdir/root"
	# Prefer a version whose .debs are already cached; otherwise ask apt for the newest.
	kver=$(ls "$cache" 2>/dev/null | sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned_.*\.deb$/\1/p' |
		sort -V | tail -n1 || true)
	if [ -z "$kver" ] || [ -n "${AETHER_KERNEL_REFRESH:-}" ]; then
		apt_update
		kver=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -n1)
		[ -n "$kver" ] || die "no linux-headers-6.12.*+deb12-amd64 in apt (is bookworm-security enabled?)"
		log "newest Debian 6.12 kernel: $kver"
	else
		log "using cached kernel $kver"
	fi
	base=${kver%-amd64}
	mkdir -p "$cache"
	rm -rf "$kdir/root.tmp"
	mkdir -p "$kdir/root.tmp"
	for pkg in "linux-image-$kver-unsigned" "linux-headers-$kver" \
		"linux-headers-$base-common" "linux-kbuild-$base"; do
		deb=$(ls "$cache/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
		if [ -z "$deb" ]; then
			apt_update
			log "downloading $pkg"
			(cd "$cache" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) || die "apt-get download $pkg failed"
			deb=$(ls "$cache/${pkg}_"*.deb | sort -V | tail -n1)
		fi
		log "unpacking $(basename "$deb") into $kdir/root"
		dpkg-deb -x "$deb" "$kdir/root.tmp" || die "dpkg-deb -x $deb failed"
	done
	# The arch headers include the common tree by absolute path; point it at our copy.
	sed -i "s|/usr/src/|$kdir/root/usr/src/|g" "$kdir/root.tmp/usr/src/linux-headers-$kver/Makefile"
	rm -rf "$kdir/root"
	mv "$kdir/root.tmp" "$kdir/root"
	# Debian generates modules.dep at install time; we never install, so do it here.
	depmod -b "$kdir/root" "$kver" || die "depmod for $kver failed"
	kernel_ok "$kver" || die "kernel tree for $kver in $kdir/root is incomplete"
	echo "$kver" >"$kdir/version"
fi

[ $check_only = 1 ] && exit 0
log "ok: kernel $kver, libbpf $(inst_ver libbpf-dev), bpftool $(inst_ver bpftool)"
