/*
 * ownership/gleif.c — reads GLEIF Level 2 relationship records (RR-CDF 2.1 in
 * JSON form, ownership-notes.md §1.2). GLEIF records accounting consolidation,
 * not shareholding, so:
 *   - IS_DIRECTLY_CONSOLIDATED_BY makes the parent a controller of the child
 *     and a capital holder of the share in RelationshipQuantifiers when one
 *     is given in PERCENTAGE, else of unknown share;
 *   - a PERCENTAGE amount of at most 1 ("1.00" beside "100.00" in one real
 *     file) looks like a fraction: the share is treated as unknown and the
 *     record listed;
 *   - IS_INTERNATIONAL_BRANCH_OF is a 100% link (a branch is the same legal
 *     person);
 *   - IS_ULTIMATELY_CONSOLIDATED_BY would count the chain twice and fund
 *     relations are not ownership: listed and not counted; INACTIVE too.
 * LEIs carry no jurisdiction, so every entity's origin is unknown.
 */
#include "ownership/ownership_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/errors.h"

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint32_t node(kf_graph *g, const char *lei)
{
	uint32_t i = kf__g_find(g, lei, strlen(lei));
	if (i == KF__NONE)
		i = kf__g_add_node(g, lei, strlen(lei), NULL, KF_KIND_ENTITY, KF_ORIGIN_UNKNOWN);
	return i;
}

kf_status kf__own_read_gleif(kf_graph *g, const char *path, json_t *root, kf_date date,
			     kf_error *err)
{
	json_t *r;
	size_t i;
	int has_percent_over_one = 0;
	/* first pass: does the file write percentages over 1 anywhere? */
	json_array_foreach(root, i, r)
	{
		json_t *q, *qs = json_object_get(json_object_get(r, "Relationship"),
						 "RelationshipQuantifiers");
		size_t k;
		json_array_foreach(qs, k, q)
		{
			kf_share v;
			char text[64];
			if (kf__own_json_share(json_object_get(q, "QuantifierAmount"), &v, text,
					       sizeof text) == KF_OK &&
			    v > KF_SHARE_PERCENT)
				has_percent_over_one = 1;
		}
	}
	json_array_foreach(root, i, r)
	{
		json_t *rel = json_object_get(r, "Relationship"), *p, *q;
		const char *child = jstr(json_object_get(rel, "StartNode"), "NodeID");
		const char *parent = jstr(json_object_get(rel, "EndNode"), "NodeID");
		const char *type = jstr(rel, "RelationshipType");
		const char *status = jstr(rel, "RelationshipStatus");
		const char *reg = jstr(json_object_get(r, "Registration"), "RegistrationStatus");
		kf_date from = KF_DATE_NONE, to = KF_DATE_MAX;
		kf_share lo = 0, hi = KF_SHARE_FULL;
		uint32_t a, b, src, flags = KF__H_SRCSTR | KF__H_CONTROL;
		char rid[128], t1[16], t2[16];
		size_t k;
		int have_share = 0;

		if (!child || !parent || !type) {
			kf__error_set(
			    err, KF_ERR_PARSE, path, 0, 0, NULL,
			    "relationship record %zu: missing %s; expected StartNode.NodeID, "
			    "EndNode.NodeID and RelationshipType",
			    i + 1,
			    !child    ? "StartNode"
			    : !parent ? "EndNode"
				      : "RelationshipType");
			return KF_ERR_PARSE;
		}
		snprintf(rid, sizeof rid, "%zu (%s %s %s)", i + 1, child, type, parent);
		a = node(g, parent);
		b = a == KF__NONE ? KF__NONE : node(g, child);
		if (b == KF__NONE)
			goto nomem;
		json_array_foreach(json_object_get(rel, "RelationshipPeriods"), k, p)
		{
			const char *pt = jstr(p, "PeriodType"), *sd = jstr(p, "StartDate"),
				   *ed = jstr(p, "EndDate");
			kf_date f = KF_DATE_NONE, t = KF_DATE_MAX;
			if ((sd && kf__own_date(sd, &f) != KF_OK) ||
			    (ed && kf__own_date(ed, &t) != KF_OK)) {
				kf__error_set(
				    err, KF_ERR_PARSE, path, 0, 0, "RelationshipPeriods",
				    "relationship record %s: period date not valid; expected "
				    "YYYY-MM-DD...",
				    rid);
				return KF_ERR_PARSE;
			}
			if (sd && ed && f > t) {
				kf__error_set(
				    err, KF_ERR_INVALID, path, 0, 0, "RelationshipPeriods",
				    "relationship record %s: dates out of order: %s StartDate "
				    "%s is after EndDate %s; expected StartDate <= EndDate",
				    rid, pt ? pt : "period", kf_date_format(f, t1, sizeof t1),
				    kf_date_format(t, t2, sizeof t2));
				return KF_ERR_INVALID;
			}
			if (pt && !strcmp(pt, "RELATIONSHIP_PERIOD")) {
				from = f;
				to = t;
			}
		}
		if (strcmp(type, "IS_DIRECTLY_CONSOLIDATED_BY") &&
		    strcmp(type, "IS_INTERNATIONAL_BRANCH_OF")) {
			if (kf__g_warn(g, b, "%s: relationship record %s not counted: %s", path,
				       rid,
				       !strcmp(type, "IS_ULTIMATELY_CONSOLIDATED_BY")
					   ? "the ultimate parent is reached through the direct "
					     "parents (counting it would count the chain twice)"
					   : "a fund relation, not ownership"))
				goto nomem;
			continue;
		}
		if (status && strcmp(status, "ACTIVE")) {
			if (kf__g_warn(g, b, "%s: relationship record %s is %s; skipped", path, rid,
				       status))
				goto nomem;
			continue;
		}
		if (date != KF_DATE_NONE && (date < from || date >= to)) {
			if (kf__g_warn(g, b, "%s: relationship record %s not valid on %s; skipped",
				       path, rid, kf_date_format(date, t1, sizeof t1)))
				goto nomem;
			continue;
		}
		if (reg && strcmp(reg, "PUBLISHED") && strcmp(reg, "ISSUED") &&
		    kf__g_warn(g, b, "%s: relationship record %s has registration status %s; used",
			       path, rid, reg))
			goto nomem;
		json_array_foreach(json_object_get(rel, "RelationshipQuantifiers"), k, q)
		{
			const char *units = jstr(q, "QuantifierUnits");
			kf_share v;
			char text[64];
			kf_status s;
			if (!units || strcmp(units, "PERCENTAGE"))
				continue;
			s = kf__own_json_share(json_object_get(q, "QuantifierAmount"), &v, text,
					       sizeof text);
			if (s == KF_OK && v > KF_SHARE_FULL)
				s = KF_ERR_RANGE;
			if (s != KF_OK) {
				kf__error_set(
				    err, s, path, 0, 0, "QuantifierAmount",
				    "relationship record %s: QuantifierAmount \"%s\" is %s; "
				    "expected a percent from 0 to 100",
				    rid, text,
				    s == KF_ERR_PARSE ? "not a number"
				    : text[0] == '-'  ? "negative"
						      : "over 100");
				return s;
			}
			if (v > 0 && v <= KF_SHARE_PERCENT) {
				if (kf__g_warn(
					g, b,
					"%s: relationship record %s: QuantifierAmount \"%s\" in "
					"PERCENTAGE looks like a fraction (%s%s); share treated as "
					"unknown",
					path, rid, text,
					has_percent_over_one ? "other records of this file write "
							       "\"100.00\""
							     : "a consolidated child held at ",
					has_percent_over_one ? "" : "1% or less is implausible"))
					goto nomem;
				continue;
			}
			lo = hi = v;
			have_share = 1;
		}
		if (!strcmp(type, "IS_INTERNATIONAL_BRANCH_OF")) {
			lo = hi = KF_SHARE_FULL;
			have_share = 1;
		}
		if (!have_share)
			flags |= KF__H_UNKNOWN;
		src = kf__g_str(g, rid, strlen(rid));
		if (src == KF__NONE || kf__g_add_hold(g, a, b, lo, hi, flags, src))
			goto nomem;
	}
	return KF_OK;
nomem:
	kf__error_set(err, KF_ERR_NOMEM, NULL, 0, 0, NULL, "out of memory");
	return KF_ERR_NOMEM;
}
