/*
 * ownership/mem.c — ownership sources held in memory: kf_graph_load_mem (a
 * JSON document or the CSV pair as two texts, kaifang/ownership.h) and the
 * ownership structure of a question posted as JSON (kf__graph_from_json:
 * POST /v1/decisions with "ownership"). The same readers as kf_graph_load
 * (ownership/csv.c, ownership/json.c), and kf__g_finish's checks; nothing is
 * written to disk (issue 10 "Faithful to the data" 5).
 */
#include "ownership/ownership_int.h"

#include <jansson.h>
#include <string.h>

#include "util/errors.h"

static kf_status nomem(kf_error *err)
{
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}

/* A new graph from the CSV pair (ent/hold) or a JSON root, checked. */
static kf_status load(const char *name, int format, const char *ent, size_t elen, const char *hold,
		      size_t hlen, json_t *root, kf_date date, kf_graph **out, kf_error *err)
{
	kf_graph *g = kf__g_new();
	kf_status s;
	*out = NULL;
	if (!g)
		return nomem(err);
	g->date = date;
	if (format == KF_GRAPH_CSV)
		s = kf__own_read_csv_mem(g, name, ent, elen, hold, hlen, date, err);
	else if (format == KF_GRAPH_KAIFANG) {
		snprintf(g->hfile, sizeof g->hfile, "%s", name);
		s = json_is_object(root) ? kf__own_read_kjson(g, name, root, date, err)
					 : (kf__error_set(err, KF_ERR_PARSE, name, 0, 0, "format",
							  "the kaifang format is a JSON object "
							  "{format, entities, holdings}"),
					    KF_ERR_PARSE);
	} else
		s = kf__own_read_json_root(g, name, root, format, date, err);
	/* percent is declared by the CSV pair and the kaifang format: the
	 * fraction check and duplicate holdings as errors apply */
	if (s == KF_OK)
		s = kf__g_finish(g, format == KF_GRAPH_CSV || format == KF_GRAPH_KAIFANG, err);
	if (s != KF_OK) {
		kf_graph_free(g);
		return s;
	}
	*out = g;
	return KF_OK;
}

kf_status kf_graph_load_mem(const kf_graph_source *src, kf_date date, kf_graph **out, kf_error *err)
{
	const char *name = src && src->name && *src->name ? src->name : "(memory)";
	json_error_t je;
	json_t *root;
	kf_status s;
	*out = NULL;
	if (!src || (unsigned)src->format > KF_GRAPH_KAIFANG) {
		kf__error_set(err, KF_ERR_INVALID, NULL, 0, 0, "format",
			      "unknown ownership format %d; expected auto, csv, bods, gleif or "
			      "kaifang",
			      src ? (int)src->format : -1);
		return KF_ERR_INVALID;
	}
	if (src->format == KF_GRAPH_CSV)
		return load(name, KF_GRAPH_CSV, src->entities, src->entities_len, src->holdings,
			    src->holdings_len, NULL, date, out, err);
	root = json_loadb(src->data ? src->data : "", src->data ? src->len : 0,
			  JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		kf__error_set(err, KF_ERR_PARSE, name, je.line, je.column, NULL,
			      "malformed JSON: %s", je.text);
		return KF_ERR_PARSE;
	}
	if (src->format == KF_GRAPH_AUTO)
		s = kf__graph_from_json(root, name, date, out, err);
	else
		s = load(name, src->format, NULL, 0, NULL, 0, root, date, out, err);
	json_decref(root);
	return s;
}

kf_status kf__graph_from_json(json_t *v, const char *name, kf_date date, kf_graph **out,
			      kf_error *err)
{
	const char *fmt;
	json_t *ent, *hold, *data;
	const char *key;
	json_t *m;
	*out = NULL;
	if (json_is_array(v))
		return load(name, KF_GRAPH_AUTO, NULL, 0, NULL, 0, v, date, out, err);
	if (!json_is_object(v)) {
		kf__error_set(err, KF_ERR_PARSE, name, 0, 0, "ownership",
			      "an ownership structure is a BODS or GLEIF array or an object "
			      "{format, entities, holdings} or {format, data}");
		return KF_ERR_PARSE;
	}
	fmt = json_string_value(json_object_get(v, "format"));
	if (fmt && !strcmp(fmt, "kaifang"))
		return load(name, KF_GRAPH_KAIFANG, NULL, 0, NULL, 0, v, date, out, err);
	json_object_foreach(v, key, m)
	{
		if (strcmp(key, "format") && strcmp(key, "entities") && strcmp(key, "holdings") &&
		    strcmp(key, "data")) {
			kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "ownership",
				      "unknown member 'ownership.%.100s'; expected format, "
				      "entities, holdings or data",
				      key);
			return KF_ERR_PARSE;
		}
	}
	ent = json_object_get(v, "entities");
	hold = json_object_get(v, "holdings");
	data = json_object_get(v, "data");
	if (fmt && !strcmp(fmt, "csv")) {
		if (!json_is_string(ent) || !json_is_string(hold) || data) {
			kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "ownership",
				      "a CSV ownership structure has 'entities' and 'holdings', "
				      "each the text of its CSV file");
			return KF_ERR_PARSE;
		}
		return load(name, KF_GRAPH_CSV, json_string_value(ent), json_string_length(ent),
			    json_string_value(hold), json_string_length(hold), NULL, date, out,
			    err);
	}
	if (fmt && (!strcmp(fmt, "bods") || !strcmp(fmt, "gleif") || !strcmp(fmt, "auto")) &&
	    json_is_array(data) && !ent && !hold)
		return load(name,
			    !strcmp(fmt, "bods")    ? KF_GRAPH_BODS
			    : !strcmp(fmt, "gleif") ? KF_GRAPH_GLEIF
						    : KF_GRAPH_AUTO,
			    NULL, 0, NULL, 0, data, date, out, err);
	kf__error_set(err, KF_ERR_PARSE, NULL, 0, 0, "ownership",
		      "'ownership.format' is %s%s%s; expected \"csv\" with entities and "
		      "holdings (texts), \"kaifang\" with entities and holdings (arrays), or "
		      "\"bods\", \"gleif\" or \"auto\" with data (an array)",
		      fmt ? "'" : "", fmt ? fmt : "missing", fmt ? "'" : "");
	return KF_ERR_PARSE;
}
