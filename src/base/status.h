/* status.h - the one error idiom: functions return a Status, and the detail a
 * user needs ("manifest.jsonl:17: \"path\" is missing") is kept beside it. */
#ifndef GAVEL_STATUS_H
#define GAVEL_STATUS_H

/* Every status with its message, declared once (tig's STATUS_CODE_INFO). */
#define STATUS_LIST(X)                                                  \
	X(OK, "ok")                                                     \
	X(ERR_USAGE, "usage error")                                     \
	X(ERR_IO, "input/output error")                                 \
	X(ERR_NOT_FOUND, "not found")                                   \
	X(ERR_FORMAT, "unsupported format")                             \
	X(ERR_CORRUPT, "corrupt data")                                  \
	X(ERR_TOO_BIG, "too large")                                     \
	X(ERR_INPUT, "bad input")                                       \
	X(ERR_DB, "database error")                                     \
	X(ERR_DB_NEWER, "database written by a newer gavel")            \
	X(ERR_EXISTS, "already exists")                                 \
	X(ERR_NETWORK, "network error")                                 \
	X(ERR_INTERRUPTED, "interrupted")                                 \
	X(ERR_TAKEN, "taken by another reviewer")

typedef enum {
#define STATUS_ENUM(name, message) STATUS_##name,
	STATUS_LIST(STATUS_ENUM)
#undef STATUS_ENUM
} Status;

/* The fixed message of a status; never NULL. */
const char *status_message(Status status);

/* Records a detail for the calling thread (printf-style) and returns status,
 * so a failure reads: return status_fail(STATUS_ERR_IO, "%s: %s", path, why); */
Status status_fail(Status status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The detail recorded by the last status_fail() on this thread, or the empty
 * string. Borrowed; valid until the next status_fail() on this thread. */
const char *status_detail(void);

/* Forgets the recorded detail. */
void status_clear(void);

#endif
