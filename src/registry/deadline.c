/*
 * registry/deadline.c — working calendars (data/calendar/cn-YYYY.yaml) and
 * review deadlines counted from a cited basis (kaifang/registry_checks.h).
 *
 * Facts (registry-notes §1.1): VATS review 60 days and basic telecom 180
 * days, counted from acceptance; time for completion (补正), hearings,
 * testing and expert review does not count (Administrative Licensing Law
 * Art. 45); the Licensing Law counts its own limits in working days
 * excluding public holidays (Art. 82), while the Telecom Regulations and
 * Order 42 say "60日" without the kind of day — so the kind is the basis's,
 * never assumed here. A working day is Monday to Friday unless the year's
 * calendar lists it as a holiday, or Saturday/Sunday when the calendar lists
 * it as a make-up working day (调休). A year without a calendar file is
 * "unknown", never guessed.
 */
#include "kaifang/registry_checks.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/regyaml.h"
#include "util/alloc.h"
#include "util/errors.h"

#define MAX_DAYS 3660

typedef struct cal_year {
	int year;
	char *source; /* "title, url, seen" */
	kf_date *hol; /* sorted */
	size_t nhol;
	kf_date *work; /* sorted */
	size_t nwork;
} cal_year;

struct kf_work_calendar {
	cal_year *y;
	size_t n;
};

static int weekday(kf_date d) /* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday */
{
	return (int)(((d % 7) + 7 + 4) % 7);
}

static int year_of(kf_date d)
{
	char b[12];
	kf_date_format(d, b, sizeof b);
	return atoi(b);
}

void kf_work_calendar_free(kf_work_calendar *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		kf__xfree(c->y[i].source);
		kf__xfree(c->y[i].hol);
		kf__xfree(c->y[i].work);
	}
	kf__xfree(c->y);
	kf__xfree(c);
}

static const cal_year *find_year(const kf_work_calendar *c, int year)
{
	size_t i;
	for (i = 0; c && i < c->n; i++)
		if (c->y[i].year == year)
			return &c->y[i];
	return NULL;
}

int kf_work_calendar_has_year(const kf_work_calendar *c, int year)
{
	return find_year(c, year) != NULL;
}

const char *kf_work_calendar_source(const kf_work_calendar *c, int year)
{
	const cal_year *y = find_year(c, year);
	return y ? y->source : NULL;
}

static int cmp_date(const void *a, const void *b)
{
	kf_date x = *(const kf_date *)a, y = *(const kf_date *)b;
	return x < y ? -1 : x > y;
}

static kf_status cal_err(kf_error *err, const char *path, struct fy_node *n, const char *field,
			 const char *msg, const char *arg)
{
	int line, col;
	kf__reg_yaml_pos(n, &line, &col);
	kf__error_set(err, KF_ERR_INVALID, path, line, col, field, msg, arg);
	return KF_ERR_INVALID;
}

/* Reads the list `key` of dates in `year`: weekend (want_weekend) or weekday. */
static kf_status read_dates(const char *path, struct fy_node *root, const char *key, int year,
			    int want_weekend, kf_date **out, size_t *n, kf_error *err)
{
	struct fy_node *list = fy_node_mapping_lookup_by_string(root, key, -1), *e;
	void *it = NULL;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!list || !fy_node_is_sequence(list))
		return cal_err(err, path, list ? list : root, key,
			       "expected \"%s:\", a list of YYYY-MM-DD dates (may be empty: [])",
			       key);
	*out = kf__calloc((size_t)fy_node_sequence_item_count(list) + 1, sizeof **out);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	while ((e = fy_node_sequence_iterate(list, &it))) {
		char buf[16];
		kf_date d;
		int wd;
		if (!kf__reg_yaml_scalar(e, buf, sizeof buf) ||
		    kf_date_parse(buf, &d, NULL) != KF_OK)
			return cal_err(err, path, e, key, "%s: expected a date YYYY-MM-DD", key);
		if (year_of(d) != year)
			return cal_err(err, path, e, key,
				       "%s: the date lies outside the file's year", buf);
		wd = weekday(d);
		if (want_weekend != (wd == 0 || wd == 6))
			return cal_err(err, path, e, key,
				       want_weekend
					   ? "%s: a make-up working day must be a Saturday "
					     "or Sunday"
					   : "%s: a holiday listed must fall Monday to Friday "
					     "(weekends are off anyway)",
				       buf);
		for (i = 0; i < *n; i++)
			if ((*out)[i] == d)
				return cal_err(err, path, e, key, "%s: the date is given twice",
					       buf);
		(*out)[(*n)++] = d;
	}
	qsort(*out, *n, sizeof **out, cmp_date);
	return KF_OK;
}

static kf_status read_source(const char *path, struct fy_node *root, char **out, kf_error *err)
{
	struct fy_node *s = fy_node_mapping_lookup_by_string(root, "source", -1);
	char title[512], url[512], seen[32];
	size_t len;
	if (!s || !fy_node_is_mapping(s) ||
	    !kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(s, "title", -1), title,
				 sizeof title) ||
	    !kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(s, "url", -1), url, sizeof url) ||
	    !kf__reg_yaml_scalar(fy_node_mapping_lookup_by_string(s, "seen", -1), seen,
				 sizeof seen))
		return cal_err(err, path, s ? s : root, "source",
			       "expected source: {title, url, seen} (the State Council notice the "
			       "year's holidays come from)%s",
			       "");
	len = strlen(title) + strlen(url) + strlen(seen) + 16;
	*out = kf__malloc(len);
	if (!*out) {
		kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	snprintf(*out, len, "%s, %s (seen %s)", title, url, seen);
	return KF_OK;
}

static kf_status load_year(kf_work_calendar *c, const char *path, int fyear, kf_error *err)
{
	struct fy_document *doc;
	struct fy_node *root, *yn;
	char *text, buf[16];
	cal_year y;
	void *np;
	kf_status st = kf__reg_yaml_load(path, &doc, &text, err);
	if (st != KF_OK)
		return st;
	memset(&y, 0, sizeof y);
	root = fy_document_root(doc);
	yn = root && fy_node_is_mapping(root) ? fy_node_mapping_lookup_by_string(root, "year", -1)
					      : NULL;
	if (!yn || !kf__reg_yaml_scalar(yn, buf, sizeof buf) || atoi(buf) != fyear)
		st = cal_err(err, path, yn ? yn : root, "year",
			     "expected year: %s, the year in the file's name",
			     strrchr(path, '-') + 1);
	if (st == KF_OK)
		st = read_source(path, root, &y.source, err);
	if (st == KF_OK)
		st = read_dates(path, root, "holidays", fyear, 0, &y.hol, &y.nhol, err);
	if (st == KF_OK)
		st = read_dates(path, root, "workdays", fyear, 1, &y.work, &y.nwork, err);
	if (st == KF_OK && find_year(c, fyear))
		st = cal_err(err, path, yn, "year", "year %s is given by two files", buf);
	if (st == KF_OK) {
		np = kf__realloc(c->y, (c->n + 1) * sizeof *c->y);
		if (!np) {
			kf__error_set(err, KF_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
			st = KF_ERR_NOMEM;
		} else {
			c->y = np;
			y.year = fyear;
			c->y[c->n++] = y;
		}
	}
	if (st != KF_OK) {
		kf__xfree(y.source);
		kf__xfree(y.hol);
		kf__xfree(y.work);
	}
	fy_document_destroy(doc);
	kf_free(text);
	return st;
}

kf_status kf_work_calendar_load(const char *dir, kf_work_calendar **out, kf_error *err)
{
	kf_work_calendar *c = kf__calloc(1, sizeof *c);
	DIR *d;
	struct dirent *de;
	kf_status st = KF_OK;
	*out = NULL;
	if (!c) {
		kf__error_set(err, KF_ERR_NOMEM, dir, 0, 0, NULL, "out of memory");
		return KF_ERR_NOMEM;
	}
	d = opendir(dir);
	if (!d) {
		*out = c; /* no calendars: every working-day deadline is unknown */
		return KF_OK;
	}
	while (st == KF_OK && (de = readdir(d))) {
		int year, used = 0;
		char path[4096];
		if (sscanf(de->d_name, "cn-%4d.yaml%n", &year, &used) != 1 ||
		    used != (int)strlen(de->d_name) || strlen(de->d_name) != 12)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		st = load_year(c, path, year, err);
	}
	closedir(d);
	if (st != KF_OK) {
		kf_work_calendar_free(c);
		return st;
	}
	*out = c;
	return KF_OK;
}

/* 1 working, 0 not, -1 the year is missing. */
static int is_working(const kf_work_calendar *c, kf_date d)
{
	const cal_year *y = find_year(c, year_of(d));
	int wd = weekday(d);
	if (!y)
		return -1;
	if (wd == 0 || wd == 6)
		return bsearch(&d, y->work, y->nwork, sizeof d, cmp_date) != NULL;
	return bsearch(&d, y->hol, y->nhol, sizeof d, cmp_date) == NULL;
}

static kf_status check_events(const kf_deadline_basis *b, kf_date accepted,
			      const kf_clock_event *ev, size_t n, kf_error *err)
{
	size_t i;
	int running = 1;
	if (!b || b->days < 1 || b->days > MAX_DAYS ||
	    (b->kind != KF_DAYS_CALENDAR && b->kind != KF_DAYS_WORKING)) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "basis",
			      "deadline basis: expected 1 to %d days, counted as calendar or "
			      "working days",
			      MAX_DAYS);
		return KF_ERR_INVALID;
	}
	for (i = 0; i < n; i++) {
		char field[32];
		const char *bad = NULL;
		snprintf(field, sizeof field, "events[%zu]", i);
		if (ev[i].date < accepted)
			bad = "the event lies before acceptance";
		else if (i > 0 && ev[i].date < ev[i - 1].date)
			bad = "the events are not in date order";
		else if (ev[i].action == KF_CLOCK_STOP && !running)
			bad = "the clock is stopped already";
		else if ((ev[i].action == KF_CLOCK_START || ev[i].action == KF_CLOCK_RESUME) &&
			 running)
			bad = "the clock is running already";
		else if (ev[i].action != KF_CLOCK_STOP && ev[i].action != KF_CLOCK_START &&
			 ev[i].action != KF_CLOCK_RESUME)
			bad = "expected start, stop or resume";
		if (bad) {
			kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, field, "deadline: %s", bad);
			return KF_ERR_INVALID;
		}
		running = ev[i].action != KF_CLOCK_STOP;
	}
	return KF_OK;
}

kf_status kf_deadline_compute(const kf_deadline_basis *basis, kf_date accepted,
			      const kf_clock_event *events, size_t n,
			      const kf_work_calendar *calendar, kf_deadline *out, kf_error *err)
{
	size_t ei = 0;
	int running = 1;
	kf_date d, stopped_on = KF_DATE_NONE;
	char buf[12];
	kf_status st = check_events(basis, accepted, events, n, err);
	memset(out, 0, sizeof *out);
	out->due = KF_DATE_NONE;
	out->stopped_on = KF_DATE_NONE;
	if (st != KF_OK)
		return st;
	/* events on the day of acceptance: that day does not count anyway */
	for (; ei < n && events[ei].date == accepted; ei++) {
		running = events[ei].action != KF_CLOCK_STOP;
		if (!running)
			stopped_on = accepted;
	}
	for (d = accepted + 1;; d++) {
		int event_today = 0, running_at_start = running;
		for (; ei < n && events[ei].date == d; ei++) {
			event_today = 1;
			running = events[ei].action != KF_CLOCK_STOP;
			if (!running)
				stopped_on = d;
		}
		if (!running_at_start || (event_today && !running) ||
		    (event_today && !running_at_start)) {
			out->days_stopped++;
		} else if (!event_today) {
			int w = basis->kind == KF_DAYS_CALENDAR ? 1 : is_working(calendar, d);
			if (w < 0) {
				out->state = KF_DEADLINE_UNKNOWN;
				out->missing_year = year_of(d);
				snprintf(out->message, sizeof out->message,
					 "unknown: no working calendar for %d", out->missing_year);
				return KF_OK;
			}
			if (w && ++out->days_counted == basis->days) {
				out->state = KF_DEADLINE_DUE;
				out->due = d;
				snprintf(out->message, sizeof out->message, "due %s",
					 kf_date_format(d, buf, sizeof buf));
				return KF_OK;
			}
		}
		if (ei == n && !running) {
			out->state = KF_DEADLINE_STOPPED;
			out->stopped_on = stopped_on;
			snprintf(out->message, sizeof out->message,
				 "stopped since %s: %d of %d days counted",
				 kf_date_format(stopped_on, buf, sizeof buf), out->days_counted,
				 basis->days);
			return KF_OK;
		}
		if (year_of(d) > 2199) { /* past the dates the library can write */
			out->state = KF_DEADLINE_UNKNOWN;
			out->missing_year = year_of(d);
			snprintf(out->message, sizeof out->message,
				 "unknown: the limit runs past 2199");
			return KF_OK;
		}
	}
}

void kf_deadline_json(kf_json *w, const kf_deadline_basis *basis, const kf_deadline *d)
{
	kf_json_object_begin(w);
	kf_json_key(w, "state");
	kf_json_string(w, d->state == KF_DEADLINE_DUE       ? "due"
			  : d->state == KF_DEADLINE_STOPPED ? "stopped"
							    : "unknown");
	kf_json_key(w, "due");
	kf_json_date(w, d->due);
	kf_json_key(w, "days_counted");
	kf_json_int(w, d->days_counted);
	kf_json_key(w, "days_stopped");
	kf_json_int(w, d->days_stopped);
	if (d->state == KF_DEADLINE_STOPPED) {
		kf_json_key(w, "stopped_on");
		kf_json_date(w, d->stopped_on);
	}
	if (d->state == KF_DEADLINE_UNKNOWN) {
		kf_json_key(w, "missing_year");
		kf_json_int(w, d->missing_year);
	}
	kf_json_key(w, "basis");
	kf_json_object_begin(w);
	kf_json_key(w, "days");
	kf_json_int(w, basis->days);
	kf_json_key(w, "kind");
	kf_json_string(w, basis->kind == KF_DAYS_WORKING ? "working" : "calendar");
	kf_json_key(w, "citation");
	kf_json_string(w, basis->citation);
	kf_json_object_end(w);
	kf_json_key(w, "message");
	kf_json_string(w, d->message);
	kf_json_object_end(w);
}
