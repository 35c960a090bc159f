/*
 * Where request data goes: a taint pass over the normalised view of a PHP
 * file (php_norm.h). It follows request input ($_POST, $_GET, $_REQUEST,
 * $_COOKIE, $_FILES, $_SERVER['HTTP_*'], php://input, getallheaders())
 * through assignments, string interpolation, foreach and function calls
 * (wrappers such as function ex($c){ passthru($c); } are summarised and
 * their calls treated as calls of the sink), and writes one "fact" per
 * sink it reaches, in the view's own syntax, so that rules match data flow
 * with the same regexes they use for direct code:
 *
 *     $c = ($_REQUEST['x']); system($c);      ->  system($_REQUEST);
 *     function ex($a){ passthru($a); } ex($_GET['c']);  ->  passthru($_GET);
 *     mail($to, $s, $b, $h) with $to from POST  ->  mail($_POST,0,0,0);
 *
 * Each argument of a fact is the source that reaches it ($_POST, $_GET,
 * $_REQUEST, $_COOKIE, $_FILES, $_SERVER['HTTP_'], php://input written as
 * $_REQUEST) or 0; the sinks and their arguments are listed in
 * signatures/README.md ("Data-flow facts").
 *
 * The analysis is deliberately simple: names, not scopes; taint is never
 * removed by a later assignment; the file is walked twice, so a value
 * assigned below its use (a loop, a $_SESSION slot an earlier request
 * filled) reaches the sink above; values passed through sanitisers that
 * make them harmless for every sink (intval, escapeshellarg, md5, isset,
 * count, ...) do not carry taint. It never executes anything, reads only
 * view[0..len), and is bounded: at most MW_FLOW_MAX_TOKENS tokens, a work
 * budget per token, fixed tables (variables, functions, facts); hitting a
 * bound sets *capped and keeps what was found.
 */
#ifndef MW_PHP_FLOW_H
#define MW_PHP_FLOW_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

#define MW_FLOW_MAX_TOKENS	(1u << 18)	/* tokens of the view analysed */
#define MW_FLOW_MAX_VARS	2048		/* distinct variable names */
#define MW_FLOW_MAX_FUNCS	512		/* summarised functions */
#define MW_FLOW_MAX_FACTS	256		/* facts per buffer */
#define MW_FLOW_MAX_PARAMS	8		/* parameters tracked per function */
#define MW_FLOW_ROUNDS		3		/* summary rounds (wrapper chains) */
#define MW_FLOW_WORK		64		/* token visits per token */

struct mw_php_flow;

/* A fact was appended at out offset fact_off; it describes the sink call
 * at view offset view_off. */
typedef void (*mw_flow_fact_fn)(void *ud, size_t fact_off, size_t view_off);

/* One per thread; reused for every buffer (tables grow once). */
struct mw_php_flow *mw_php_flow_new(void);
void mw_php_flow_free(struct mw_php_flow *f);

/*
 * Analyse view[0..len) and append each fact to out as "fact;\n", calling
 * fact (may be NULL) for each. *capped (may be NULL) is set to 1 when a
 * bound stopped the analysis early. Returns MW_OK, MW_ERR_NOMEM, or
 * MW_ERR_TOOBIG when out's cap was reached (facts before it are kept).
 * A view that names no request source ($_GET ..., $_SERVER, $HTTP_*_VARS,
 * getallheaders(), php://input) can have no fact: it is not tokenised.
 */
enum mw_err mw_php_flow_run(struct mw_php_flow *f, const char *view, size_t len,
			    struct mw_buf *out, mw_flow_fact_fn fact, void *ud,
			    int *capped);

#endif
