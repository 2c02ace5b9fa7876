/*
 * cli/main.c — the kaifang command: dispatch and the helpers every
 * subcommand shares (errors, finding and loading the rulebook). The
 * subcommands are in cmd_*.c (docs/cli.md). Data goes to stdout, diagnostics
 * to stderr prefixed "kaifang: ".
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/cmd_batch.h"
#include "cli/cmd_ownership.h"
#include "kaifang/ownership.h"

#include "cli.h"

void kf_cli_err(const char *fmt, ...)
{
	va_list ap;
	fputs("kaifang: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void kf_cli_print_error(const kf_error *e)
{
	char buf[1024];
	kf_cli_err("%s", kf_error_format(e, buf, sizeof buf));
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *kf_cli_find_beside(const char *what, char *buf, size_t size)
{
	char exe[PATH_MAX], cand[PATH_MAX + 128], real[PATH_MAX];
	static const char *const rel[] = {"/../", "/../../", "/../share/kaifang/", NULL};
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	int i;
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = '\0';
	for (i = 0; rel[i]; i++) {
		snprintf(cand, sizeof cand, "%s%s%s", exe, rel[i], what);
		if (is_dir(cand) && realpath(cand, real) && strlen(real) < size) {
			snprintf(buf, size, "%s", real);
			return buf;
		}
	}
	return NULL;
}

const char *kf_cli_rulebook_dir(const char *dir)
{
	static char found[PATH_MAX];
	const char *env = getenv("KAIFANG_RULEBOOK");
	const char *const *sec;
	int nsec = kf_cli_sectors_given(&sec);
	if (dir)
		return dir;
	/* --sector (cli/sectors.c): the first one given; $KAIFANG_RULEBOOK stands
	 * for the default sector, telecom */
	if (env && *env && (!nsec || !strcmp(sec[0], "telecom")))
		return env;
	if (nsec && kf_cli_sector_dir(sec[0], found, sizeof found))
		return found;
	if (kf_cli_find_beside("rulebooks/cn-telecom", found, sizeof found))
		return found;
	return "rulebooks/cn-telecom";
}

kf_rulebook *kf_cli_load(const char *dir, int *exit_code)
{
	kf_rulebook *rb = NULL;
	kf_error e;
	char *all = NULL;
	kf_status st = kf_rulebook_load(dir, &rb, &e, &all);
	if (st == KF_OK)
		return rb;
	if (st == KF_ERR_NOMEM) {
		kf_cli_err("out of memory loading rulebook '%s'", dir);
		*exit_code = EXIT_INTERNAL;
	} else {
		if (all) {
			char *line = all, *nl;
			while (*line && (nl = strchr(line, '\n'))) {
				*nl = '\0';
				fprintf(stderr, "kaifang: %s/%s\n", dir, line);
				line = nl + 1;
			}
		} else
			kf_cli_print_error(&e);
		kf_cli_err("rulebook '%s' is invalid; not used", dir);
		*exit_code = EXIT_RULEBOOK;
	}
	kf_free(all);
	return NULL;
}

void kf_cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

const char *kf_cli_option_of(const char *field)
{
	if (!strcmp(field, "foreign_share"))
		return "foreign-share";
	if (!strcmp(field, "outside_zones"))
		return "outside-zones";
	return field;
}

int kf_cli_clock_from_env(void)
{
	const char *now = getenv("KAIFANG_NOW");
	int64_t t;
	kf_error e;
	if (!now || !*now)
		return 0;
	if (kf_instant_parse(now, &t, &e) != KF_OK) {
		kf_cli_err("KAIFANG_NOW: %s", e.message);
		return -1;
	}
	kf_clock_set(t);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------- */

int kf_cli_print_view(char *out, int json, const char *what)
{
	if (!out) {
		kf_cli_err("out of memory writing the %s", what);
		return EXIT_INTERNAL;
	}
	fputs(out, stdout);
	if (json)
		fputc('\n', stdout);
	kf_free(out);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: kaifang COMMAND [OPTIONS]\n"
	       "\n"
	       "Market-access rules for foreign investment in China's telecommunications.\n"
	       "\n"
	       "commands:\n"
	       "  decide    decide one question (service, place, date, investor, share)\n"
	       "  explain   decide, and show the measures that matched or nearly did, and why\n"
	       "  check     validate and lint a rulebook, run its golden cases\n"
	       "  list      list services, regions, measures, documents, investors or sources\n"
	       "  matrix    maximum foreign share for places x services on a date\n"
	       "  timeline  the periods over which an answer stays the same, and what changed\n"
	       "  diff      the answers that differ between two dates or two rulebook editions\n"
	       "  serve     the JSON API and the web page over HTTP (loopback)\n"
	       "  batch     decide every row of a CSV or JSON Lines file\n"
	       "  ownership look-through foreign share from BODS, GLEIF or a CSV pair\n"
	       "\n"
	       "Run 'kaifang COMMAND --help' for a command's options; docs/cli.md has the manual.\n"
	       "--sector NAME (any command) picks the shipped rulebook rulebooks/cn-NAME when\n"
	       "no --rulebook is given: telecom (default) or services.\n");
}

static int decide_cmd(int argc, char **argv) { return kf_cli_decide(argc, argv, 0); }
static int explain_cmd(int argc, char **argv) { return kf_cli_decide(argc, argv, 1); }

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
    {"decide", decide_cmd},  {"explain", explain_cmd},        {"check", kf_cli_check},
    {"list", kf_cli_list},   {"matrix", kf_cli_matrix},       {"batch", kf_cli_batch},
    {"serve", kf_cli_serve}, {"ownership", kf_cli_ownership}, {"timeline", kf_cli_timeline},
    {"diff", kf_cli_diff},
};

int main(int argc, char **argv)
{
	size_t i;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kaifang %s\n", KAIFANG_VERSION);
		return 0;
	}
	if (kf_cli_clock_from_env() < 0)
		return EXIT_USAGE;
	if ((argc = kf_cli_sectors_take(argc, argv)) < 0)
		return EXIT_USAGE;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			int rc;
			/* getopt prefixes its messages with argv[0]: make it "kaifang" */
			argv[1] = (char *)"kaifang";
			rc = commands[i].fn(argc - 1, argv + 1);
			/* data lost on the way out (a full disk, a closed stdout) is an
			 * error, never exit 0 */
			if (fflush(stdout) != 0 || ferror(stdout)) {
				kf_cli_err("writing the output: %s", strerror(errno ? errno : EIO));
				return rc ? rc : EXIT_STORAGE;
			}
			return rc;
		}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strncmp(argv[1], commands[i].name, 3)) {
			kf_cli_err("unknown command '%s'; did you mean '%s'?", argv[1],
				   commands[i].name);
			return EXIT_USAGE;
		}
	kf_cli_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
