# bash completion for plugcheck(1).  Installed as
# $(datadir)/bash-completion/completions/plugcheck (bash-completion loads
# it on first use); or: source completion/plugcheck.bash
#
# Every candidate comes from the binary itself, `plugcheck __complete
# WORD...` (core/cli/complete.c): verbs, each verb's options from its
# option table, machine types, releases, plugin, type and property names
# of the tree the line's --machine-dir/--abi-dir/--plugin-dir name.  Where
# a file name goes it prints nothing and bash completes file names.
_plugcheck()
{
	local IFS=$'\n'
	local cmd=${COMP_WORDS[0]}
	# bash splits "--opt=value" at '=' (COMP_WORDBREAKS): the helper
	# reads a lone "=" word as that split
	COMPREPLY=($(command "$cmd" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _plugcheck plugcheck
