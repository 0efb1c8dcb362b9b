/* test_outdir.c - an export writes inside its folder only (src/export/
 * outdir.c): names that would leave it are refused, an existing folder
 * needs force, force removes only what an export writes (and never follows
 * a symbolic link out), files are never written over, copies and hard
 * links hold the source's bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/export/outdir.h"
#include "tests/unit/test.h"

static char dir[] = "/tmp/gavel-test-outdir.XXXXXX";
static const char *const ours[] = { "gold.jsonl", "manifest.json", "train", NULL };

static char *at(const char *name)
{
	static char path[4][512];
	static int turn;
	turn = (turn + 1) % 4;
	snprintf(path[turn], sizeof path[turn], "%s/%s", dir, name);
	return path[turn];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static int exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

static void names_stay_inside(void)
{
	OutDir *d;
	FILE *f;
	int sub;
	CHECK_INT(outdir_open(at("a"), 0, ours, &d), STATUS_OK);
	CHECK_INT(outdir_create(d, -1, "../escape", &f), STATUS_ERR_INPUT);
	CHECK_INT(outdir_create(d, -1, "/tmp/escape", &f), STATUS_ERR_INPUT);
	CHECK_INT(outdir_create(d, -1, "..", &f), STATUS_ERR_INPUT);
	CHECK_INT(outdir_mkdir(d, "x/y", &sub), STATUS_ERR_INPUT);
	CHECK(!exists(at("escape")));
	CHECK_INT(outdir_write(d, -1, "gold.jsonl", "x\n", 2), STATUS_OK);
	/* never over an existing file */
	CHECK_INT(outdir_write(d, -1, "gold.jsonl", "y\n", 2), STATUS_ERR_IO);
	CHECK_INT(outdir_mkdir(d, "train", &sub), STATUS_OK);
	write_file(at("source.png"), "PNGBYTES");
	CHECK_INT(outdir_place(d, sub, "s.png", at("source.png"), 0), STATUS_OK);
	CHECK_INT(outdir_place(d, sub, "l.png", at("source.png"), 1), STATUS_OK);
	outdir_close(d);
	{
		struct stat sb;
		FILE *g = fopen(at("a/train/s.png"), "r");
		char buf[16] = "";
		CHECK(g && fgets(buf, sizeof buf, g));
		CHECK_STR(buf, "PNGBYTES");
		if (g)
			fclose(g);
		CHECK(stat(at("source.png"), &sb) == 0 && sb.st_nlink == 2);
	}
}

static void force_removes_only_ours(void)
{
	OutDir *d;
	/* without force: refused, untouched */
	CHECK_INT(outdir_open(at("a"), 0, ours, &d), STATUS_ERR_EXISTS);
	CHECK(exists(at("a/gold.jsonl")));
	/* a file an export does not write: refused, kept */
	write_file(at("a/notes.txt"), "mine");
	CHECK_INT(outdir_open(at("a"), 1, ours, &d), STATUS_ERR_EXISTS);
	CHECK(exists(at("a/notes.txt")) && exists(at("a/gold.jsonl")));
	unlink(at("a/notes.txt"));
	/* ours only: cleared; a symbolic link is removed, its target kept */
	mkdir(at("elsewhere"), 0777);
	write_file(at("elsewhere/keep"), "k");
	symlink(at("elsewhere"), at("a/manifest.json"));
	CHECK_INT(outdir_open(at("a"), 1, ours, &d), STATUS_OK);
	CHECK(!exists(at("a/gold.jsonl")) && !exists(at("a/train")) &&
	      !exists(at("a/manifest.json")));
	CHECK(exists(at("elsewhere/keep")));
	outdir_close(d);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	names_stay_inside();
	force_removes_only_ours();
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed != 0;
}
