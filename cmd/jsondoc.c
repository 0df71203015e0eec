/* jsondoc: the shared head, numbers, times and dump flags of the JSON documents. */
#include "cmd/jsondoc.h"

json_t *jsondoc_new(const char *command)
{
	return json_pack("{s:i, s:s}", "schema", JSONDOC_SCHEMA, "command", command);
}

json_t *jsondoc_real(double x, int decimals)
{
	double scale = 1;
	for (int i = 0; i < decimals && i < 6; i++)
		scale *= 10;
	/* Half away from zero, without libm's round(): the value only has to read well. */
	long long n = (long long)(x * scale + (x < 0 ? -0.5 : 0.5));
	return json_real((double)n / scale);
}

json_t *jsondoc_time(const struct plan *p, time_t t)
{
	struct plan_time pt = { 0 };
	char buf[40];
	if (!t)
		return json_null();
	pt.t = t;
	pt.utc_offset = p ? p->window.start.utc_offset : 0;
	return json_string(plan_time_format(&pt, buf, sizeof buf));
}

json_t *jsondoc_customers(json_t *keyed)
{
	json_t *list, *v;
	const char *id;
	if (!keyed)
		return NULL;
	list = json_array();
	json_object_foreach(keyed, id, v) {
		json_t *o = json_pack("{s:s}", "customer", id);
		json_object_update(o, v);
		json_array_append_new(list, o);
	}
	json_decref(keyed);
	return list;
}

int jsondoc_dump(const json_t *doc, FILE *f)
{
	/* ASCII only (non-ASCII as \uXXXX): a terminal or a script with the wrong locale
	 * still reads it. 15 digits: the shortest width that prints every rounded real as
	 * written (17, jansson's default, shows binary noise). */
	if (!doc || json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
	                                   JSON_REAL_PRECISION(15)) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}
