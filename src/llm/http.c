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

static size_t on_body(char *data, size_t size, size_t count, void *arg)
{
	Transfer *t = arg;
	size_t n = size * count;
	t->reply.body = xgrow(t->reply.body, &t->capacity, t->reply.body_len + n + 1, 1);
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

static HttpOutcome outcome_of(CURLcode code)
{
	switch (code) {
	case CURLE_OK: return HTTP_DONE;
	case CURLE_OPERATION_TIMEDOUT: return HTTP_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST: return HTTP_CONNECT;
	case CURLE_PARTIAL_FILE: return HTTP_TRUNCATED;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR: return HTTP_BROKEN;
	default: return HTTP_FAILED;
	}
}

const char *http_outcome_text(HttpOutcome outcome)
{
	switch (outcome) {
	case HTTP_DONE: return "done";
	case HTTP_TIMEOUT: return "timed out";
	case HTTP_CONNECT: return "could not connect";
	case HTTP_BROKEN: return "connection broken";
	case HTTP_TRUNCATED: return "reply truncated";
	case HTTP_FAILED: return "request failed";
	}
	return "?";
}

static void finish(Http *http, CURLMsg *msg, void (*on_reply)(void *, HttpReply *), void *arg)
{
	Transfer *t;
	curl_off_t elapsed_us = 0;
	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->reply.status);
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
	t->reply.elapsed_ms = (long)(elapsed_us / 1000);
	t->reply.outcome = outcome_of(msg->data.result);
	if (t->reply.outcome != HTTP_DONE)
		snprintf(t->reply.error, sizeof t->reply.error, "%s",
			 t->error[0] ? t->error : curl_easy_strerror(msg->data.result));
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
