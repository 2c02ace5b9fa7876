/*
 * kaifang/kaifang.h — the umbrella header of libkaifang.
 *
 * libkaifang is the working model of China's market-access rules for foreign
 * investment in telecommunications: it loads a rulebook (rulebook.h), decides
 * questions (decide.h), renders every view in one JSON schema (view.h, with
 * the JSON writer of json.h) and computes look-through ownership (ownership.h).
 * Ownership of memory: kaifang/common.h.
 */
#ifndef KAIFANG_H
#define KAIFANG_H

#include "kaifang/common.h"
#include "kaifang/rulebook.h"
#include "kaifang/decide.h"
#include "kaifang/question.h"
#include "kaifang/json.h"
#include "kaifang/view.h"
#include "kaifang/batch.h"
#include "kaifang/text.h"
#include "kaifang/timeline.h"

#define KAIFANG_VERSION "0.1.0"

#endif
