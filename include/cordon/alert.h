/*
 * alert.h - what rules raise (contract §2 alert), and what analysts do
 * with it: acknowledge, escalate, dismiss, or promote to a case.
 *
 * An alert is unique on (rule, key): raising it again updates it. Its
 * status moves new → acknowledged → escalated, and to dismissed or
 * promoted (to a new case, or attached to one) from any of these;
 * promoted is final; a dismissed alert may be
 * acknowledged or escalated again. Each change is an audit entry carrying
 * the note. Records returned through `json_t **out` are new references.
 */
#ifndef CORDON_ALERT_H
#define CORDON_ALERT_H

#include <jansson.h>

#include "cordon/store.h"

/* Set the status of alert `id` ("acknowledged", "escalated" or
 * "dismissed"), with `note` (may be NULL). CDN_EINVAL for a change the
 * status does not allow. */
int cdn_alert_set_status(struct cdn_store *st, const char *user, const char *id,
    const char *status, const char *note, json_t **out);

/*
 * Promote alert `id`: a new case titled after it, its explanation as the
 * summary, its TLP and tags, with a link (involved_in) from each record
 * the alert names to the case; the alert's status becomes promoted and
 * its `case` the new case. All in one transaction. `*out` (may be NULL)
 * receives the alert.
 */
int cdn_alert_promote(struct cdn_store *st, const char *user, const char *id,
    const char *note, json_t **out);

/*
 * Attach alert `id` to the existing case `case_id`, as promoting it does
 * to a new one: a link (involved_in) from each record the alert names to
 * the case (none twice), the alert promoted, its `case` that case; the
 * alert's audit entry is "attach". CDN_EINVAL (field "case") if there is
 * no such case.
 */
int cdn_alert_attach(struct cdn_store *st, const char *user, const char *id,
    const char *case_id, const char *note, json_t **out);

#endif
