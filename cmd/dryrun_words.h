/* dryrun_words: the HTML report's words in the plan's language (ja, en): labels, counts,
 * durations. The report's other text (server replies, reasons) stays as it was written. */
#ifndef CUTOVER_DRYRUN_WORDS_H
#define CUTOVER_DRYRUN_WORDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schedule/plan.h"

enum dryrun_word {
	DW_TITLE, DW_GO_LINE, DW_NOGO_LINE, DW_PLAN, DW_OPERATOR, DW_PREPARED_BY, DW_GENERATED,
	DW_WINDOW, DW_CUSTOMERS, DW_MESSAGES, DW_TOTAL_SIZE, DW_COPY_TIME, DW_FINISH, DW_TO_SPARE,
	DW_TOO_LATE, DW_NO_ESTIMATE, DW_REASONS, DW_WARNINGS, DW_AFFECTED, DW_PREFLIGHT,
	DW_PREFLIGHT_NOT_RUN, DW_SERVER, DW_CHECK, DW_RESULT, DW_DETAIL, DW_CUSTOMER_TABLE,
	DW_ID, DW_EMAIL, DW_SIZE, DW_LARGEST, DW_EST_TIME, DW_SOURCE, DW_DESTINATION,
	DW_UIDL_STYLE, DW_NOTES, DW_OK, DW_TL_WINDOW, DW_TL_UNSTABLE, DW_TL_FINISH, DW_TL_END,
	DW_ESTIMATE_LINE, DW_BASIS, DW_FINAL_PHASE, DW_OVERSIZE, DW_OVER_QUOTA, DW_NO_MSGID,
	DW_ALREADY, DW_REDOWNLOAD, DW_N
};

/* The word in the plan's language. Those with printf conversions say so in dryrun_words.c. */
const char *dryrun_word(enum plan_lang lang, enum dryrun_word w);
/* 12345 -> "12,345". */
const char *dryrun_words_count(uint64_t v, char *out, size_t n);
/* "16 customers" / "16 件のお客様" (1: "1 customer"). */
void dryrun_words_customers(enum plan_lang lang, char *out, size_t n, size_t count);

/* A reason or warning after its "customer ID: " (cmd_dryrun.c writes them in English):
 * in Japanese, the usual openings are said in Japanese and the rest (a server's words, a
 * mail program's name) kept; esc writes text escaped for the page. */
void dryrun_words_line(FILE *f, enum plan_lang lang, const char *text,
                       void (*esc)(FILE *, const char *));

#endif
