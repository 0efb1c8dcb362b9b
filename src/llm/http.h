/* http.h - HTTP requests through libcurl's multi interface: one thread, many
 * requests in flight. The only module that includes curl. */
#ifndef GAVEL_HTTP_H
#define GAVEL_HTTP_H

#include <stddef.h>

#include "src/base/status.h"

typedef struct Http Http;

/* The most a reply body may hold. A model's answer is kilobytes; a larger
 * reply is a broken or hostile endpoint, and keeping it would cost
 * concurrency times its size in memory (60 MB replies took 470 MB at 8). */
enum { HTTP_MAX_REPLY = 16 << 20 };

/* How a transfer ended, before any HTTP status is looked at: the name, a few
 * words for messages, and whether a server was reached at all (0: nothing
 * answers at that address, which no retry of the same URL will change). */
#define HTTP_OUTCOMES(X)                                                              \
	X(DONE, "done", 1)                /* a complete reply arrived (any status) */  \
	X(TIMEOUT, "timed out", 1)        /* no complete reply within the timeout */   \
	X(RESOLVE, "host not found", 0)   /* the host name does not resolve */         \
	X(CONNECT, "could not connect", 0) /* refused, unreachable, or no answer */    \
	X(TLS, "TLS failed", 0)           /* handshake or certificate refused */       \
	X(BROKEN, "connection broken", 1) /* reset, or closed with nothing sent */     \
	X(TRUNCATED, "reply truncated", 1) /* fewer bytes than the server announced */ \
	X(TOO_LARGE, "reply too large", 1) /* over HTTP_MAX_REPLY: stopped reading */  \
	X(FAILED, "request failed", 1)    /* anything else curl reports */

typedef enum {
#define HTTP_OUTCOME_ENUM(name, text, reached) HTTP_##name,
	HTTP_OUTCOMES(HTTP_OUTCOME_ENUM)
#undef HTTP_OUTCOME_ENUM
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
	char *body;            /* owned by the reply, NUL-terminated; at most
				* HTTP_MAX_REPLY bytes (else outcome is HTTP_TOO_LARGE) */
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

/* Whether an outcome says a server was reached (0 for HTTP_RESOLVE,
 * HTTP_CONNECT and HTTP_TLS: the address itself is wrong or down). */
int http_outcome_reached(HttpOutcome outcome);

/* Checks that url can be sent to: http or https, a host, and no spaces or
 * control characters. STATUS_OK, or STATUS_ERR_USAGE with a detail naming
 * what is wrong (the caller adds where the URL came from). */
Status http_url_check(const char *url);

#endif
