/* dryrun_words: the words of the HTML dry-run report, Japanese and English. */
#include "cmd/dryrun_words.h"

#include <stdio.h>
#include <string.h>

#include "cmd/dryrun.h"

static const char *const dryrun_words[DW_N][2] = {
	[DW_TITLE] = { "移行前チェック（ドライラン）", "Dry run" },
	[DW_GO_LINE] = { "予定どおり移行を実施できます。", "Ready: the cutover can go ahead as planned." },
	[DW_NOGO_LINE] = { "このままでは移行を実施できません。理由は下記のとおりです。",
	                   "Not ready: the cutover cannot go ahead as planned, for the reasons below." },
	[DW_PLAN] = { "計画", "Plan" },
	[DW_OPERATOR] = { "事業者", "Operator" },
	[DW_PREPARED_BY] = { "作成者", "Prepared by" },
	[DW_GENERATED] = { "作成日時", "Generated" },
	[DW_WINDOW] = { "作業時間帯", "Maintenance window" },
	[DW_CUSTOMERS] = { "お客様", "customers" },
	[DW_MESSAGES] = { "メール（通）", "messages" },
	[DW_TOTAL_SIZE] = { "総容量", "total size" },
	[DW_COPY_TIME] = { "所要時間の見込み", "estimated copy time" },
	[DW_FINISH] = { "終了見込み", "projected finish" },
	[DW_TO_SPARE] = { "余裕", "to spare" },
	[DW_TOO_LATE] = { "超過", "too late" },
	[DW_NO_ESTIMATE] = { "見込みなし", "no estimate" },
	[DW_REASONS] = { "実施できない理由", "Why NO-GO" },
	[DW_WARNINGS] = { "注意事項", "Warnings" },
	[DW_AFFECTED] = { "対象", "Customers" },
	[DW_PREFLIGHT] = { "新サーバーの事前確認", "Pre-flight of the new servers" },
	[DW_PREFLIGHT_NOT_RUN] = { "実施していません（--skip-preflight）。", "Not run (--skip-preflight)." },
	[DW_SERVER] = { "サーバー", "server" },
	[DW_CHECK] = { "確認項目", "check" },
	[DW_RESULT] = { "結果", "result" },
	[DW_DETAIL] = { "詳細", "detail" },
	[DW_CUSTOMER_TABLE] = { "お客様ごとの内訳", "Customers" },
	[DW_ID] = { "ID", "id" },
	[DW_EMAIL] = { "メールアドレス", "e-mail" },
	[DW_SIZE] = { "容量", "size" },
	[DW_LARGEST] = { "最大のメール", "largest" },
	[DW_EST_TIME] = { "所要時間", "est. time" },
	[DW_SOURCE] = { "旧サーバー", "source" },
	[DW_DESTINATION] = { "新サーバー", "destination" },
	[DW_UIDL_STYLE] = { "UIDL形式", "UIDL style" },
	[DW_NOTES] = { "備考", "notes" },
	[DW_OK] = { "正常", "ok" },
	[DW_TL_WINDOW] = { "作業時間帯", "maintenance window" },
	[DW_TL_UNSTABLE] = { "不安定", "unstable" },
	[DW_TL_FINISH] = { "終了見込み %s", "projected finish %s" },          /* %s: HH:MM */
	[DW_TL_END] = { "終了 %s", "end %s" },                                /* %s: HH:MM */
	/* %s duration, %d workers, %s margin, then DW_TO_SPARE or DW_TOO_LATE */
	[DW_ESTIMATE_LINE] = { "見込み: %2$d 並列で %1$s、%4$s %3$s。",
	                       "Estimate: %1$s with %2$d workers, %3$s %4$s." },
	[DW_BASIS] = { "根拠", "Basis" },
	/* %s phase messages, %s all messages */
	[DW_FINAL_PHASE] = { "事前コピー済みのため、今回の移行は全 %2$s 通のうち %1$s 通です。",
	                     "Final phase only: the pre-stage in the journal leaves %1$s of %2$s messages." },
	[DW_OVERSIZE] = { "%llu 通がサイズ上限超過。", "%llu over the size limit. " },
	[DW_OVER_QUOTA] = { "容量制限を超過。", "Over quota. " },
	[DW_NO_MSGID] = { "Message-ID なし %lld 通。", "%lld without Message-ID. " },
	[DW_ALREADY] = { "新サーバーに既に %llu 通。", "%llu already on the destination. " },
	[DW_REDOWNLOAD] = { "全件再受信: ", "Re-download: " },
};

const char *dryrun_word(enum plan_lang lang, enum dryrun_word w)
{
	return dryrun_words[w][lang == PLAN_LANG_JA ? 0 : 1];
}

const char *dryrun_words_count(uint64_t v, char *out, size_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t k = 0;
	for (int i = 0; i < len && k + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	if (n)
		out[k < n ? k : n - 1] = '\0';
	return out;
}

void dryrun_words_customers(enum plan_lang lang, char *out, size_t n, size_t count)
{
	if (lang == PLAN_LANG_JA)
		snprintf(out, n, "%zu 件のお客様", count);
	else
		snprintf(out, n, "%zu customer%s", count, count == 1 ? "" : "s");
}

/* The openings of cmd_dryrun.c's per-customer lines, and what a Japanese reader reads. */
static const char *const dryrun_openings[][2] = {
	{ "will download all mail again after the move: ", "移行後、メールソフトがサーバー上のメールをすべて受信し直します。理由: " },
	{ "login failed ", "ログインできません " },
	{ "not reached ", "接続できません（一時的な可能性があります） " },
	{ "mailbox of ", "メールボックスが新サーバーの容量制限を超えます: " },
};

void dryrun_words_line(FILE *f, enum plan_lang lang, const char *text,
                       void (*esc)(FILE *, const char *))
{
	for (size_t i = 0; lang == PLAN_LANG_JA && i < sizeof dryrun_openings / sizeof dryrun_openings[0]; i++) {
		size_t n = strlen(dryrun_openings[i][0]);
		if (strncmp(text, dryrun_openings[i][0], n) == 0) {
			fputs(dryrun_openings[i][1], f);
			/* "mailbox of …" keeps its whole English sentence after the Japanese one. */
			esc(f, i == 3 ? text : text + n);
			return;
		}
	}
	esc(f, text);
}
