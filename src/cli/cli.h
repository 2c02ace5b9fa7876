/*
 * cli/cli.h — shared pieces of the kaifang command (uses the public API only).
 *
 * Exit codes (docs/cli.md): 0 decided / ok, 1 check found errors in cases,
 * 2 usage or input error, 3 rulebook invalid, 4 storage, 70 internal.
 */
#ifndef KF_CLI_H
#define KF_CLI_H

#include <stdio.h>

#include "kaifang/kaifang.h"

#define EXIT_DECIDED  0
#define EXIT_USAGE    2
#define EXIT_RULEBOOK 3
#define EXIT_STORAGE  4
#define EXIT_INTERNAL 70

/* Prints "kaifang: " + message to stderr. */
void kf_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error object to stderr with the "kaifang: " prefix. */
void kf_cli_print_error(const kf_error *e);

/* The rulebook folder to use: dir when not NULL, else $KAIFANG_RULEBOOK, else
 * the shipped rulebooks/cn-telecom found beside the executable. */
const char *kf_cli_rulebook_dir(const char *dir);

/* --sector (cli/sectors.c, docs/cli.md "The rulebook"). kf_cli_sectors_take
 * removes every --sector NAME[,NAME...] from argv (checking each names a
 * shipped rulebooks/cn-NAME) and returns the new argc, or -1 after an error
 * message naming the known sectors. kf_cli_sectors_given sets *out to the
 * names given, in order (borrowed), and returns their count.
 * kf_cli_sector_dir writes the folder of sector `name` into buf and returns
 * buf, or NULL when there is none. kf_cli_sectors_shipped returns the count
 * of shipped sectors (telecom first, then by name), writes them into buf as
 * "telecom, services" when buf is not NULL, and with list sets *list to
 * malloc'ed names (each malloc'ed). */
int kf_cli_sectors_take(int argc, char **argv);
/* `kaifang serve`'s rulebooks (cli/serve_sectors.c): dirs[0..n) given with
 * --rulebook, then the --sector ones; none: every shipped one, telecom first
 * ($KAIFANG_RULEBOOK, when set, alone). Loads them, checks no two share a
 * sector, runs the server (struct kf__srv_opts, server/server.h). Returns
 * the exit status. */
struct kf__srv_opts;
int kf_cli_serve_rulebooks(const struct kf__srv_opts *o, const char *const *dirs, int n);
int kf_cli_sectors_given(const char *const **out);
const char *kf_cli_sector_dir(const char *name, char *buf, size_t size);
int kf_cli_sectors_shipped(char *buf, size_t size, char ***list);

/* Finds the folder `what` (e.g. "web") shipped beside the executable: in
 * EXE/../, EXE/../../ or EXE/../share/kaifang/. Writes its real path into buf
 * and returns buf, or returns NULL when not found. */
const char *kf_cli_find_beside(const char *what, char *buf, size_t size);

/* Loads a rulebook, printing every error on failure. Returns NULL on failure
 * and sets *exit_code (3 invalid rulebook, 70 out of memory). */
kf_rulebook *kf_cli_load(const char *dir, int *exit_code);

/* Runs the golden cases in DIR/golden/ (*.yaml) against rb; prints failures to
 * stderr and a summary line to out. Returns the number of failures, or -1 when
 * a case file is malformed (printed). *unexercised gets the count of measures
 * no case names. */
int kf_cli_golden(const kf_rulebook *rb, const char *dir, FILE *out, int verbose, int *ncases,
		  int *unexercised);

/* Prints the question of every golden case in DIR/golden/ (*.yaml), read as
 * `check` reads it, as one JSON object a line to out: {file, line, name,
 * measure, question: {service, region, date, investor, foreign_share,
 * outside_zones} (text as written, null when absent), error (the refusal the
 * case expects, or null)}. Decides nothing: for other doors to ask the same
 * questions (tests/cli/test_ext.sh). Returns the number of cases, or -1 when
 * a case file is malformed (printed). */
int kf_cli_golden_questions(const char *dir, FILE *out);

/* The option that gives a question field ("foreign_share" -> "foreign-share",
 * "outside_zones" -> "outside-zones"); other names unchanged. Static string
 * or `field` itself. */
const char *kf_cli_option_of(const char *field);

/* Sets the library's clock from $KAIFANG_NOW (an ISO instant such as
 * 2025-04-10T23:30:00Z) when it is set, for tests. Returns 0, or -1 after
 * printing why the value is not an instant. */
int kf_cli_clock_from_env(void);

/* Writes s as a JSON string (quoted, escaped) to f. */
void kf_cli_json_str(FILE *f, const char *s);

/* Prints a view the library rendered (out, released here; NULL means the
 * library ran out of memory) to stdout, with a final newline for JSON.
 * Returns 0 or EXIT_INTERNAL. */
int kf_cli_print_view(char *out, int json, const char *what);

/* --lang NAME into *out (cli_lang.c): 0, or EXIT_USAGE after saying which
 * names are known. */
int kf_cli_lang(const char *cmd, const char *name, kf_lang *out);
/* Writes a rendered view (data; NULL means the library ran out of memory) to
 * path, or to stdout when path is NULL or "-", with a final newline when
 * `newline`. A file is written beside path and renamed over it. Returns 0,
 * EXIT_USAGE (cannot write) or EXIT_INTERNAL. */
int kf_cli_write_out(const char *cmd, const char *path, const char *data, int newline);

/* Subcommands: each returns the process exit code. */
int kf_cli_decide(int argc, char **argv, int explain);
int kf_cli_check(int argc, char **argv);
int kf_cli_list(int argc, char **argv);
int kf_cli_matrix(int argc, char **argv);
int kf_cli_serve(int argc, char **argv);
int kf_cli_timeline(int argc, char **argv);
int kf_cli_diff(int argc, char **argv);

#endif
