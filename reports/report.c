#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/escape.h"
#include "core/limits.h"
#include "core/users.h"
#include "reports/report.h"

struct section {
	char *check;
	json_t *data;
	mw_text_renderer renderer;
};

struct mw_report {
	pthread_mutex_t lock;
	char *command;
	struct mw_stored_finding *findings;
	size_t nfindings, afindings;
	int sorted;
	unsigned long seq;
	struct mw_report_error *errors;
	size_t nerrors, aerrors;
	struct mw_report_note *notes;
	size_t nnotes, anotes;
	struct section *sections;
	size_t nsections, asections;
	char *incomplete;
	int64_t started, finished;
	int fixed_times;
	size_t dropped;		/* findings past the cap */
	size_t hidden;		/* findings below min_severity, removed */
	size_t lost;		/* findings not stored: out of memory */
	enum mw_severity min_severity;
};

static void *grow(void *p, size_t *alloc, size_t n, size_t elem)
{
	size_t na;
	void *np;

	if (n < *alloc)
		return p;
	na = *alloc ? *alloc * 2 : 16;
	np = realloc(p, na * elem);
	if (!np)
		return NULL;
	*alloc = na;
	return np;
}

/* A copy of s as it is (NULL in, NULL out): writers escape on output. */
static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct mw_report *mw_report_new(const char *command)
{
	struct mw_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	r->command = dup(command ? command : "");
	r->started = (int64_t)time(NULL);
	if (!r->command) {
		free(r);
		return NULL;
	}
	return r;
}

static void free_finding(struct mw_stored_finding *f)
{
	size_t i;

	free(f->check);
	free(f->rule_id);
	free(f->title);
	free(f->family);
	free(f->path);
	free(f->ip);
	free(f->list);
	free(f->excerpt);
	free(f->remediation);
	free(f->account);
	for (i = 0; i < f->n_log_lines; i++)
		free(f->log_lines[i]);
	free(f->log_lines);
	free(f->owner);
	free(f->group);
	json_decref(f->details);
}

void mw_report_free(struct mw_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nfindings; i++)
		free_finding(&r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->nerrors; i++) {
		free(r->errors[i].check);
		free(r->errors[i].path);
		free(r->errors[i].message);
	}
	free(r->errors);
	for (i = 0; i < r->nnotes; i++) {
		free(r->notes[i].check);
		free(r->notes[i].text);
	}
	free(r->notes);
	for (i = 0; i < r->nsections; i++) {
		free(r->sections[i].check);
		json_decref(r->sections[i].data);
	}
	free(r->sections);
	free(r->incomplete);
	free(r->command);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

json_t *mw_json_escaped(const json_t *v)
{
	json_t *out, *item;
	const char *key;
	size_t i;
	char *s, *k;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = mw_escape_dup(json_string_value(v), json_string_length(v));
		out = s ? json_string(s) : NULL;
		free(s);
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, item)
			if (!out || json_array_append_new(out, mw_json_escaped(item)))
				break;
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)v, key, item) {
			k = mw_escape_str(key);
			if (!out || !k || json_object_set_new(out, k, mw_json_escaped(item))) {
				free(k);
				break;
			}
			free(k);
		}
		return out;
	default:
		return json_deep_copy(v);
	}
}

json_t *mw_json_raw(const char *s)
{
	return s ? json_stringn_nocheck(s, strlen(s)) : json_null();
}

/* A finding that could not be stored makes the run incomplete: whatever
 * the caller does with the error, the exit status cannot say "clean". */
/* Out of memory: the finding of rule is lost, so the run is incomplete
 * (exit 2, never "clean"); the first loss names its rule. */
static void lost_finding(struct mw_report *r, const char *rule)
{
	char msg[192];

	snprintf(msg, sizeof(msg), "out of memory: a finding (%.120s) was lost",
		 rule && *rule ? rule : "?");
	pthread_mutex_lock(&r->lock);
	if (!r->incomplete)
		r->incomplete = strdup(msg);
	r->lost++;
	pthread_mutex_unlock(&r->lock);
}

/* Names are part of the JSON schema and of the scan cache: never renamed.
 * Titles are the audit's headings (data.audit.causes[].title). */
static const struct {
	const char *name, *title;
} causes[MW_CAUSE__COUNT] = {
	[MW_CAUSE_MAILER_SENT] = { "mailer-sent-mail", "web mailer that sent mail (scan + logs)" },
	[MW_CAUSE_HIJACKED] = { "hijacked-mailbox", "hijacked mailbox (SMTP AUTH + forwarder)" },
	[MW_CAUSE_LISTED] = { "listed", "sending IP listed on DNS blocklists" },
	[MW_CAUSE_WEB_MAILER] = { "web-mailer", "PHP mailer scripts in web roots" },
	[MW_CAUSE_WEBSHELL] = { "webshell", "webshells in web roots" },
	[MW_CAUSE_LOCAL_SENDER] = { "local-sender", "mail submitted by local or web users" },
	[MW_CAUSE_SASL] = { "sasl-abuse", "SMTP AUTH abuse" },
	[MW_CAUSE_FORWARDER] = { "forwarder", "external forwarders and filter rules" },
	[MW_CAUSE_RELAY] = { "open-relay", "open relay or permissive relay configuration" },
	[MW_CAUSE_WEB_MALWARE] = { "web-malware", "other suspicious files in web roots" },
	[MW_CAUSE_REJECTIONS] = { "rejections", "remote servers refusing our mail" },
	[MW_CAUSE_FIREWALL] = { "firewall", "SMTP egress firewall" },
	[MW_CAUSE_MAIL_AUTH] = { "mail-authentication", "SPF, DKIM, DMARC, PTR or HELO that receivers refuse" },
	[MW_CAUSE_OTHER] = { "other", "other findings" },
};

const char *mw_cause_name(enum mw_cause c)
{
	return (unsigned)c < MW_CAUSE__COUNT ? causes[c].name : NULL;
}

const char *mw_cause_title(enum mw_cause c)
{
	return (unsigned)c < MW_CAUSE__COUNT ? causes[c].title : NULL;
}

enum mw_cause mw_cause_parse(const char *s, size_t n)
{
	unsigned c;

	for (c = 1; c < MW_CAUSE__COUNT; c++)
		if (strlen(causes[c].name) == n && memcmp(causes[c].name, s, n) == 0)
			return (enum mw_cause)c;
	return MW_CAUSE_NONE;
}

enum mw_err mw_report_add(struct mw_report *r, const struct mw_finding *f)
{
	struct mw_stored_finding s;
	char name[256];
	size_t i;
	void *np;

	memset(&s, 0, sizeof(s));
	s.check = dup(f->check ? f->check : "");
	s.rule_id = dup(f->rule_id ? f->rule_id : "");
	s.title = dup(f->title ? f->title : "");
	s.family = dup(f->family);
	s.path = dup(f->path);
	s.ip = dup(f->ip);
	s.list = dup(f->list);
	s.excerpt = dup(f->excerpt);
	s.remediation = dup(f->remediation);
	s.account = dup(f->account);
	s.line = f->line;
	s.severity = f->severity < MW_SEV__COUNT ? f->severity : MW_SEV_CRITICAL;
	s.cause = f->cause < MW_CAUSE__COUNT ? f->cause : MW_CAUSE_OTHER;
	s.file = f->file;
	if (f->file.valid) {
		mw_user_name(f->file.uid, name, sizeof(name));
		s.owner = dup(name);
		mw_group_name(f->file.gid, name, sizeof(name));
		s.group = dup(name);
	}
	if (f->details)
		s.details = json_deep_copy(f->details);
	if (f->n_log_lines) {
		s.log_lines = calloc(f->n_log_lines, sizeof(char *));
		if (s.log_lines) {
			s.n_log_lines = f->n_log_lines;
			for (i = 0; i < f->n_log_lines; i++)
				s.log_lines[i] = dup(f->log_lines[i]);
		}
	}
	if (!s.check || !s.rule_id || !s.title || (f->account && !s.account) ||
	    (f->n_log_lines && !s.log_lines) || (f->details && !s.details)) {
		free_finding(&s);
		lost_finding(r, f->rule_id);
		return MW_ERR_NOMEM;
	}
	pthread_mutex_lock(&r->lock);
	if (r->nfindings >= MW_MAX_REPORT_FINDINGS) {
		r->dropped++;
		pthread_mutex_unlock(&r->lock);
		free_finding(&s);
		return MW_ERR_LIMIT;
	}
	np = grow(r->findings, &r->afindings, r->nfindings, sizeof(s));
	if (!np) {
		pthread_mutex_unlock(&r->lock);
		free_finding(&s);
		lost_finding(r, f->rule_id);
		return MW_ERR_NOMEM;
	}
	r->findings = np;
	s.seq = r->seq++;
	r->findings[r->nfindings++] = s;
	r->sorted = 0;
	pthread_mutex_unlock(&r->lock);
	return MW_OK;
}

static char *vformat(const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return strdup(msg);
}

void mw_report_error(struct mw_report *r, const char *check, const char *path,
		     unsigned long line, enum mw_err code, const char *fmt, ...)
{
	struct mw_report_error e;
	va_list ap;
	void *np;

	va_start(ap, fmt);
	e.message = vformat(fmt, ap);
	va_end(ap);
	e.check = dup(check ? check : "");
	e.path = dup(path);
	e.line = line;
	e.code = code;
	pthread_mutex_lock(&r->lock);
	np = grow(r->errors, &r->aerrors, r->nerrors, sizeof(e));
	if (np && e.message && e.check) {
		r->errors = np;
		r->errors[r->nerrors++] = e;
	} else {
		/* Keep the exit status truthful even when memory is gone. */
		if (np)
			r->errors = np;
		if (!r->incomplete)
			r->incomplete = strdup("out of memory while recording an error");
		free(e.message);
		free(e.check);
		free(e.path);
	}
	pthread_mutex_unlock(&r->lock);
}

void mw_report_note(struct mw_report *r, const char *check, const char *fmt, ...)
{
	struct mw_report_note n;
	va_list ap;
	void *np;

	va_start(ap, fmt);
	n.text = vformat(fmt, ap);
	va_end(ap);
	n.check = dup(check ? check : "");
	pthread_mutex_lock(&r->lock);
	np = grow(r->notes, &r->anotes, r->nnotes, sizeof(n));
	if (np && n.text && n.check) {
		r->notes = np;
		r->notes[r->nnotes++] = n;
		n.text = n.check = NULL;
	} else if (np) {
		r->notes = np;
	}
	pthread_mutex_unlock(&r->lock);
	free(n.text);
	free(n.check);
}

void mw_report_set_data(struct mw_report *r, const char *check, json_t *data,
			mw_text_renderer renderer)
{
	json_t *safe = data;
	size_t i;
	void *np;

	if (!safe)
		return;
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->nsections; i++) {
		if (strcmp(r->sections[i].check, check) == 0) {
			json_decref(r->sections[i].data);
			r->sections[i].data = safe;
			r->sections[i].renderer = renderer;
			pthread_mutex_unlock(&r->lock);
			return;
		}
	}
	np = grow(r->sections, &r->asections, r->nsections, sizeof(struct section));
	if (np) {
		r->sections = np;
		r->sections[r->nsections].check = dup(check);
		r->sections[r->nsections].data = safe;
		r->sections[r->nsections].renderer = renderer;
		if (r->sections[r->nsections].check) {
			r->nsections++;
			safe = NULL;
		}
	}
	pthread_mutex_unlock(&r->lock);
	json_decref(safe);
}

void mw_report_set_incomplete(struct mw_report *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	if (!r->incomplete)
		r->incomplete = dup(why ? why : "incomplete");
	pthread_mutex_unlock(&r->lock);
}

void mw_report_set_times(struct mw_report *r, int64_t started, int64_t finished)
{
	r->started = started;
	r->finished = finished;
	r->fixed_times = 1;
}

void mw_report_hide_below(struct mw_report *r, enum mw_severity min)
{
	size_t i, out = 0, removed = 0;

	if (min <= MW_SEV_INFO)
		return;
	pthread_mutex_lock(&r->lock);
	r->min_severity = min;
	for (i = 0; i < r->nfindings; i++) {
		if (r->findings[i].severity < min) {
			free_finding(&r->findings[i]);
			removed++;
		} else {
			r->findings[out++] = r->findings[i];
		}
	}
	r->nfindings = out;
	r->hidden += removed;
	pthread_mutex_unlock(&r->lock);
	if (removed)
		mw_report_note(r, r->command, "%zu finding%s below %s not shown "
			       "(--min-severity)", removed, removed == 1 ? "" : "s",
			       mw_severity_name(min));
}

size_t mw_report_retain(struct mw_report *r, mw_finding_keep keep, void *arg)
{
	size_t i, out = 0, removed = 0;

	(void)mw_report_finding(r, 0);	/* sorted: indexes are the report's order */
	for (i = 0; i < r->nfindings; i++) {
		if (keep(arg, i, &r->findings[i])) {
			r->findings[out++] = r->findings[i];
		} else {
			free_finding(&r->findings[i]);
			removed++;
		}
	}
	r->nfindings = out;
	return removed;
}

enum mw_err mw_report_set_detail(struct mw_report *r, size_t i, const char *key,
				 json_t *value)
{
	struct mw_stored_finding *f;

	(void)mw_report_finding(r, 0);
	if (i >= r->nfindings || !value) {
		json_decref(value);
		return MW_ERR_NOMEM;
	}
	f = &r->findings[i];
	if (!f->details && !(f->details = json_object())) {
		json_decref(value);
		return MW_ERR_NOMEM;
	}
	return json_object_set_new(f->details, key, value) ? MW_ERR_NOMEM : MW_OK;
}

size_t mw_report_hidden(const struct mw_report *r, enum mw_severity *min)
{
	if (min)
		*min = r->min_severity;
	return r->hidden;
}

void mw_report_finish(struct mw_report *r)
{
	if (!r->fixed_times)
		r->finished = (int64_t)time(NULL);
	if (r->dropped && !r->incomplete) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%zu findings dropped past the limit of %u",
			 r->dropped, (unsigned)MW_MAX_REPORT_FINDINGS);
		r->incomplete = strdup(msg);
	}
}

size_t mw_report_count_severity(const struct mw_report *r, enum mw_severity s)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i].severity == s;
	return n;
}

int mw_report_max_severity(const struct mw_report *r)
{
	int max = -1;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if ((int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}

int mw_report_exit_code(const struct mw_report *r)
{
	if (r->nerrors || r->incomplete || r->dropped || r->lost)
		return 2;
	return mw_report_max_severity(r) >= MW_SEV_LOW ? 1 : 0;
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct mw_stored_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->check, b->check)))
		return c;
	if ((c = strcmp_null(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = strcmp_null(a->ip, b->ip)))
		return c;
	if ((c = strcmp_null(a->list, b->list)))
		return c;
	if ((c = strcmp(a->rule_id, b->rule_id)))
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

size_t mw_report_nfindings(const struct mw_report *r)
{
	return r->nfindings;
}

const struct mw_stored_finding *mw_report_finding(struct mw_report *r, size_t i)
{
	if (!r->sorted) {
		pthread_mutex_lock(&r->lock);
		if (r->nfindings > 1)
			qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding);
		r->sorted = 1;
		pthread_mutex_unlock(&r->lock);
	}
	return i < r->nfindings ? &r->findings[i] : NULL;
}

size_t mw_report_nerrors(const struct mw_report *r)
{
	return r->nerrors;
}

const struct mw_report_error *mw_report_get_error(const struct mw_report *r, size_t i)
{
	return i < r->nerrors ? &r->errors[i] : NULL;
}

size_t mw_report_nnotes(const struct mw_report *r)
{
	return r->nnotes;
}

const struct mw_report_note *mw_report_get_note(const struct mw_report *r, size_t i)
{
	return i < r->nnotes ? &r->notes[i] : NULL;
}

const char *mw_report_command(const struct mw_report *r)
{
	return r->command;
}

const char *mw_report_incomplete(const struct mw_report *r)
{
	return r->incomplete;
}

int64_t mw_report_started(const struct mw_report *r)
{
	return r->started;
}

int64_t mw_report_finished(const struct mw_report *r)
{
	return r->finished;
}

size_t mw_report_nsections(const struct mw_report *r)
{
	return r->nsections;
}

const char *mw_report_section(const struct mw_report *r, size_t i,
			      const json_t **data, mw_text_renderer *renderer)
{
	if (i >= r->nsections)
		return NULL;
	if (data)
		*data = r->sections[i].data;
	if (renderer)
		*renderer = r->sections[i].renderer;
	return r->sections[i].check;
}

const json_t *mw_report_data(const struct mw_report *r, const char *check)
{
	size_t i;

	for (i = 0; i < r->nsections; i++)
		if (strcmp(r->sections[i].check, check) == 0)
			return r->sections[i].data;
	return NULL;
}
