# bash completion for aether-ctl. Commands, options and their fixed values come from
# aether-ctl's own --help, so completion knows what the installed version knows;
# ublk ids and loaded eBPF programs come from `ublk list --json` and `bpf list --json`.

# _aether_ctl_list HEADING: the first word of each line of the indented list under
# HEADING in the help on standard input, without a trailing colon.
_aether_ctl_list()
{
	awk -v h="$1" '$0 == h { on = 1; next } on && /^  [a-z]/ { sub(/:$/, "", $1); print $1; next } on { exit }'
}

# _aether_ctl_reply COMPGEN-ARGS...: adds compgen's answers to COMPREPLY, one per
# line, so that file names may hold spaces; word lists are one word a line. No
# process substitution: it needs /dev/fd, which minimal systems lack.
_aether_ctl_reply()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen "$@"))
}

_aether_ctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local ctl=${COMP_WORDS[0]} path=() help subs w i nargs=0
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	# The command path typed so far (e.g. "ublk add"), its help and subcommands, and
	# how many positional words follow it. Values of options that take one are skipped.
	help=$("$ctl" --help 2>/dev/null)
	subs=$(_aether_ctl_list 'Subcommands:' <<<"$help")
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			continue
		elif ((nargs == 0)) && grep -qx -- "$w" <<<"$subs"; then
			path+=("$w")
			help=$("$ctl" "${path[@]}" --help 2>/dev/null)
			subs=$(_aether_ctl_list 'Subcommands:' <<<"$help")
		elif [[ ${COMP_WORDS[i - 1]} == --* && ${COMP_WORDS[i - 1]} != --json ]]; then
			continue
		else
			nargs=$((nargs + 1))
		fi
	done

	# An option's value: the set its help shows ({a,b,c}), else files.
	if [[ $prev == --* ]]; then
		local line set
		line=$(grep -E -- "^ +(-[a-zA-Z],)?$prev( |$)" <<<"$help")
		if [[ -n $line ]]; then
			set=$(grep -Eo '\{[^}]*\}' <<<"$line" | head -n1 | tr -d '{}' | tr ',' '\n')
			if [[ -n $set ]]; then
				_aether_ctl_reply -W "$set" -- "$cur"
				return
			fi
			if grep -Eq -- "^ +(-[a-zA-Z],)?$prev +[A-Z]" <<<"$line"; then
				_aether_ctl_reply -f -- "$cur"
				return
			fi
		fi
	fi
	if [[ $cur == -* ]]; then
		_aether_ctl_reply -W "$(grep -Eo -- '^ +(-[a-zA-Z],)?--[a-z0-9-]+' <<<"$help" |
			sed 's/.*,//; s/^ *//')" -- "$cur"
		return
	fi
	if [[ -n $subs ]] && ((nargs == 0)); then
		_aether_ctl_reply -W "$subs" -- "$cur"
		return
	fi

	local words=
	case "${path[*]}:$nargs" in
	"get:0" | "set:0")
		words=$("$ctl" get --help 2>/dev/null | _aether_ctl_list 'Knobs (files under /sys/kernel/aether/):')
		;;
	"set:1")
		# mode's values, as get --help names them: "mode: off, observe (count only), ... or adaptive".
		[[ $prev == mode ]] && words=$("$ctl" get --help 2>/dev/null | sed -n 's/^  mode: //p' |
			sed 's/([^)]*)//g; s/ or /, /g' | tr ',' '\n' | tr -d ' ')
		;;
	"ublk del:"* | "ublk stats:"* | "ublk recover:"*)
		words=$("$ctl" ublk list --json 2>/dev/null | grep -Eo '"id": ?[0-9]+' | grep -Eo '[0-9]+$')
		;;
	"bpf unload:0")
		words=$("$ctl" bpf list --json 2>/dev/null | grep -Eo '"name": ?"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/')
		;;
	"bpf load:0")
		words=$(_aether_ctl_list 'Built-in programs:' <<<"$help")
		_aether_ctl_reply -f -X '!*.bpf.o' -- "$cur"
		;;
	*)
		# A file, where the command takes a positional argument at all.
		grep -q '^Positionals:$' <<<"$help" && _aether_ctl_reply -f -- "$cur"
		return
		;;
	esac
	[[ -z $words ]] || _aether_ctl_reply -W "$words" -- "$cur"
}

complete -F _aether_ctl aether-ctl
