/*
 * cli/sectors.c — `--sector NAME` (docs/cli.md "The rulebook"): the shipped
 * rulebook of a sector is the folder rulebooks/cn-NAME found beside the
 * executable (or under the working directory), so a third rulebook is a
 * folder, not code. `--sector` may be repeated or given a comma list
 * (`kaifang serve --sector telecom,services`); the other commands use the
 * first.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static char **names; /* the sectors given, in order (malloc'ed copies) */
static int nnames;

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder holding the shipped rulebooks; NULL when none. */
static const char *shipped_root(void)
{
	static char found[PATH_MAX];
	struct stat st;
	if (kf_cli_find_beside("rulebooks", found, sizeof found))
		return found;
	return stat("rulebooks", &st) == 0 && S_ISDIR(st.st_mode) ? "rulebooks" : NULL;
}

int kf_cli_sectors_shipped(char *buf, size_t size, char ***list)
{
	const char *root = shipped_root();
	DIR *d = root ? opendir(root) : NULL;
	struct dirent *e;
	int n = 0, i, k;
	char **v = NULL;
	if (buf && size)
		buf[0] = '\0';
	if (list)
		*list = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char p[PATH_MAX + 300], **nv;
		if (strncmp(e->d_name, "cn-", 3) || !e->d_name[3])
			continue;
		snprintf(p, sizeof p, "%s/%s/rulebook.yaml", root, e->d_name);
		if (!is_file(p) || !(nv = realloc(v, sizeof *v * (size_t)(n + 1))))
			continue;
		v = nv;
		if ((v[n] = strdup(e->d_name + 3)))
			n++;
	}
	closedir(d);
	/* telecom first (the default), then by name */
	for (i = 1; i < n; i++)
		for (k = i; k > 0; k--) {
			int swap = !strcmp(v[k], "telecom") ||
				   (strcmp(v[k - 1], "telecom") && strcmp(v[k - 1], v[k]) > 0);
			char *t;
			if (!swap)
				break;
			t = v[k];
			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	for (i = 0; buf && i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, size - l, "%s%s", i ? ", " : "", v[i]);
	}
	if (list)
		*list = v;
	else {
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
	return n;
}

const char *kf_cli_sector_dir(const char *name, char *buf, size_t size)
{
	char rel[300];
	const char *root;
	if (strlen(name) > 200 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return NULL;
	snprintf(rel, sizeof rel, "rulebooks/cn-%s", name);
	if (kf_cli_find_beside(rel, buf, size)) {
		char y[PATH_MAX + 32];
		snprintf(y, sizeof y, "%s/rulebook.yaml", buf);
		if (is_file(y))
			return buf;
	}
	root = shipped_root();
	if (root) {
		char y[PATH_MAX + 300];
		snprintf(buf, size, "%s/cn-%s", root, name);
		snprintf(y, sizeof y, "%s/rulebook.yaml", buf);
		if (is_file(y))
			return buf;
	}
	return NULL;
}

int kf_cli_sectors_given(const char *const **out)
{
	*out = (const char *const *)names;
	return nnames;
}

/* Adds the sectors of a comma list; -1 after an error message. */
static int add_names(const char *v)
{
	const char *p = v;
	while (1) {
		size_t n = strcspn(p, ",");
		char dir[PATH_MAX], known[512], **nv;
		char *name = strndup(p, n);
		if (!name)
			return -1;
		if (!*name || !kf_cli_sector_dir(name, dir, sizeof dir)) {
			kf_cli_sectors_shipped(known, sizeof known, NULL);
			kf_cli_err("--sector '%s': no shipped rulebook rulebooks/cn-%s; known "
				   "sectors: %s",
				   name, name, *known ? known : "(none found)");
			free(name);
			return -1;
		}
		if (!(nv = realloc(names, sizeof *names * (size_t)(nnames + 1)))) {
			free(name);
			return -1;
		}
		names = nv;
		names[nnames++] = name;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int kf_cli_sectors_take(int argc, char **argv)
{
	int i, j;
	for (i = 1; i < argc; i++) {
		const char *v = NULL;
		int used = 1;
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--sector")) {
			v = i + 1 < argc ? argv[i + 1] : "";
			used = i + 1 < argc ? 2 : 1;
		} else if (!strncmp(argv[i], "--sector=", 9))
			v = argv[i] + 9;
		if (!v)
			continue;
		if (add_names(v) < 0)
			return -1;
		for (j = i; j + used < argc; j++)
			argv[j] = argv[j + used];
		argc -= used;
		argv[argc] = NULL;
		i--;
	}
	return argc;
}
