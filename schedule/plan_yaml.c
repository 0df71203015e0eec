/* plan_yaml: the plan file as a libyaml document, with positions; syntax errors reported
 * with libyaml's own marks. */
#include "schedule/plan_p.h"

#include <stdio.h>
#include <string.h>

/* Reader errors carry a byte offset but no mark: count lines and characters ourselves. */
static void plan_yaml_offset_pos(const unsigned char *buf, size_t len, size_t off,
                                 int *line, int *col)
{
	int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else if ((buf[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void plan_yaml_syntax_error(const char *file, const unsigned char *buf, size_t len,
                                   const yaml_parser_t *p, struct diag *d)
{
	int line, col;
	char ctx[160] = "";
	const char *problem = p->problem ? p->problem : "unknown problem";

	if (p->error == YAML_READER_ERROR) {
		plan_yaml_offset_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			diag_add(d, DIAG_ERROR, file, line, col,
			         "syntax error: %s (byte 0x%02X); a plan must be UTF-8 text", problem,
			         (unsigned)p->problem_value & 0xFFu);
		else
			diag_add(d, DIAG_ERROR, file, line, col, "syntax error: %s", problem);
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		diag_add(d, DIAG_ERROR, file, 0, 0, "out of memory while parsing");
		return;
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if (p->context)
		snprintf(ctx, sizeof ctx, " (%s at line %d, column %d)", p->context,
		         (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
	diag_add(d, DIAG_ERROR, file, line, col, "syntax error: %s%s", problem, ctx);
}

/* First pass over the events: syntax errors, nesting depth and extra documents are
 * found here, so the document loader only ever sees bounded input. */
static int plan_yaml_prescan(const char *file, const unsigned char *buf, size_t len,
                             struct diag *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, rc = 0;

	if (!yaml_parser_initialize(&p)) {
		diag_add(d, DIAG_ERROR, file, 0, 0, "out of memory while parsing");
		return -1;
	}
	yaml_parser_set_input_string(&p, buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			plan_yaml_syntax_error(file, buf, len, &p, d);
			rc = -1;
			break;
		}
		yaml_event_type_t t = ev.type;
		int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
		if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			diag_add(d, DIAG_ERROR, file, line, col,
			         "a second YAML document; a plan is one document (remove the '---')");
			rc = -1;
			break;
		}
		if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) {
			if (++depth > PLAN_DEPTH_MAX) {
				diag_add(d, DIAG_ERROR, file, line, col,
				         "nested more than %d levels deep; a plan is at most a few levels",
				         PLAN_DEPTH_MAX);
				rc = -1;
				break;
			}
		} else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) {
			depth--;
		}
	}
	yaml_parser_delete(&p);
	return rc;
}

int plan_yaml_parse(const char *file, const unsigned char *buf, size_t len,
                    yaml_document_t *doc, struct diag *d)
{
	yaml_parser_t p;
	int rc = 0;

	if (plan_yaml_prescan(file, buf, len, d) < 0)
		return -1;
	if (!yaml_parser_initialize(&p)) {
		diag_add(d, DIAG_ERROR, file, 0, 0, "out of memory while parsing");
		return -1;
	}
	yaml_parser_set_input_string(&p, buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, doc)) {
		plan_yaml_syntax_error(file, buf, len, &p, d);
		rc = -1;
	}
	yaml_parser_delete(&p);
	return rc;
}

yaml_node_t *plan_yaml_node(yaml_document_t *doc, int index)
{
	return yaml_document_get_node(doc, index);
}

bool plan_yaml_plain(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool plan_yaml_is_null(const yaml_node_t *n)
{
	const char *s;
	if (!n)
		return true;
	if (!plan_yaml_plain(n))
		return false;
	s = (const char *)n->data.scalar.value;
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	       strcmp(s, "NULL") == 0;
}

const char *plan_yaml_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

void plan_yaml_describe(const yaml_node_t *n, char *buf, size_t size)
{
	if (!n || plan_yaml_is_null(n)) {
		snprintf(buf, size, "nothing");
	} else if (n->type == YAML_MAPPING_NODE) {
		snprintf(buf, size, "a mapping");
	} else if (n->type == YAML_SEQUENCE_NODE) {
		snprintf(buf, size, "a list");
	} else {
		/* Quote the value, shortened, with control bytes shown as '?'. */
		const unsigned char *s = n->data.scalar.value;
		size_t i, o = 0, max = size > 48 ? 40 : size - 8;
		buf[o++] = '\'';
		for (i = 0; s[i] && o < max; i++)
			buf[o++] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
		/* Do not end inside a UTF-8 sequence. */
		if (s[i]) {
			while (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
				o--;
			if (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
				o--;
			buf[o++] = '.';
			buf[o++] = '.';
			buf[o++] = '.';
		}
		buf[o++] = '\'';
		buf[o] = 0;
	}
}

yaml_node_t *plan_yaml_map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		const char *k = plan_yaml_scalar(plan_yaml_node(doc, pr->key));
		if (k && strcmp(k, key) == 0)
			return plan_yaml_node(doc, pr->value);
	}
	return NULL;
}

int plan_yaml_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

int plan_yaml_col(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 0;
}
