/*
 * What the text renderers of data sections share (mw_report_set_data's
 * render callback): ANSI colours, used only when the writer says colour,
 * and reading the escaped JSON copy they are given.
 */
#ifndef MW_REPORTS_RENDER_H
#define MW_REPORTS_RENDER_H

#include <jansson.h>

#define MW_C_RESET	"\033[0m"
#define MW_C_BOLD	"\033[1m"
#define MW_C_DIM	"\033[2m"
#define MW_C_RED	"\033[31m"
#define MW_C_BOLD_RED	"\033[1;31m"
#define MW_C_GREEN	"\033[32m"
#define MW_C_YELLOW	"\033[33m"
#define MW_C_CYAN	"\033[36m"

/* o[k] as a string, or dflt when it is absent or not a string. */
static inline const char *mw_jstr_or(const json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : dflt;
}

/* o[k] as a string, "" when it is absent. */
static inline const char *mw_jstr(const json_t *o, const char *k)
{
	return mw_jstr_or(o, k, "");
}

/* o[k] as an integer, 0 when it is absent. */
static inline long long mw_jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

#endif
