/* proc.c - process ids that survive pid reuse: boot id, pid, start time. */
#include "src/base/proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "src/base/xalloc.h"

enum { BOOT_LEN = 64 };

/* The kernel's id of this boot, or "-" where there is none. */
static void boot_id(char out[BOOT_LEN])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	snprintf(out, BOOT_LEN, "-");
	if (f) {
		if (fgets(out, BOOT_LEN, f))
			out[strcspn(out, "\n:")] = '\0';
		fclose(f);
	}
	if (!out[0])
		snprintf(out, BOOT_LEN, "-");
}

/* From /proc/PID/stat: the state letter and the start time (field 22, clock
 * ticks after boot). Returns 0 when the process has no entry. The command
 * name (field 2) may hold spaces and parentheses: fields are counted after
 * its last ')'. */
static int stat_of(long pid, char *state, unsigned long long *start)
{
	char path[64], line[1024], *p;
	FILE *f;
	int field;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(line, sizeof line, f);
	fclose(f);
	if (!p || !(p = strrchr(line, ')')))
		return 0;
	*state = p[2];
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	*start = p ? strtoull(p + 1, NULL, 10) : 0;
	return 1;
}

char *proc_self_id(void)
{
	char boot[BOOT_LEN], state;
	unsigned long long start = 0;
	long pid = (long)getpid();
	boot_id(boot);
	if (!stat_of(pid, &state, &start))
		start = 0;
	return xasprintf("%s:%ld:%llu", boot, pid, start);
}

/* Splits an id; 0 when it is not one. */
static int parse_id(const char *id, char boot[BOOT_LEN], long *pid, unsigned long long *start)
{
	const char *colon = id ? strchr(id, ':') : NULL;
	size_t n;
	if (!colon || (n = (size_t)(colon - id)) == 0 || n >= BOOT_LEN)
		return 0;
	memcpy(boot, id, n);
	boot[n] = '\0';
	return sscanf(colon + 1, "%ld:%llu", pid, start) == 2 && *pid > 0;
}

int proc_id_alive(const char *id)
{
	char boot[BOOT_LEN], here[BOOT_LEN], state;
	long pid;
	unsigned long long start, now_start;
	if (!parse_id(id, boot, &pid, &start))
		return 0;
	boot_id(here);
	if (strcmp(boot, here))
		return 0; /* another boot: every process of that one is gone */
	if (kill((pid_t)pid, 0) != 0 && errno != EPERM)
		return 0;
	if (!stat_of(pid, &state, &now_start))
		return strcmp(boot, "-") == 0; /* no /proc: the pid is all we know */
	return state != 'Z' && state != 'X' && (start == 0 || now_start == start);
}

long proc_id_pid(const char *id)
{
	char boot[BOOT_LEN];
	long pid;
	unsigned long long start;
	return parse_id(id, boot, &pid, &start) ? pid : 0;
}
