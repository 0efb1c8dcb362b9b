/* cmd_export.c - gavel export (placeholder while it is built). */
#include "src/cmd/cli.h"

int cmd_export(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cli_usage_error("export", "not yet");
}
