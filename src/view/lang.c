/*
 * view/lang.c — the sentence templates of the text views, English and
 * Chinese (view/lang.h), the language names (kaifang/text.h) and a padding
 * helper that counts display columns. A row per sentence: add a sentence by
 * adding its id to view/lang.h and its row here.
 *
 * The Chinese terms follow the rulebook's sources: 允许 / 不允许, 外资比例
 * (foreign share), 上限 (cap), 禁止 (prohibited, 负面清单), 未对外资开放
 * (not opened), 确定 / 不确定 (certainty).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "util/alloc.h"
#include "view/lang.h"

static const struct {
	kf__ph id;
	const char *en, *zh;
} phrases[] = {
    {KF_PH_H_PERMITTED, "PERMITTED", "允许"},
    {KF_PH_H_EXCEEDS, "EXCEEDS CAP", "不允许：超过外资比例上限"},
    {KF_PH_H_PROHIBITED, "PROHIBITED", "不允许：禁止外商投资"},
    {KF_PH_H_CLOSED, "CLOSED to foreign investment", "不允许：未对外资开放"},
    {KF_PH_H_INDETERMINATE, "INDETERMINATE (it depends on where the address is)",
     "视情况而定（取决于地址是否位于区内）"},
    {KF_PH_H_NOT_COVERED, "NOT COVERED (the date is before the rulebook's coverage)",
     "不在覆盖范围内（日期早于规则集的覆盖期）"},
    {KF_PH_H_SHARE_UNDECIDED, "INDETERMINATE (it depends on the exact foreign share)",
     "视情况而定（取决于确切的外资比例）"},
    {KF_PH_H_GROUP_UNDECIDED,
     "INDETERMINATE (it depends on the largest foreign investor group's holding)",
     "视情况而定（取决于最大外国投资者及其关联方的持股比例）"},
    {KF_PH_O_PERMITTED, "permitted", "允许"},
    {KF_PH_O_EXCEEDS, "exceeds the cap", "超过外资比例上限"},
    {KF_PH_O_PROHIBITED, "prohibited", "禁止"},
    {KF_PH_O_CLOSED, "closed", "未对外资开放"},
    {KF_PH_O_INDETERMINATE, "indeterminate", "视情况而定"},
    {KF_PH_O_NOT_COVERED, "not covered", "不在覆盖范围内"},
    {KF_PH_CONFIRMED, "confirmed", "确定"},
    {KF_PH_UNCERTAIN, "uncertain", "不确定"},
    {KF_PH_QUESTION, "  %1$s %2$s in %3$s %4$s (%5$s) on %6$s, investor %7$s",
     "  %1$s %2$s，地点 %3$s %4$s（%5$s），日期 %6$s，投资者 %7$s %8$s"},
    {KF_PH_SHARE_RANGE, ", foreign share between %s%% and %s%%",
     "，外资比例介于 %s%% 与 %s%% 之间"},
    {KF_PH_SHARE, ", foreign share %s%s%%", "，外资比例 %s%s%%"},
    {KF_PH_JUST_ABOVE, "just above ", "略高于 "},
    {KF_PH_SHARE_LO_OPEN, " (the lower end excluded)", "（不含下限）"},
    {KF_PH_SHARE_HI_OPEN, " (the upper end excluded)", "（不含上限）"},
    {KF_PH_OUTSIDE_ZONES, ", outside every sub-zone", "，位于所有区外"},
    {KF_PH_MAX_LABEL, "Maximum foreign share: ", "外资比例上限："},
    {KF_PH_MAX_ZERO, "0%% (no foreign share allowed)", "0%%（不允许外资）"},
    {KF_PH_MAX_BELOW, "below %s%%", "低于 %s%%"},
    {KF_PH_MAX_AT_MOST, "at most %s%%", "不超过 %s%%"},
    {KF_PH_MAX_DEPENDS, "depends on the zone (see below)", "取决于所在区（见下文）"},
    {KF_PH_MAX_NOT_COVERED, "no answer (not covered)", "无答案（不在覆盖范围内）"},
    {KF_PH_MAX_NONE, "no cap", "无上限"},
    {KF_PH_IN_WORDS, "\nIn words: %s", "\n概括：%s"},
    {KF_PH_CERTAINTY, "Certainty: %s\n", "确定性：%s\n"},
    {KF_PH_FIRST_COVERED, "First covered date: %s\n", "覆盖期起始日：%s\n"},
    {KF_PH_NOTICE, "Notice: %s\n", "提示：%s\n"},
    {KF_PH_NOTICE_NOT_COVERED,
     "not covered: the rulebook models the rules in force from %s; for an earlier date it "
     "gives no answer, since measures then in force may be missing",
     "不在覆盖范围内：规则集收录自 %s "
     "起施行的规则；对更早的日期不作回答，因为当时施行的措施可能缺失"},
    {KF_PH_NOTICE_EDITION,
     "the rulebook's facts were gathered up to %s (its edition); changes after that day are "
     "not modelled",
     "规则集的事实收集截至 %s（其版本日）；此后的变化未予收录"},
    {KF_PH_DEPENDS_SHARE,
     "\nThe answer depends on the exact foreign share: the range given straddles the cap.\n",
     "\n答案取决于确切的外资比例：所给区间跨越上限。\n"},
    {KF_PH_DEPENDS_ZONE, "\nThe answer depends on whether the address is inside:\n",
     "\n答案取决于地址是否位于以下区内：\n"},
    {KF_PH_ZONE_ITEM, "  - %s %s (%s)\n", "  - %s %s（%s）\n"},
    {KF_PH_BY_PLACE, "Answers by place:\n", "各地点的答案：\n"},
    {KF_PH_OUTSIDE_EVERY, "outside every sub-zone:", "所有区外："},
    {KF_PH_SC_MAX, "%s, max ", "%s，上限 "},
    {KF_PH_WHY, "\nWhy", "\n依据"},
    {KF_PH_WHY_OUTSIDE, " (outside every sub-zone)", "（所有区外）"},
    {KF_PH_WHY_NOT_MODELLED, "  the rulebook does not model the rules in force on this date\n",
     "  规则集未收录该日期施行的规则\n"},
    {KF_PH_NO_RESTRICTION, "  no restriction binds\n", "  无限制措施适用\n"},
    {KF_PH_BINDS, "  binds:      %s — %s\n", "  适用：      %s — %s\n"},
    {KF_PH_ALSO_APPLIES, "  also applies (does not decide): %s — %s\n",
     "  亦适用（不决定答案）：%s — %s\n"},
    {KF_PH_SET_ASIDE, "  set aside:  %s (by %s)\n", "  被排除：    %s（由 %s 排除）\n"},
    {KF_PH_CONDITIONS, "\nConditions:\n", "\n条件：\n"},
    {KF_PH_CONDITION, "  - [%s] %s (%s)\n", "  - 【%s】%s（%s）\n"},
    {KF_PH_REQ_ITEM, "  - required [%s] %s (%s)%s\n", "  - 必须【%s】%s（%s）%s\n"},
    {KF_PH_REQ_HOLDS, "; the answer holds only if it does", "；仅在满足时答案成立"},
    {KF_PH_LAPSED, "\nLapsed before this date:\n", "\n在此日期前已失效：\n"},
    {KF_PH_LAPSED_ITEM, "  - %s, ended %s%s: %s\n", "  - %s，%s 终止%s：%s\n"},
    {KF_PH_LAPSED_BASIS, " (%s)", "（%s）"},
    {KF_PH_RK_FLOOR, "floor", "中方持股下限"},
    {KF_PH_RK_CONTROL, "control", "中方控股"},
    {KF_PH_RK_FORM, "form", "组织形式"},
    {KF_PH_RK_GROUP, "cap_per_investor", "单一投资者上限"},
    {KF_PH_RK_QUOTA, "quota", "数量限制"},
    {KF_PH_RK_MANAGEMENT, "management", "管理要求"},
    {KF_PH_RK_INVESTOR, "investor", "投资者条件"},
    {KF_PH_RK_SCOPE, "scope", "经营范围"},
    {KF_PH_FORM_JV, "as a joint venture", "以合资形式"},
    {KF_PH_FORM_COOP, "as Sino-foreign cooperative schooling", "以中外合作办学形式"},
    {KF_PH_FORM_DONATION, "as a non-profit funded by donation", "以捐资举办的非营利性形式"},
    {KF_PH_FORM_REP, "only as a representative office", "仅以代表机构形式"},
    {KF_PH_FLOOR_TEXT, "a Chinese share of %s %s%% (a foreign share %s %s%%)",
     "中方持股比例%s %s%%（外资比例%s %s%%）"},
    {KF_PH_W_OVER, "over", "高于"},
    {KF_PH_W_AT_LEAST, "at least", "不低于"},
    {KF_PH_W_BELOW, "below", "低于"},
    {KF_PH_W_OF_AT_MOST, "of at most", "不超过"},
    {KF_PH_W_AT_MOST, "at most", "不超过"},
    {KF_PH_BOUND_FLOOR, "with %s", "须%s"},
    {KF_PH_BOUND_RELATIVE, "with the Chinese side as the largest holder (relative control)",
     "须中方为最大股东（相对控股）"},
    {KF_PH_BOUND_CONTROL, "with Chinese control (a foreign share below 50%%)",
     "须中方控股（外资比例低于 50%%）"},
    {KF_PH_BOUND_FORM_CAP, "%s (a foreign share below 100%%)", "%s（外资比例低于 100%%）"},
    {KF_PH_RQ_FLOOR, "the Chinese side must hold %s", "须%s"},
    {KF_PH_RQ_RELATIVE, "the Chinese side must be the largest holder (relative control, 相对控股)",
     "中方须为最大股东（相对控股）"},
    {KF_PH_RQ_CONTROL, "the Chinese side must control (控股): a foreign share below 50%%",
     "中方须控股：外资比例低于 50%%"},
    {KF_PH_RQ_FORM, "permitted %s", "允许%s"},
    {KF_PH_RQ_GROUP, "each foreign investor with its affiliates holds %s %s%%",
     "每一外国投资者及其关联方持股比例%s %s%%"},
    {KF_PH_RQ_QUOTA,
     "at most %d per %s; how many are already set up is not known to the rulebook (the "
     "registry will say)",
     "每个 %2$s 至多 %1$d 家；已设立的数量规则集无从得知（以登记机关为准）"},
    {KF_PH_IW_PROHIBITED, "prohibited to foreign investors", "禁止外商投资"},
    {KF_PH_IW_CLOSED, "not open to foreign investors", "未对外资开放"},
    {KF_PH_IW_NOT_COVERED, "no answer: the date is not covered", "无答案：该日期不在覆盖范围内"},
    {KF_PH_IW_GROUP, "it depends on the largest foreign investor group's holding",
     "取决于最大外国投资者及其关联方的持股比例"},
    {KF_PH_IW_SHARE, "it depends on the exact foreign share", "取决于确切的外资比例"},
    {KF_PH_IW_ZONE, "it depends on where the address is", "取决于地址所在位置"},
    {KF_PH_IW_EXCEEDS, "not permitted at a foreign share of %s%%: permitted only",
     "外资比例为 %s%% 时不允许：仅在以下条件下允许"},
    {KF_PH_IW_PERMITTED, "permitted", "允许"},
    {KF_PH_IW_FORM, " %s", "，%s"},
    {KF_PH_IW_FORM_AND, " and %s", "且%s"},
    {KF_PH_IW_BOUND, " %s", "，%s"},
    {KF_PH_IW_CAP, ", foreign share %s %s%%", "，外资比例%s %s%%"},
    {KF_PH_IW_REQ, "; %s", "；%s"},
    {KF_PH_IW_FACTS, "; if the investor meets:", "；前提是投资者满足："},
    {KF_PH_IW_FACT, " %s", "%s"},
    {KF_PH_IW_FACT_NEXT, ", %s", "、%s"},
    {KF_PH_ALT_BOUND, "permitted %s", "允许，%s"},
    {KF_PH_CITATIONS, "\nCitations:\n", "\n出处：\n"},
    {KF_PH_CITE, "  - %s: %s", "  - %s：%s"},
    {KF_PH_CITE_NUMBER, " (%s)", "（%s）"},
    {KF_PH_CITE_ARTICLE, ", %s", "，%s"},
    {KF_PH_URL_OFFICIAL, "official text", "官方文本"},
    {KF_PH_URL_MIRROR, "mirror (not the official text)", "转载（非官方文本）"},
    {KF_PH_MIRROR, "mirror", "转载"},
    {KF_PH_SOURCES, "sources", "来源"},
    {KF_PH_ALTERNATIVES, "\nWhat would change the answer:\n", "\n何种变化会改变答案：\n"},
    {KF_PH_ALT_SHARE_BELOW, "permitted at a foreign share below %s%%", "外资比例低于 %s%% 时允许"},
    {KF_PH_ALT_SHARE_AT_MOST, "permitted at a foreign share of at most %s%%",
     "外资比例不超过 %s%% 时允许"},
    {KF_PH_ALT_DATE, "permitted from %s", "自 %s 起允许"},
    {KF_PH_ALT_INVESTOR, "permitted for an investor of class %s (%s)",
     "投资者类别为 %s（%s）时允许"},
    {KF_PH_ALT_REGION, "permitted if registered in %s (%s)", "在 %s（%s）注册时允许"},
    {KF_PH_ALT_UNCERTAIN, " (uncertain)", "（不确定）"},
    {KF_PH_TRACE_ALL, "\nEvery measure considered:\n", "\n考虑的全部措施：\n"},
    {KF_PH_TRACE_NEAR, "\nMeasures that matched or nearly matched:\n",
     "\n适用或接近适用的措施：\n"},
    {KF_PH_TRACE_HIDDEN,
     "  (%d other measures do not bear on this service; explain --all lists them)\n",
     "  （另有 %d 项措施与该业务无关；explain --all 列出全部）\n"},
    {KF_PH_RULEBOOK, "\nRulebook: %s, edition %s, sha256 %s\n",
     "\n规则集：%s，版本 %s，sha256 %s\n"},
    {KF_PH_CT_TERRITORY, "territory", "地域"},
    {KF_PH_CT_LICENSING, "licensing", "许可"},
    {KF_PH_CT_CAPITAL, "registered-capital", "注册资本"},
    {KF_PH_CT_TIME, "time-limit", "期限"},
    {KF_PH_CT_PROCEDURE, "procedure", "程序"},
    {KF_PH_CT_NOTE, "note", "说明"},
    {KF_PH_M_PLACE, "place", "地点"},
    {KF_PH_M_LEGEND,
     "Cells: maximum foreign share in percent (100 = no cap); closed = not opened; prohib = "
     "prohibited;\ndepends = the answer depends on a zone inside the place; n/c = not covered "
     "(before the rulebook's coverage); * = uncertain.\nRulebook %s sha256 %.16s…\n",
     "单元格：外资比例上限（百分比，100 = 无上限）；未开放 = 未对外资开放；禁止 = 禁止外商投资；\n"
     "视区而定 = 答案取决于该地点内的区；未覆盖 = 早于规则集的覆盖期；* = 不确定。\n"
     "规则集 %s sha256 %.16s…\n"},
    {KF_PH_M_CLOSED, "closed", "未开放"},
    {KF_PH_M_PROHIB, "prohib", "禁止"},
    {KF_PH_M_DEPENDS, "depends", "视区而定"},
    {KF_PH_M_NC, "n/c", "未覆盖"},
    {KF_PH_MEMO_TITLE, "Market-access memo", "外商投资准入备忘录"},
    {KF_PH_MEMO_QUESTION, "Question", "问题"},
    {KF_PH_MEMO_SERVICE, "Service", "业务"},
    {KF_PH_MEMO_PLACE, "Place", "地点"},
    {KF_PH_MEMO_DATE, "Date asked about", "所问日期"},
    {KF_PH_MEMO_INVESTOR, "Investor", "投资者"},
    {KF_PH_MEMO_SHARE, "Foreign share", "外资比例"},
    {KF_PH_MEMO_SHARE_NONE, "not given", "未提供"},
    {KF_PH_MEMO_ZONES, "Zones", "区"},
    {KF_PH_MEMO_ZONES_OUTSIDE, "the address is outside every sub-zone", "地址位于所有区外"},
    {KF_PH_MEMO_ZONES_ANY, "not stated", "未说明"},
    {KF_PH_MEMO_ASKED, "Asked on %s (China Standard Time, UTC+8)",
     "查询时间：%s（北京时间，UTC+8）"},
    {KF_PH_MEMO_ANSWER, "Answer", "答案"},
    {KF_PH_MEMO_OUTCOME, "Outcome", "结论"},
    {KF_PH_MEMO_REASONS, "Why uncertain", "不确定的原因"},
    {KF_PH_MEMO_NOTICES, "Notices", "提示"},
    {KF_PH_MEMO_OFFICIAL, "Official text?", "是否官方文本"},
    {KF_PH_YES, "yes", "是"},
    {KF_PH_NO, "no (mirror)", "否（转载）"},
    {KF_PH_MEMO_RULEBOOK, "Rulebook", "规则集"},
    {KF_PH_MEMO_EDITION, "edition", "版本"},
    {KF_PH_MEMO_REPLAY,
     "This answer can be replayed with this rulebook (the same edition and SHA-256) by:",
     "使用同一规则集（相同版本与 SHA-256）可通过以下命令重现此答案："},
    {KF_PH_MEMO_DOCUMENT, "Document", "文件"},
    {KF_PH_MEMO_URL, "URL", "网址"},
    {KF_PH_MEMO_ARTICLE, "Article", "条款"},
    {KF_PH_MEMO_MEASURE, "Measure", "措施"},
    {KF_PH_MEMO_NONE, "none", "无"},
    {KF_PH_E_PROHIBITED, "prohibited", "禁止"},
    {KF_PH_E_CLOSED, "closed", "未开放"},
    {KF_PH_E_CAP, "cap", "比例上限"},
    {KF_PH_E_OPEN, "open", "开放"},
    {KF_PH_E_CONDITION, "condition", "条件"},
    {KF_PH_E_FLOOR, "floor", "中方持股下限"},
    {KF_PH_E_CONTROL, "control", "中方控股"},
    {KF_PH_E_FORM, "form", "组织形式"},
    {KF_PH_T_SERVICE, "service not within its services", "业务不在其适用业务范围内"},
    {KF_PH_T_NOT_COVERED,
     "not considered: the date is before the rulebook's coverage (complete from %s)",
     "未考虑：日期早于规则集的覆盖期（自 %s 起完整）"},
    {KF_PH_T_EXCLUDED, "service excluded (exclude_services: %s)",
     "业务被排除（exclude_services：%s）"},
    {KF_PH_T_NOT_IN_FORCE, "not in force on the date (valid %s to %s)",
     "该日期不在有效期内（有效期 %s 至 %s）"},
    {KF_PH_T_OPEN_END, "open", "无限期"},
    {KF_PH_T_ZERO_SHARE, "a foreign share of 0 is no foreign investment",
     "外资比例为 0，不属于外商投资"},
    {KF_PH_T_INVESTOR, "investor class %s not covered", "不适用于投资者类别 %s"},
    {KF_PH_T_IN_ZONE, "%s; its regions lie partly inside %s, so it may apply in a zone",
     "%s；其适用地区部分位于 %s 内，可能在某区内适用"},
    {KF_PH_T_ONLY_SUBZONES,
     "its regions lie inside %s only in sub-zones, and the address is outside every sub-zone",
     "其适用地区在 %s 内仅限于区内，而地址位于所有区外"},
    {KF_PH_T_NOT_CONTAIN, "its regions do not contain %s", "其适用地区不包括 %s"},
    {KF_PH_T_NOT_EVALUATED, "not evaluated", "未评估"},
    {KF_PH_T_SET_ASIDE, "matched; set aside by %s", "适用；被 %s 排除"},
    {KF_PH_T_OPEN_ACTS, "matched; opening that sets restrictions aside",
     "适用；开放措施，排除了限制"},
    {KF_PH_T_OPEN_NOTHING, "matched; opening with nothing to set aside here",
     "适用；开放措施，此处无可排除的限制"},
    {KF_PH_T_ADDS_CONDITIONS, "matched; adds conditions", "适用；附加条件"},
    {KF_PH_T_BINDS, "matched; binds (%s)", "适用；决定答案（%s）"},
    {KF_PH_T_STRONGER, "matched; %s, but a stronger restriction decides",
     "适用；%s，但更严格的限制决定答案"},
    {KF_PH_TL_HEAD, "Timeline of %s (%s), investor %s, %s%s\n",
     "%s（%s）的时间线，投资者 %s，%s%s\n"},
    {KF_PH_TL_SHARE, "foreign share ", "外资比例 "},
    {KF_PH_TL_NO_SHARE, "no share given (the maximum)", "未给出外资比例（按上限）"},
    {KF_PH_TL_PLACE, "\n%s %s (%s), %s to %s: %d period%s, %ld decision%s\n",
     "\n%1$s %2$s（%3$s），%4$s 至 %5$s：%6$d 个时段%7$s，%8$ld 次判定%9$s\n"},
    {KF_PH_TL_PLURAL, "s", ""},
    {KF_PH_TL_NOTE, "  note: %s\n", "  说明：%s\n"},
    {KF_PH_TL_OPEN, "open", "无限期"},
    {KF_PH_TL_PERIOD, "  %s – ", "  %s – "},
    {KF_PH_TL_MAX, " max ", " 上限 "},
    {KF_PH_TL_BINDING, "binding", "适用"},
    {KF_PH_TL_STEP, "      %s %s (%s, %s): %s%s%s, %s\n        %s (%s)\n",
     "      %s %s（%s，%s）：%s%s%s，%s\n        %s（%s）\n"},
    {KF_PH_TL_LEGEND,
     "\nPeriods are [from, until); max: the maximum foreign share in percent (100 = no cap); + "
     "entered, - left.\nRulebook %s %s sha256 %.16s…\n",
     "\n时段为 [起, 止)；上限：外资比例上限（百分比，100 = 无上限）；+ 生效，- 失效。\n"
     "规则集 %s %s sha256 %.16s…\n"},
    {KF_PH_LT_HEAD, "\nForeign share by look-through (%s, applicant %s): ",
     "\n穿透计算的外资比例（%s，申请人 %s）："},
    {KF_PH_LT_SHARE, "%s%%", "%s%%"},
    {KF_PH_LT_RANGE, "between %s%% and %s%%", "介于 %s%% 与 %s%% 之间"},
    {KF_PH_LT_ROUNDED, " (a cycle was solved in floating point; rounded once)",
     "（循环持股以浮点数求解，舍入一次）"},
    {KF_PH_LT_HKMOTW, "  of which Hong Kong, Macao, Taiwan: %s%% to %s%%\n",
     "  其中香港、澳门、台湾：%s%% 至 %s%%\n"},
    {KF_PH_LT_CHAIN, "  chain %s%%: ", "  持股链 %s%%："},
    {KF_PH_LT_DECIDING, "  holdings that decide it:\n", "  决定结果的持股：\n"},
    {KF_PH_LT_DECIDING_AT, "    %s in %s (%s%%-%s%%, %s) at %s\n",
     "    %s 持有 %s（%s%%-%s%%，%s），见 %s\n"},
    {KF_PH_LT_DECIDING_NO, "    %s in %s (%s%%-%s%%, %s)\n", "    %s 持有 %s（%s%%-%s%%，%s）\n"},
    {KF_PH_LT_UNDISCLOSED, "(undisclosed)", "（未披露的持有人）"},
    {KF_PH_LT_TEST_LOOK, "look-through", "穿透"},
    {KF_PH_LT_TEST_LEGAL, "legal-form", "法律形式"},
    {KF_PH_LT_OTHER, "\nThe %s test gives another answer: foreign share ",
     "\n按%s标准另有答案：外资比例 "},
    {KF_PH_LT_OTHER_RANGE, "%s%% to %s%%", "%s%% 至 %s%%"},
    {KF_PH_LT_OTHER_TAIL,
     ", %s. Which test the licensing authority applies is not settled\n"
     "(ownership-notes 0.5; telecom-facts 7.2.4); %s.\n",
     "，%s。许可机关采用哪一标准尚无定论\n"
     "（ownership-notes 0.5；telecom-facts 7.2.4）；%s。\n"},
    {KF_PH_LT_USE_LEGAL,
     "--legal-form decides with a foreign-registered company counted as foreign",
     "加 --legal-form 时，境外注册的公司计为外国投资者"},
    {KF_PH_LT_USE_LOOK, "without --legal-form the look-through to persons and states decides",
     "不加 --legal-form 时，按穿透至自然人和国家的结果判断"},
    {KF_PH_DF_HEAD, "Answers that differ between %s and %s (investor %s): %d of %d cells\n",
     "%s 与 %s 之间不同的答案（投资者 %s）：%d / %d 个单元格\n"},
    {KF_PH_DF_COUNTS, "%d answer%s changed, %d cell%s changed only %s legal basis%s\n",
     "答案改变 %1$d 个%2$s，仅法律依据改变 %3$d 个单元格%4$s%5$s%6$s\n"},
    {KF_PH_DF_ITS, "its", ""},
    {KF_PH_DF_THEIR, "their", ""},
    {KF_PH_DF_HIDDEN, " (not shown; --changes all shows them)", "（未列出；--changes all 可显示）"},
    {KF_PH_DF_EDITIONS, "Rulebook %s %s (a) against %s %s (b)", "规则集 %s %s（a）对比 %s %s（b）"},
    {KF_PH_DF_ON, " on %s", "，日期 %s"},
    {KF_PH_DF_RANGE, " from %s until %s", "，自 %s 至 %s"},
    {KF_PH_DF_MEASURES, ":\n  measures added %d, removed %d, changed %d\n",
     "：\n  措施新增 %d，删除 %d，修改 %d\n"},
    {KF_PH_DF_CELLS, "  answers that differ: %d of %d cells\n", "  不同的答案：%d / %d 个单元格\n"},
    {KF_PH_DF_NOTE, "Note: %s.\n", "注：%s。\n"},
    {KF_PH_DF_CELL, "\n%s (%s) in %s %s (%s)%s%s [%s]\n",
     "\n%1$s（%2$s），%3$s %4$s（%5$s）%6$s%7$s [%8$s]\n"},
    {KF_PH_DF_K_ANSWER, "answer changed", "答案改变"},
    {KF_PH_DF_K_BASIS, "only the legal basis changed", "仅法律依据改变"},
    {KF_PH_DF_CAP, "  (maximum share changed)", "  （外资比例上限改变）"},
    {KF_PH_DF_REFUSED, "refused (%s)", "拒绝（%s）"},
    {KF_PH_M_COLUMNS, "Columns: ", "列："},
    {KF_PH_M_COLUMN, "%s%s = %s", "%s%s = %s"},
    {KF_PH_REQUIREMENTS, "\nRequirements:\n", "\n要求：\n"},
};

_Static_assert(sizeof phrases / sizeof phrases[0] == KF_PH_COUNT,
	       "every sentence of view/lang.h has a row");

int kf__say_table_check(void)
{
	int i;
	for (i = 0; i < KF_PH_COUNT; i++)
		if (phrases[i].id != (kf__ph)i || !phrases[i].en || !phrases[i].zh)
			return i;
	return -1;
}

const char *kf__say(kf_lang lang, kf__ph p)
{
	if ((unsigned)p >= KF_PH_COUNT)
		return "";
	return lang == KF_LANG_ZH ? phrases[p].zh : phrases[p].en;
}

void kf__buf_say(kf_buf *b, kf_lang lang, kf__ph p, ...)
{
	char small[512], *big;
	va_list ap;
	int n;
	va_start(ap, p);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = vsnprintf(small, sizeof small, kf__say(lang, p), ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof small) {
		kf__buf_add(b, small, (size_t)n);
		return;
	}
	big = kf__malloc((size_t)n + 1);
	if (!big) {
		b->failed = 1;
		return;
	}
	va_start(ap, p);
	vsnprintf(big, (size_t)n + 1, kf__say(lang, p), ap);
#pragma GCC diagnostic pop
	va_end(ap);
	kf__buf_add(b, big, (size_t)n);
	kf__xfree(big);
}

const char *kf__condition_type_label(kf_lang lang, const char *type)
{
	static const struct {
		const char *type;
		kf__ph ph;
	} t[] = {{"territory", KF_PH_CT_TERRITORY},
		 {"licensing", KF_PH_CT_LICENSING},
		 {"registered-capital", KF_PH_CT_CAPITAL},
		 {"time-limit", KF_PH_CT_TIME},
		 {"procedure", KF_PH_CT_PROCEDURE},
		 {"note", KF_PH_CT_NOTE},
		 {"investor", KF_PH_RK_INVESTOR},
		 {"management", KF_PH_RK_MANAGEMENT},
		 {"scope", KF_PH_RK_SCOPE}};
	size_t i;
	for (i = 0; type && i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(type, t[i].type))
			return kf__say(lang, t[i].ph);
	return type ? type : "";
}

const char *kf__effect_label(kf_lang lang, kf_effect e)
{
	static const kf__ph ph[] = {KF_PH_E_PROHIBITED, KF_PH_E_CLOSED,    KF_PH_E_CAP,
				    KF_PH_E_OPEN,       KF_PH_E_CONDITION, KF_PH_E_FLOOR,
				    KF_PH_E_CONTROL,    KF_PH_E_FORM};
	return (unsigned)e < sizeof ph / sizeof ph[0] ? kf__say(lang, ph[e]) : "unknown";
}

const char *kf__name(kf_lang lang, kf_text2 t)
{
	return lang == KF_LANG_ZH && t.zh && *t.zh ? t.zh : t.en;
}

const char *kf__name_other(kf_lang lang, kf_text2 t)
{
	if (lang == KF_LANG_ZH)
		return t.zh && *t.zh ? t.en : "";
	return t.zh ? t.zh : "";
}

int kf__display_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int used = 0;
	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);
		if (n <= 0)
			break; /* invalid UTF-8: as kf__buf_pad, stop */
		used += utf8proc_charwidth(c);
		p += n;
	}
	return used;
}

void kf__buf_pad(kf_buf *b, const char *s, int width, int cut)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int used = 0;
	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);
		int w;
		if (n <= 0)
			break; /* invalid UTF-8: stop (the rulebook's text is checked UTF-8) */
		w = utf8proc_charwidth(c);
		if (cut && used + w > width)
			break;
		kf__buf_add(b, (const char *)p, (size_t)n);
		used += w;
		p += n;
	}
	for (; used < width; used++)
		kf__buf_add(b, " ", 1);
}

const char *kf_lang_name(kf_lang lang) { return lang == KF_LANG_ZH ? "zh" : "en"; }

int kf_lang_from_name(const char *name)
{
	static const char *const zh[] = {"zh", "zh-cn", "zh-hans", "zh_cn", "chinese", "中文"};
	size_t i;
	if (!name || !*name || !strcasecmp(name, "en") || !strcasecmp(name, "english") ||
	    !strcasecmp(name, "en-us") || !strcasecmp(name, "en-gb"))
		return KF_LANG_EN;
	for (i = 0; i < sizeof zh / sizeof zh[0]; i++)
		if (!strcasecmp(name, zh[i]))
			return KF_LANG_ZH;
	return -1;
}

const char *kf_outcome_label(kf_outcome o, kf_lang lang)
{
	static const kf__ph ph[KF_OUTCOME_COUNT] = {KF_PH_O_PERMITTED,     KF_PH_O_EXCEEDS,
						    KF_PH_O_PROHIBITED,    KF_PH_O_CLOSED,
						    KF_PH_O_INDETERMINATE, KF_PH_O_NOT_COVERED};
	return (unsigned)o < KF_OUTCOME_COUNT ? kf__say(lang, ph[o]) : "?";
}

const char *kf_certainty_label(int uncertain, kf_lang lang)
{
	return kf__say(lang, uncertain ? KF_PH_UNCERTAIN : KF_PH_CONFIRMED);
}
