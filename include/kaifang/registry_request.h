/*
 * kaifang/registry_request.h — the registry's requests as JSON, read by the
 * library for the HTTP door (DESIGN.md "One door": the server only carries
 * bytes). A JSON object's members become the text fields of kf_reg_apply and
 * kf_reg_advance (kaifang/registry.h), exactly as the CLI's options do:
 * numbers are kept as written (a foreign share of 49.999999999 stays that
 * text), arrays of strings become comma lists, booleans "true"/"false".
 *
 * Ownership: see kaifang/common.h. The strings the filled structures point
 * to belong to the kf_reg_request returned beside them; release it with
 * kf_reg_request_free after the call that uses them.
 */
#ifndef KAIFANG_REGISTRY_REQUEST_H
#define KAIFANG_REGISTRY_REQUEST_H

#include <stddef.h>

#include "kaifang/common.h"
#include "kaifang/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kf_reg_request kf_reg_request;

/* Reads an application: an object with members enterprise, name_zh, uscc,
 * override_uscc, region, enterprise_type, listed (boolean), ownership_sha256,
 * services (string or array), places (string or array), foreign_share
 * (number or string), date, route, documents (string, or object
 * {name: sha256}), source, source_seen, uscc_source, uscc_source_type, draft
 * (boolean). Required members are
 * the library's to check (kf_registry_apply). Returns KF_OK with *out filled
 * and *hold set, or KF_ERR_PARSE (code "bad_json" with line and column, or
 * "duplicate_field"), KF_ERR_INVALID (code "unknown_field" naming the member
 * and the known ones, or "invalid_type" naming the member and the type
 * expected), KF_ERR_NOMEM. */
kf_status kf_reg_apply_from_json(const char *json, size_t len, kf_reg_apply *out,
				 kf_reg_request **hold, kf_error *err);

/* Reads a move: an object with members to, date, reason, licence, authority,
 * expires, area, source, source_seen (strings), and a licence's per-service
 * service_area and service_dates, each a string "SVC=VALUE;SVC=VALUE", an
 * array of "SVC=VALUE" strings, or an object {SVC: VALUE} (a service_area
 * VALUE may be an array of places), read into the same text the CLI's
 * repeated --service-area / --service-dates give. Errors as above. */
kf_status kf_reg_advance_from_json(const char *json, size_t len, kf_reg_advance *out,
				   kf_reg_request **hold, kf_error *err);

/* Reads a token request {"role": "applicant"|"reviewer"|"admin"} into *role.
 * Errors as above, and KF_ERR_INVALID code "bad_role" for another role. */
kf_status kf_reg_token_request_from_json(const char *json, size_t len, kf_role *role,
					 kf_error *err);

/* The answer to a token request: {"token": TOKEN, "role": NAME, "note": ...}
 * (kf_free), NULL on no memory. */
char *kf_reg_token_json(const char *token, kf_role role);

void kf_reg_request_free(kf_reg_request *h);

#ifdef __cplusplus
}
#endif
#endif
