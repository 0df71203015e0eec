/* test_tmpl: the notice template language: variables, blocks, includes, escaping, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notices/tmpl.h"
#include "t.h"

static char tdir[] = "/tmp/test_tmpl.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", tdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Render text with vars; returns the output (static) or the error message. */
static const char *render(const char *text, enum tmpl_escape esc, struct tmpl_dict *d, int *rc)
{
	static struct buf out;
	struct err e;
	err_clear(&e);
	buf_release(&out);
	buf_init(&out, 0);
	*rc = tmpl_render_string(tdir, "ja/t.txt", text, esc, d, &out, &e);
	if (*rc < 0) {
		buf_reset(&out);
		buf_puts(&out, e.msg);
	}
	return out.data ? out.data : "";
}

static void variables_and_escaping(void)
{
	struct tmpl_dict *d = tmpl_dict_new();
	int rc;
	tmpl_dict_set(d, "name", "<script>\"x\" & 'y'\r\nBcc: evil");
	T_STREQ(render("a {{name}} b", TMPL_ESC_TEXT, d, &rc), "a <script>\"x\" & 'y'  Bcc: evil b");
	T_STREQ(render("{{ name }}", TMPL_ESC_HTML, d, &rc),
	        "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;  Bcc: evil");
	T_STREQ(render("{{nope}}", TMPL_ESC_TEXT, d, &rc), "ja/t.txt:1: unknown variable 'nope'");
	T_INTEQ(rc, -1);
	tmpl_dict_free(d);
}

static void conditionals_and_standalone_lines(void)
{
	struct tmpl_dict *d = tmpl_dict_new();
	int rc;
	tmpl_dict_flag(d, "yes", true);
	tmpl_dict_flag(d, "no", false);
	T_STREQ(render("A\n{{#if yes}}\nY\n{{else}}\nN\n{{/if}}\nB\n", TMPL_ESC_TEXT, d, &rc),
	        "A\nY\nB\n");
	T_STREQ(render("{{#if no}}Y{{else}}N{{/if}}|{{#unless no}}U{{/unless}}", TMPL_ESC_TEXT, d, &rc),
	        "N|U");
	T_STREQ(render("x\n{{#if yes}}\n1\n", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:2: '{{#if yes}}' is never closed");
	T_STREQ(render("\n\n{{#if yes}}{{/each}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:3: '{{/each}}' does not close '{{#if yes}}' of line 3");
	T_STREQ(render("{{else}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:1: {{else}} outside {{#if}}/{{#unless}}");
	T_STREQ(render("a {{b", TMPL_ESC_TEXT, d, &rc), "ja/t.txt:1: '{{' without '}}'");
	T_STREQ(render("{{#if undefined_flag}}x{{/if}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:1: unknown variable 'undefined_flag'");
	T_STREQ(render("{{! a comment }}\nz", TMPL_ESC_TEXT, d, &rc), "z");
	tmpl_dict_free(d);
}

static void loops(void)
{
	struct tmpl_dict *d = tmpl_dict_new(), *it;
	int rc;
	tmpl_dict_set(d, "sep", ",");
	tmpl_dict_list(d, "empty");
	it = tmpl_dict_list_add(d, "hosts");
	tmpl_dict_set(it, "h", "pop");
	it = tmpl_dict_list_add(d, "hosts");
	tmpl_dict_set(it, "h", "smtp");
	T_STREQ(render("{{#each hosts}}{{h}}{{sep}}{{/each}}", TMPL_ESC_TEXT, d, &rc), "pop,smtp,");
	T_STREQ(render("{{#if empty}}E{{else}}none{{/if}}{{#each empty}}x{{/each}}", TMPL_ESC_TEXT, d,
	               &rc), "none");
	T_STREQ(render("{{hosts}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:1: 'hosts' is a list: use {{#each}}");
	tmpl_dict_free(d);
}

static void includes(void)
{
	struct tmpl_dict *d = tmpl_dict_new();
	struct buf out = BUF_INIT;
	struct err e;
	int rc;
	char path[256];
	snprintf(path, sizeof path, "%s/ja", tdir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/ja/steps", tdir);
	mkdir(path, 0755);
	put("ja/steps/tb.txt", "1. <b>{{who}}</b> & co\n2. done\n");
	put("ja/steps/bad.txt", "line one\n{{#if who}}\n");
	put("ja/main.html", "<p>\n{{> steps/(client)}}\n</p>\n");
	tmpl_dict_set(d, "who", "A&B");
	tmpl_dict_set(d, "client", "tb");
	T_STREQ(render("[{{> steps/(client)}}]", TMPL_ESC_TEXT, d, &rc),
	        "[1. <b>A&B</b> & co\n2. done]");
	/* A text partial inside HTML: its literal text is escaped too, lines end in <br>. */
	err_clear(&e);
	T_INTEQ(tmpl_render(tdir, "ja/main.html", TMPL_ESC_HTML, d, &out, &e), 0);
	T_STREQ(out.data, "<p>\n1. &lt;b&gt;A&amp;B&lt;/b&gt; &amp; co<br>\n2. done<br>\n</p>\n");
	buf_release(&out);
	tmpl_dict_set(d, "client", "bad");
	T_STREQ(render("{{> steps/(client)}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/steps/bad.txt:2: '{{#if who}}' is never closed");
	tmpl_dict_set(d, "client", "../x");
	T_STREQ(render("{{> steps/(client)}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:1: include 'steps/(client)': value not usable as a name");
	T_STREQ(render("\n{{> ../../etc/passwd}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:2: include '../../etc/passwd' leaves the template directory");
	T_STREQ(render("{{> steps/none}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/t.txt:1: include 'steps/none': no such template");
	put("ja/loop.txt", "{{> loop}}");
	T_STREQ(render("{{> loop}}", TMPL_ESC_TEXT, d, &rc),
	        "ja/loop.txt:1: includes nested too deeply at 'loop'");
	err_clear(&e);
	T_INTEQ(tmpl_render(tdir, "ja/missing.txt", TMPL_ESC_TEXT, d, &out, &e), -1);
	T_INTEQ(e.cls, ERR_NOINPUT);
	buf_release(&out);
	tmpl_dict_free(d);
}

int main(void)
{
	int rc;
	if (!mkdtemp(tdir))
		return 1;
	T_RUN(variables_and_escaping);
	T_RUN(conditionals_and_standalone_lines);
	T_RUN(loops);
	T_RUN(includes);
	render("", TMPL_ESC_TEXT, NULL, &rc); /* frees the static buffer's old content */
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tdir);
		if (system(cmd) != 0)
			return 1;
	}
	return T_DONE();
}
