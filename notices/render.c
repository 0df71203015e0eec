/* render: pick the template for a document, fill its variables, assemble the format. */
#include "notices/render.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "notices/eml.h"
#include "notices/model.h"
#include "notices/tmpl.h"

static const char *const render_names[] = { "text", "html", "eml", "autoconfig", "autodiscover",
                                             "mobileconfig", "srv", "autoconfig-domain" };
static const char *const render_exts[] = { ".txt", ".html", ".eml", ".autoconfig.xml",
                                           ".autodiscover.xml", ".mobileconfig", ".zone",
                                           ".config-v1.1.xml" };

int render_format_parse(const char *name)
{
	for (size_t i = 0; i < sizeof render_names / sizeof render_names[0]; i++)
		if (strcmp(name, render_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *render_format_ext(enum render_format f)
{
	return render_exts[f];
}

bool render_format_per_domain(enum render_format f)
{
	return f == RENDER_SRV || f == RENDER_AUTOCONFIG_DOMAIN;
}

/* The domain-wide autoconfig is read by Thunderbird for anyone of the domain: the
 * instruction of a Thunderbird user, with the login as Thunderbird's placeholder. */
static int render_domain_vars(struct tmpl_dict *d, const struct plan *p)
{
	bool email = p->services.username_after == PLAN_USERNAME_EMAIL;
	if (tmpl_dict_set(d, "login_after", email ? "%EMAILADDRESS%" : "%EMAILLOCALPART%") < 0 ||
	    tmpl_dict_set(d, "customer_email", "%EMAILADDRESS%") < 0)
		return -1;
	return 0;
}

static const char *render_lang_dir(enum plan_lang lang)
{
	return lang == PLAN_LANG_JA ? "ja" : "en";
}

int render_announce(struct buf *out, const struct render_opts *o, const struct plan *p,
                    enum plan_lang lang, bool html, struct err *e)
{
	struct tmpl_dict *d = tmpl_dict_new();
	char name[64];
	int rc = -1;
	if (!d)
		return err_set(e, ERR_NOMEM, "out of memory");
	snprintf(name, sizeof name, "%s/announcement.%s", render_lang_dir(lang), html ? "html" : "txt");
	if (model_vars_common(d, p, lang, o->now, e) == 0)
		rc = tmpl_render(o->templates, name, html ? TMPL_ESC_HTML : TMPL_ESC_TEXT, d, out, e);
	tmpl_dict_free(d);
	return rc;
}

/* Hex digest of the NUL-separated parts: stable names for Message-IDs and profile UUIDs. */
static int render_digest(char hex[65], const char *const *parts, size_t n)
{
	unsigned char md[32];
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		gnutls_hash(h, parts[i], strlen(parts[i]) + 1);
	gnutls_hash_deinit(h, md);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static void render_safe_id(char *out, size_t n, const char *id)
{
	size_t k = 0;
	for (; *id && k + 1 < n; id++)
		out[k++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *id)
		           ? *id : '_';
	out[k] = 0;
}

static int render_uuid(struct tmpl_dict *d, const char *var, const struct plan *p,
                       const struct plan_customer *c, const char *what)
{
	const char *parts[] = { "cutover-mobileconfig", p->name ? p->name : "", c->id, what };
	char hex[65], u[40];
	if (render_digest(hex, parts, 4) < 0)
		return -1;
	/* Name-based UUID layout (version 5 bits, RFC 4122 variant), upper case as Apple writes. */
	hex[12] = '5';
	hex[16] = "89ab"[hex[16] % 4];
	snprintf(u, sizeof u, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	for (char *s = u; *s; s++)
		if (*s >= 'a' && *s <= 'f')
			*s = (char)(*s - 'a' + 'A');
	return tmpl_dict_set(d, var, u);
}

/* "jp.ne.infonia.cutover.c001" */
static int render_payload_id(struct tmpl_dict *d, const char *domain, const char *id)
{
	char rev[300] = "", safe[128];
	const char *end = domain + strlen(domain);
	while (end > domain) {
		const char *dot = end;
		while (dot > domain && dot[-1] != '.')
			dot--;
		if (strlen(rev) + (size_t)(end - dot) + 2 < sizeof rev) {
			strncat(rev, dot, (size_t)(end - dot));
			strcat(rev, ".");
		}
		end = dot > domain ? dot - 1 : domain;
	}
	render_safe_id(safe, sizeof safe, id);
	return tmpl_dict_setf(d, "payload_id", "%scutover.%s", rev, safe);
}

static int render_vars(struct tmpl_dict *d, const struct render_opts *o, const struct plan *p,
                       const struct instr *in, struct err *e)
{
	char path[1024];
	const struct plan_customer *c = in->c;
	const struct client_info *ci = in->ci;
	const char *domain = model_domain(c->email);
	if (model_vars_common(d, p, c->lang, o->now, e) < 0 ||
	    model_vars_customer(d, p, in, c->lang, e) < 0)
		return -1;
	/* The steps for the customer's version where its screens differ (thunderbird-2), else
	 * for the program, else the generic ones. */
	char steps[96];
	snprintf(steps, sizeof steps, "%s-%d", ci->id, clients_version(c->client_raw));
	snprintf(path, sizeof path, "%s/%s/steps/%s.txt", o->templates, render_lang_dir(c->lang), steps);
	if (access(path, R_OK) != 0) {
		snprintf(steps, sizeof steps, "%s", ci->id);
		snprintf(path, sizeof path, "%s/%s/steps/%s.txt", o->templates, render_lang_dir(c->lang), steps);
	}
	if (tmpl_dict_set(d, "steps", access(path, R_OK) == 0 ? steps : "generic") < 0 ||
	    render_uuid(d, "payload_uuid", p, c, "profile") < 0 ||
	    render_uuid(d, "payload_uuid_mail", p, c, "mail") < 0 ||
	    render_payload_id(d, domain, c->id) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static int render_eml(struct buf *out, const struct render_opts *o, const struct plan *p,
                      const struct plan_customer *c, struct tmpl_dict *d, char *mid,
                      size_t mid_size, struct err *e)
{
	struct buf subject = BUF_INIT, text = BUF_INIT, html = BUF_INIT;
	const char *lang = render_lang_dir(c->lang), *cs;
	char name[64], fromb[512], hex[65], safe[96], when[32];
	const char *from_name = NULL, *from_addr = NULL;
	struct eml_msg m;
	int rc = -1;

	if (p->notices.from) {
		if (eml_split_address(p->notices.from, fromb, sizeof fromb, &from_name, &from_addr) < 0)
			return err_set(e, ERR_DATA, "notices.from: '%s' is not \"Name <address>\"",
			               p->notices.from);
	} else {
		from_name = plan_text_get(p, &p->operator_.service, c->lang);
		if (!from_name)
			from_name = plan_text_get(p, &p->operator_.company, c->lang);
		from_addr = p->operator_.support_email;
	}
	snprintf(name, sizeof name, "%s/subject.txt", lang);
	if (tmpl_render(o->templates, name, TMPL_ESC_TEXT, d, &subject, e) < 0)
		goto out;
	while (subject.len && (subject.data[subject.len - 1] == '\n'))
		subject.data[--subject.len] = 0;
	snprintf(name, sizeof name, "%s/notice.txt", lang);
	if (tmpl_render(o->templates, name, TMPL_ESC_TEXT, d, &text, e) < 0)
		goto out;
	{
		const char *texts[] = { subject.data, text.data, c->name, from_name };
		cs = eml_pick_charset(c->lang == PLAN_LANG_JA ? (p->notices.charset_ja ? p->notices.charset_ja
		                                                                       : "ISO-2022-JP")
		                                              : "UTF-8",
		                      texts, 4);
	}
	if (tmpl_dict_set(d, "charset", cs) < 0)
		goto nomem;
	snprintf(name, sizeof name, "%s/notice.html", lang);
	if (tmpl_render(o->templates, name, TMPL_ESC_HTML, d, &html, e) < 0)
		goto out;
	{
		const char *texts[] = { html.data };
		if (strcmp(eml_pick_charset(cs, texts, 1), cs) != 0) {
			/* The HTML says its charset, so render it again for UTF-8. */
			cs = "UTF-8";
			buf_reset(&html);
			if (tmpl_dict_set(d, "charset", cs) < 0 ||
			    tmpl_render(o->templates, name, TMPL_ESC_HTML, d, &html, e) < 0)
				goto out;
		}
	}
	{
		const char *parts[] = { p->name ? p->name : "", c->id, "notice", when };
		snprintf(when, sizeof when, "%lld", (long long)o->now);
		if (render_digest(hex, parts, 4) < 0)
			goto nomem;
	}
	render_safe_id(safe, sizeof safe, c->id);
	snprintf(mid, mid_size, "cutover.%.16s.%s@%s", hex, safe, model_domain(from_addr));
	memset(&m, 0, sizeof m);
	m.from_name = from_name;
	m.from_addr = from_addr;
	m.reply_to = p->notices.reply_to;
	m.to_name = c->name;
	m.to_addr = c->email;
	m.subject = subject.data;
	m.text = text.data;
	m.html = html.data;
	m.charset = cs;
	m.date = o->now;
	m.tz = p->timezone;
	m.message_id = mid;
	rc = eml_build(out, &m, e);
	goto out;
nomem:
	err_set(e, ERR_NOMEM, "out of memory");
out:
	buf_release(&subject);
	buf_release(&text);
	buf_release(&html);
	return rc;
}

int render_notice(struct buf *out, const struct render_opts *o, const struct plan *p,
                  const struct plan_customer *c, enum render_format f, const char **skipped,
                  char *message_id, size_t mid_size, struct err *e)
{
	struct instr in;
	struct tmpl_dict *d;
	char name[64];
	const char *lang = render_lang_dir(c->lang);
	int rc = -1;

	*skipped = NULL;
	if (message_id && mid_size)
		message_id[0] = 0;
	struct plan_customer tb = *c;
	if (f == RENDER_AUTOCONFIG_DOMAIN) {
		tb.client = (char *)"thunderbird";   /* read only */
		tb.client_raw = NULL;
		tb.source_login = tb.dest_login = NULL;
		c = &tb;
	}
	if (instr_compute(&in, p, c, e) < 0)
		return -1;
	if (in.unchanged && p->notices.skip_unchanged &&
	    (f == RENDER_TEXT || f == RENDER_HTML || f == RENDER_EML))
		*skipped = "nothing to change, no notice (notices.skip_unchanged)";
	/* Installing a profile makes a new account: for POP that is an empty list of
	 * downloaded mail, i.e. everything left on the server once more. */
	if (f == RENDER_MOBILECONFIG && !in.profile_ok)
		*skipped = "no profile: it would add a new POP account that downloads everything again";
	if (*skipped) {
		instr_release(&in);
		return 0;
	}
	if (!(d = tmpl_dict_new())) {
		instr_release(&in);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	if (render_vars(d, o, p, &in, e) < 0)
		goto out;
	switch (f) {
	case RENDER_TEXT:
	case RENDER_HTML:
		snprintf(name, sizeof name, "%s/notice.%s", lang, f == RENDER_HTML ? "html" : "txt");
		rc = tmpl_render(o->templates, name, f == RENDER_HTML ? TMPL_ESC_HTML : TMPL_ESC_TEXT, d,
		                 out, e);
		break;
	case RENDER_EML:
		rc = render_eml(out, o, p, c, d, message_id, mid_size, e);
		break;
	case RENDER_AUTOCONFIG:
		rc = tmpl_render(o->templates, "xml/autoconfig.xml", TMPL_ESC_XML, d, out, e);
		break;
	case RENDER_AUTODISCOVER:
		rc = tmpl_render(o->templates, "xml/autodiscover.xml", TMPL_ESC_XML, d, out, e);
		break;
	case RENDER_MOBILECONFIG:
		rc = tmpl_render(o->templates, "xml/mobileconfig.xml", TMPL_ESC_XML, d, out, e);
		break;
	case RENDER_SRV:
		rc = tmpl_render(o->templates, "dns/srv.zone", TMPL_ESC_TEXT, d, out, e);
		break;
	case RENDER_AUTOCONFIG_DOMAIN:
		if (render_domain_vars(d, p) < 0) {
			err_set(e, ERR_NOMEM, "out of memory");
			break;
		}
		rc = tmpl_render(o->templates, "xml/autoconfig.xml", TMPL_ESC_XML, d, out, e);
		break;
	}
out:
	tmpl_dict_free(d);
	instr_release(&in);
	if (rc < 0 && c->id)
		err_prefix(e, "customer %s: ", c->id);
	return rc;
}
