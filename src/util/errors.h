/*
 * util/errors.h — filling a kf_error (internal to libkaifang).
 */
#ifndef KF_UTIL_ERRORS_H
#define KF_UTIL_ERRORS_H

#include "kaifang/common.h"

/* Sets *err (when not NULL) to status st with location and a printf message.
 * file may be NULL; line/col 0 when unknown; field may be NULL. */
void kf__error_set(kf_error *err, kf_status st, const char *file, int line, int col,
		   const char *field, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Sets the machine code of *err (when not NULL), after kf__error_set (which
 * sets it to the status name). */
void kf__error_code(kf_error *err, const char *code);

#endif
