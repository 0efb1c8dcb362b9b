/* test_dbwrite.c - writing under pressure (db/database.c db_write and the
 * busy handler): a full disk is ridden out once after the WAL is freed, and
 * reported cleanly when it stays full, with nothing lost; a write waits for
 * another process's lock, says so once, and gives up only after its
 * patience. The full disk is a VFS shim that fails writes with SQLITE_FULL;
 * the other process is a forked child holding BEGIN IMMEDIATE. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db/database.h"
#include "db/items.h"
#include "db/runs.h"
#include "src/base/clock.h"
#include "tests/unit/test.h"
#include "tests/unit/test_sql.h"

static char dir[] = "/tmp/gavel-test-dbwrite.XXXXXX";

static char *path_in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* ---- a VFS whose writes fail with SQLITE_FULL on demand ---- */

typedef struct {
	sqlite3_file base;
	sqlite3_file *real; /* the unix VFS's file, right after this struct */
	int is_wal;
} ShimFile;

static sqlite3_vfs *real_vfs;
static int fail_writes;   /* writes still to fail; -1: all */
static int wal_truncates; /* xTruncate calls on a WAL file */

#define REAL(f) (((ShimFile *)(f))->real)

static int shim_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int shim_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int shim_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	if (fail_writes) {
		if (fail_writes > 0)
			fail_writes--;
		return SQLITE_FULL;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	wal_truncates += ((ShimFile *)f)->is_wal;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int shim_sync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int shim_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int shim_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int shim_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int shim_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int shim_control(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int shim_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int shim_shm_map(sqlite3_file *f, int i, int size, int extend, void volatile **p) { return REAL(f)->pMethods->xShmMap(REAL(f), i, size, extend, p); }
static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags); }
static void shim_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int shim_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int shim_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, p); }
static int shim_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static const sqlite3_io_methods shim_methods = {
	3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock,
	shim_unlock, shim_reserved, shim_control, shim_sector, shim_device, shim_shm_map,
	shim_shm_lock, shim_shm_barrier, shim_shm_unmap, shim_fetch, shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
		     int *out_flags)
{
	ShimFile *s = (ShimFile *)f;
	int rc;
	(void)vfs;
	s->real = (sqlite3_file *)(s + 1);
	s->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
	rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	s->base.pMethods = rc == SQLITE_OK && s->real->pMethods ? &shim_methods : NULL;
	return rc;
}

static void shim_install(void)
{
	static sqlite3_vfs shim;
	real_vfs = sqlite3_vfs_find(NULL);
	shim = *real_vfs;
	shim.zName = "gavel-test-full";
	shim.szOsFile = (int)sizeof(ShimFile) + real_vfs->szOsFile;
	shim.xOpen = shim_open;
	sqlite3_vfs_register(&shim, 1);
}

/* ---- the cases ---- */

/* A database with one run and n items, open in *db. */
static void setup(const char *name, int n, Db **db, long long *run_id)
{
	DbRunNew run = {.provider = "test", .model = "m"};
	CHECK_INT(db_open(path_in_dir(name), DB_OPEN_CREATE, db), STATUS_OK);
	for (int i = 1; i <= n; i++) {
		char id[16];
		DbItemOutcome outcome;
		DbItemNew item = {.external_id = id, .path = "/x.jpg", .has_image = 1};
		snprintf(id, sizeof id, "i%d", i);
		CHECK_INT(db_item_add(*db, &item, &outcome), STATUS_OK);
	}
	CHECK_INT(db_run_create(*db, &run, run_id), STATUS_OK);
}

static DbPredictionNew prediction(long long run_id, long long item_id)
{
	return (DbPredictionNew){.run_id = run_id, .item_id = item_id, .status = DB_PREDICTION_OK,
				 .score = 3, .label = 0, .prompt_tokens = -1,
				 .completion_tokens = -1, .attempts = 1};
}

static void full_disk_once_is_ridden_out(void)
{
	Db *db;
	long long run_id;
	DbPredictionNew p;
	setup("full1.db", 2, &db, &run_id);
	p = prediction(run_id, 1);
	wal_truncates = 0;
	fail_writes = 1;
	CHECK_INT(db_prediction_add(db, &p), STATUS_OK);
	CHECK_INT(fail_writes, 0);
	CHECK(wal_truncates >= 1); /* the WAL was freed before the second try */
	db_close(db);
	CHECK_INT(sql_int(path_in_dir("full1.db"), "SELECT count(*) FROM predictions"), 1);
}

static void full_disk_that_stays_full_loses_nothing(void)
{
	Db *db;
	long long run_id;
	DbPredictionNew a, b;
	setup("full2.db", 3, &db, &run_id);
	a = prediction(run_id, 1), b = prediction(run_id, 2);
	CHECK_INT(db_prediction_add(db, &a), STATUS_OK);
	fail_writes = -1;
	CHECK_INT(db_prediction_add(db, &b), STATUS_ERR_DB);
	fail_writes = 0;
	CHECK(strstr(status_detail(), "the disk is full") != NULL);
	CHECK(strstr(status_detail(), "nothing written before is lost") != NULL);
	/* space came back: the same connection writes again, no restart */
	CHECK_INT(db_prediction_add(db, &b), STATUS_OK);
	db_close(db);
	CHECK_INT(sql_int(path_in_dir("full2.db"), "SELECT count(*) FROM predictions"), 2);
	CHECK_INT(sql_int(path_in_dir("full2.db"), "SELECT count(*) FROM pragma_integrity_check"
						   " WHERE integrity_check = 'ok'"), 1);
}

/* A child that opens path, holds the write lock for hold_s seconds, then
 * commits and exits; returns once it holds the lock. */
static pid_t hold_lock(const char *path, double hold_s)
{
	int fds[2];
	char c;
	pid_t pid;
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		sqlite3 *h;
		close(fds[0]);
		sqlite3_open(path, &h);
		sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&(struct timespec){.tv_sec = (time_t)hold_s,
					    .tv_nsec = (long)((hold_s - (time_t)hold_s) * 1e9)}, NULL);
		sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(h);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1)
		pid = -1;
	close(fds[0]);
	return pid;
}

static int notices;
static void count_notice(void *arg)
{
	(void)arg;
	notices++;
}

static void write_waits_for_the_lock_and_says_so_once(void)
{
	Db *db;
	long long run_id;
	DbPredictionNew p;
	double t0;
	pid_t child;
	setup("busy1.db", 1, &db, &run_id);
	db_set_patience(db, DB_WAIT_FOREVER);
	db_set_wait_notice(db, count_notice, NULL);
	notices = 0;
	child = hold_lock(path_in_dir("busy1.db"), 1.0);
	CHECK(child > 0);
	p = prediction(run_id, 1);
	t0 = clock_now_s();
	CHECK_INT(db_prediction_add(db, &p), STATUS_OK);
	CHECK(clock_now_s() - t0 >= 0.8);
	CHECK_INT(notices, 1);
	waitpid(child, NULL, 0);
	db_close(db);
	CHECK_INT(sql_int(path_in_dir("busy1.db"), "SELECT count(*) FROM predictions"), 1);
}

static void write_gives_up_after_its_patience(void)
{
	Db *db;
	long long run_id;
	DbPredictionNew p;
	double t0, waited;
	pid_t child;
	setup("busy2.db", 1, &db, &run_id);
	db_set_patience(db, 0.5);
	db_set_wait_notice(db, count_notice, NULL);
	notices = 0;
	child = hold_lock(path_in_dir("busy2.db"), 10);
	p = prediction(run_id, 1);
	t0 = clock_now_s();
	CHECK_INT(db_prediction_add(db, &p), STATUS_ERR_DB);
	waited = clock_now_s() - t0;
	CHECK(waited >= 0.45 && waited < 3);
	CHECK(strstr(status_detail(), "another process has held the database's write lock") != NULL);
	CHECK_INT(notices, 1);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	db_close(db);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	shim_install();
	RUN(full_disk_once_is_ridden_out);
	RUN(full_disk_that_stays_full_loses_nothing);
	RUN(write_waits_for_the_lock_and_says_so_once);
	RUN(write_gives_up_after_its_patience);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return test_summary();
}
