/*
 * kaifang/text.h — the views for people, in English or Chinese: the text of a
 * decision (`decide`, `explain`), of a matrix, and the memo of an answer
 * (Markdown or a self-contained HTML page with a print stylesheet) that
 * counsel can file: the question, the day it was asked, the answer, its
 * conditions, every citation with its full URL and whether it is the
 * official text, the rulebook's edition and SHA-256 and the command that
 * replays the answer (docs/cli.md "Memo").
 *
 * The sentences come from one table of templates per language in the
 * library (src/view/lang.c); the names and titles are the rulebook's own
 * (name.zh, title.zh), the English ones where the rulebook has no Chinese.
 * Text the rulebook holds only in English (measure summaries, condition
 * texts, notes) stays English in the Chinese views.
 *
 * Ownership: see kaifang/common.h. Strings returned as `char *` are released
 * with kf_free.
 */
#ifndef KAIFANG_TEXT_H
#define KAIFANG_TEXT_H

#include <stdint.h>

#include "kaifang/common.h"
#include "kaifang/decide.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kf_lang {
	KF_LANG_EN = 0, /* English, the default */
	KF_LANG_ZH = 1  /* Chinese (simplified) */
} kf_lang;

/* "en" or "zh"; "en" out of range. */
const char *kf_lang_name(kf_lang lang);
/* The language named `name`: "en" (also "english"), "zh" (also "zh-cn",
 * "zh-hans", "chinese", "中文"), case-insensitive. NULL or "" is English.
 * Returns the language, or -1 for another name (the caller says which names
 * are known: "en, zh"). */
int kf_lang_from_name(const char *name);

/* An outcome as a word of lang ("permitted" / "允许", "exceeds the cap" /
 * "超过外资比例上限", ...); certainty likewise ("confirmed" / "确定",
 * "uncertain" / "不确定"). Static strings. */
const char *kf_outcome_label(kf_outcome o, kf_lang lang);
const char *kf_certainty_label(int uncertain, kf_lang lang);

/* kf_decision_text (decide.h) in lang: KF_LANG_EN gives the same bytes as
 * kf_decision_text. NULL on no memory. */
char *kf_decision_text_lang(const kf_decision *d, kf_lang lang);

typedef struct kf_matrix kf_matrix;
/* kf_matrix_text (view.h) in lang: the place names in lang, the legend in
 * lang. KF_LANG_EN gives the same bytes as kf_matrix_text. NULL on no memory. */
char *kf_matrix_text_lang(const kf_matrix *m, kf_lang lang);

typedef enum kf_memo_format {
	KF_MEMO_TEXT = 0, /* kf_decision_text_lang, then the asked-at and replay lines */
	KF_MEMO_MD = 1,   /* Markdown (CommonMark) */
	KF_MEMO_HTML = 2  /* one self-contained HTML5 page: inline CSS with @media print,
			     no script, no external resource; every text escaped */
} kf_memo_format;

/* "text", "md", "html"; and back (also "markdown"), -1 for another name. */
const char *kf_memo_format_name(kf_memo_format f);
int kf_memo_format_from_name(const char *name);

/*
 * The memo of decision d in format f and language lang. `asked_at` is the
 * instant the question was asked, in Unix seconds (0: now, by the library's
 * clock, kf_clock_set); the memo gives it as the date and time in China
 * (UTC+8). The replay command names every field of the question as the
 * library read it (canonical ids), the rulebook by its id, and the edition
 * and SHA-256 the replay must match. The memo is deterministic for a given
 * decision, asked_at and lang. Returns the text (kf_free), NULL on no memory
 * or an f out of range.
 */
char *kf_decision_memo(const kf_decision *d, kf_memo_format f, kf_lang lang, int64_t asked_at);

/* The library's clock now, in Unix seconds: the instant kf_clock_set gave, or
 * the system clock. */
int64_t kf_clock_now(void);

#ifdef __cplusplus
}
#endif
#endif
