#!/bin/bash
# make install puts working programs under DESTDIR/PREFIX, and make uninstall removes exactly what it installed.
# Usage: install_uninstall.sh SOURCE_DIR CMAKE_BUILD_DIR
top=$1 b=$(dirname "$2")
. "$(dirname "$0")/lib.sh"

mk install || bad "make install exited $?"
for p in aether-ctl aether-ublk; do
	[ -x "$d/usr/sbin/$p" ] && ok "installed $p" || bad "no $d/usr/sbin/$p"
	[ -s "$d/usr/share/man/man8/$p.8" ] && ok "installed $p(8)" || bad "no $d/usr/share/man/man8/$p.8"
done
"$d/usr/sbin/aether-ctl" version >/dev/null && ok "the installed aether-ctl runs" ||
	bad "the installed aether-ctl version failed"
"$d/usr/sbin/aether-ctl" bpf load --help | grep -q xrp_btree && ok "the installed aether-ctl has its eBPF programs" ||
	bad "aether-ctl bpf load --help lists no xrp_btree"
"$d/usr/sbin/aether-ublk" --help >/dev/null && ok "the installed aether-ublk runs" ||
	bad "the installed aether-ublk --help failed"
c=$d/usr/share/bash-completion/completions/aether-ctl
bash -c ". '$c' && complete -p aether-ctl" >/dev/null && ok "installed the bash completion, which loads" ||
	bad "no loadable completion at $c"

# Something of the machine's own beside them must survive the uninstall.
echo keep >"$d/usr/sbin/not-ours"
mk uninstall || bad "make uninstall exited $?"
[ "$(cat "$d/usr/sbin/not-ours" 2>/dev/null)" = keep ] && ok "a file not installed by it is kept" ||
	bad "make uninstall removed $d/usr/sbin/not-ours"
rm -f "$d/usr/sbin/not-ours"
mk uninstall || bad "make uninstall (the second time, nothing left) exited $?"
left=$(find "$d" -mindepth 1)
[ -z "$left" ] && ok "nothing is left, not even the directories it made" || bad "left behind: $left"
exit $fail
