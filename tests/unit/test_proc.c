/* test_proc.c - process ids that tell a live process from a dead one, even
 * when its pid has been reused or the machine rebooted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/base/proc.h"
#include "tests/unit/test.h"

static void self_is_alive(void)
{
	char *me = proc_self_id();
	CHECK(me != NULL);
	CHECK_INT(proc_id_alive(me), 1);
	CHECK_INT(proc_id_pid(me), getpid());
	free(me);
}

/* The id of a child that has exited and been reaped. */
static char *dead_child_id(void)
{
	char buf[256] = "";
	int fds[2];
	ssize_t n;
	pid_t pid;
	if (pipe(fds) != 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		char *id = proc_self_id();
		if (write(fds[1], id, strlen(id)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	return strdup(buf);
}

static void exited_process_is_gone(void)
{
	char *id = dead_child_id();
	CHECK(id && *id);
	CHECK(proc_id_pid(id) > 0);
	CHECK_INT(proc_id_alive(id), 0);
	free(id);
}

/* Our own pid with another start time is a pid reused after a kill. */
static void reused_pid_is_gone(void)
{
	char *me = proc_self_id(), other[256];
	char *last = strrchr(me, ':');
	unsigned long long start = strtoull(last + 1, NULL, 10);
	*last = '\0';
	snprintf(other, sizeof other, "%s:%llu", me, start + 1);
	CHECK_INT(proc_id_alive(other), start == 0); /* no /proc: only the pid is known */
	free(me);
}

static void another_boot_is_gone(void)
{
	char *me = proc_self_id(), other[300];
	snprintf(other, sizeof other, "another-boot%s", strchr(me, ':'));
	CHECK_INT(proc_id_alive(other), 0);
	free(me);
}

static void garbage_names_no_process(void)
{
	CHECK_INT(proc_id_alive(NULL), 0);
	CHECK_INT(proc_id_alive(""), 0);
	CHECK_INT(proc_id_alive("nonsense"), 0);
	CHECK_INT(proc_id_alive("b::"), 0);
	CHECK_INT(proc_id_alive("b:-4:1"), 0);
	CHECK_INT(proc_id_pid("nonsense"), 0);
	CHECK_INT(proc_id_pid("b:1234:99"), 1234);
}

int main(void)
{
	RUN(self_is_alive);
	RUN(exited_process_is_gone);
	RUN(reused_pid_is_gone);
	RUN(another_boot_is_gone);
	RUN(garbage_names_no_process);
	return test_summary();
}
