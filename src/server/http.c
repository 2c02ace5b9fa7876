/*
 * server/http.c — the libmicrohttpd side of `kaifang serve`: the daemon and
 * its limits, request bodies, the access log, and graceful shutdown.
 *
 * The daemon runs its own polling threads (MHD_USE_INTERNAL_POLLING_THREAD
 * with a pool of opts.threads). Limits (docs/api.md "Limits"):
 *   - connections: opts.conn_limit are served at once. Up to `spare` more
 *     (conn_limit / 8, at least 4) are accepted so that their request can be
 *     answered 503 at once, with one second to send it; beyond that a new
 *     connection is closed at accept (the accept policy callback). The
 *     daemon's own limit is set higher than both, so libmicrohttpd never
 *     stops accepting and leaves clients queued in the kernel's backlog;
 *   - connections from one address: MHD_OPTION_PER_IP_CONNECTION_LIMIT;
 *     libmicrohttpd closes the excess at accept, before any byte is read;
 *   - the request header: it must be complete within opts.header_s of the
 *     connection opening or of the previous answer (so idle keep-alive
 *     connections go too). libmicrohttpd's timeout only counts silence, and
 *     a client sending a header line every few seconds never trips it, so
 *     each connection is registered at open (MHD_OPTION_NOTIFY_CONNECTION)
 *     and the main thread closes the late ones (shutdown() of the socket;
 *     libmicrohttpd sees the end of the stream and cleans up);
 *   - slow or idle clients otherwise: MHD_OPTION_CONNECTION_TIMEOUT closes a
 *     connection without progress for opts.timeout_s;
 *   - the request line and headers: MHD_OPTION_CONNECTION_MEMORY_LIMIT
 *     (MHD answers 431 itself when they do not fit);
 *   - the body: counted as it arrives and dropped once over max_body, with
 *     413 at its end; a Content-Length over 16 times the limit, or over the
 *     limit with `Expect: 100-continue`, gets 413 before anything is read
 *     (so no `100 Continue`), and a client that keeps sending more than 16
 *     times the limit (chunked) is cut off.
 * Errors that libmicrohttpd answers itself (a malformed request or chunked
 * body, a header over the memory limit) carry its HTML body: 0.9.75 has no
 * way to replace it. The access log records the status it sent.
 * Shutdown: the main thread waits for SIGTERM or SIGINT with sigtimedwait
 * (the pool threads are created with those signals blocked), closing late
 * connections between waits; then it quiesces the daemon (no new
 * connections), waits until every request in flight has been answered (at
 * most opts.drain_s seconds) and stops the daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	o->conn_limit = 512;
	o->per_ip = 32;
	o->header_s = 5;
	o->timeout_s = 10;
	o->conn_memory = 32 * 1024;
	o->drain_s = 10;
	o->access_log = 1;
}

/* One connection (libmicrohttpd's socket context), from accept to close.
 * Every one is on server.conns, so that the main thread can close those
 * whose request header is late. */
typedef struct conn {
	struct conn *prev, *next;
	MHD_socket fd;
	uint64_t deadline; /* monotonic us by which a request header must be in;
			      0 while a request is being answered */
	int over;          /* 1: accepted over conn_limit; its request gets 503 */
	int cut;           /* 1: closed for a late header; never answered */
} conn;

typedef struct server {
	kf__srv_opts opts;
	kf__srv_sectors *api;   /* one API state per rulebook (sectors.c) */
	unsigned spare;         /* connections accepted over conn_limit to answer 503 */
	_Atomic long in_flight; /* requests begun and not yet completed */
	_Atomic long open;      /* connections open */
	pthread_mutex_t lock;   /* guards conns and their deadline, over and cut */
	conn *conns;
	pthread_mutex_t log_lock; /* guards the three log_ fields */
	uint64_t log_sec;         /* the second being counted */
	unsigned log_n;           /* libmicrohttpd messages in it */
	unsigned log_dropped;     /* of those, not printed */
} server;

/* libmicrohttpd messages printed per second; under an attack it writes one
 * per refused connection, and the log must not become the next bottleneck. */
#define LOG_PER_SECOND 10
/* Seconds a connection accepted over the limit has to send its request. */
#define OVER_HEADER_S 1

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

/* The first query parameter given twice (`date=A&date=B` must not be
 * answered for A alone), found by comparing each with those before it. */
struct arg_seen {
	const char *keys[64];
	int n;
	const char *twice; /* the first repeated name, or NULL */
	int many;          /* more than 64 parameters */
};

static enum MHD_Result seen_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct arg_seen *as = cls;
	int i;
	(void)kind, (void)value;
	if (!key)
		return MHD_YES;
	for (i = 0; i < as->n; i++)
		if (!strcmp(as->keys[i], key)) {
			as->twice = key;
			return MHD_NO;
		}
	if (as->n == (int)(sizeof as->keys / sizeof as->keys[0])) {
		as->many = 1;
		return MHD_NO;
	}
	as->keys[as->n++] = key;
	return MHD_YES;
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

/* The time the server took to compute an answer (a 30,000-row XLSX under a
 * loaded machine: seconds) is not the client's silence: libmicrohttpd counts
 * its connection timeout from the last byte read, so without this a slow
 * answer was dropped unsent (or cut off after its header, for a streamed one
 * whose rows are computed as it is sent) when it took longer than --timeout. Setting the
 * timeout to 0 and back restarts its timer (libmicrohttpd resets the timer
 * when a timeout is set on a connection that had none). */
static void restart_silence_timer(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_TIMEOUT);
	unsigned int t = ci ? ci->connection_timeout : 0;
	if (t) {
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, t);
	}
}

/* A streamed reply (kf__srv_reply.stream) as libmicrohttpd's content reader. */
typedef struct stream {
	long (*more)(void *ctx, char *buf, size_t max);
	void (*done)(void *ctx);
	void *ctx;
	struct MHD_Connection *conn; /* its timer restarted after each block */
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *s = cls;
	long n = s->more(s->ctx, buf, max);
	(void)pos;
	restart_silence_timer(s->conn);
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

/* Queues rep on c. close_conn 1: "Connection: close" (the body was not read,
 * or the client is to go away). */
static enum MHD_Result send_reply(struct MHD_Connection *c, request *r, kf__srv_reply *rep,
				  int close_conn)
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
		s->conn = c;
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
					rep->csp ? rep->csp
						 : "default-src 'self'; img-src 'self' data:; "
						   "frame-ancestors 'none'");
	if (rep->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (close_conn)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (rep->status == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	r->status = rep->status;
	r->bytes = rep->len;
	restart_silence_timer(c);
	ret = MHD_queue_response(c, rep->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The connection's entry, or NULL when it could not be allocated. */
static conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* A request's state at the first call of the access handler; NULL on no
 * memory. */
static request *request_new(server *s, struct MHD_Connection *c, const char *url,
			    const char *method)
{
	request *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->t0 = now_us();
	r->route = kf__srv_route_of(url);
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->path, sizeof r->path, "%s", url);
	/* the access log is one line per request: no control characters */
	for (char *pc = r->path; *pc; pc++)
		if ((unsigned char)*pc < 0x20 || *pc == 0x7f)
			*pc = '?';
	atomic_fetch_add(&s->in_flight, 1);
	return r;
}

/* The header is in: stops the connection's header deadline. Returns 0, or
 * -1 when the main thread has already closed it as late. */
static int conn_header_done(server *s, conn *k)
{
	int cut;
	if (!k)
		return 0;
	pthread_mutex_lock(&s->lock);
	cut = k->cut;
	k->deadline = 0;
	pthread_mutex_unlock(&s->lock);
	return cut ? -1 : 0;
}

/* 1 when the connection was accepted over the limit and the server is still
 * full: its request is answered 503. A connection accepted over the limit
 * that finds room by the time its request is in is served. */
static int conn_busy(server *s, conn *k)
{
	if (!k || !k->over)
		return 0;
	if (atomic_load(&s->open) > (long)s->opts.conn_limit)
		return 1;
	k->over = 0;
	return 0;
}

/* The first call for a request: the header is complete, no body read yet.
 * Answers at once what can be answered before the body: a full server (503)
 * and a body declared too large when the client waits for `100 Continue`
 * or when it is far too large (413). */
static enum MHD_Result request_begin(server *s, struct MHD_Connection *c, request *r)
{
	kf__srv_reply rep;
	const char *cl, *expect;
	unsigned long long len;
	conn *k = conn_of(c);
	if (conn_header_done(s, k) < 0)
		return MHD_NO;
	if (conn_busy(s, k)) {
		kf__srv_metrics_conn(KF_C_BUSY);
		kf__srv_error(&rep, 503, "server_busy", NULL,
			      "the server is serving its limit of %u connections; try again "
			      "later",
			      s->opts.conn_limit);
		return send_reply(c, r, &rep, 1);
	}
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl || (len = strtoull(cl, NULL, 10)) <= s->opts.max_body)
		return MHD_YES;
	r->too_large = 1;
	expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
	/* Up to 16 times the limit, the body is read and dropped, and 413 comes
	 * at its end: a client still sending when the server answers and closes
	 * may lose the answer to a reset. Beyond that, or when the client waits
	 * for `100 Continue` before sending, 413 is sent before reading (no 100
	 * goes out: libmicrohttpd sends it only while no answer is queued) and
	 * the connection closes. */
	if (len / 16 > s->opts.max_body || (expect && !strcasecmp(expect, "100-continue"))) {
		kf__srv_error(&rep, 413, "body_too_large", NULL,
			      "the request body (%s bytes) is larger than the limit of %zu bytes",
			      cl, s->opts.max_body);
		return send_reply(c, r, &rep, 1);
	}
	return MHD_YES;
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
		r = request_new(s, c, url, method);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		return request_begin(s, c, r);
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
	rq.authorization =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	rq.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	{
		struct arg_seen as = {{0}, 0, NULL, 0};
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, seen_arg, &as);
		if (as.twice)
			kf__srv_error(
			    &rep, 400, "bad_parameter", as.twice,
			    "the query parameter '%s' is given more than once; give it once",
			    as.twice);
		else if (as.many)
			kf__srv_error(&rep, 400, "bad_parameter", NULL,
				      "more than 64 query parameters");
		else {
			rq.params = as.keys;
			rq.nparams = as.n;
			kf__srv_sectors_handle(s->api, r->route, &rq, &rep);
		}
	}
	return send_reply(c, r, &rep, 0);
}

/* The status for the log of a request the handler did not answer: the one
 * libmicrohttpd sent itself (a malformed chunked body: 400), else 408 for a
 * timeout, else 499 (the client went away, or the handler failed). */
static unsigned status_unanswered(struct MHD_Connection *c, enum MHD_RequestTerminationCode toe,
				  int *by_mhd)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
	if (ci && ci->http_status) {
		*by_mhd = 1;
		return ci->http_status;
	}
	return toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 499;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	server *s = cls;
	request *r = *con_cls;
	conn *k = conn_of(c);
	uint64_t us;
	int by_mhd = 0;
	if (k) { /* the next request's header is due within header_s */
		pthread_mutex_lock(&s->lock);
		k->deadline = now_us() + (uint64_t)s->opts.header_s * 1000000u;
		pthread_mutex_unlock(&s->lock);
	}
	if (!r)
		return;
	us = now_us() - r->t0;
	if (!r->status)
		r->status = status_unanswered(c, toe, &by_mhd);
	kf__srv_metrics_request(r->route, r->status, us);
	if (s->opts.access_log)
		fprintf(stderr, "kaifang: access %s %s %u %zu %lluus%s%s\n", r->method, r->path,
			r->status, r->bytes, (unsigned long long)us,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)",
			by_mhd ? " (answered by libmicrohttpd)" : "");
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* Accept policy: a connection beyond the limit and its spare is closed at
 * once rather than left in the kernel's queue. (A few threads accepting at
 * the same moment may each let one more in.) */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	server *s = cls;
	(void)addr;
	(void)len;
	if (atomic_load(&s->open) >= (long)(s->opts.conn_limit + s->spare)) {
		kf__srv_metrics_conn(KF_C_REFUSED);
		return MHD_NO;
	}
	return MHD_YES;
}

/* A connection opens: registered with its header deadline; over the limit,
 * marked to be answered 503 and given OVER_HEADER_S. Or it closes. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	server *s = cls;
	conn *k;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		long n = atomic_fetch_add(&s->open, 1) + 1;
		unsigned secs = s->opts.header_s;
		kf__srv_metrics_conn(KF_C_OPENED);
		*socket_context = NULL;
		if (!ci || !(k = calloc(1, sizeof *k)))
			return; /* untracked: only libmicrohttpd's timeout applies */
		k->fd = ci->connect_fd;
		k->over = n > (long)s->opts.conn_limit;
		if (k->over && secs > OVER_HEADER_S)
			secs = OVER_HEADER_S;
		k->deadline = now_us() + (uint64_t)secs * 1000000u;
		pthread_mutex_lock(&s->lock);
		k->next = s->conns;
		if (s->conns)
			s->conns->prev = k;
		s->conns = k;
		pthread_mutex_unlock(&s->lock);
		*socket_context = k;
		return;
	}
	atomic_fetch_sub(&s->open, 1);
	kf__srv_metrics_conn(KF_C_CLOSED);
	k = *socket_context;
	if (!k)
		return;
	/* libmicrohttpd closes the socket after this returns: once k is off the
	 * list, the main thread no longer touches its descriptor */
	pthread_mutex_lock(&s->lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		s->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&s->lock);
	free(k);
	*socket_context = NULL;
}

/* Closes every connection whose request header is past its deadline. The
 * socket is shut down, not closed: libmicrohttpd owns the descriptor, reads
 * the end of the stream and releases the connection itself. */
static void close_late(server *s)
{
	uint64_t now = now_us();
	conn *k;
	pthread_mutex_lock(&s->lock);
	for (k = s->conns; k; k = k->next)
		if (k->deadline && !k->cut && now >= k->deadline) {
			k->cut = 1;
			shutdown(k->fd, SHUT_RDWR);
			kf__srv_metrics_conn(KF_C_HEADER_TO);
		}
	pthread_mutex_unlock(&s->lock);
}

/* Starts the second sec of the log's rate limit, first reporting how many
 * messages the last one did not show. Call with log_lock held. */
static void log_second(server *s, uint64_t sec)
{
	if (sec == s->log_sec)
		return;
	if (s->log_dropped)
		fprintf(stderr,
			"kaifang: serve: %u more libmicrohttpd messages in one second not shown\n",
			s->log_dropped);
	s->log_sec = sec;
	s->log_n = s->log_dropped = 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	server *s = cls;
	char msg[512];
	size_t n;
	int show;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	pthread_mutex_lock(&s->log_lock);
	log_second(s, now_us() / 1000000u);
	show = s->log_n++ < LOG_PER_SECOND;
	if (!show)
		s->log_dropped++;
	pthread_mutex_unlock(&s->log_lock);
	if (show)
		fprintf(stderr, "kaifang: serve: %s\n", msg);
}

/* Waits for SIGTERM or SIGINT in set, closing late connections (and
 * reporting suppressed log messages) every 100 ms meanwhile. Returns the
 * signal. */
static int wait_for_stop(server *s, const sigset_t *set)
{
	for (;;) {
		struct timespec tick = {0, 100 * 1000 * 1000};
		int sig = sigtimedwait(set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		close_late(s);
		pthread_mutex_lock(&s->log_lock);
		log_second(s, now_us() / 1000000u);
		pthread_mutex_unlock(&s->log_lock);
	}
}

/* Starts the daemon on addr with the limits of s->opts. Its own connection
 * limit is conn_limit plus the spare for every pool thread (it splits its
 * limit among them), so it never stops accepting: on_accept refuses first. */
static struct MHD_Daemon *start_daemon(server *s, struct sockaddr *addr, int v6)
{
	const kf__srv_opts *o = &s->opts;
	unsigned long hard = ((unsigned long)o->conn_limit + s->spare + 1) * o->threads;
	if (hard > 1000000ul)
		hard = 1000000ul;
	return MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG |
		(v6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)o->port, on_accept, s, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)o->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)hard, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)o->per_ip, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->conn_memory, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
}

/* Graceful stop: no new connections, the requests in flight answered (for at
 * most drain_s seconds), then the daemon stopped. */
static void drain_and_stop(server *s, struct MHD_Daemon *d)
{
	MHD_socket lsock = MHD_quiesce_daemon(d);
	uint64_t t_end = now_us() + (uint64_t)s->opts.drain_s * 1000000u;
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	while (atomic_load(&s->in_flight) > 0 && now_us() < t_end) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&s->in_flight) > 0)
		fprintf(stderr, "kaifang: serve: %ld requests still running after %us; stopping\n",
			atomic_load(&s->in_flight), s->opts.drain_s);
	MHD_stop_daemon(d);
}

static void server_free(server *s)
{
	kf__srv_sectors_free(s->api);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->log_lock);
}

int kf__srv_run(const kf__srv_opts *o, const kf_rulebook *const *rbs, int n)
{
	const kf_rulebook *rb = rbs[0];
	server s;
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	socklen_t sl;
	sigset_t set;
	int sig, v6 = strchr(o->host, ':') != NULL;
	const union MHD_DaemonInfo *info;
	unsigned port;

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
	s.api = kf__srv_sectors_new(rbs, n, o);
	if (!s.api) {
		/* a registry that cannot be opened has said so already */
		if (!o->registry && !o->registry_pg)
			fprintf(stderr, "kaifang: serve: out of memory preparing the API\n");
		return -1;
	}
	/* Block the stop signals before MHD starts its threads, so that they
	 * inherit the mask and only wait_for_stop receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	s.spare = o->conn_limit / 8 < 4 ? 4 : o->conn_limit / 8;
	pthread_mutex_init(&s.lock, NULL);
	pthread_mutex_init(&s.log_lock, NULL);
	d = start_daemon(&s, (struct sockaddr *)&ss, v6);
	if (!d) {
		fprintf(stderr, "kaifang: serve: cannot listen on %s port %u: %s\n", o->host,
			o->port, errno ? strerror(errno) : "libmicrohttpd failed to start");
		server_free(&s);
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : o->port;
	{
		int i;
		fprintf(stderr, "kaifang: serving rulebook '%s' (sha256 %.12s)", kf_rulebook_id(rb),
			kf_rulebook_sha256(rb));
		for (i = 1; i < n; i++) /* docs/api.md "Sectors" */
			fprintf(stderr, "%s'%s' for ?sector=%s", i == 1 ? ", and " : ", ",
				kf_rulebook_id(rbs[i]), kf_rulebook_sector(rbs[i]));
		fprintf(stderr, " on http://%s%s%s:%u/\n", v6 ? "[" : "", o->host, v6 ? "]" : "",
			port);
	}

	sig = wait_for_stop(&s, &set);
	fprintf(stderr, "kaifang: serve: %s received; finishing requests in flight\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	drain_and_stop(&s, d);
	server_free(&s);
	fprintf(stderr, "kaifang: serve: stopped\n");
	return 0;
}
