/* fuzz_tmpl: bytes as a notice template, rendered in every escape mode against a small
 * dictionary (strings, flags, a list with a nested list); includes resolve under the
 * built-in templates (run from the source tree). */
#include "fuzz/fuzz.h"

#include "base/buf.h"
#include "notices/tmpl.h"

#define FUZZ_TMPL_OUT_MAX (1u << 20)

static struct tmpl_dict *fuzz_tmpl_vars(void)
{
	struct tmpl_dict *d = tmpl_dict_new();
	if (!d || tmpl_dict_set(d, "name", "山田 太郎") < 0 || tmpl_dict_set(d, "email", "a@example.jp") < 0 ||
	    tmpl_dict_set(d, "steps", "thunderbird") < 0 || tmpl_dict_set(d, "html", "<b>&\"'\r\n{{x}}") < 0 ||
	    tmpl_dict_flag(d, "yes", true) < 0 || tmpl_dict_flag(d, "no", false) < 0 ||
	    tmpl_dict_list(d, "none") < 0)
		abort();
	for (int i = 0; i < 3; i++) {
		struct tmpl_dict *it = tmpl_dict_list_add(d, "servers");
		if (!it || tmpl_dict_setf(it, "host", "pop%d.example.jp", i) < 0)
			abort();
		for (int k = 0; k < 2; k++) {
			struct tmpl_dict *port = tmpl_dict_list_add(it, "ports");
			if (!port || tmpl_dict_setf(port, "port", "%d", 110 + k) < 0)
				abort();
		}
	}
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tmpl_escape modes[] = { TMPL_ESC_TEXT, TMPL_ESC_HTML, TMPL_ESC_XML };
	struct tmpl_dict *vars = fuzz_tmpl_vars();
	char *text = fuzz_strdup(data, size);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct buf out;
		struct err e;
		err_clear(&e);
		buf_init(&out, FUZZ_TMPL_OUT_MAX);
		int rc = tmpl_render_string("notices/templates", "ja/fuzz.txt", text, modes[i], vars,
		                            &out, &e);
		FUZZ_ASSERT(rc == 0 || e.msg[0]);
		buf_release(&out);
	}
	free(text);
	tmpl_dict_free(vars);
	return 0;
}
