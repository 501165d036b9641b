#!/bin/bash
# An unsupported kernel stops the module's build before anything compiles, with one line saying why; kmod/symbols.txt names only symbols the module calls.
# Usage: module_support.sh SOURCE_DIR CMAKE_BUILD_DIR
top=$1 b=$(dirname "$2")
. "$(dirname "$0")/lib.sh"

kver=$(cat "$b/kernel/version" 2>/dev/null) || { bad "no $b/kernel/version: run make deps"; exit 1; }
kdir=$b/kernel/root/usr/src/linux-headers-$kver
ko=$b/kmod/aether.ko
[ -s "$ko" ] || { bad "$ko is not built: run make module"; exit 1; }

# Every listed symbol is one the built module calls, so the list cannot keep a
# symbol the module has stopped needing.
needed=$(sed -e 's/#.*//' "$top/kmod/symbols.txt" | xargs)
undef=$(nm -u "$ko" | awk '{ print $2 }')
n=0
for s in $needed; do
	n=$((n + 1))
	grep -qx "$s" <<<"$undef" || bad "kmod/symbols.txt lists $s, which aether.ko does not call"
done
[ "$n" -ge 5 ] && ok "aether.ko calls all $n symbols of kmod/symbols.txt" || bad "kmod/symbols.txt lists only $n symbols"

# build NAME MAKE_ARGS...: Kbuild on a scratch copy of the module's sources, as
# DKMS builds it; prints make's output.
build() {
	local t=$d/$1
	shift
	mkdir -p "$t"
	(cd "$top" && cp -r --parents Kbuild include kmod "$t")
	make -C "$kdir" M="$t" "$@" modules 2>&1
}

# expect_stop NAME WHY MAKE_ARGS...: the build fails, exactly one line of its output
# is ours and says WHY, no compiler ran and no object was written.
expect_stop() {
	local name=$1 why=$2 out rc
	shift 2
	out=$(build "$name" "$@")
	rc=$?
	local ours objs
	ours=$(grep -c 'aether: ' <<<"$out")
	objs=$(find "$d/$name" -name '*.o' | wc -l)
	if [ "$rc" != 0 ] && [ "$ours" = 1 ] && grep -q "aether: .*$why" <<<"$out" &&
		! grep -qE ' (CC|CXX) \[M\]|error:' <<<"$out" && [ "$objs" = 0 ]; then
		ok "$name: stops with: $(grep -o 'aether: .*' <<<"$out" | sed 's/\.  Stop\.$//')"
	else
		bad "$name: exit $rc, $ours lines of ours, $objs objects; output:"
		sed 's/^/#   /' <<<"$out"
	fi
}

# A kernel that does not export a symbol the module needs.
grep -v -P '\tpage_cache_ra_unbounded\t' "$kdir/Module.symvers" >"$d/Module.symvers"
expect_stop no-symbol "does not export page_cache_ra_unbounded\\." AETHER_SYMVERS="$d/Module.symvers"
# A kernel older than 6.12, as Kbuild would see 6.1's headers.
expect_stop too-old "needs Linux 6.12 or newer" PATCHLEVEL=1
# A kernel configured without BTF for modules, which struct_ops in a module needs.
expect_stop no-btf "configured without CONFIG_DEBUG_INFO_BTF_MODULES" CONFIG_DEBUG_INFO_BTF_MODULES=
# Cleaning reads Kbuild without the kernel's configuration, and must not stop (DKMS
# cleans before and after every build).
out=$(make -C "$kdir" M="$d/no-symbol" clean 2>&1) && ok "make clean passes the gate" ||
	bad "make clean: $out"
exit $fail
