/* tmpl_p: the dictionary's layout, shared by tmpl_dict.c and tmpl.c only. */
#ifndef CUTOVER_TMPL_P_H
#define CUTOVER_TMPL_P_H

#include <stdbool.h>
#include <stddef.h>

struct tmpl_entry {
	char *name;
	bool is_list;
	char *value;              /* string */
	struct tmpl_dict **items; /* list */
	size_t n_items;
};

struct tmpl_dict {
	struct tmpl_entry *v;
	size_t n, alloc;
};

const struct tmpl_entry *tmpl_dict_find(const struct tmpl_dict *d, const char *name, size_t len);

#endif
