/* driver: the registry of drivers and the helpers shared by all of them. */
#include "migrate/driver.h"

#include <stdlib.h>

void drv_msg_list_free(struct drv_msg_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		if (l->v[i].keywords) {
			for (char **k = l->v[i].keywords; *k; k++)
				free(*k);
			free(l->v[i].keywords);
		}
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void drv_index_free(struct drv_index *ix)
{
	for (size_t i = 0; ix && i < ix->n; i++) {
		free(ix->v[i].found_by);
		free(ix->v[i].message_id);
	}
	if (ix) {
		free(ix->v);
		ix->v = NULL;
		ix->n = 0;
	}
}

void drv_folder_list_free(struct drv_folder *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].name);
	free(v);
}

void drv_endpoint_defaults(struct drv_endpoint *ep)
{
	bool tls = ep->tls == DRV_TLS_IMPLICIT;
	if (!ep->label)
		ep->label = "server";
	if (!ep->address)
		ep->address = ep->host;
	if (!ep->tls_name)
		ep->tls_name = ep->host;
	if (ep->port <= 0)
		ep->port = ep->proto == DRV_PROTO_POP3 ? (tls ? 995 : 110) : (tls ? 993 : 143);
	if (ep->timeout_seconds <= 0)
		ep->timeout_seconds = 60;
}

const struct src_ops *drv_source_for(enum drv_proto proto)
{
	switch (proto) {
	case DRV_PROTO_POP3: return &pop3src_ops;
	case DRV_PROTO_IMAP: return &imapsrc_ops;
	default: return NULL;
	}
}

const struct dst_ops *drv_destination_for(enum drv_proto proto)
{
	switch (proto) {
	case DRV_PROTO_IMAP: return &imapdst_ops;
	default: return NULL;
	}
}
