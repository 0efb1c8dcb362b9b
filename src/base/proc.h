/* proc.h - naming a process so that another can later tell whether it still
 * runs. A pid alone is not enough: after a kill -9 the pid is soon reused, and
 * after a reboot it means nothing. The id is "BOOT:PID:START", the kernel's
 * boot id and the process's start time (clock ticks after boot), so a reused
 * pid or a reboot reads as "gone". Linux /proc; elsewhere BOOT and START are
 * "-" and 0, and liveness falls back to the pid alone. */
#ifndef GAVEL_PROC_H
#define GAVEL_PROC_H

/* The id of the calling process, newly allocated (free it). */
char *proc_self_id(void);

/* Whether the process an id names is still running (not a zombie). An id
 * that cannot be read names no process: 0. */
int proc_id_alive(const char *id);

/* The pid in an id, for messages; 0 when it cannot be read. */
long proc_id_pid(const char *id);

#endif
