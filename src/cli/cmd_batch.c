/*
 * cli/cmd_batch.c — `kaifang batch`: options, the input and output files,
 * the progress line. The work is the library's batch module
 * (kaifang/batch.h): reading, deciding and writing records.
 *
 * Output to a file (-o) goes to a temporary file beside it, renamed over it
 * at the end, so an error, SIGINT, SIGTERM, SIGHUP or SIGPIPE never leaves a
 * partial output (the signal handler removes the temporary file), and an
 * output that is the input itself (the same inode, through any name or link)
 * is refused before anything is written. A symbolic link is followed to its
 * target (the link stays); a device, FIFO or socket is written directly, never
 * replaced; a replaced file keeps its permission bits (resolve_out).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_batch.h"
#include "kaifang/batch.h"

#define IO_BUF (1u << 20) /* stdio buffer for input and output */

typedef struct progress {
	int on;         /* stderr is a terminal */
	long long size; /* input size in bytes, -1 when unknown */
	double t0, tlast;
} progress;

/* The temporary output file, removed by the signal handler. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path); /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A one-line progress bar on stderr (only when stderr is a terminal). */
static void show_progress(progress *p, const kf_batch_stats *s, int final)
{
	double t = now(), el = t - p->t0, rate;
	if (!p->on || (!final && t - p->tlast < 0.25))
		return;
	p->tlast = t;
	rate = el > 0 ? (double)s->rows / el : 0;
	fprintf(stderr, "\r\033[Kkaifang: batch: %llu rows, %.0f rows/s",
		(unsigned long long)s->rows, rate);
	if (p->size > 0 && !final) {
		double frac = (double)s->bytes_in / (double)p->size;
		double eta = frac > 0 ? el * (1 - frac) / frac : 0;
		int w = 24, k, fill = (int)(frac * w);
		fputs(" [", stderr);
		for (k = 0; k < w; k++)
			fputc(k < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %3.0f%% ETA %.0fs", frac * 100, eta);
	}
	if (s->bad)
		fprintf(stderr, ", %llu with errors", (unsigned long long)s->bad);
	if (final)
		fputc('\n', stderr);
}

static void on_progress(void *ctx, const kf_batch_stats *s) { show_progress(ctx, s, 0); }

static long read_file(void *ctx, char *buf, size_t cap)
{
	size_t n = fread(buf, 1, cap, ctx);
	return n == 0 && ferror((FILE *)ctx) ? -1 : (long)n;
}

static int write_file(void *ctx, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

static void batch_usage(FILE *f)
{
	fprintf(f,
		"usage: kaifang batch IN [-o OUT] [--format csv|jsonl] [--delimiter C] [--strict]\n"
		"                        [--jobs N] [--rulebook DIR] [--columns basic|full]\n"
		"                        [--output-format csv|jsonl|xlsx]\n"
		"\n"
		"Decides every row of IN (CSV with a header row, or JSON Lines) and writes the\n"
		"same rows with the columns outcome, max_foreign_share, cap, binding, certainty,\n"
		"missing_facts, error appended. IN and OUT may be '-' for stdin and stdout (the\n"
		"default OUT).\n"
		"\n"
		"  -o, --output OUT       write here (through a temporary file renamed at the\n"
		"                         end; a device or FIFO directly) instead of stdout;\n"
		"                         OUT may not be IN\n"
		"  -F, --format FMT       csv or jsonl (default: from IN's extension, else from\n"
		"                         its first byte: '{' means jsonl)\n"
		"  -d, --delimiter C      CSV field separator: one character, or 'tab'\n"
		"                         (default ',')\n"
		"  -S, --strict           stop at the first bad row (exit 2) instead of writing\n"
		"                         its error in the error column\n"
		"  -j, --jobs N           decision threads (default: the online CPUs, at most 8)\n"
		"  -R, --rulebook DIR     rulebook folder (default: the shipped cn-telecom)\n"
		"  -c, --columns WHICH    basic (default) or full: also the reasons of an\n"
		"                         uncertain answer, citations with URLs, conditions\n"
		"                         and what would change a refusal\n"
		"  -X, --output-format F  the input's format (default), or xlsx (from CSV\n"
		"                         input; the default when OUT ends in .xlsx)\n"
		"\n"
		"Input columns (by header name): service, region, date (required); investor,\n"
		"foreign_share, outside_zones (optional); other columns pass through unchanged.\n"
		"Exit status: 0 when every row was read (bad rows carry an error), 2 usage or\n"
		"input error, 3 invalid rulebook, 70 out of memory. docs/batch.md has the "
		"details.\n");
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), c = strlen(suf);
	return a >= c && !strcasecmp(s + a - c, suf);
}

static int exit_of(kf_status st)
{
	return st == KF_ERR_NOMEM || st == KF_ERR_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
}

/* Refuses an output that is the input (same device and inode). */
static int same_file(FILE *in, const char *out)
{
	struct stat a, b;
	return fstat(fileno(in), &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Where -o OUT's bytes go. */
typedef enum out_kind {
	OUT_RENAME, /* a temporary file beside path, renamed over it at the end */
	OUT_DIRECT, /* path itself: a device, FIFO or socket (nothing to replace) */
	OUT_STDOUT  /* OUT names our own standard output (/dev/stdout, /proc/self/fd/1) */
} out_kind;

typedef struct out_target {
	out_kind kind;
	char path[PATH_MAX]; /* the file written: OUT, or the file its links name */
	int keep_mode;       /* 1: path is an existing regular file of mode `mode` */
	mode_t mode;         /* its permission bits, given to the new file */
} out_target;

/* Does p name an open file descriptor (/dev/fd/N, /proc/PID/fd/N)? */
static int descriptor_path(const char *p)
{
	return !strncmp(p, "/dev/fd/", 8) || (!strncmp(p, "/proc/", 6) && strstr(p, "/fd/"));
}

/* The path a symbolic link at cur names, into cur (relative to cur's folder). */
static int follow_link(char *cur)
{
	char link[PATH_MAX], next[PATH_MAX];
	const char *slash = strrchr(cur, '/');
	ssize_t n = readlink(cur, link, sizeof link - 1);
	int k;
	if (n < 0)
		return -1;
	link[n] = '\0';
	if (link[0] == '/' || !slash)
		k = snprintf(next, sizeof next, "%s", link);
	else
		k = snprintf(next, sizeof next, "%.*s/%s", (int)(slash - cur), cur, link);
	if (k < 0 || (size_t)k >= sizeof next) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(cur, next, (size_t)k + 1);
	return 0;
}

/*
 * Works out where OUT's bytes go (docs/batch.md "Output files"): its
 * symbolic links are followed to the file they name (a dangling link: the
 * path it names, created there), so the link stays and its target gets the
 * output; a regular file or a new one is replaced through a temporary file;
 * a device, FIFO or socket is written in place; a path naming a descriptor
 * is written as that descriptor. Returns 0, or -1 with errno set.
 */
static int resolve_out(const char *out, out_target *t)
{
	struct stat st, so;
	int hops;
	memset(t, 0, sizeof t[0]);
	if (strlen(out) >= sizeof t->path)
		return errno = ENAMETOOLONG, -1;
	strcpy(t->path, out);
	for (hops = 0;; hops++) {
		if (descriptor_path(t->path)) {
			t->kind = stat(out, &st) == 0 && fstat(STDOUT_FILENO, &so) == 0 &&
					  st.st_dev == so.st_dev && st.st_ino == so.st_ino
				      ? OUT_STDOUT
				      : OUT_DIRECT;
			return 0;
		}
		if (lstat(t->path, &st) != 0) {
			if (errno != ENOENT)
				return -1;
			t->kind = OUT_RENAME; /* a new file */
			return 0;
		}
		if (!S_ISLNK(st.st_mode))
			break;
		if (hops == 40)
			return errno = ELOOP, -1;
		if (follow_link(t->path) != 0)
			return -1;
	}
	if (S_ISDIR(st.st_mode))
		return errno = EISDIR, -1;
	t->kind = S_ISREG(st.st_mode) ? OUT_RENAME : OUT_DIRECT;
	t->keep_mode = S_ISREG(st.st_mode);
	t->mode = st.st_mode & 07777;
	return 0;
}

/* Opens a temporary file in the folder of t->path for the output, with the
 * old file's permission bits (a new file: 0666 less the umask, as fopen). */
static FILE *open_tmp(const out_target *t)
{
	const char *out = t->path, *slash = strrchr(out, '/');
	int fd, n;
	mode_t um;
	FILE *f;
	if (slash)
		n = snprintf(tmp_path, sizeof tmp_path, "%.*s/.%s.kaifang-XXXXXX",
			     (int)(slash - out), out, slash + 1);
	else
		n = snprintf(tmp_path, sizeof tmp_path, ".%s.kaifang-XXXXXX", out);
	if (n < 0 || (size_t)n >= sizeof tmp_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(tmp_path)) < 0)
		return NULL;
	tmp_live = 1;
	um = umask(0);
	umask(um);
	(void)fchmod(fd, t->keep_mode ? t->mode : 0666 & ~um);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp_path);
		tmp_live = 0;
	}
	return f;
}

/* Cleans up the temporary file on sig; a signal ignored when we started
 * (nohup's SIGHUP, an ignored SIGPIPE: write errors instead) stays ignored. */
static void catch_signal(int sig, int unless_ignored)
{
	void (*old)(int) = signal(sig, on_signal);
	if (unless_ignored && old == SIG_IGN)
		signal(sig, SIG_IGN);
}

/* Opens the output for -o (kinds in out_target); NULL with errno set. */
static FILE *open_out(const char *out_path, out_target *t)
{
	catch_signal(SIGINT, 0);
	catch_signal(SIGTERM, 0);
	catch_signal(SIGHUP, 1);
	catch_signal(SIGPIPE, 1);
	if (resolve_out(out_path, t) != 0)
		return NULL;
	if (t->kind == OUT_STDOUT)
		return stdout;
	if (t->kind == OUT_DIRECT)
		return fopen(t->path, "w");
	return open_tmp(t);
}

/* Closes the -o output; renames the temporary file over its file when rc is
 * 0, else removes it. Returns the exit code. */
static int close_out(FILE *out, const char *out_path, const out_target *t, int rc)
{
	if (out != stdout && fclose(out) != 0 && !rc) {
		kf_cli_err("batch: write error on '%s': %s", out_path, strerror(errno));
		rc = EXIT_USAGE;
	}
	if (t->kind != OUT_RENAME)
		return rc;
	if (!rc && rename(tmp_path, t->path) != 0) {
		kf_cli_err("batch: cannot rename the output to '%s': %s", t->path, strerror(errno));
		rc = EXIT_USAGE;
	}
	if (rc)
		unlink(tmp_path); /* no partial output */
	tmp_live = 0;
	return rc;
}

static int parse_delimiter(const char *s, char *d)
{
	if (!strcasecmp(s, "tab") || !strcmp(s, "\\t"))
		return *d = '\t', 0;
	if (strlen(s) != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
		return -1;
	*d = s[0];
	return 0;
}

/* Sniffs the format from the name, else from the first non-blank byte. */
static kf_batch_format sniff(const char *path, FILE *in)
{
	int ch;
	if (has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson") || has_suffix(path, ".json"))
		return KF_BATCH_JSONL;
	if (has_suffix(path, ".csv"))
		return KF_BATCH_CSV;
	while ((ch = getc(in)) != EOF && isspace(ch))
		;
	if (ch != EOF)
		ungetc(ch, in);
	return ch == '{' ? KF_BATCH_JSONL : KF_BATCH_CSV;
}

static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

/* Runs the batch from in to out; prints its errors. Returns the exit code. */
static int run(const kf_rulebook *rb, const kf_batch_opts *o, FILE *in, FILE *out, progress *pg)
{
	kf_batch *b = NULL;
	kf_error e;
	kf_status st;
	const kf_batch_stats *s;
	kf_error_clear(&e);
	st = kf_batch_open(rb, o, read_file, in, write_file, out, &b, &e);
	if (st == KF_OK)
		st = kf_batch_run(b, on_progress, pg, &e);
	if (st != KF_OK) {
		if (pg->on)
			fputs("\r\033[K", stderr);
		if (e.line && *e.field && strstr(e.message, "line ") != e.message)
			kf_cli_err("batch: line %d: %s: %s", e.line, e.field, e.message);
		else if (*e.field && st != KF_ERR_INVALID)
			kf_cli_err("batch: %s: %s", e.field, e.message);
		else
			kf_cli_err("batch: %s", e.message);
		kf_batch_free(b);
		return exit_of(st);
	}
	s = kf_batch_get_stats(b);
	show_progress(pg, s, 1);
	if (s->bad)
		kf_cli_err("batch: %llu of %llu rows have an error (see the error column)",
			   (unsigned long long)s->bad, (unsigned long long)s->rows);
	kf_batch_free(b);
	return 0;
}

int kf_cli_batch(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'F'},
					     {"strict", no_argument, NULL, 'S'},
					     {"rulebook", required_argument, NULL, 'R'},
					     {"delimiter", required_argument, NULL, 'd'},
					     {"jobs", required_argument, NULL, 'j'},
					     {"columns", required_argument, NULL, 'c'},
					     {"output-format", required_argument, NULL, 'X'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *in_path, *dir = NULL, *fmt = NULL, *out_path = NULL, *ofmt = NULL;
	kf_batch_opts o;
	progress pg;
	FILE *in, *out = NULL;
	out_target ot;
	struct stat st;
	kf_rulebook *rb;
	int c, rc = 0;
	char *end;

	memset(&o, 0, sizeof o);
	memset(&pg, 0, sizeof pg);
	o.jobs = default_jobs();
	pg.size = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:F:Sd:j:R:c:X:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = strcmp(optarg, "-") ? optarg : NULL; break;
		case 'F': fmt = optarg; break;
		case 'S': o.strict = 1; break;
		case 'c':
			if (strcmp(optarg, "basic") && strcmp(optarg, "full")) {
				kf_cli_err("batch: --columns '%s': expected basic or full", optarg);
				return EXIT_USAGE;
			}
			o.columns =
			    strcmp(optarg, "full") ? KF_BATCH_COLUMNS_BASIC : KF_BATCH_COLUMNS_FULL;
			break;
		case 'X': ofmt = optarg; break;
		case 'R': dir = optarg; break;
		case 'd':
			if (parse_delimiter(optarg, &o.delimiter)) {
				kf_cli_err("batch: --delimiter '%s': expected one character (not a "
					   "quote or line break) or 'tab'",
					   optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j': {
			long j = strtol(optarg, &end, 10);
			if (*end || end == optarg || j < 1 || j > 64) {
				kf_cli_err("batch: --jobs '%s': expected a number from 1 to 64",
					   optarg);
				return EXIT_USAGE;
			}
			o.jobs = (unsigned)j;
			break;
		}
		case 'h': batch_usage(stdout); return 0;
		default: batch_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			kf_cli_err("batch: the input file IN is required (or '-' for stdin)");
		else
			kf_cli_err("batch: unexpected argument '%s'", argv[optind + 1]);
		batch_usage(stderr);
		return EXIT_USAGE;
	}
	in_path = argv[optind];
	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "jsonl")) {
		kf_cli_err("batch: unknown format '%s'; expected csv or jsonl", fmt);
		return EXIT_USAGE;
	}
	if (!strcmp(in_path, "-"))
		in = stdin;
	else if (!(in = fopen(in_path, "r"))) {
		kf_cli_err("batch: cannot open '%s': %s", in_path, strerror(errno));
		return EXIT_USAGE;
	}
	if (out_path && same_file(in, out_path)) {
		kf_cli_err("batch: the output '%s' is the input file; writing it would destroy "
			   "the input, so give another -o",
			   out_path);
		if (in != stdin)
			fclose(in);
		return EXIT_USAGE;
	}
	setvbuf(in, NULL, _IOFBF, IO_BUF);
	if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
		pg.size = (long long)st.st_size;
	o.format =
	    fmt ? (!strcmp(fmt, "jsonl") ? KF_BATCH_JSONL : KF_BATCH_CSV) : sniff(in_path, in);
	if (!ofmt && out_path && has_suffix(out_path, ".xlsx"))
		ofmt = "xlsx";
	if (ofmt && !strcmp(ofmt, "xlsx"))
		o.output = KF_BATCH_OUT_XLSX;
	else if (ofmt && strcmp(ofmt, o.format == KF_BATCH_CSV ? "csv" : "jsonl")) {
		kf_cli_err("batch: --output-format '%s': expected xlsx or the input's format (%s)",
			   ofmt, o.format == KF_BATCH_CSV ? "csv" : "jsonl");
		if (in != stdin)
			fclose(in);
		return EXIT_USAGE;
	}
	if (o.output == KF_BATCH_OUT_XLSX && !out_path && isatty(STDOUT_FILENO)) {
		kf_cli_err("batch: an XLSX workbook is binary; give -o FILE.xlsx or redirect "
			   "standard output");
		if (in != stdin)
			fclose(in);
		return EXIT_USAGE;
	}
	rb = kf_cli_load(kf_cli_rulebook_dir(dir), &rc);
	if (!rb) {
		if (in != stdin)
			fclose(in);
		return rc;
	}
	if (out_path) {
		if (!(out = open_out(out_path, &ot))) {
			kf_cli_err("batch: cannot write '%s': %s", out_path, strerror(errno));
			rc = EXIT_USAGE;
		}
	} else
		out = stdout;
	if (!rc) {
		setvbuf(out, NULL, _IOFBF, IO_BUF);
		pg.on = isatty(STDERR_FILENO);
		pg.t0 = pg.tlast = now();
		rc = run(rb, &o, in, out, &pg);
		if ((fflush(out) != 0 || ferror(out)) && !rc) { /* (else run said why) */
			kf_cli_err("batch: write error on '%s': %s", out_path ? out_path : "-",
				   strerror(errno));
			rc = EXIT_USAGE;
		}
	}
	if (out_path && out)
		rc = close_out(out, out_path, &ot, rc);
	if (in != stdin)
		fclose(in);
	kf_rulebook_free(rb);
	return rc;
}
