/* http.h - HTTP requests through libcurl's multi interface: one thread, many
 * requests in flight. The only module that includes curl. */
#ifndef GAVEL_HTTP_H
#define GAVEL_HTTP_H

#include <stddef.h>

#include "src/base/status.h"

typedef struct Http Http;

/* How a transfer ended, before any HTTP status is looked at. */
typedef enum {
	HTTP_DONE,      /* a complete reply arrived (any status) */
	HTTP_TIMEOUT,   /* no complete reply within the request's timeout */
	HTTP_CONNECT,   /* could not connect */
	HTTP_BROKEN,    /* the connection broke: reset, nothing received */
	HTTP_TRUNCATED, /* fewer bytes than the server announced */
	HTTP_FAILED,    /* anything else curl reports */
} HttpOutcome;

/* One request. Strings are copied by http_submit. headers is a
 * NULL-terminated list of "Name: value" lines. */
typedef struct {
	const char *url;
	const char *const *headers;
	const char *body; /* POSTed when not NULL */
	size_t body_len;
	long timeout_ms;
	void *user; /* handed back with the reply */
} HttpRequest;

typedef struct {
	HttpOutcome outcome;
	long status;           /* HTTP status, 0 when none arrived */
	char *body;            /* owned by the reply, NUL-terminated */
	size_t body_len;
	double retry_after_s;  /* from a Retry-After header, or -1 */
	char error[256];       /* curl's words when outcome is not HTTP_DONE */
	long elapsed_ms;
	void *user;
} HttpReply;

/* A new client allowing at most max_connections connections at once. */
Http *http_new(int max_connections);
void http_free(Http *http);

/* Starts a request; it runs as http_poll is called. */
Status http_submit(Http *http, const HttpRequest *request);

/* Runs transfers, waiting up to timeout_ms for something to happen, and
 * calls on_reply for each request that finished (the reply is freed after
 * the callback returns). */
Status http_poll(Http *http, int timeout_ms, void (*on_reply)(void *arg, HttpReply *reply),
		 void *arg);

/* Stops every request under way; drop (may be NULL) gets each request's
 * user pointer, to free what the caller hung on it. */
void http_cancel_all(Http *http, void (*drop)(void *user));

/* What an outcome means, in a few words ("timed out"). */
const char *http_outcome_text(HttpOutcome outcome);

#endif
