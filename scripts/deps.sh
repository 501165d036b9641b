#!/usr/bin/env bash
# Installs everything Aether builds and tests with; safe to run any number of times.
#
# What it does, in order:
#   1. enables bookworm-backports (libbpf >= 1.4, bpftool 7.5, QEMU 10 and the 6.12
#      uapi headers live there);
#   2. installs the apt packages below that are not installed yet;
#   3. for each kernel series in $KERNELS (default "6.12 7.2"), fetches Debian's newest
#      build of it and unpacks it, never installed: 6.12's image, headers and kbuild
#      into $AETHER_BUILD/kernel/root; a newer series S, which needs a newer
#      toolchain than bookworm's, as a minimal trixie (or sid) root with its gcc,
#      headers and image, in $AETHER_BUILD/kernel-S/root. Each tree's version is
#      written to its version file.
#
# When everything is already present it touches the network not at all.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AETHER_BUILD:-$top/build}
cache=${AETHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aether}

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
	mmdebstrap bubblewrap # the build roots of kernels newer than bookworm's toolchain
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

# 3. Kernels: for each series in $KERNELS (default "6.12 7.2"), Debian's newest build
#    of it, unpacked under $build, never installed. Installing a kernel image would
#    change the bootloader default of the machine running `make deps`. The downloads
#    are kept in $cache, and the version recorded in the build dir is reused while its
#    tree is complete, so an offline rebuild never has to ask apt what is newest.
#    Series 6.12 lives in $build/kernel, any other series S in $build/kernel-S.
kernels=${KERNELS:-6.12 7.2}

# kdir_of SERIES: where the series' tree lives (the Makefile and tests/vm/lib.sh agree).
kdir_of() {
	if [ "$1" = 6.12 ]; then echo "$build/kernel"; else echo "$build/kernel-$1"; fi
}

# kernel_ok DIR VERSION: the tree in DIR/root has the image, the headers and modules.dep.
kernel_ok() {
	[ -r "$1/root/boot/vmlinuz-$2" ] &&
		[ -r "$1/root/usr/src/linux-headers-$2/Module.symvers" ] &&
		[ -r "$1/root/lib/modules/$2/modules.dep" ]
}

# kernel_bookworm DIR: 6.12, built with bookworm's own gcc 12 and kbuild tools, so its
# image, headers and kbuild are simply unpacked and the host's make builds against them.
kernel_bookworm() {
	local kd=$1 kver='' base pkg deb
	[ -r "$kd/version" ] && kver=$(cat "$kd/version")
	[ -n "$kver" ] && kernel_ok "$kd" "$kver" && return 0
	need "Debian 6.12 kernel tree in $kd/root"
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
	rm -rf "$kd/root.tmp"
	mkdir -p "$kd/root.tmp"
	for pkg in "linux-image-$kver-unsigned" "linux-headers-$kver" \
		"linux-headers-$base-common" "linux-kbuild-$base"; do
		deb=$(ls "$cache/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
		if [ -z "$deb" ]; then
			apt_update
			log "downloading $pkg"
			(cd "$cache" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) || die "apt-get download $pkg failed"
			deb=$(ls "$cache/${pkg}_"*.deb | sort -V | tail -n1)
		fi
		log "unpacking $(basename "$deb") into $kd/root"
		dpkg-deb -x "$deb" "$kd/root.tmp" || die "dpkg-deb -x $deb failed"
	done
	# The arch headers include the common tree by absolute path; point it at our copy.
	sed -i "s|/usr/src/|$kd/root/usr/src/|g" "$kd/root.tmp/usr/src/linux-headers-$kver/Makefile"
	kernel_install_tree "$kd" "$kver"
	echo "$root_rev" >"$kd/root-rev"
}

# kernel_install_tree DIR VERSION: moves DIR/root.tmp to DIR/root, generates
# modules.dep (Debian does that at install time, and we never install) and records
# the version.
kernel_install_tree() {
	local kd=$1 kver=$2
	rm -rf "$kd/root"
	mv "$kd/root.tmp" "$kd/root"
	depmod -b "$kd/root" "$kver" || die "depmod for $kver failed"
	kernel_ok "$kd" "$kver" || die "kernel tree for $kver in $kd/root is incomplete"
	echo "$kver" >"$kd/version"
}

# A private apt state for trixie-backports and sid, so the host's sources stay
# bookworm's. apt_new ARGS... runs apt-get or apt-cache with it.
apt_new_dir=$cache/apt-new
apt_new() {
	local cmd=$1
	shift
	"$cmd" -o Dir::Etc::SourceList="$apt_new_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State="$apt_new_dir/state" -o Dir::Cache="$apt_new_dir/cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" "$@"
}
apt_new_updated=0
apt_new_update() {
	[ $apt_new_updated = 1 ] && return 0
	mkdir -p "$apt_new_dir/state/lists/partial" "$apt_new_dir/cache/archives/partial"
	cat >"$apt_new_dir/sources.list" <<-SRC
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
		deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
	SRC
	log "apt-get update (trixie-backports and sid, in $apt_new_dir)"
	apt_new apt-get update -q >&2 || die "apt-get update for trixie-backports and sid failed"
	apt_new_updated=1
}

# kernel_new DIR SERIES: a series newer than bookworm's toolchain. Debian builds it
# with a newer gcc, and its kbuild tools (modpost, objtool, resolve_btfids) need a
# newer glibc than bookworm's, so the tree is a minimal Debian root of the release
# that built it (mmdebstrap), with that gcc, make, pahole and the headers installed,
# and the image unpacked into it. The Makefile builds the module inside it
# (scripts/kroot), and the VM's DKMS test installs aether-dkms into a copy of it,
# as on a machine of that release, so it has dkms too. The newest build is taken
# from trixie-backports, else from sid. The root is cached as a tarball, so a
# rebuild of build/ needs no network. root_rev goes up whenever what the root holds
# changes: the tarball's name and DIR/root-rev carry it, so an older root is neither
# reused from the cache nor kept in the build directory.
root_rev=3
kernel_new() {
	local kd=$1 s=$2 kver='' suite tar re
	[ -r "$kd/version" ] && kver=$(cat "$kd/version")
	[ -n "$kver" ] && kernel_ok "$kd" "$kver" && [ "$(cat "$kd/root-rev" 2>/dev/null)" = "$root_rev" ] && return 0
	need "Debian $s kernel and its build root in $kd/root"
	re=${s//./\\.}
	tar=$(ls "$cache" 2>/dev/null | grep -E "^kernel-root$root_rev-$re\.[0-9]+[^_]*-amd64\.tar\.zst$" | sort -V | tail -n1 || true)
	if [ -z "$tar" ] || [ -n "${AETHER_KERNEL_REFRESH:-}" ]; then
		for p in mmdebstrap bubblewrap; do installed $p || die "$p is not installed (make deps installs it)"; done
		apt_new_update
		# "VERSION SUITE" for every build of the series, from apt-cache madison's
		# "linux-headers-V | PKGVER | URL SUITE/main amd64 Packages".
		local builds names
		names=$(apt_new apt-cache search --names-only "^linux-headers-$re\.[0-9]+(\+deb[0-9]+)?-amd64\$" | awk '{print $1}')
		[ -n "$names" ] || die "no linux-headers-$s.*-amd64 in trixie-backports or sid"
		# shellcheck disable=SC2086 # one word per package name
		builds=$(apt_new apt-cache madison $names |
			awk -F' [|] ' '{ split($3, u, " "); split(u[2], d, "/"); sub(/^linux-headers-/, "", $1); print $1, d[1] }')
		kver=$(awk '$2 == "trixie-backports" { print $1 }' <<<"$builds" | sort -V | tail -n1)
		suite="trixie trixie-backports"
		if [ -z "$kver" ]; then
			kver=$(awk '$2 == "sid" { print $1 }' <<<"$builds" | sort -V | tail -n1)
			suite=sid
		fi
		log "newest Debian $s kernel: $kver (${suite##* }); building its root with mmdebstrap"
		local gcc
		gcc=$(apt_new apt-cache depends "linux-kbuild-${kver%-amd64}" "linux-headers-$kver" 2>/dev/null |
			sed -n 's/.*Depends: \(gcc-[0-9]\+\)$/\1/p' | head -n1)
		gcc=${gcc:-gcc-14}
		tar=kernel-root$root_rev-$kver.tar.zst
		local sources=() x
		for x in $suite; do sources+=("deb http://deb.debian.org/debian $x main"); done
		mkdir -p "$cache"
		# The image (linux-image-V is only a metapackage of linux-binary-V, the kernel,
		# and linux-modules-V) is unpacked, not installed: installing it would pull an
		# initramfs generator and run it for nothing.
		mmdebstrap --variant=minbase --mode=auto --quiet \
			--include="$gcc,g++-${gcc#gcc-},g++,make,pahole,libelf-dev,bc,dkms,linux-headers-$kver" \
			--customize-hook="chroot \"\$1\" sh -c 'cd /tmp && apt-get download -q -o APT::Sandbox::User=root linux-binary-$kver linux-modules-$kver && for d in *.deb; do dpkg-deb -x \$d /; done && rm *.deb'" \
			--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
			"${suite%% *}" "$cache/partial-$tar" "${sources[@]}" >&2 ||
			die "mmdebstrap of the $s build root failed"
		mv "$cache/partial-$tar" "$cache/$tar"
	else
		kver=${tar#kernel-root$root_rev-}
		kver=${kver%.tar.zst}
		log "using cached build root for $kver"
	fi
	rm -rf "$kd/root.tmp"
	mkdir -p "$kd/root.tmp"
	log "unpacking $tar into $kd/root"
	tar -C "$kd/root.tmp" --exclude='./dev/*' -xf "$cache/$tar" || die "tar -x $cache/$tar failed"
	# Newer packages keep the kernel beside its modules; the VM boots boot/vmlinuz-V.
	[ -e "$kd/root.tmp/boot/vmlinuz-$kver" ] ||
		ln -s "../lib/modules/$kver/vmlinuz" "$kd/root.tmp/boot/vmlinuz-$kver"
	kernel_install_tree "$kd" "$kver"
	echo "$root_rev" >"$kd/root-rev"
}

versions=()
for s in $kernels; do
	[[ $s =~ ^[0-9]+\.[0-9]+$ ]] || die "KERNELS has '$s'; name kernel series as MAJOR.MINOR, e.g. 6.12 7.2"
	if [ "$s" = 6.12 ]; then kernel_bookworm "$(kdir_of "$s")"; else kernel_new "$(kdir_of "$s")" "$s"; fi
	versions+=("$(cat "$(kdir_of "$s")/version")")
done

[ $check_only = 1 ] && exit 0
log "ok: kernels ${versions[*]}, libbpf $(inst_ver libbpf-dev), bpftool $(inst_ver bpftool)"
