/* outdir.c - files inside the export's folder only (see outdir.h). */
#include "src/export/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/xalloc.h"

enum { MAX_SUBS = 8, COPY_CHUNK = 1 << 20 };

struct OutDir {
	char *path;
	int fd;
	int sub[MAX_SUBS];
	char *sub_name[MAX_SUBS];
	int n_subs;
};

static Status io_fail(const char *path, const char *name, const char *what)
{
	return status_fail(STATUS_ERR_IO, "%s%s%s: %s: %s", path, name ? "/" : "", name ? name : "",
			   what, strerror(errno));
}

/* A name gavel made is one plain component; anything else is a bug, not a
 * user's mistake, but it must never reach the file system. */
static int plain_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int is_ours(const char *name, const char *const *ours)
{
	for (int i = 0; ours && ours[i]; i++)
		if (!strcmp(name, ours[i]))
			return 1;
	return 0;
}

/* Removes the files of subfolder name (no deeper folders), then it. */
static Status clear_folder(int fd, const char *path, const char *name)
{
	int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = sub >= 0 ? fdopendir(sub) : NULL;
	struct dirent *e;
	Status st = STATUS_OK;
	if (!d) {
		if (sub >= 0)
			close(sub);
		return io_fail(path, name, "cannot open");
	}
	while (st == STATUS_OK && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    unlinkat(dirfd(d), e->d_name, 0) != 0)
			st = status_fail(STATUS_ERR_EXISTS,
					 "%s/%s/%s: not removed (%s): it is not "
					 "a file gavel wrote",
					 path, name, e->d_name, strerror(errno));
	closedir(d);
	if (st == STATUS_OK && unlinkat(fd, name, AT_REMOVEDIR) != 0)
		st = io_fail(path, name, "cannot remove");
	return st;
}

/* An earlier export in the folder: checked whole first, then removed. */
static Status clear(int fd, const char *path, const char *const *ours)
{
	DIR *d = fdopendir(dup(fd));
	struct dirent *e;
	Status st = STATUS_OK;
	if (!d)
		return io_fail(path, NULL, "cannot read");
	while (st == STATUS_OK && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !is_ours(e->d_name, ours))
			st = status_fail(STATUS_ERR_EXISTS,
					 "%s holds %s, which an export does not "
					 "write: remove it, or choose another folder",
					 path, e->d_name);
	rewinddir(d);
	while (st == STATUS_OK && (e = readdir(d))) {
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			st = io_fail(path, e->d_name, "cannot read");
		else if (S_ISDIR(sb.st_mode))
			st = clear_folder(fd, path, e->d_name);
		else if (unlinkat(fd, e->d_name, 0) != 0)
			st = io_fail(path, e->d_name, "cannot remove");
	}
	closedir(d);
	return st;
}

Status outdir_open(const char *path, int force, const char *const *ours, OutDir **out)
{
	OutDir *d;
	int existed = 0;
	Status st = STATUS_OK;
	*out = NULL;
	if (mkdir(path, 0777) != 0) {
		if (errno != EEXIST)
			return io_fail(path, NULL, "cannot create");
		existed = 1;
	}
	if (existed && !force)
		return status_fail(STATUS_ERR_EXISTS,
				   "%s exists: give --force to replace the "
				   "export in it, or choose a new folder",
				   path);
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	d->fd = open(path, O_RDONLY | O_DIRECTORY);
	if (d->fd < 0)
		st = io_fail(path, NULL, "not a folder gavel can write in");
	else if (existed)
		st = clear(d->fd, path, ours);
	if (st != STATUS_OK) {
		outdir_close(d);
		return st;
	}
	*out = d;
	return STATUS_OK;
}

void outdir_close(OutDir *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n_subs; i++) {
		close(d->sub[i]);
		free(d->sub_name[i]);
	}
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
}

const char *outdir_path(const OutDir *d)
{
	return d->path;
}

static int fd_of(const OutDir *d, int sub)
{
	return sub >= 0 && sub < d->n_subs ? d->sub[sub] : d->fd;
}

static const char *sub_path(const OutDir *d, int sub, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", d->path, sub >= 0 ? "/" : "",
		 sub >= 0 ? d->sub_name[sub] : "");
	return buf;
}

Status outdir_mkdir(OutDir *d, const char *name, int *sub)
{
	int fd;
	*sub = -1;
	if (!plain_name(name) || d->n_subs == MAX_SUBS)
		return status_fail(STATUS_ERR_INPUT, "%s: '%s' is not a folder name", d->path,
				   name);
	if (mkdirat(d->fd, name, 0777) != 0)
		return io_fail(d->path, name, "cannot create");
	fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return io_fail(d->path, name, "cannot open");
	d->sub[d->n_subs] = fd;
	d->sub_name[d->n_subs] = xstrdup(name);
	*sub = d->n_subs++;
	return STATUS_OK;
}

static Status create_fd(OutDir *d, int sub, const char *name, int *fd)
{
	char where[4096];
	if (!plain_name(name))
		return status_fail(STATUS_ERR_INPUT, "%s: '%s' is not a file name",
				   sub_path(d, sub, where, sizeof where), name);
	*fd = openat(fd_of(d, sub), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0666);
	return *fd >= 0 ? STATUS_OK
			: io_fail(sub_path(d, sub, where, sizeof where), name, "cannot create");
}

Status outdir_create(OutDir *d, int sub, const char *name, FILE **out)
{
	int fd;
	Status st = create_fd(d, sub, name, &fd);
	*out = NULL;
	if (st != STATUS_OK)
		return st;
	*out = fdopen(fd, "w");
	if (!*out) {
		close(fd);
		return io_fail(d->path, name, "cannot open");
	}
	return STATUS_OK;
}

static Status write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return STATUS_ERR_IO;
		data += n, len -= (size_t)n;
	}
	return STATUS_OK;
}

/* Copies in the kernel where it can (copy_file_range), else by reading. */
static Status copy(int from, int to)
{
	static char buf[COPY_CHUNK];
	ssize_t n;
	while ((n = copy_file_range(from, NULL, to, NULL, COPY_CHUNK, 0)) > 0)
		;
	if (n == 0)
		return STATUS_OK;
	if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
		return STATUS_ERR_IO;
	if (lseek(from, 0, SEEK_SET) < 0 || ftruncate(to, 0) != 0 || lseek(to, 0, SEEK_SET) < 0)
		return STATUS_ERR_IO;
	while ((n = read(from, buf, sizeof buf)) > 0)
		if (write_all(to, buf, (size_t)n) != STATUS_OK)
			return STATUS_ERR_IO;
	return n == 0 ? STATUS_OK : STATUS_ERR_IO;
}

Status outdir_place(OutDir *d, int sub, const char *name, const char *source, int link)
{
	int from, to;
	Status st;
	char where[4096];
	if (link) {
		if (!plain_name(name))
			return status_fail(STATUS_ERR_INPUT, "'%s' is not a file name", name);
		if (linkat(AT_FDCWD, source, fd_of(d, sub), name, AT_SYMLINK_FOLLOW) == 0)
			return STATUS_OK;
		return status_fail(STATUS_ERR_IO, "%s: cannot link into %s: %s%s", source,
				   sub_path(d, sub, where, sizeof where), strerror(errno),
				   errno == EXDEV
					   ? " (another file system: leave --link out to copy)"
					   : "");
	}
	from = open(source, O_RDONLY | O_CLOEXEC);
	if (from < 0)
		return io_fail(source, NULL, "cannot read");
	st = create_fd(d, sub, name, &to);
	if (st == STATUS_OK) {
		st = copy(from, to);
		if (close(to) != 0 || st != STATUS_OK)
			st = io_fail(source, NULL, "cannot copy");
	}
	close(from);
	return st;
}

Status outdir_write(OutDir *d, int sub, const char *name, const char *data, size_t len)
{
	int fd;
	Status st = create_fd(d, sub, name, &fd);
	if (st != STATUS_OK)
		return st;
	st = write_all(fd, data, len);
	if (close(fd) != 0 || st != STATUS_OK)
		return io_fail(d->path, name, "cannot write");
	return STATUS_OK;
}
