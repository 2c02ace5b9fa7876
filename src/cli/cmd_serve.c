/*
 * cli/cmd_serve.c — `kaifang serve`: options, the rulebook and the web
 * folder, then the server of src/server/ until SIGTERM or SIGINT
 * (docs/api.md, docs/cli.md).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "server/server.h"

static void serve_usage(FILE *f)
{
	fprintf(f, "usage: kaifang serve [--listen HOST:PORT] [--rulebook DIR] [--web DIR]\n"
		   "                     [--threads N] [--max-body BYTES] [--max-items N]\n"
		   "                     [--max-connections N] [--max-per-ip N]\n"
		   "                     [--header-timeout SECONDS] [--timeout SECONDS] [--quiet]\n"
		   "\n"
		   "Serves the JSON API (docs/api.md) and the web page on loopback.\n"
		   "\n"
		   "  -l, --listen HOST:PORT  address to listen on (default 127.0.0.1:8080;\n"
		   "                          port 0 picks a free port, printed on stderr)\n"
		   "  -R, --rulebook DIR      a rulebook folder; repeat for several sectors,\n"
		   "                          the first the default (default: every shipped\n"
		   "                          one, telecom first; or --sector NAME,...)\n"
		   "  -w, --web DIR           folder of index.html, app.css, app.js (default:\n"
		   "                          web/ beside the program, as for the rulebook)\n"
		   "  -t, --threads N         worker threads (default 2)\n"
		   "  -b, --max-body BYTES    request body limit (default 1048576)\n"
		   "  -n, --max-items N       questions in one POST /v1/decisions (default 10000)\n"
		   "      --max-connections N connections served at once (default 512); up to\n"
		   "                          N/8 more (at least 4) are answered 503, and\n"
		   "                          beyond those a connection is closed at once\n"
		   "      --max-per-ip N      connections from one address (default 32; 0: no\n"
		   "                          limit); more are closed at once\n"
		   "      --header-timeout SECONDS\n"
		   "                          a request line and headers must arrive within\n"
		   "                          this of the connection opening or of the\n"
		   "                          previous answer, else the connection is closed\n"
		   "                          (default 5; also ends idle keep-alive)\n"
		   "  -T, --timeout SECONDS   close a connection without progress (default 10)\n"
		   "  -q, --quiet             no access log\n"
		   "\n"
		   "Stops on SIGTERM or SIGINT after the requests in flight are answered.\n"
		   "Exit status: 0 stopped by a signal, 2 usage, 3 invalid rulebook, 70 the\n"
		   "server could not start.\n");
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The web folder: dir when given, else $KAIFANG_WEB, else web/ found beside
 * the executable the way kf_cli_rulebook_dir finds the rulebook, else ./web.
 * NULL when none exists. */
static const char *web_dir(const char *dir)
{
	static char found[PATH_MAX];
	const char *env = getenv("KAIFANG_WEB");
	if (dir)
		return is_dir(dir) ? dir : NULL;
	if (env && *env)
		return is_dir(env) ? env : NULL;
	if (kf_cli_find_beside("web", found, sizeof found))
		return found;
	return is_dir("web") ? "web" : NULL;
}

static int parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;
	unsigned long v;
	if (!s || !*s || *s == '-')
		goto bad;
	v = strtoul(s, &end, 10);
	if (*end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	kf_cli_err("serve: --%s: expected a whole number from %lu to %lu, got '%s'", opt, min, max,
		   s ? s : "");
	return -1;
}

/* Splits HOST:PORT ("[::1]:8080" for IPv6; ":8080" or "8080" keeps the host). */
static int parse_listen(const char *s, kf__srv_opts *o)
{
	const char *colon;
	unsigned long port;
	size_t hl;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			goto bad;
		hl = (size_t)(close - s - 1);
		if (hl == 0 || hl >= sizeof o->host)
			goto bad;
		memcpy(o->host, s + 1, hl);
		o->host[hl] = '\0';
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			colon = s - 1; /* only a port */
		hl = (size_t)(colon - s);
		if (colon >= s && hl > 0) {
			if (hl >= sizeof o->host)
				goto bad;
			memcpy(o->host, s, hl);
			o->host[hl] = '\0';
		}
	}
	if (parse_uint("listen", colon + 1, 0, 65535, &port) < 0)
		return -1;
	o->port = (unsigned)port;
	/* a numeric address, checked here so a bad one is a usage error (exit 2),
	 * not a server that could not start; "localhost" is the loopback */
	if (!strcmp(o->host, "localhost"))
		snprintf(o->host, sizeof o->host, "127.0.0.1");
	{
		unsigned char addr[16];
		if (inet_pton(AF_INET, o->host, addr) != 1 &&
		    inet_pton(AF_INET6, o->host, addr) != 1) {
			kf_cli_err("serve: --listen: '%s' is not a numeric IP address; expected "
				   "HOST:PORT such as 127.0.0.1:8080",
				   o->host);
			return -1;
		}
	}
	return 0;
bad:
	kf_cli_err("serve: --listen: expected HOST:PORT such as 127.0.0.1:8080, got '%s'", s);
	return -1;
}

/* Long options without a letter. */
enum { OPT_MAX_CONNS = 256, OPT_PER_IP, OPT_HEADER_TIMEOUT };

int kf_cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"rulebook", required_argument, NULL, 'R'},
	    {"web", required_argument, NULL, 'w'},
	    {"threads", required_argument, NULL, 't'},
	    {"max-body", required_argument, NULL, 'b'},
	    {"max-items", required_argument, NULL, 'n'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
	    {"max-per-ip", required_argument, NULL, OPT_PER_IP},
	    {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	kf__srv_opts o;
	/* static: reachable on the usage-error returns below (one serve a run) */
	static const char **dirs;
	const char *web = NULL, *wd;
	int ndirs = 0;
	unsigned long v;
	int c, code = 0;
	kf__srv_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:R:w:t:b:n:T:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_listen(optarg, &o) < 0)
				return EXIT_USAGE;
			break;
		case 'R': {
			const char **nd = realloc(dirs, sizeof *dirs * (size_t)(ndirs + 1));
			if (!nd)
				return EXIT_INTERNAL;
			dirs = nd;
			dirs[ndirs++] = optarg;
			break;
		}
		case 'w': web = optarg; break;
		case 't':
			if (parse_uint("threads", optarg, 1, 64, &v) < 0)
				return EXIT_USAGE;
			o.threads = (unsigned)v;
			break;
		case 'b':
			if (parse_uint("max-body", optarg, 1024, 256ul << 20, &v) < 0)
				return EXIT_USAGE;
			o.max_body = v;
			break;
		case 'n':
			if (parse_uint("max-items", optarg, 1, 1000000, &v) < 0)
				return EXIT_USAGE;
			o.max_items = (unsigned)v;
			break;
		case 'T':
			if (parse_uint("timeout", optarg, 1, 3600, &v) < 0)
				return EXIT_USAGE;
			o.timeout_s = (unsigned)v;
			break;
		case OPT_MAX_CONNS:
			if (parse_uint("max-connections", optarg, 1, 100000, &v) < 0)
				return EXIT_USAGE;
			o.conn_limit = (unsigned)v;
			break;
		case OPT_PER_IP:
			if (parse_uint("max-per-ip", optarg, 0, 100000, &v) < 0)
				return EXIT_USAGE;
			o.per_ip = (unsigned)v;
			break;
		case OPT_HEADER_TIMEOUT:
			if (parse_uint("header-timeout", optarg, 1, 3600, &v) < 0)
				return EXIT_USAGE;
			o.header_s = (unsigned)v;
			break;
		case 'q': o.access_log = 0; break;
		case 'h': serve_usage(stdout); return 0;
		default: serve_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		kf_cli_err("serve: unexpected argument '%s'", argv[optind]);
		serve_usage(stderr);
		return EXIT_USAGE;
	}
	wd = web_dir(web);
	if (web && !wd) {
		kf_cli_err("serve: --web: '%s' is not a folder", web);
		return EXIT_USAGE;
	}
	if (!wd)
		kf_cli_err("serve: no web folder found; serving the API only (use --web DIR)");
	o.web_dir = wd;
	code = kf_cli_serve_rulebooks(&o, dirs, ndirs);
	free(dirs);
	dirs = NULL;
	return code;
}
