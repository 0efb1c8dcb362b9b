/* main.c - the composition root: everything happens in the command table. */
#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "src/cmd/cli.h"

int main(int argc, char **argv)
{
	/* Titles are UTF-8 whatever the environment says: display widths and
	 * curses' wide characters need a UTF-8 character type. */
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	return cli_main(argc, argv);
}
