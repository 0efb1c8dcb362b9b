/* main.c - the composition root: everything happens in the command table. */
#include <locale.h>

#include "src/cli.h"

int main(int argc, char **argv)
{
	/* Display widths of titles come from the C library's UTF-8 tables. */
	if (!setlocale(LC_CTYPE, ""))
		setlocale(LC_CTYPE, "C.UTF-8");
	return cli_main(argc, argv);
}
