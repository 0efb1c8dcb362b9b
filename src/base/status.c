/* status.c - messages for Status and the per-thread failure detail. */
#include "src/base/status.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char detail[1024];

const char *status_message(Status status)
{
	static const char *const messages[] = {
#define STATUS_MESSAGE(name, message) message,
		STATUS_LIST(STATUS_MESSAGE)
#undef STATUS_MESSAGE
	};
	if ((unsigned)status >= sizeof messages / sizeof messages[0])
		return "unknown status";
	return messages[status];
}

Status status_fail(Status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	return status;
}

const char *status_detail(void)
{
	return detail;
}

void status_clear(void)
{
	detail[0] = '\0';
}
