/*
 * cli/cli_lang.c — the options of the views for people shared by `decide`,
 * `explain` and `matrix` (docs/cli.md): --lang en|zh, and the memo written
 * to standard output or to a file (--format md|html, --output FILE). The
 * library renders every view (kaifang/text.h); this file reads the option
 * and carries the bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int kf_cli_lang(const char *cmd, const char *name, kf_lang *out)
{
	int l = kf_lang_from_name(name);
	if (l < 0) {
		kf_cli_err("%s: --lang '%s': expected en or zh", cmd, name);
		return EXIT_USAGE;
	}
	*out = (kf_lang)l;
	return 0;
}

int kf_cli_write_out(const char *cmd, const char *path, const char *data, int newline)
{
	char tmp[4096];
	FILE *f;
	int n, bad;
	if (!data) {
		kf_cli_err("%s: out of memory writing the answer", cmd);
		return EXIT_INTERNAL;
	}
	if (!path || !strcmp(path, "-")) {
		fputs(data, stdout);
		if (newline)
			fputc('\n', stdout);
		return 0;
	}
	/* through a file beside it, renamed at the end: no half-written memo */
	n = snprintf(tmp, sizeof tmp, "%s.kaifang-tmp", path);
	if (n < 0 || (size_t)n >= sizeof tmp || !(f = fopen(tmp, "w"))) {
		kf_cli_err("%s: cannot write '%s': %s", cmd, path,
			   n >= 0 && (size_t)n < sizeof tmp ? strerror(errno) : "name too long");
		return EXIT_USAGE;
	}
	bad = fputs(data, f) < 0 || (newline && fputc('\n', f) == EOF);
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		kf_cli_err("%s: cannot write '%s': %s", cmd, path, strerror(errno));
		unlink(tmp);
		return EXIT_USAGE;
	}
	return 0;
}
