/* publish.h: writing guest pages as flat files nginx serves */
#ifndef CHARTERD_PUBLISH_H
#define CHARTERD_PUBLISH_H

struct app;
struct booking_ref;

/*
 * Brings $CHARTER_PUBLISH_DIR/g/<slug>.html in line with the booking after
 * a committed change: written (temp file + rename) while the booking is
 * live, removed once it is cancelled (so the 410 comes from charterd), and
 * the old file removed after a slug change. 0, or -1 (logged): the change
 * stands, and nginx falls back to charterd for the page.
 */
int	publish_booking(struct app *, const struct booking_ref *);
/* Republishes every booking (`charterd publish`); number failed, or -1. */
int	publish_all(struct app *);

#endif
