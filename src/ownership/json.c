/*
 * ownership/json.c — loads an ownership JSON file with jansson, recognises
 * BODS (statementType / recordType) or GLEIF Level 2 relationship records
 * (Relationship), and hands the array to ownership/bods.c or
 * ownership/gleif.c. Also the exact reading of a share from JSON.
 */
#include "ownership/ownership_int.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"

kf_status kf__own_json_share(json_t *v, kf_share *out, char *text, size_t size)
{
	kf_error e;
	if (json_is_string(v)) {
		snprintf(text, size, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(text, size, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		/* jansson keeps only the double: recover the shortest decimal text
		 * that reads back as the same double, which is the text written for
		 * any share of up to 15 significant digits. */
		double d = json_real_value(v);
		int prec;
		if (!isfinite(d)) {
			snprintf(text, size, "%g", d);
			return KF_ERR_PARSE;
		}
		for (prec = 1; prec <= 17; prec++) {
			snprintf(text, size, "%.*g", prec, d);
			if (strtod(text, NULL) == d)
				break;
		}
		if (strchr(text, 'e')) {
			/* write positional notation for small or large values */
			snprintf(text, size, "%.*f", 17, d);
			{
				char *p = text + strlen(text) - 1;
				while (p > text && *p == '0')
					*p-- = '\0';
				if (*p == '.')
					*p = '\0';
			}
		}
	} else {
		snprintf(text, size, "%s", json_is_null(v) ? "null" : "(not a number)");
		return KF_ERR_PARSE;
	}
	{
		const char *q = text;
		while (*q == ' ')
			q++;
		if (*q == '-')
			return KF_ERR_RANGE;
	}
	if (kf_share_parse_unbounded(text, out, &e) != KF_OK)
		return e.status == KF_ERR_RANGE ? KF_ERR_RANGE : KF_ERR_PARSE;
	return KF_OK;
}

kf_status kf__own_read_json_root(kf_graph *g, const char *name, json_t *root, int format,
				 kf_date date, kf_error *err)
{
	json_t *first;
	int gleif, bods;
	snprintf(g->hfile, sizeof g->hfile, "%s", name);
	if (!json_is_array(root)) {
		kf__error_set(
		    err, KF_ERR_PARSE, name, 1, 1, NULL,
		    "expected a JSON array of BODS statements or GLEIF relationship records");
		return KF_ERR_PARSE;
	}
	if (json_array_size(root) == 0)
		return KF_OK; /* an empty file: no entities */
	first = json_array_get(root, 0);
	gleif = json_object_get(first, "Relationship") != NULL;
	bods = json_object_get(first, "statementType") || json_object_get(first, "recordType") ||
	       json_object_get(first, "statementID") || json_object_get(first, "statementId");
	if ((format == KF_GRAPH_GLEIF && !gleif) || (format == KF_GRAPH_BODS && !bods)) {
		kf__error_set(err, KF_ERR_PARSE, name, 0, 0, "format",
			      "the format is %s but the first record is %s",
			      format == KF_GRAPH_GLEIF ? "gleif" : "bods",
			      gleif  ? "a GLEIF relationship record"
			      : bods ? "a BODS statement"
				     : "neither a BODS statement nor a GLEIF record");
		return KF_ERR_PARSE;
	}
	if (gleif)
		return kf__own_read_gleif(g, name, root, date, err);
	if (bods)
		return kf__own_read_bods(g, name, root, date, err);
	kf__error_set(err, KF_ERR_PARSE, name, 0, 0, NULL,
		      "unrecognised JSON: expected BODS statements (statementType or "
		      "recordType) or GLEIF relationship records (Relationship)");
	return KF_ERR_PARSE;
}

kf_status kf__own_read_json(kf_graph *g, const char *path, kf_date date, kf_error *err)
{
	json_error_t je;
	json_t *root;
	kf_status s;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		int io = je.line < 0 || strstr(je.text, "unable to open") != NULL;
		kf__error_set(err, io ? KF_ERR_IO : KF_ERR_PARSE, path, io ? 0 : je.line,
			      io ? 0 : je.column, NULL, "%s%s",
			      io ? "cannot read: " : "malformed JSON: ", je.text);
		return io ? KF_ERR_IO : KF_ERR_PARSE;
	}
	s = kf__own_read_json_root(g, path, root, KF_GRAPH_AUTO, date, err);
	json_decref(root);
	return s;
}
