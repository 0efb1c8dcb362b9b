/* http.c - the one file that includes curl: a multi handle pumped by the
 * caller's loop, with each request's body, headers and reply kept together. */
#include "src/llm/http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "src/base/xalloc.h"

/* What one transfer owns while it runs. */
typedef struct Transfer Transfer;
struct Transfer {
	Transfer *prev, *next; /* the transfers under way, for cancelling */
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	HttpReply reply;
	size_t capacity;
	int too_large; /* the body passed HTTP_MAX_REPLY: reading was stopped */
	char error[CURL_ERROR_SIZE];
};

struct Http {
	CURLM *multi;
	int in_flight;
	Transfer *transfers;
};

static void link_transfer(Http *http, Transfer *t)
{
	t->next = http->transfers;
	if (t->next)
		t->next->prev = t;
	http->transfers = t;
}

static void unlink_transfer(Http *http, Transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		http->transfers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	curl_multi_remove_handle(http->multi, t->easy);
	http->in_flight--;
}

/* Grows the body to hold need bytes, doubling but never past the cap, so a
 * reply near the cap holds no more than it (xgrow would double to 32 MB). */
static void reserve(Transfer *t, size_t need)
{
	size_t capacity = t->capacity ? t->capacity : 4096;
	while (capacity < need)
		capacity *= 2;
	if (capacity > (size_t)HTTP_MAX_REPLY + 1)
		capacity = (size_t)HTTP_MAX_REPLY + 1;
	if (capacity != t->capacity) {
		t->reply.body = xrealloc(t->reply.body, capacity);
		t->capacity = capacity;
	}
}

static size_t on_body(char *data, size_t size, size_t count, void *arg)
{
	Transfer *t = arg;
	size_t n = size * count;
	if (n > (size_t)HTTP_MAX_REPLY - t->reply.body_len) {
		t->too_large = 1;
		return 0; /* not n: curl stops the transfer here */
	}
	reserve(t, t->reply.body_len + n + 1);
	memcpy(t->reply.body + t->reply.body_len, data, n);
	t->reply.body_len += n;
	t->reply.body[t->reply.body_len] = '\0';
	return n;
}

/* Retry-After is seconds, or an HTTP date; curl parses the date for us. */
static double parse_retry_after(const char *value)
{
	char *end;
	double seconds = strtod(value, &end);
	time_t when;
	if (end != value && seconds >= 0)
		return seconds;
	when = curl_getdate(value, NULL);
	if (when > 0) {
		double delta = difftime(when, time(NULL));
		return delta > 0 ? delta : 0;
	}
	return -1;
}

static size_t on_header(char *data, size_t size, size_t count, void *arg)
{
	Transfer *t = arg;
	size_t n = size * count;
	static const char name[] = "retry-after:";
	if (n > sizeof name - 1 && !strncasecmp(data, name, sizeof name - 1)) {
		char value[128];
		size_t len = n - (sizeof name - 1);
		if (len >= sizeof value)
			len = sizeof value - 1;
		memcpy(value, data + sizeof name - 1, len);
		value[len] = '\0';
		t->reply.retry_after_s = parse_retry_after(value + strspn(value, " \t"));
	}
	return n;
}

Http *http_new(int max_connections)
{
	Http *http;
	static int initialised;
	if (!initialised) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		initialised = 1;
	}
	http = xcalloc(1, sizeof *http);
	http->multi = curl_multi_init();
	if (!http->multi)
		xdie("curl_multi_init failed");
	curl_multi_setopt(http->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_connections);
	curl_multi_setopt(http->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)max_connections);
	return http;
}

static void transfer_free(Transfer *t)
{
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->body);
	free(t->reply.body);
	free(t);
}

Status http_submit(Http *http, const HttpRequest *request)
{
	Transfer *t = xcalloc(1, sizeof *t);
	t->easy = curl_easy_init();
	if (!t->easy)
		xdie("curl_easy_init failed");
	t->reply.user = request->user;
	t->reply.retry_after_s = -1;
	for (const char *const *h = request->headers; h && *h; h++)
		t->headers = curl_slist_append(t->headers, *h);
	/* curl's 100-continue wait only adds a round trip for our small bodies */
	t->headers = curl_slist_append(t->headers, "Expect:");
	curl_easy_setopt(t->easy, CURLOPT_URL, request->url);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	if (request->body) {
		t->body = xstrndup(request->body, request->body_len);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_len);
	}
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, request->timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, request->timeout_ms);
	/* refuses an announced Content-Length over the cap before any body */
	curl_easy_setopt(t->easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_MAX_REPLY);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "gavel/0.1");
	if (curl_multi_add_handle(http->multi, t->easy) != CURLM_OK) {
		transfer_free(t);
		return status_fail(STATUS_ERR_NETWORK, "could not start a request");
	}
	http->in_flight++;
	link_transfer(http, t);
	return STATUS_OK;
}

/* How a transfer ended, from curl's code and what the transfer saw. */
static HttpOutcome outcome_of(const Transfer *t, CURLcode code)
{
	long sent = 0;
	if (t->too_large)
		return HTTP_TOO_LARGE;
	switch (code) {
	case CURLE_OK: return HTTP_DONE;
	case CURLE_OPERATION_TIMEDOUT:
		/* a timeout before the request could be sent: nothing answers
		 * there (the connect time would be 0 on a reused connection too) */
		curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &sent);
		return sent > 0 ? HTTP_TIMEOUT : HTTP_CONNECT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return HTTP_RESOLVE;
	case CURLE_COULDNT_CONNECT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT: return HTTP_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_USE_SSL_FAILED: return HTTP_TLS;
	case CURLE_FILESIZE_EXCEEDED: return HTTP_TOO_LARGE;
	case CURLE_PARTIAL_FILE: return HTTP_TRUNCATED;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR: return HTTP_BROKEN;
	default: return HTTP_FAILED;
	}
}

#define HTTP_OUTCOME_TEXT(name, text, reached) text,
static const char *const outcome_texts[] = {HTTP_OUTCOMES(HTTP_OUTCOME_TEXT)};
#undef HTTP_OUTCOME_TEXT
#define HTTP_OUTCOME_REACHED(name, text, reached) reached,
static const char outcome_reached[] = {HTTP_OUTCOMES(HTTP_OUTCOME_REACHED)};
#undef HTTP_OUTCOME_REACHED

const char *http_outcome_text(HttpOutcome outcome)
{
	if ((size_t)outcome >= sizeof outcome_texts / sizeof outcome_texts[0])
		return "?";
	return outcome_texts[outcome];
}

int http_outcome_reached(HttpOutcome outcome)
{
	if ((size_t)outcome >= sizeof outcome_reached)
		return 1;
	return outcome_reached[outcome];
}

/* The first space or control character in url, or NULL. */
static const char *first_unsafe(const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return (const char *)p;
	return NULL;
}

/* A part of a parsed URL, or NULL when it has none. Owned (curl_free). */
static char *url_part(CURLU *parsed, CURLUPart part)
{
	char *value = NULL;
	if (curl_url_get(parsed, part, &value, 0) != CURLUE_OK)
		return NULL;
	return value;
}

Status http_url_check(const char *url)
{
	const char *bad = url ? first_unsafe(url) : NULL;
	CURLU *parsed;
	char *scheme = NULL, *host = NULL;
	Status st = STATUS_OK;
	if (!url || !*url)
		return status_fail(STATUS_ERR_USAGE, "the URL is empty");
	if (bad)
		return status_fail(STATUS_ERR_USAGE, "'%s' has %s at character %d", url,
				   *bad == ' ' ? "a space" : "a control character", (int)(bad - url) + 1);
	parsed = curl_url();
	if (!parsed)
		xdie("curl_url failed");
	if (curl_url_set(parsed, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		st = status_fail(STATUS_ERR_USAGE, "'%s' is not a URL (want http://HOST[:PORT]/PATH)",
				 url);
		goto out;
	}
	scheme = url_part(parsed, CURLUPART_SCHEME);
	host = url_part(parsed, CURLUPART_HOST);
	if (!scheme || (strcmp(scheme, "http") && strcmp(scheme, "https")))
		st = status_fail(STATUS_ERR_USAGE, "'%s' is not an http or https URL", url);
	else if (!host || !*host)
		st = status_fail(STATUS_ERR_USAGE, "'%s' has no host", url);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(parsed);
	return st;
}

static void finish(Http *http, CURLMsg *msg, void (*on_reply)(void *, HttpReply *), void *arg)
{
	Transfer *t;
	curl_off_t elapsed_us = 0;
	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->reply.status);
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
	t->reply.elapsed_ms = (long)(elapsed_us / 1000);
	t->reply.outcome = outcome_of(t, msg->data.result);
	if (t->reply.outcome == HTTP_TOO_LARGE) {
		snprintf(t->reply.error, sizeof t->reply.error, "the reply is over %d MB",
			 HTTP_MAX_REPLY >> 20);
		/* what was read is the start of something unusable: do not hand it on */
		free(t->reply.body);
		t->reply.body = NULL, t->reply.body_len = 0;
	} else if (t->reply.outcome != HTTP_DONE) {
		snprintf(t->reply.error, sizeof t->reply.error, "%s",
			 t->error[0] ? t->error : curl_easy_strerror(msg->data.result));
	}
	if (!t->reply.body)
		t->reply.body = xstrdup("");
	unlink_transfer(http, t);
	on_reply(arg, &t->reply);
	transfer_free(t);
}

Status http_poll(Http *http, int timeout_ms, void (*on_reply)(void *arg, HttpReply *reply),
		 void *arg)
{
	int running, left;
	CURLMsg *msg;
	if (curl_multi_perform(http->multi, &running) != CURLM_OK ||
	    curl_multi_poll(http->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK ||
	    curl_multi_perform(http->multi, &running) != CURLM_OK)
		return status_fail(STATUS_ERR_NETWORK, "curl's multi interface failed");
	while ((msg = curl_multi_info_read(http->multi, &left)))
		if (msg->msg == CURLMSG_DONE)
			finish(http, msg, on_reply, arg);
	return STATUS_OK;
}

void http_cancel_all(Http *http, void (*drop)(void *user))
{
	while (http->transfers) {
		Transfer *t = http->transfers;
		unlink_transfer(http, t);
		if (drop)
			drop(t->reply.user);
		transfer_free(t);
	}
}

void http_free(Http *http)
{
	if (!http)
		return;
	http_cancel_all(http, NULL);
	curl_multi_cleanup(http->multi);
	free(http);
}
