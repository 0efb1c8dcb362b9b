/* prefetch.c - the image worker and its cache. One mutex guards the cache
 * and the wish list; the worker prepares outside the lock. */
#include "ui/prefetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/base/xalloc.h"

enum { MAX_WANTED = 16 };

typedef struct {
	char *path;
	GfxImage *image;  /* NULL when it failed */
	char error[160];
	unsigned long used;
	int pinned;       /* handed out by prefetch_get */
} Entry;

struct Prefetch {
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* the worker waits here */
	pthread_cond_t done;      /* prefetch_wait waits here */
	pthread_t worker;
	int stopping;
	Entry *entries;
	int capacity, count;
	unsigned long clock;
	char *wanted[MAX_WANTED];
	int wanted_count;
	unsigned generation;      /* bumped when the pane changes */
	int cols, rows;
	TtyCaps caps;
	uint32_t background;
	int pipe_fd[2];
};

static Entry *find(Prefetch *p, const char *path)
{
	for (int i = 0; i < p->count; i++)
		if (!strcmp(p->entries[i].path, path))
			return &p->entries[i];
	return NULL;
}

static void entry_clear(Entry *e)
{
	free(e->path);
	gfx_image_free(e->image);
	memset(e, 0, sizeof *e);
}

static int is_wanted(const Prefetch *p, const char *path)
{
	for (int i = 0; i < p->wanted_count; i++)
		if (!strcmp(p->wanted[i], path))
			return 1;
	return 0;
}

/* Makes room by dropping the least recently used entry nobody holds. */
static Entry *free_slot(Prefetch *p)
{
	int victim = -1;
	if (p->count < p->capacity)
		return &p->entries[p->count++];
	for (int i = 0; i < p->count; i++) {
		Entry *e = &p->entries[i];
		if (e->pinned)
			continue;
		if (victim < 0 || (is_wanted(p, p->entries[victim].path) && !is_wanted(p, e->path)) ||
		    (is_wanted(p, p->entries[victim].path) == is_wanted(p, e->path) &&
		     e->used < p->entries[victim].used))
			victim = i;
	}
	if (victim < 0)
		return NULL;
	entry_clear(&p->entries[victim]);
	return &p->entries[victim];
}

/* The most urgent wish not in the cache, copied; NULL when none. */
static char *next_job(Prefetch *p)
{
	for (int i = 0; i < p->wanted_count; i++)
		if (!find(p, p->wanted[i]))
			return xstrdup(p->wanted[i]);
	return NULL;
}

static void *work(void *arg)
{
	Prefetch *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		char *path = next_job(p);
		GfxImage *image = NULL;
		unsigned generation = p->generation;
		int cols = p->cols, rows = p->rows;
		TtyCaps caps = p->caps;
		char error[160] = "";
		Status st;
		Entry *e;
		if (!path || cols <= 0 || rows <= 0) {
			free(path);
			pthread_cond_wait(&p->wake, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		st = gfx_prepare(path, cols, rows, &caps, p->background, &image);
		if (st != STATUS_OK)
			snprintf(error, sizeof error, "%s", status_detail());
		pthread_mutex_lock(&p->lock);
		if (generation != p->generation || !(e = free_slot(p))) {
			gfx_image_free(image); /* the pane changed meanwhile, or no room */
			free(path);
			continue;
		}
		e->path = path;
		e->image = image;
		snprintf(e->error, sizeof e->error, "%s", error);
		e->used = ++p->clock;
		pthread_cond_broadcast(&p->done);
		if (write(p->pipe_fd[1], "x", 1) < 0 && errno != EAGAIN)
			break;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

Prefetch *prefetch_new(int capacity, uint32_t background_rgb)
{
	Prefetch *p = xcalloc(1, sizeof *p);
	p->capacity = capacity < 2 ? 2 : capacity;
	p->entries = xcalloc((size_t)p->capacity, sizeof *p->entries);
	p->background = background_rgb;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
	if (pipe(p->pipe_fd) != 0)
		xdie("pipe: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		fcntl(p->pipe_fd[i], F_SETFL, fcntl(p->pipe_fd[i], F_GETFL) | O_NONBLOCK);
	if (pthread_create(&p->worker, NULL, work, p) != 0)
		xdie("cannot start the image worker");
	return p;
}

void prefetch_free(Prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->worker, NULL);
	for (int i = 0; i < p->count; i++)
		entry_clear(&p->entries[i]);
	for (int i = 0; i < p->wanted_count; i++)
		free(p->wanted[i]);
	free(p->entries);
	close(p->pipe_fd[0]);
	close(p->pipe_fd[1]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->done);
	free(p);
}

void prefetch_set_pane(Prefetch *p, int cols, int rows, const TtyCaps *caps)
{
	pthread_mutex_lock(&p->lock);
	if (cols != p->cols || rows != p->rows || caps->cell_w != p->caps.cell_w ||
	    caps->cell_h != p->caps.cell_h || caps->graphics != p->caps.graphics) {
		for (int i = 0; i < p->count; i++)
			entry_clear(&p->entries[i]);
		p->count = 0;
		p->generation++;
	}
	p->cols = cols;
	p->rows = rows;
	p->caps = *caps;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void prefetch_want(Prefetch *p, const char *const *paths, int count)
{
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->wanted_count; i++)
		free(p->wanted[i]);
	p->wanted_count = 0;
	for (int i = 0; i < count && i < MAX_WANTED; i++)
		if (paths[i])
			p->wanted[p->wanted_count++] = xstrdup(paths[i]);
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

const GfxImage *prefetch_get(Prefetch *p, const char *path, char *error, size_t size)
{
	const GfxImage *image = NULL;
	Entry *e;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->count; i++)
		p->entries[i].pinned = 0;
	e = path ? find(p, path) : NULL;
	if (e) {
		e->pinned = 1;
		e->used = ++p->clock;
		image = e->image;
		if (!image && error)
			snprintf(error, size, "%s", e->error);
	}
	pthread_mutex_unlock(&p->lock);
	return image;
}

int prefetch_fd(const Prefetch *p)
{
	return p->pipe_fd[0];
}

void prefetch_drain(Prefetch *p)
{
	char buf[64];
	while (read(p->pipe_fd[0], buf, sizeof buf) > 0)
		;
}

int prefetch_wait(Prefetch *p, const char *path, int ms)
{
	struct timespec until;
	int ready;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&p->lock);
	while (!(ready = find(p, path) != NULL))
		if (pthread_cond_timedwait(&p->done, &p->lock, &until) != 0)
			break;
	ready = find(p, path) != NULL;
	pthread_mutex_unlock(&p->lock);
	return ready;
}
