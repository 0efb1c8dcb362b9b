/* cmd_completion.c - gavel completion bash|zsh: shell completion scripts.
 * They know nothing themselves: they ask gavel for its commands
 * (gavel --commands), a command's options and their values (gavel CMD
 * --list-options, from the same tables as --help) and the prompt versions
 * (gavel prompts list --json), so they never fall behind the binary. */
#include <string.h>

#include "src/base/out.h"
#include "src/cmd/cli.h"
#include "src/cmd/cliopt.h"

static const char bash_script[] =
	"# bash completion for gavel; `gavel completion bash` writes it\n"
	"_gavel_prompts() { # prompt names and version ids, from the --db on the line\n"
	"\tlocal db=() i\n"
	"\tfor ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do\n"
	"\t\t[ \"${COMP_WORDS[i]}\" = --db ] && db=(--db \"${COMP_WORDS[i + 1]}\")\n"
	"\tdone\n"
	"\t\"${COMP_WORDS[0]}\" prompts list --json \"${db[@]}\" 2>/dev/null |\n"
	"\t\tgrep -o '\"\\(name\\|id\\)\":[^,}]*' | sed 's/^\"[a-z]*\"://; s/\"//g' | grep -v '^null$'\n"
	"}\n"
	"_gavel() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\tlocal gavel=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]} opts line value\n"
	"\tCOMPREPLY=()\n"
	"\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(\"$gavel\" --commands 2>/dev/null) --help --version\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\t[ \"$cmd\" = help ] && { COMPREPLY=($(compgen -W \"$(\"$gavel\" --commands 2>/dev/null)\" -- \"$cur\")); return; }\n"
	"\topts=$(\"$gavel\" \"$cmd\" --list-options 2>/dev/null)\n"
	"\tline=$(printf '%s\\n' \"$opts\" | awk -F '\\t' -v p=\"$prev\" '$1 == p && NF > 1 { print; exit }')\n"
	"\tif [ -n \"$line\" ]; then\n"
	"\t\tvalue=${line#*$'\\t'}\n"
	"\t\tcase $value in\n"
	"\t\tFILE|DIR|PATH) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\t\tREF) COMPREPLY=($(compgen -W \"$(_gavel_prompts)\" -- \"$cur\")) ;;\n"
	"\t\t*[a-z]*) COMPREPLY=($(compgen -W \"$value\" -- \"$cur\")) ;;\n"
	"\t\tesac\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(printf '%s\\n' \"$opts\" | cut -f1)\" -- \"$cur\"))\n"
	"\telif [ \"$cmd\" = prompts ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W 'list show diff add' -- \"$cur\"))\n"
	"\telif [ \"$cmd\" = prompts ] && [[ ${COMP_WORDS[2]} == show || ${COMP_WORDS[2]} == diff ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_gavel_prompts)\" -f -- \"$cur\"))\n"
	"\telse\n"
	"\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	"\tfi\n"
	"}\n"
	"complete -F _gavel gavel\n";

static const char zsh_script[] =
	"#compdef gavel\n"
	"# zsh completion for gavel; `gavel completion zsh` writes it (install as _gavel)\n"
	"local gavel=${words[1]} cmd=${words[2]} prev=${words[CURRENT-1]} line value\n"
	"local -a db\n"
	"(( ${words[(I)--db]} )) && db=(--db ${words[${words[(I)--db]}+1]})\n"
	"if (( CURRENT == 2 )); then\n"
	"\tcompadd -- ${(f)\"$($gavel --commands 2>/dev/null)\"} --help --version\n"
	"\treturn\n"
	"fi\n"
	"local -a opts=(${(f)\"$($gavel $cmd --list-options 2>/dev/null)\"})\n"
	"for line in $opts; do\n"
	"\tif [[ ${line%%$'\\t'*} == $prev && $line == *$'\\t'* ]]; then\n"
	"\t\tvalue=${line#*$'\\t'}\n"
	"\t\tcase $value in\n"
	"\t\tFILE|DIR|PATH) _files ;;\n"
	"\t\tREF) compadd -- ${(f)\"$($gavel prompts list --json $db 2>/dev/null |"
	" grep -o '\"name\":\"[^\"]*\"' | sed 's/\"name\":\"//; s/\"$//')\"} ;;\n"
	"\t\t*[a-z]*) compadd -- ${=value} ;;\n"
	"\t\tesac\n"
	"\t\treturn\n"
	"\tfi\n"
	"done\n"
	"if [[ $PREFIX == -* ]]; then\n"
	"\tcompadd -- ${opts%%$'\\t'*}\n"
	"elif [[ $cmd == prompts && CURRENT -eq 3 ]]; then\n"
	"\tcompadd -- list show diff add\n"
	"else\n"
	"\t_files\n"
	"fi\n";

int cmd_completion(int argc, char **argv)
{
	static const char *const shells[] = {"bash", "zsh", NULL};
	const CliOpt options[] = {CLIOPT_END};
	const CliSpec spec = {
		.command = "completion",
		.synopsis = "usage: gavel completion bash|zsh",
		.about = "Write the shell completion script for bash or zsh to standard output. It\n"
			 "completes commands, options, their values (--by, --order ...), files and\n"
			 "prompt versions, asking gavel itself each time. 'make install' installs\n"
			 "both; by hand:\n"
			 "  gavel completion bash > ~/.local/share/bash-completion/completions/gavel\n"
			 "  gavel completion zsh > ~/.zfunc/_gavel   (with fpath+=~/.zfunc)",
		.options = options,
	};
	int first, rc = cliopt_parse(&spec, argc, argv, &first);
	if (rc)
		return rc == CLIOPT_HELP ? CLI_EXIT_OK : rc;
	if (first + 1 != argc)
		return cli_usage_error("completion", "name the shell: bash or zsh");
	for (int i = 0; shells[i]; i++)
		if (!strcmp(argv[first], shells[i])) {
			/* our own script text: written as it is */
			out_data(stdout, i == 0 ? bash_script : zsh_script,
				 strlen(i == 0 ? bash_script : zsh_script));
			return CLI_EXIT_OK;
		}
	return cli_usage_error("completion", "'%s' is not bash or zsh", argv[first]);
}
