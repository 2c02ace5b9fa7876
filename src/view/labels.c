/*
 * view/labels.c — the names every view writes (effects, measure statuses,
 * certainty, cap operators, official or mirror URLs) and the one rule for the maximum foreign share
 * of a verdict (kaifang/view.h). Written once here; the CLI, the server, the golden runner and the
 * web page take them from the library's output.
 */
#include "kaifang/view.h"

const char *kf_effect_name(kf_effect e)
{
	static const char *const n[] = {"prohibited", "closed", "cap",     "open",
					"condition",  "floor",  "control", "form"};
	return (unsigned)e < sizeof n / sizeof n[0] ? n[e] : "unknown";
}

const char *kf_form_name(kf_form f)
{
	static const char *const n[] = {"", "joint-venture", "cooperative", "donation-non-profit",
					"representative-office"};
	return (unsigned)f < sizeof n / sizeof n[0] ? n[f] : "";
}

const char *kf_control_name(kf_control c)
{
	static const char *const n[] = {"", "majority", "relative"};
	return (unsigned)c < sizeof n / sizeof n[0] ? n[c] : "";
}

const char *kf_mstatus_name(kf_mstatus s)
{
	static const char *const n[] = {"in-force", "announced", "repealed", "lapsed"};
	return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "unknown";
}

const char *kf_certainty_name(int uncertain) { return uncertain ? "uncertain" : "confirmed"; }

const char *kf_capop_name(kf_capop op) { return op == KF_CAP_LT ? "<" : "<="; }

const char *kf_url_label(int url_official)
{
	return url_official ? "official text" : "mirror (not the official text)";
}

kf_max_share kf_verdict_max_share(const kf_verdict *v, kf_share *cap)
{
	switch (v->outcome) {
	case KF_PROHIBITED:
	case KF_CLOSED:
		if (cap)
			*cap = 0;
		return KF_MAX_ZERO;
	case KF_NOT_COVERED: /* no answer, so no maximum: DESIGN.md "Coverage" */
		return KF_MAX_NONE;
	case KF_INDETERMINATE:
		/* a zone-dependent answer has no single cap; a share range that
		 * straddles one does */
		if (!v->share_undecided && !v->group_undecided)
			return KF_MAX_NONE;
		/* fall through */
	case KF_PERMITTED:
	case KF_EXCEEDS_CAP:
		if (!v->has_cap)
			return KF_MAX_NONE;
		if (cap)
			*cap = v->cap;
		return KF_MAX_CAP;
	}
	return KF_MAX_NONE;
}
