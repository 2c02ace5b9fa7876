/*
 * kaifang/registry_checks.h — pure checks the registry makes at its door:
 * the unified social credit code, licence numbers (and ICP filing numbers,
 * which are not licences), and review deadlines from a cited basis.
 *
 * Facts come from ../shared/domain/registry-notes.md (§1.1 licence forms and
 * time limits, §1.8 identifier checks); each function names its source.
 * Nothing here touches storage; the registry library calls these and stores
 * their answers.
 *
 * Ownership: see kaifang/common.h.
 */
#ifndef KAIFANG_REGISTRY_CHECKS_H
#define KAIFANG_REGISTRY_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------- unified social credit code (USCC) */

/* The answer of kf_uscc_check for a code of the right form. */
typedef struct kf_uscc_result {
	char code[19];           /* the code as checked (upper case), NUL-terminated */
	char authority;          /* position 1: registration-authority code */
	char type;               /* position 2: organisation type */
	char division[7];        /* positions 3-8: administrative division (GB/T 2260) */
	char org_code[10];       /* positions 9-17: organisation code (GB 11714) */
	int check_ok;            /* 1 when position 18 matches the GB 32100-2015 check */
	char check_given;        /* position 18 as written */
	char check_expected;     /* the check character computed from positions 1-17 */
	int org_check_ok;        /* 1 when position 17 matches the GB 11714 mod-11 check */
	char org_check_expected; /* the position-17 character GB 11714 gives */
	int warning;             /* 1 when check_ok or org_check_ok is 0 */
	char reason[256];        /* the warning in words, "" when none */
} kf_uscc_result;

/* Checks a unified social credit code (GB 32100-2015, registry-notes §1.8):
 * 18 characters from 0-9 and A-Y without I, O, S, V, Z (lower case is read
 * as upper case; no spaces). Position 18 is checked with weights 3^i mod 31
 * (1, 3, 9, ... 28) and check (31 - Σ mod 31) mod 31; position 17 with the
 * GB 11714 mod-11 check of the organisation code.
 * A code of the right form whose check characters fail is NOT an error:
 * KF_OK with out->warning = 1 and out->reason saying which character was
 * expected (lawful codes that fail exist, e.g. 91350100M0001TGQXM; the
 * registry asks for a recorded override). Returns KF_OK, or KF_ERR_PARSE when
 * the text is not 18 characters of the alphabet (err names the position and
 * the character; err->code "bad_uscc"). */
kf_status kf_uscc_check(const char *code, kf_uscc_result *out, kf_error *err);

/* Writes the result as a JSON object (code, valid_form, check_ok, expected,
 * org_check_ok, warning, reason) into w. */
void kf_uscc_result_json(kf_json *w, const kf_uscc_result *r);

/* ---------------------------------------------------------- licence numbers */

/* The provincial abbreviations of licence numbers, as data
 * (data/registry/licence-provinces.yaml: abbreviation → GB/T 2260 code).
 * Opaque. */
typedef struct kf_licence_provinces kf_licence_provinces;

/* Loads the province table from a YAML file (a mapping "provinces:" of
 * entries {abbr: "沪", region: "310000", name: "Shanghai"}). Returns KF_OK,
 * KF_ERR_IO, KF_ERR_PARSE or KF_ERR_INVALID (a duplicate abbreviation, a
 * region that is not 6 digits; err names file, line and column) or
 * KF_ERR_NOMEM. Release with kf_licence_provinces_free. */
kf_status kf_licence_provinces_load(const char *path, kf_licence_provinces **out, kf_error *err);
void kf_licence_provinces_free(kf_licence_provinces *p);

/* What a number is. */
typedef enum kf_licence_kind {
	KF_LICENCE_NUMBER = 1, /* a telecom business licence number */
	KF_ICP_FILING = 2,     /* an ICP filing number (京ICP备...号-n): not a licence */
	KF_ICP_CERTIFICATE = 3 /* an ICP certificate number (京ICP证000007号): not a
				  licence number either */
} kf_licence_kind;

#define KF_LICENCE_CATEGORIES_MAX 4 /* A1, A2, B1, B2: each at most once */

/* The parts of a licence number (registry-notes §1.1, "Licence number forms").
 * Strings are NUL-terminated UTF-8 owned by the structure. */
typedef struct kf_licence_number {
	kf_licence_kind kind;
	char province[8];    /* the province abbreviation ("沪"), "" when none */
	char region[7];      /* its GB/T 2260 code ("310000"), "" when none:
				a number without prefix is MIIT's, cross-regional */
	int joint_venture;   /* 1 with the 合字 prefix (foreign capital; the prefix's
				official definition is UNCERTAIN, notes §1.1) */
	int icp_certificate; /* 1 with the "ICP证" word (ICP证合字B2-...号) */
	int old_style;       /* 1 for the pre-2009 dashed form 辽B-2-4-20080039 */
	size_t ncategories;  /* categories listed, 1..KF_LICENCE_CATEGORIES_MAX */
	char categories[KF_LICENCE_CATEGORIES_MAX][4]; /* "A1", "A2", "B1", "B2", in order */
	char old_item[8]; /* old style: the item after the category ("4"), else "" */
	int year;         /* the four-digit year (1999..2199, see below) */
	char serial[8];   /* the serial after the year, as written ("4898") */
	/* ICP filing numbers only: */
	char filing_serial[16]; /* the digits between 备 and 号 */
	int site;               /* the "-n" site suffix, 0 when none */
	char message[256];      /* for KF_ICP_FILING: what the number is, in words */
} kf_licence_number;

/* Parses a licence number in any form of registry-notes §1.1: "B1-20234898",
 * "沪B2-20230242", "合字B2-20090007", "合字A1.B1.B2-20180017",
 * "ICP证合字B2-20070004号", "皖B1.B2-20070020", "辽B-2-4-20080039",
 * "粤A2-20044005". Spaces around the text are ignored, none inside. The year
 * is the first four digits after the dash and must lie in 1999..today's year
 * in China + 1 (the notes' rule is 1999..the current year; the year after is
 * let through for numbers issued at a year's turn); the serial is the
 * remaining 4 digits.
 * An ICP filing number ("京ICP备11041704号-13") returns KF_OK with kind
 * KF_ICP_FILING, an ICP certificate number ("京ICP证000007号") with kind
 * KF_ICP_CERTIFICATE, and out->message saying what it is and that it is not a
 * licence number; the caller decides whether that is an error (for a
 * licence field it is).
 * Returns KF_OK, KF_ERR_PARSE (err says what was expected where, with the
 * byte column; err->code "bad_licence_number") or KF_ERR_NOTFOUND (a
 * province abbreviation not in the table; err->code "unknown_province").
 * provinces must not be NULL. */
kf_status kf_licence_parse(const kf_licence_provinces *provinces, const char *text,
			   kf_licence_number *out, kf_error *err);

/* Writes the parts as a JSON object into w (kind "licence" or
 * "icp_filing", province, region, joint_venture, categories, year, serial,
 * message...). */
void kf_licence_number_json(kf_json *w, const kf_licence_number *n);

/* ---------------------------------------------------------------- deadlines */

/* A working calendar: per year, the public holidays (days off although
 * Monday-Friday) and the make-up working days (days worked although Saturday
 * or Sunday), with the citation of the State Council notice it comes from.
 * Data, one YAML file per year: data/calendar/cn-YYYY.yaml. Opaque. */
typedef struct kf_work_calendar kf_work_calendar;

/* Loads every cn-YYYY.yaml in dir (a missing dir gives an empty calendar:
 * every working-day deadline is then "unknown"). A file is
 *   year: 2025
 *   source: {title: "...", url: "...", seen: "YYYY-MM-DD"}
 *   holidays: ["2025-01-01", ...]
 *   workdays: ["2025-01-26", ...]
 * Refuses a date outside the file's year, a holiday on a weekend, a workday
 * on a weekday, a date given twice, a file without source (err names file,
 * line, column). Returns KF_OK, KF_ERR_IO, KF_ERR_PARSE, KF_ERR_INVALID or
 * KF_ERR_NOMEM. Release with kf_work_calendar_free. */
kf_status kf_work_calendar_load(const char *dir, kf_work_calendar **out, kf_error *err);
void kf_work_calendar_free(kf_work_calendar *c);

/* 1 when the calendar holds year, else 0. */
int kf_work_calendar_has_year(const kf_work_calendar *c, int year);

/* The citation of a year's data (borrowed, valid until free), NULL when
 * the year is missing. */
const char *kf_work_calendar_source(const kf_work_calendar *c, int year);

/* How days are counted. */
typedef enum kf_day_kind {
	KF_DAYS_CALENDAR = 1, /* every day counts */
	KF_DAYS_WORKING = 2   /* Mon-Fri except holidays, plus make-up workdays */
} kf_day_kind;

/* The basis of a time limit, stored as cited data with the application. */
typedef struct kf_deadline_basis {
	int days;             /* N, 1..3660: VATS review 60, basic telecom 180 (notes §1.1) */
	kf_day_kind kind;     /* calendar or working days */
	const char *citation; /* where the basis comes from; borrowed */
} kf_deadline_basis;

/* An event that moves the clock. */
typedef enum kf_clock_action {
	KF_CLOCK_START = 1, /* the clock (re)starts, e.g. acceptance 受理 */
	KF_CLOCK_STOP = 2,  /* the clock stops: returned for completion 补正, expert review */
	KF_CLOCK_RESUME = 3 /* the clock runs again */
} kf_clock_action;

typedef struct kf_clock_event {
	kf_date date;
	kf_clock_action action;
} kf_clock_event;

typedef enum kf_deadline_state {
	KF_DEADLINE_DUE = 1,     /* due is the last day of the limit */
	KF_DEADLINE_STOPPED = 2, /* the clock is stopped (since stopped_on): no due day yet */
	KF_DEADLINE_UNKNOWN = 3  /* a year's working calendar is missing (missing_year) */
} kf_deadline_state;

typedef struct kf_deadline {
	kf_deadline_state state;
	kf_date due;        /* KF_DEADLINE_DUE: the last day to decide; else KF_DATE_NONE */
	int days_counted;   /* days of the limit used before the answer (N when due) */
	int days_stopped;   /* calendar days the clock stood still */
	kf_date stopped_on; /* KF_DEADLINE_STOPPED: the day it stopped */
	int missing_year;   /* KF_DEADLINE_UNKNOWN: the year without a calendar */
	char message[160];  /* "due 2025-03-03", "unknown: no working calendar for 2026",
			       "stopped since 2025-02-01: 12 of 60 days counted" */
} kf_deadline;

/* Computes the last day of a time limit counted from `accepted`.
 * Counting (our convention, INFERRED: the notes give "60 days counted from
 * acceptance" and that time outside the clock does not count, not how a day
 * is split): a day counts when the clock runs all of it — the day of any
 * event (acceptance, stop, resume) does not count; counting starts the day
 * after acceptance and goes on the day after a resume. With KF_DAYS_WORKING
 * a counted day must also be a working day of `calendar` (weekends off,
 * holidays off, make-up workdays on); when a day to be looked at lies in a
 * year the calendar lacks, the answer is KF_DEADLINE_UNKNOWN ("unknown: no
 * working calendar for YEAR"), never a guess. calendar may be NULL for
 * KF_DAYS_CALENDAR.
 * events (n of them, may be NULL when n is 0) are in date order, on or after
 * `accepted`; STOP only while running, START/RESUME only while stopped.
 * Returns KF_OK (with *out) or KF_ERR_INVALID (events out of order or out of
 * turn, days outside 1..3660 or a basis without kind; err->field "events[i]" or
 * "basis"). */
kf_status kf_deadline_compute(const kf_deadline_basis *basis, kf_date accepted,
			      const kf_clock_event *events, size_t n,
			      const kf_work_calendar *calendar, kf_deadline *out, kf_error *err);

/* Writes the deadline as a JSON object (state "due"|"stopped"|"unknown",
 * due, days_counted, days_stopped, basis {days, kind, citation}, message)
 * into w. */
void kf_deadline_json(kf_json *w, const kf_deadline_basis *basis, const kf_deadline *d);

#ifdef __cplusplus
}
#endif
#endif
