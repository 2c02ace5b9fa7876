/*
 * view/lang.h — the sentences of the library's text views in each language
 * (kaifang/view.h kf_lang): one table of printf templates, one row per
 * sentence, a column per language (view/lang.c). A view asks for a sentence
 * by its id and fills it with the same arguments in every language; a new
 * sentence is a new id here and a new row there, never an if/else in a view.
 *
 * Templates take their arguments in the order the comment beside the id
 * gives. An English template may use them in order (%s); a Chinese one
 * reorders them with positional arguments (%2$s), and then refers to every
 * argument up to the last one it uses (POSIX: no gaps).
 */
#ifndef KF_VIEW_LANG_H
#define KF_VIEW_LANG_H

#include "kaifang/ownership.h"
#include "kaifang/text.h"
#include "kaifang/view.h"
#include "util/buf.h"

typedef enum kf__ph {
	/* outcome headings of the decision text */
	KF_PH_H_PERMITTED = 0,
	KF_PH_H_EXCEEDS,
	KF_PH_H_PROHIBITED,
	KF_PH_H_CLOSED,
	KF_PH_H_INDETERMINATE,
	KF_PH_H_NOT_COVERED,
	KF_PH_H_SHARE_UNDECIDED, /* indeterminate by the share range alone */
	KF_PH_H_GROUP_UNDECIDED, /* indeterminate by an investor group's holding */
	/* outcome words (kf_outcome_label) */
	KF_PH_O_PERMITTED,
	KF_PH_O_EXCEEDS,
	KF_PH_O_PROHIBITED,
	KF_PH_O_CLOSED,
	KF_PH_O_INDETERMINATE,
	KF_PH_O_NOT_COVERED,
	KF_PH_CONFIRMED,
	KF_PH_UNCERTAIN,
	/* the question line: svc id, svc name, region name, region other-language
	 * name, region id, date, investor id, investor name */
	KF_PH_QUESTION,
	KF_PH_SHARE_RANGE, /* min, max */
	KF_PH_SHARE,       /* "just above " or "", share */
	KF_PH_JUST_ABOVE,
	KF_PH_SHARE_LO_OPEN, /* after a range: its lower end excluded ("more than") */
	KF_PH_SHARE_HI_OPEN, /* its upper end excluded */
	KF_PH_OUTSIDE_ZONES,
	/* the maximum foreign share */
	KF_PH_MAX_LABEL,
	KF_PH_MAX_ZERO,
	KF_PH_MAX_BELOW,   /* share */
	KF_PH_MAX_AT_MOST, /* share */
	KF_PH_MAX_DEPENDS,
	KF_PH_MAX_NOT_COVERED,
	KF_PH_MAX_NONE,
	KF_PH_IN_WORDS,           /* the answer in one sentence */
	KF_PH_CERTAINTY,          /* certainty word */
	KF_PH_FIRST_COVERED,      /* date */
	KF_PH_NOTICE,             /* notice text */
	KF_PH_NOTICE_NOT_COVERED, /* complete_from */
	KF_PH_NOTICE_EDITION,     /* edition date */
	/* indeterminate answers */
	KF_PH_DEPENDS_SHARE,
	KF_PH_DEPENDS_ZONE,
	KF_PH_ZONE_ITEM, /* name, other-language name, id */
	KF_PH_BY_PLACE,
	KF_PH_OUTSIDE_EVERY,
	KF_PH_SC_MAX, /* outcome word */
	/* why */
	KF_PH_WHY,
	KF_PH_WHY_OUTSIDE,
	KF_PH_WHY_NOT_MODELLED,
	KF_PH_NO_RESTRICTION,
	KF_PH_BINDS,        /* id, summary */
	KF_PH_ALSO_APPLIES, /* id, summary */
	KF_PH_SET_ASIDE,    /* id, by */
	KF_PH_CONDITIONS,
	KF_PH_CONDITION, /* type, text, measure */
	/* [S-10] requirements and [S-11] lapsed measures (requirements.c) */
	KF_PH_REQ_ITEM,     /* kind, text, measure, holds-only or "" (under Conditions) */
	KF_PH_REQ_HOLDS,    /* the answer holds only with the investor fact */
	KF_PH_LAPSED,       /* heading */
	KF_PH_LAPSED_ITEM,  /* id, until, basis (KF_PH_LAPSED_BASIS) or "", summary */
	KF_PH_LAPSED_BASIS, /* what the period is counted from */
	KF_PH_RK_FLOOR,     /* requirement kinds */
	KF_PH_RK_CONTROL,
	KF_PH_RK_FORM,
	KF_PH_RK_GROUP,
	KF_PH_RK_QUOTA,
	KF_PH_RK_MANAGEMENT,
	KF_PH_RK_INVESTOR,
	KF_PH_RK_SCOPE,
	KF_PH_FORM_JV, /* legal forms */
	KF_PH_FORM_COOP,
	KF_PH_FORM_DONATION,
	KF_PH_FORM_REP,
	KF_PH_FLOOR_TEXT, /* over|at least, floor, below|of at most, cap */
	KF_PH_W_OVER,
	KF_PH_W_AT_LEAST,
	KF_PH_W_BELOW,
	KF_PH_W_OF_AT_MOST,
	KF_PH_W_AT_MOST,
	KF_PH_BOUND_FLOOR, /* floor text */
	KF_PH_BOUND_RELATIVE,
	KF_PH_BOUND_CONTROL,
	KF_PH_BOUND_FORM_CAP, /* form phrase */
	KF_PH_RQ_FLOOR,       /* floor text */
	KF_PH_RQ_RELATIVE,
	KF_PH_RQ_CONTROL,
	KF_PH_RQ_FORM,       /* bound phrase */
	KF_PH_RQ_GROUP,      /* below|at most, cap */
	KF_PH_RQ_QUOTA,      /* max, per */
	KF_PH_IW_PROHIBITED, /* the answer in words */
	KF_PH_IW_CLOSED,
	KF_PH_IW_NOT_COVERED,
	KF_PH_IW_GROUP,
	KF_PH_IW_SHARE,
	KF_PH_IW_ZONE,
	KF_PH_IW_EXCEEDS, /* share */
	KF_PH_IW_PERMITTED,
	KF_PH_IW_FORM,     /* form phrase: the first */
	KF_PH_IW_FORM_AND, /* form phrase: the next */
	KF_PH_IW_BOUND,    /* bound phrase */
	KF_PH_IW_CAP,      /* below|at most, cap */
	KF_PH_IW_REQ,      /* requirement text */
	KF_PH_IW_FACTS,
	KF_PH_IW_FACT,      /* fact: the first */
	KF_PH_IW_FACT_NEXT, /* fact: the next */
	KF_PH_ALT_BOUND,    /* bound phrase */
	KF_PH_CITATIONS,
	KF_PH_CITE,         /* measure, title */
	KF_PH_CITE_NUMBER,  /* number */
	KF_PH_CITE_ARTICLE, /* article */
	KF_PH_URL_OFFICIAL,
	KF_PH_URL_MIRROR,
	KF_PH_MIRROR,
	KF_PH_SOURCES,
	KF_PH_ALTERNATIVES,
	KF_PH_ALT_SHARE_BELOW,   /* share */
	KF_PH_ALT_SHARE_AT_MOST, /* share */
	KF_PH_ALT_DATE,          /* date */
	KF_PH_ALT_INVESTOR,      /* id, name */
	KF_PH_ALT_REGION,        /* name, id */
	KF_PH_ALT_UNCERTAIN,
	/* explain's trace */
	KF_PH_TRACE_ALL,
	KF_PH_TRACE_NEAR,
	KF_PH_TRACE_HIDDEN, /* count */
	KF_PH_RULEBOOK,     /* id, edition, sha256 */
	/* condition types */
	KF_PH_CT_TERRITORY,
	KF_PH_CT_LICENSING,
	KF_PH_CT_CAPITAL,
	KF_PH_CT_TIME,
	KF_PH_CT_PROCEDURE,
	KF_PH_CT_NOTE,
	/* the matrix */
	KF_PH_M_PLACE,
	KF_PH_M_LEGEND, /* rulebook id, sha256 prefix */
	KF_PH_M_CLOSED,
	KF_PH_M_PROHIB,
	KF_PH_M_DEPENDS,
	KF_PH_M_NC,
	/* the memo */
	KF_PH_MEMO_TITLE,
	KF_PH_MEMO_QUESTION,
	KF_PH_MEMO_SERVICE,
	KF_PH_MEMO_PLACE,
	KF_PH_MEMO_DATE,
	KF_PH_MEMO_INVESTOR,
	KF_PH_MEMO_SHARE,
	KF_PH_MEMO_SHARE_NONE,
	KF_PH_MEMO_ZONES,
	KF_PH_MEMO_ZONES_OUTSIDE,
	KF_PH_MEMO_ZONES_ANY,
	KF_PH_MEMO_ASKED, /* date and time */
	KF_PH_MEMO_ANSWER,
	KF_PH_MEMO_OUTCOME,
	KF_PH_MEMO_REASONS,
	KF_PH_MEMO_NOTICES,
	KF_PH_MEMO_OFFICIAL, /* the "official?" column */
	KF_PH_YES,
	KF_PH_NO,
	KF_PH_MEMO_RULEBOOK,
	KF_PH_MEMO_EDITION,
	KF_PH_MEMO_REPLAY, /* the line before the command */
	KF_PH_MEMO_DOCUMENT,
	KF_PH_MEMO_URL,
	KF_PH_MEMO_ARTICLE,
	KF_PH_MEMO_MEASURE,
	KF_PH_MEMO_NONE,
	/* effects, as the trace names them */
	KF_PH_E_PROHIBITED,
	KF_PH_E_CLOSED,
	KF_PH_E_CAP,
	KF_PH_E_OPEN,
	KF_PH_E_CONDITION,
	KF_PH_E_FLOOR,
	KF_PH_E_CONTROL,
	KF_PH_E_FORM,
	/* why a measure did or did not apply (kf_trace.code; args a, b) */
	KF_PH_T_SERVICE,
	KF_PH_T_NOT_COVERED,  /* complete_from */
	KF_PH_T_EXCLUDED,     /* service id */
	KF_PH_T_NOT_IN_FORCE, /* from, until */
	KF_PH_T_OPEN_END,     /* the "until" of an open-ended measure */
	KF_PH_T_ZERO_SHARE,
	KF_PH_T_INVESTOR,      /* investor id */
	KF_PH_T_IN_ZONE,       /* effect, place id */
	KF_PH_T_ONLY_SUBZONES, /* place id */
	KF_PH_T_NOT_CONTAIN,   /* place id */
	KF_PH_T_NOT_EVALUATED,
	KF_PH_T_SET_ASIDE, /* by id */
	KF_PH_T_OPEN_ACTS,
	KF_PH_T_OPEN_NOTHING,
	KF_PH_T_ADDS_CONDITIONS,
	KF_PH_T_BINDS,    /* effect */
	KF_PH_T_STRONGER, /* effect */
	/* the timeline (view/timeline.c) */
	KF_PH_TL_HEAD,     /* service name, id, investor, share words, share */
	KF_PH_TL_SHARE,    /* "foreign share " */
	KF_PH_TL_NO_SHARE, /* no share given */
	KF_PH_TL_PLACE,    /* name, other name, id, from, to, periods, plural, decisions */
	KF_PH_TL_PLURAL,   /* the plural ending of "period" */
	KF_PH_TL_NOTE,     /* notice */
	KF_PH_TL_OPEN,     /* an open end */
	KF_PH_TL_PERIOD,   /* from (the until is padded after it) */
	KF_PH_TL_MAX,      /* between the outcome and the label */
	KF_PH_TL_BINDING,
	KF_PH_TL_STEP,   /* sign, id, effect, status, title, " " or "", number, article, url,
			    url label */
	KF_PH_TL_LEGEND, /* rulebook id, edition, sha256 prefix */
	/* the look-through after a decision (decide --ownership; ownership/ask.c) */
	KF_PH_LT_HEAD,        /* source, applicant */
	KF_PH_LT_SHARE,       /* share */
	KF_PH_LT_RANGE,       /* min, max */
	KF_PH_LT_ROUNDED,     /* a cycle solved in floating point */
	KF_PH_LT_HKMOTW,      /* min, max */
	KF_PH_LT_CHAIN,       /* share (the path follows) */
	KF_PH_LT_DECIDING,    /* heading */
	KF_PH_LT_DECIDING_AT, /* owner, owned, min, max, reason, source */
	KF_PH_LT_DECIDING_NO, /* owner, owned, min, max, reason (no source) */
	KF_PH_LT_UNDISCLOSED, /* an undisclosed holder */
	KF_PH_LT_TEST_LOOK,   /* the name of the look-through (substance) test */
	KF_PH_LT_TEST_LEGAL,  /* the name of the legal-form test */
	KF_PH_LT_OTHER,       /* test name (the share follows) */
	KF_PH_LT_OTHER_RANGE, /* min, max */
	KF_PH_LT_OTHER_TAIL,  /* outcome, how to use the other test */
	KF_PH_LT_USE_LEGAL,   /* with --legal-form */
	KF_PH_LT_USE_LOOK,    /* without it */
	/* the diff (view/timeline.c) */
	KF_PH_DF_HEAD,     /* from, to, investor, cells kept, cells asked */
	KF_PH_DF_COUNTS,   /* answers, plural, cells, plural, its|their, hidden or "" */
	KF_PH_DF_ITS,      /* "its" (one cell) */
	KF_PH_DF_THEIR,    /* "their" */
	KF_PH_DF_HIDDEN,   /* the basis-only cells left out (changes=answer) */
	KF_PH_DF_EDITIONS, /* a id, a edition, b id, b edition */
	KF_PH_DF_ON,       /* date */
	KF_PH_DF_RANGE,    /* from, until */
	KF_PH_DF_MEASURES, /* added, removed, changed */
	KF_PH_DF_CELLS,    /* cells kept, cells asked (edition diff) */
	KF_PH_DF_NOTE,     /* notice */
	KF_PH_DF_CELL,     /* service alias, id, place name, other name, id, ": " or "", note,
			      kind (KF_PH_DF_K_*) */
	KF_PH_DF_K_ANSWER,
	KF_PH_DF_K_BASIS,
	KF_PH_DF_CAP,     /* the maximum share changed */
	KF_PH_DF_REFUSED, /* error code */
	/* the matrix's column legend: header = name */
	KF_PH_M_COLUMNS,
	KF_PH_M_COLUMN, /* "; " or "", header, name */
	/* the memo's heading of the requirements (the text view lists them under
	 * Conditions, marked "required") */
	KF_PH_REQUIREMENTS,
	KF_PH_COUNT
} kf__ph;

/* The first row of the table out of its place (its id is not its index) or
 * without both languages; -1 when every row is in place (tests). */
int kf__say_table_check(void);
/* The template of sentence p in lang (never NULL). */
const char *kf__say(kf_lang lang, kf__ph p);
/* Appends sentence p in lang, filled with the arguments. */
void kf__buf_say(kf_buf *b, kf_lang lang, kf__ph p, ...);
/* The phrase of a condition type (territory, licensing, ...); the type itself
 * when the table has none. */
const char *kf__condition_type_label(kf_lang lang, const char *type);
/* A name in lang: the Chinese one with KF_LANG_ZH when the rulebook has it,
 * else the English one. And the name in the other language ("" when none). */
const char *kf__name(kf_lang lang, kf_text2 t);
const char *kf__name_other(kf_lang lang, kf_text2 t);
/* The name of an effect in lang (the trace's words). */
const char *kf__effect_label(kf_lang lang, kf_effect e);
/* Appends s padded with spaces to `width` display columns (a CJK character
 * takes two); with cut, cut at a character boundary where s is wider. */
void kf__buf_pad(kf_buf *b, const char *s, int width, int cut);
/* The display columns of s (a CJK character takes two), as kf__buf_pad
 * counts them. */
int kf__display_width(const char *s);

/* view/text.c: the decision's text in lang into b; alternative i's sentence
 * in lang. */
void kf__decision_text_into(kf_buf *b, const kf_decision *d, kf_lang lang);
void kf__alternative_say(kf_buf *b, kf_lang lang, const kf_decision *d, int i);
/* view/text.c: the look-through that gave a decision its share (ownership/
 * ask.c): the foreign share of o from `source` with its open ends, the HK/MO/TW
 * part, chains, deciding holdings, and, when other_differs, the other test's
 * share and outcome (legal_form: the test used was the legal-form one). */
void kf__look_through_say(kf_buf *b, kf_lang lang, const kf_ownership_result *o, const char *source,
			  int legal_form, int other_differs, kf_share_range other,
			  kf_outcome other_outcome);
/* view/memo.c: the `kaifang explain` command that replays d's question. */
void kf__replay_command(kf_buf *b, const kf_decision *d);

/* requirements.c ([S-10]): the phrase of a floor, control or form measure
 * that binds ("as a joint venture (a foreign share below 100%)"; nothing and
 * 0 for any other effect); requirement i's text; the kind of a requirement;
 * the answer in one sentence (nothing when d has none). The engine keeps
 * their English (kf_decision_in_words, the JSON); the views say them in
 * lang. */
int kf__bound_say(kf_buf *b, kf_lang lang, const kf_measure_info *mi);
void kf__requirement_say(kf_buf *b, kf_lang lang, const kf_decision *d, int i);
const char *kf__requirement_kind_label(kf_lang lang, const char *kind);
void kf__in_words_say(kf_buf *b, kf_lang lang, const kf_decision *d);

#endif
