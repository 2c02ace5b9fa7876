/*
 * util/unorm.h — Unicode normalisation of the text people type (internal).
 *
 * Names (services, places, investor classes) are compared by a key: NFC plus
 * case folding, without spaces (the ideographic space U+3000 too), "'", "-",
 * "_", ".", "(" and ")", default-ignorable code points dropped. A decomposed
 * "Ürümqi" (NFD, as macOS stores names) gets the key of the composed one.
 * Codes, numbers and dates are read after NFKC, so the full-width digits and
 * signs of a Chinese input method ("６１０１００", "５０％", U+3000) read as
 * ASCII. ASCII text takes a fast path that never calls utf8proc.
 */
#ifndef KF_UTIL_UNORM_H
#define KF_UTIL_UNORM_H

#include <stddef.h>
#include <stdint.h>

/* Longest key or normalised field, in bytes with the NUL. */
#define KF__NORM_MAX 512

/* The name key of s (NFC, case folded; with `compat`, NFKC) into out of size
 * bytes. Returns the key's length, or -1 when s is not valid UTF-8 or the key
 * does not fit. */
int kf__name_key(const char *s, int compat, char *out, size_t size);

/* 1 when s is all ASCII. */
int kf__is_ascii(const char *s);

/* s after NFKC with leading and trailing white space (ASCII and U+3000)
 * removed: s itself when it is ASCII without such space, else out (size
 * bytes). NULL when s is not valid UTF-8 or does not fit. */
const char *kf__norm_compat(const char *s, char *out, size_t size);

/* The offset of the first byte of s[0, len) that does not begin a valid
 * UTF-8 sequence (an invalid or truncated one, an overlong form, a
 * surrogate), or len when all are valid; NUL counts as valid here. ASCII is
 * skipped eight bytes at a time. */
size_t kf__utf8_bad_at(const char *s, size_t len);

/* 1 when s is valid UTF-8 (no NUL inside len bytes). */
int kf__utf8_valid(const char *s, size_t len);

/* Decodes valid UTF-8 into at most max code points. Returns the count. */
int kf__utf8_decode(const char *s, uint32_t *cp, int max);

#endif
