/*
 * server/http.c — the libmicrohttpd side of `kaifang serve`: the daemon and
 * its limits, request bodies, the access log, and graceful shutdown.
 *
 * The daemon runs its own polling threads (MHD_USE_INTERNAL_POLLING_THREAD
 * with a pool of opts.threads). Limits (docs/api.md "Limits"):
 *   - connections: MHD_OPTION_CONNECTION_LIMIT; more are refused at accept;
 *   - slow or idle clients: MHD_OPTION_CONNECTION_TIMEOUT closes them;
 *   - the request line and headers: MHD_OPTION_CONNECTION_MEMORY_LIMIT
 *     (MHD answers 431 itself when they do not fit);
 *   - the body: counted as it arrives and dropped once over max_body, with
 *     413 at its end; a Content-Length over 16 times the limit gets 413
 *     before anything is read, and a client that keeps sending more than 16
 *     times the limit (chunked) is cut off.
 * Shutdown: the main thread waits for SIGTERM or SIGINT with sigwait (the
 * pool threads are created with those signals blocked), then quiesces the
 * daemon (no new connections), waits until every request in flight has been
 * answered (at most opts.drain_s seconds) and stops the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server/server.h"

void kf__srv_opts_default(kf__srv_opts *o)
{
	memset(o, 0, sizeof *o);
	snprintf(o->host, sizeof o->host, "127.0.0.1");
	o->port = 8080;
	o->max_body = (size_t)1 << 20;
	o->max_items = 10000;
	o->max_depth = 32;
	o->threads = 2;
	o->conn_limit = 256;
	o->timeout_s = 10;
	o->conn_memory = 32 * 1024;
	o->drain_s = 10;
	o->access_log = 1;
}

typedef struct server {
	kf__srv_opts opts;
	kf__srv_api *api;
	_Atomic long in_flight; /* requests begun and not yet completed */
} server;

/* Per-request state, created on the first call of the access handler and
 * released by the completion callback. */
typedef struct request {
	uint64_t t0; /* monotonic microseconds at the first call */
	kf__srv_route route;
	char method[16];
	char path[256]; /* truncated copy for the access log */
	char *body;     /* collected body, NUL-terminated */
	size_t len, cap;
	size_t seen; /* bytes received, kept or not */
	int too_large;
	unsigned status; /* reply status, for the log and metrics */
	size_t bytes;    /* reply body size */
} request;

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *query_arg(void *ctx, const char *name)
{
	const char *v = NULL;
	size_t n = 0;
	if (MHD_lookup_connection_value_n((struct MHD_Connection *)ctx, MHD_GET_ARGUMENT_KIND, name,
					  strlen(name), &v, &n) != MHD_YES)
		return NULL;
	/* a %00 would cut the value short and the rest would be silently ignored:
	 * give a value no lookup accepts, so the client gets a 400 naming it */
	if (v && strlen(v) != n)
		return "(NUL byte %00 in the parameter)";
	return v;
}

static void free_body(void *p) { free(p); }

/* A streamed reply (kf__srv_reply.stream) as libmicrohttpd's content reader. */
typedef struct stream {
	long (*more)(void *ctx, char *buf, size_t max);
	void (*done)(void *ctx);
	void *ctx;
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *s = cls;
	long n = s->more(s->ctx, buf, max);
	(void)pos;
	return n > 0    ? (ssize_t)n
	       : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
			: MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_free(void *cls)
{
	stream *s = cls;
	if (s->done)
		s->done(s->ctx);
	free(s);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, request *r, kf__srv_reply *rep)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	if (rep->stream) {
		stream *s = malloc(sizeof *s);
		if (!s) {
			if (rep->stream_free)
				rep->stream_free(rep->stream_ctx);
			return MHD_NO;
		}
		s->more = rep->stream;
		s->done = rep->stream_free;
		s->ctx = rep->stream_ctx;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read,
							 s, stream_free);
		if (!resp) {
			stream_free(s);
			return MHD_NO;
		}
	} else if (rep->body_static)
		resp = MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer_with_free_callback(rep->len, rep->body,
									  free_body);
	if (!resp) {
		if (!rep->body_static)
			free(rep->body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rep->ctype && !strncmp(rep->ctype, "text/html", 9))
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; "
					"frame-ancestors 'none'");
	if (rep->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	r->status = rep->status;
	r->bytes = rep->len;
	ret = MHD_queue_response(c, rep->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	server *s = cls;
	request *r = *con_cls;
	kf__srv_request rq;
	kf__srv_reply rep;
	if (!r) {
		const char *cl;
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->t0 = now_us();
		r->route = kf__srv_route_of(url);
		snprintf(r->method, sizeof r->method, "%s", method);
		snprintf(r->path, sizeof r->path, "%s", url);
		/* the access log is one line per request: no control characters */
		for (char *pc = r->path; *pc; pc++)
			if ((unsigned char)*pc < 0x20 || *pc == 0x7f)
				*pc = '?';
		*con_cls = r;
		atomic_fetch_add(&s->in_flight, 1);
		cl =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > s->opts.max_body) {
			r->too_large = 1;
			/* Up to 16 times the limit, the body is read and dropped, and
			 * 413 comes at its end: a client still sending when the server
			 * answers and closes may lose the answer to a reset. Beyond
			 * that, 413 is sent before reading and MHD closes. */
			if (strtoull(cl, NULL, 10) / 16 > s->opts.max_body) {
				kf__srv_error(
				    &rep, 413, "body_too_large", NULL,
				    "the request body (%s bytes) is larger than the limit "
				    "of %zu bytes",
				    cl, s->opts.max_body);
				return send_reply(c, r, &rep);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		r->seen += n;
		if (r->status) /* already answered (413 on Content-Length) */
			return MHD_YES;
		if (r->too_large || r->len + n > s->opts.max_body) {
			r->too_large = 1;
			free(r->body);
			r->body = NULL;
			r->len = r->cap = 0;
			/* A client that keeps sending far past the limit is cut off. */
			return r->seen > 16 * s->opts.max_body ? MHD_NO : MHD_YES;
		}
		if (r->len + n + 1 > r->cap) {
			size_t ncap = r->cap ? r->cap : 1024;
			char *nb;
			while (ncap < r->len + n + 1)
				ncap *= 2;
			nb = realloc(r->body, ncap);
			if (!nb)
				return MHD_NO;
			r->body = nb;
			r->cap = ncap;
		}
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		r->body[r->len] = '\0';
		return MHD_YES;
	}
	if (r->status) /* 413 already queued */
		return MHD_YES;
	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.path = url;
	rq.ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	rq.body = r->body;
	rq.len = r->len;
	rq.too_large = r->too_large;
	rq.query = query_arg;
	rq.query_ctx = c;
	kf__srv_api_handle(s->api, r->route, &rq, &rep);
	return send_reply(c, r, &rep);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	server *s = cls;
	request *r = *con_cls;
	uint64_t us;
	if (!r)
		return;
	us = now_us() - r->t0;
	if (!r->status) /* the client went away, or the handler failed */
		r->status = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
	kf__srv_metrics_request(r->route, r->status, us);
	if (s->opts.access_log)
		fprintf(stderr, "kaifang: access %s %s %u %zu %lluus%s\n", r->method, r->path,
			r->status, r->bytes, (unsigned long long)us,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	fprintf(stderr, "kaifang: serve: %s\n", msg);
}

int kf__srv_run(const kf__srv_opts *o, const kf_rulebook *rb)
{
	server s;
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	socklen_t sl;
	sigset_t set;
	int sig = 0, v6 = strchr(o->host, ':') != NULL;
	const union MHD_DaemonInfo *info;
	unsigned port;
	MHD_socket lsock;
	uint64_t t_end;

	memset(&s, 0, sizeof s);
	s.opts = *o;
	memset(&ss, 0, sizeof ss);
	if (v6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)o->port);
		if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) != 1) {
			fprintf(stderr, "kaifang: serve: '%s' is not a numeric IPv6 address\n",
				o->host);
			return -1;
		}
		sl = sizeof *a6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)o->port);
		if (inet_pton(AF_INET, o->host, &a4->sin_addr) != 1) {
			fprintf(stderr, "kaifang: serve: '%s' is not a numeric IPv4 address\n",
				o->host);
			return -1;
		}
		sl = sizeof *a4;
	}
	(void)sl;
	s.api = kf__srv_api_new(rb, o);
	if (!s.api) {
		fprintf(stderr, "kaifang: serve: out of memory preparing the API\n");
		return -1;
	}
	/* Block the stop signals before MHD starts its threads, so that they
	 * inherit the mask and only sigwait below receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG |
		(v6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)o->port, NULL, NULL, on_request, &s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
	    NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)o->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->conn_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->conn_memory, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, &s, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "kaifang: serve: cannot listen on %s port %u: %s\n", o->host,
			o->port, errno ? strerror(errno) : "libmicrohttpd failed to start");
		kf__srv_api_free(s.api);
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : o->port;
	fprintf(stderr, "kaifang: serving rulebook '%s' (sha256 %.12s) on http://%s%s%s:%u/\n",
		kf_rulebook_id(rb), kf_rulebook_sha256(rb), v6 ? "[" : "", o->host, v6 ? "]" : "",
		port);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "kaifang: serve: %s received; finishing requests in flight\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	lsock = MHD_quiesce_daemon(d);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	t_end = now_us() + (uint64_t)o->drain_s * 1000000u;
	while (atomic_load(&s.in_flight) > 0 && now_us() < t_end) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&s.in_flight) > 0)
		fprintf(stderr, "kaifang: serve: %ld requests still running after %us; stopping\n",
			atomic_load(&s.in_flight), o->drain_s);
	MHD_stop_daemon(d);
	kf__srv_api_free(s.api);
	fprintf(stderr, "kaifang: serve: stopped\n");
	return 0;
}
