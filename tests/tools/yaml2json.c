/* yaml2json: print a YAML file (every document) as one JSON array, through libyaml, the
 * parser cutover itself uses. For tests that check the structure of a YAML file of ours
 * (contrib/kubernetes) with python's standard library only. Scalars stay strings, except
 * plain (unquoted) integers, true/false and null, as YAML 1.2's core schema reads them.
 * Anchors and aliases are refused: our files have none.
 * usage: yaml2json FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

static json_t *y2j_node(yaml_document_t *d, yaml_node_t *n, int depth);

static json_t *y2j_scalar(yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;
	char *end;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return json_boolean(v[0] == 't');
		if (strcmp(v, "null") == 0 || strcmp(v, "~") == 0 || v[0] == 0)
			return json_null();
		long long i = strtoll(v, &end, 10);
		if (*v && !*end)
			return json_integer(i);
	}
	return json_stringn(v, n->data.scalar.length);
}

static json_t *y2j_node(yaml_document_t *d, yaml_node_t *n, int depth)
{
	if (!n || depth > 64)
		return NULL;
	if (n->type == YAML_SCALAR_NODE)
		return y2j_scalar(n);
	if (n->type == YAML_SEQUENCE_NODE) {
		json_t *a = json_array();
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
			json_t *v = y2j_node(d, yaml_document_get_node(d, *i), depth + 1);
			if (!v) {
				json_decref(a);
				return NULL;
			}
			json_array_append_new(a, v);
		}
		return a;
	}
	json_t *o = json_object();
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		json_t *v = y2j_node(d, yaml_document_get_node(d, p->value), depth + 1);
		if (!k || k->type != YAML_SCALAR_NODE || !v ||
		    json_object_get(o, (const char *)k->data.scalar.value)) {
			fprintf(stderr, "yaml2json: a key that is not a plain scalar, or a duplicate key%s%s\n",
			        k && k->type == YAML_SCALAR_NODE ? ": " : "",
			        k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "");
			json_decref(v);
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, (const char *)k->data.scalar.value, v);
	}
	return o;
}

int main(int argc, char **argv)
{
	yaml_parser_t p;
	FILE *f;
	json_t *docs = json_array();
	int rc = 0;
	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: yaml2json FILE\n");
		return 64;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		yaml_document_t d;
		if (!yaml_parser_load(&p, &d)) {
			fprintf(stderr, "yaml2json: %s:%zu:%zu: %s\n", argv[1], p.problem_mark.line + 1,
			        p.problem_mark.column + 1, p.problem ? p.problem : "parse error");
			rc = 65;
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&d);
		if (!root) {
			yaml_document_delete(&d);
			break;
		}
		json_t *v = y2j_node(&d, root, 0);
		yaml_document_delete(&d);
		if (!v) {
			rc = 65;
			break;
		}
		json_array_append_new(docs, v);
	}
	yaml_parser_delete(&p);
	fclose(f);
	if (rc == 0) {
		json_dumpf(docs, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(docs);
	return rc;
}
