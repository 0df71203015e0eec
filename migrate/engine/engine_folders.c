/* engine_folders: which source folder goes where. Every selectable source folder goes to
 * the destination folder the foldermap names (created, and subscribed as on the source,
 * when the destination lacks it). A source with one mailbox and no folders of its own
 * puts it where the plan says single mailboxes go (migration.pop3_folder). */
#include "migrate/engine/engine_p.h"

#include <stdlib.h>
#include <string.h>

#include "migrate/engine/foldermap.h"

static const struct drv_folder *engine_folders_find(const struct drv_folder *v, size_t n,
                                                    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* The destination name for one source folder (*out NULL: excluded). */
static int engine_folders_map(struct engine_cust *x, const struct foldermap *fm,
                              const struct drv_folder *sf, char **out, struct err *e)
{
	const char *why;
	if (!(x->src->ops->caps(x->src) & DRV_SRC_FOLDERS)) {
		if (!(*out = strdup(foldermap_pop3(x->p))))
			return err_set(e, ERR_NOMEM, "out of memory");
		return 0;
	}
	if (foldermap_map(fm, sf, out, &why, e) < 0)
		return -1;
	if (!*out) {
		x->r->excluded_folders++;
		engine_log(x->w, x->c->id, "info", "folder %s: excluded by the plan", sf->name);
	} else if (strcmp(*out, sf->name) != 0) {
		engine_log(x->w, x->c->id, "info", "folder %s -> %s (%s)", sf->name, *out, why);
	}
	return 0;
}

/* Create what is missing; an existing folder (CREATE answers ALREADYEXISTS) is only
 * subscribed when the source folder was and it is not yet. Every mail store has its
 * INBOX, which is never created. */
static int engine_folders_create(struct engine_cust *x, const struct drv_folder *sf,
                                 const char *dname, const struct drv_folder *dfs, size_t ndf,
                                 struct err *e)
{
	const struct drv_folder *have = engine_folders_find(dfs, ndf, dname);
	bool need = !have || (sf->subscribed && !have->subscribed);
	if (!need || foldermap_match("INBOX", dname, NULL, NULL))
		return 0;
	if (x->dst->ops->create(x->dst, dname, sf->subscribed, e) < 0)
		return err_prefix(e, "creating folder %s: ", dname);
	return 0;
}

static int engine_folders_one(struct engine_cust *x, const struct foldermap *fm,
                              const struct drv_folder *sf, const struct drv_folder *dfs,
                              size_t ndf, struct err *e)
{
	char *dname = NULL;
	int rc = 0;
	if (sf->noselect)
		return 0;
	if (engine_folders_map(x, fm, sf, &dname, e) < 0)
		return -1;
	if (!dname)
		return 0;
	rc = engine_folders_create(x, sf, dname, dfs, ndf, e);
	if (rc == 0 && (rc = engine_folder_run(x, sf->name, dname, e)) < 0)
		err_prefix(e, "folder %s: ", sf->name);
	free(dname);
	return rc;
}

int engine_folders(struct engine_cust *x, struct err *e)
{
	struct drv_folder *folders = NULL, *dfs = NULL;
	size_t nf = 0, ndf = 0;
	struct foldermap *fm = NULL;
	int rc = -1;
	x->r->excluded_folders = 0;
	if (x->src->ops->folders(x->src, &folders, &nf, e) < 0 ||
	    x->dst->ops->folders(x->dst, &dfs, &ndf, e) < 0 ||
	    foldermap_new(&fm, x->p, dfs, ndf, e) < 0)
		goto out;
	for (size_t i = 0; i < nf; i++)
		if (engine_folders_one(x, fm, &folders[i], dfs, ndf, e) < 0)
			goto out;
	rc = 0;
out:
	foldermap_free(fm);
	if (folders)
		drv_folder_list_free(folders, nf);
	if (dfs)
		drv_folder_list_free(dfs, ndf);
	return rc;
}
