/* test_accuracyjob.c - the dashboard's fit on a worker (ui/accuracyjob.c):
 * the fit it hands over is the one settlement_load_accuracy() makes on the
 * UI's own connection, number for number; its end is announced on the fd
 * and taken once; a cancelled fit, a restarted one and one freed while it
 * runs leave nothing behind (ASan build) and never hand over a stale
 * result; a database that cannot be opened gives no fit and a status; a
 * stop flag set before loading stops settlement_load_accuracy(). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/database.h"
#include "db/items.h"
#include "src/base/xalloc.h"
#include "src/settle/settlement.h"
#include "tests/unit/test_sql.h"
#include "ui/accuracyjob.h"

static char dir[] = "/tmp/gavel-test-accuracyjob.XXXXXX";
static char path[256];

/* 300 items, three reviewers who mostly agree, an LLM answer on each. */
static void make_db(void)
{
	Db *db;
	const char *names[] = { "bad", "ok", "good" };
	snprintf(path, sizeof path, "%s/a.db", dir);
	CHECK_INT(db_open(path, DB_OPEN_CREATE, &db), STATUS_OK);
	CHECK_INT(db_scale_set(db, names, 3), STATUS_OK);
	db_close(db);
	sql_exec(path,
		 "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300)"
		 " INSERT INTO items (id, external_id) SELECT i, 'item' || i FROM s;"
		 "INSERT INTO runs (id, provider, model, status) VALUES (1, 't', 'm', 'done');"
		 "INSERT INTO predictions (run_id, item_id, status, label)"
		 " SELECT 1, id, 'ok', 1 + (id * 7 % 11) % 3 FROM items;"
		 "INSERT INTO reviews (item_id, reviewer, decision, label)"
		 " SELECT id, r.name, 'override', 1 + ((id * 7 % 11) + (id % r.k = 0)) % 3"
		 " FROM items, (SELECT 'ann' name, 5 k UNION ALL SELECT 'bo', 3"
		 " UNION ALL SELECT 'cy', 2) r;");
}

/* Whether the fd is readable now. */
static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* The same raters, votes, iterations and matrices, exactly. */
static void same_fit(const Settlement *a, const Settlement *b)
{
	const DsResult *x = settlement_ds(a), *y = settlement_ds(b);
	size_t cells;
	int same = 1;
	CHECK_INT(settlement_raters(a), settlement_raters(b));
	CHECK_INT(x->iterations, y->iterations);
	if (settlement_raters(a) != settlement_raters(b))
		return;
	for (size_t k = 0; k < settlement_raters(a); k++) {
		CHECK_STR(settlement_rater_name(a, k), settlement_rater_name(b, k));
		CHECK_INT(settlement_rater_votes(a, k), settlement_rater_votes(b, k));
	}
	cells = settlement_raters(a) * (size_t)x->n_labels * (size_t)x->n_labels;
	for (size_t c = 0; c < cells; c++)
		same &= x->confusion[c] == y->confusion[c];
	CHECK(same);
}

static void the_fit(void)
{
	AccuracyJob *job = accuracyjob_new(path);
	Settlement *fit = NULL, *want = NULL;
	Status st = STATUS_ERR_IO;
	Db *db;
	CHECK(!readable(accuracyjob_fd(job)));
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 0);
	accuracyjob_start(job);
	accuracyjob_wait(job);
	CHECK(!accuracyjob_busy(job));
	CHECK(readable(accuracyjob_fd(job)));
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 1);
	CHECK_INT(st, STATUS_OK);
	CHECK(fit != NULL);
	/* taken once; the fd drained */
	CHECK(!readable(accuracyjob_fd(job)));
	CHECK_INT(accuracyjob_poll(job, &want, NULL), 0);
	CHECK(want == NULL);
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(settlement_load_accuracy(db, NULL, &want), STATUS_OK);
	if (fit && want) {
		CHECK_INT(settlement_raters(fit), 4); /* three reviewers and the LLM */
		CHECK(settlement_rater_is_llm(fit, 3));
		same_fit(fit, want);
	}
	settlement_free(fit);
	settlement_free(want);
	db_close(db);
	accuracyjob_free(job);
}

/* Cancelled at once, or restarted: whether the worker had finished or
 * not, no result of the stopped fit is ever handed over. */
static void stopped_fits(void)
{
	AccuracyJob *job = accuracyjob_new(path);
	Settlement *fit = NULL;
	Status st;
	accuracyjob_start(job);
	accuracyjob_cancel(job);
	CHECK(!accuracyjob_busy(job));
	accuracyjob_wait(job);
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 0);
	CHECK(fit == NULL);

	/* three starts in a row: one fit comes, the last one's */
	for (int i = 0; i < 3; i++)
		accuracyjob_start(job);
	accuracyjob_wait(job);
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 1);
	CHECK(fit != NULL);
	settlement_free(fit);
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 0);
	CHECK(fit == NULL);

	/* a result left untaken, then a fit freed while it runs */
	accuracyjob_start(job);
	accuracyjob_wait(job);
	accuracyjob_start(job);
	accuracyjob_free(job);
	accuracyjob_free(NULL);
}

static void no_database(void)
{
	char *missing = xasprintf("%s/none.db", dir);
	AccuracyJob *job = accuracyjob_new(missing);
	Settlement *fit = NULL;
	Status st = STATUS_OK;
	accuracyjob_start(job);
	accuracyjob_wait(job);
	CHECK_INT(accuracyjob_poll(job, &fit, &st), 1);
	CHECK(fit == NULL);
	CHECK_INT(st, STATUS_ERR_NOT_FOUND);
	CHECK(access(missing, F_OK) != 0); /* not created */
	accuracyjob_free(job);
	free(missing);
}

static void stop_flag(void)
{
	volatile sig_atomic_t stop = 1;
	Settlement *fit = NULL;
	Db *db;
	CHECK_INT(db_open(path, DB_OPEN_EXISTING, &db), STATUS_OK);
	CHECK_INT(settlement_load_accuracy(db, &stop, &fit), STATUS_ERR_INTERRUPTED);
	CHECK(fit == NULL);
	stop = 0;
	CHECK_INT(settlement_load_accuracy(db, &stop, &fit), STATUS_OK);
	CHECK(fit != NULL);
	settlement_free(fit);
	db_close(db);
}

static void remove_dir(void)
{
	const char *ends[] = { "a.db", "a.db-wal", "a.db-shm" };
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		char *file = xasprintf("%s/%s", dir, ends[i]);
		unlink(file);
		free(file);
	}
	rmdir(dir);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	make_db();
	the_fit();
	stopped_fits();
	no_database();
	stop_flag();
	remove_dir();
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
