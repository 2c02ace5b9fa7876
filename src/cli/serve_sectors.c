/*
 * cli/serve_sectors.c — the rulebooks of `kaifang serve`, one per sector
 * (docs/api.md "Sectors"): --rulebook DIR repeated, --sector NAME,... or,
 * by default, every shipped rulebook, telecom first.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

/* Adds a copy of dir to the list; -1 on no memory. */
static int push(char ***v, int *n, const char *dir)
{
	char **nv = realloc(*v, sizeof **v * (size_t)(*n + 1));
	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strdup(dir)))
		return -1;
	(*n)++;
	return 0;
}

int kf_cli_serve_rulebooks(const struct kf__srv_opts *o, const char *const *dirs, int n)
{
	const char *const *sec;
	int nsec = kf_cli_sectors_given(&sec), nd = 0, nrb = 0, i, k, code = 0;
	char **dv = NULL, buf[PATH_MAX];
	const char *env = getenv("KAIFANG_RULEBOOK");
	kf_rulebook **rbs = NULL;
	for (i = 0; i < n && code == 0; i++)
		if (push(&dv, &nd, dirs[i]) < 0)
			code = EXIT_INTERNAL;
	for (i = 0; i < nsec && code == 0; i++)
		if (!kf_cli_sector_dir(sec[i], buf, sizeof buf) || push(&dv, &nd, buf) < 0)
			code = EXIT_INTERNAL; /* checked when --sector was read */
	if (code == 0 && nd == 0) {
		char **names = NULL;
		int ns = env && *env ? 0 : kf_cli_sectors_shipped(NULL, 0, &names);
		if (push(&dv, &nd, kf_cli_rulebook_dir(NULL)) < 0)
			code = EXIT_INTERNAL;
		for (i = 0; i < ns; i++) {
			if (code == 0 && strcmp(names[i], "telecom") &&
			    kf_cli_sector_dir(names[i], buf, sizeof buf) && push(&dv, &nd, buf) < 0)
				code = EXIT_INTERNAL;
			free(names[i]);
		}
		free(names);
	}
	if (code == 0 && !(rbs = calloc((size_t)nd + 1, sizeof *rbs)))
		code = EXIT_INTERNAL;
	for (i = 0; i < nd && code == 0; i++) {
		if (!(rbs[i] = kf_cli_load(dv[i], &code)))
			break;
		nrb = i + 1;
		for (k = 0; k < i; k++)
			if (!strcmp(kf_rulebook_sector(rbs[k]), kf_rulebook_sector(rbs[i]))) {
				kf_cli_err(
				    "serve: '%s' and '%s' are both for sector '%s'; give one "
				    "rulebook per sector",
				    dv[k], dv[i], kf_rulebook_sector(rbs[i]));
				code = EXIT_USAGE;
			}
	}
	if (code == EXIT_INTERNAL && !nrb && rbs)
		kf_cli_err("serve: out of memory");
	if (code == 0 && kf__srv_run(o, (const kf_rulebook *const *)rbs, nrb) < 0)
		code = EXIT_INTERNAL;
	for (i = 0; i < nrb; i++)
		kf_rulebook_free(rbs[i]);
	free(rbs);
	for (i = 0; i < nd; i++)
		free(dv[i]);
	free(dv);
	return code;
}
