#!/bin/bash
# The man pages render without a warning, aether(4) has every tunable that aether-ctl get --help lists, and aether-ctl(8) has a section for every command and subcommand that aether-ctl's --help lists.
# Usage: man_pages.sh MAN_DIR AETHER_CTL
dir=$1 ctl=$2
. "$(dirname "$0")/lib.sh"

for p in aether-ctl.8 aether-ublk.8 aether.4; do
	text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$dir/$p" 2>"$dir/$p.warnings")
	if [ -s "$dir/$p.warnings" ]; then
		bad "$p: man warns: $(head -3 "$dir/$p.warnings")"
	elif [ -z "$text" ]; then
		bad "$p renders empty"
	else
		ok "$p renders without a warning"
	fi
	rm -f "$dir/$p.warnings"
done

# Every command the help lists, and each of their subcommands, by walking the
# help's "Subcommands:" lists independently of the generator.
subs() { "$ctl" "$@" --help | sed -n '/^Subcommands:$/,/^$/p' | grep -Eo '^  [a-z][a-z0-9_-]*' | tr -d ' '; }
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$dir/aether-ctl.8" 2>/dev/null)
n=0 missing=()
while read -r name; do
	n=$((n + 1))
	grep -q "^   aether-ctl $name\$" <<<"$page" || missing+=("$name")
done < <(for c in $(subs); do
	echo "$c"
	subs "$c" | sed "s/^/$c /"
done)
[ "$n" -ge 10 ] && ok "aether-ctl --help lists $n commands and subcommands" || bad "only $n commands found in --help"
[ ${#missing[@]} = 0 ] && ok "aether-ctl(8) has a section for each" || bad "aether-ctl(8) lacks: ${missing[*]}"
# An option deep in a subcommand's help reaches the page.
grep -q -- "--cache-mb" <<<"$page" && ok "aether-ctl(8) has ublk add's --cache-mb" || bad "no --cache-mb in aether-ctl(8)"
# aether(4)'s tunables come from get --help: each knob it lists, with the permission
# the module gives it.
page4=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$dir/aether.4" 2>/dev/null)
knobs=$("$ctl" get --help | sed -n 's/^  \([a-z_]*\): .*/\1/p')
n=0 missing=()
for k in $knobs; do
	n=$((n + 1))
	grep -q "^       $k (0600)\$" <<<"$page4" || missing+=("$k")
done
[ "$n" -ge 5 ] && [ ${#missing[@]} = 0 ] && ok "aether(4) has all $n tunables of get --help" ||
	bad "aether(4): $n tunables in get --help, missing: ${missing[*]}"
exit $fail
