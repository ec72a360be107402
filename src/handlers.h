/* handlers.h: every request handler, one file per page or API resource */
#ifndef CHARTERD_HANDLERS_H
#define CHARTERD_HANDLERS_H

#include "http.h"

/* api_health.c */
void	api_healthz(struct request *);
void	api_metrics(struct request *);
/* guest_page.c */
void	guest_page(struct request *);
/* guest_photos.c */
void	api_photos_list(struct request *);
void	api_photos_create(struct request *);
void	api_photos_complete(struct request *);
/* crew_page.c */
void	crew_page(struct request *);
void	crew_page_respond(struct request *);
/* api_invitations.c */
void	api_bookings_invite(struct request *);
/* api_crew.c */
void	api_crew_create(struct request *);
void	api_crew_list(struct request *);
/* admin_login.c */
void	admin_root(struct request *);
void	admin_login_form(struct request *);
void	admin_login(struct request *);
void	admin_logout(struct request *);
void	admin_logout_all(struct request *);
/* admin_today.c */
void	admin_home(struct request *);
/* admin_bookings.c */
void	admin_bookings_list(struct request *);
/* admin_booking.c */
void	admin_booking_new(struct request *);
void	admin_booking_create(struct request *);
void	admin_booking_show(struct request *);
void	admin_booking_save(struct request *);
/* admin_invitations.c */
void	admin_invitations(struct request *);
void	admin_invitations_send(struct request *);
/* admin_sync.c */
void	admin_sync(struct request *);
void	admin_sync_retry(struct request *);
/* api_sync.c */
void	api_sync_status(struct request *);
void	api_sync_retry(struct request *);
/* api_bookings.c */
void	api_bookings_create(struct request *);
void	api_bookings_get(struct request *);
void	api_bookings_patch(struct request *);
void	api_bookings_cancel(struct request *);
/* crew_feed_page.c */
void	crew_feed_page(struct request *);
/* api_crew_feed.c */
void	api_crew_feed_get(struct request *);
void	api_crew_feed_rotate(struct request *);
/* admin_reconciliation.c */
void	admin_reconciliation(struct request *);
void	admin_reconciliation_csv(struct request *);
/* api_reconciliation.c */
void	api_reconciliation(struct request *);
/* admin_crew.c */
void	admin_crew_list(struct request *);
void	admin_crew_new(struct request *);
void	admin_crew_create(struct request *);
void	admin_crew_show(struct request *);
void	admin_crew_save(struct request *);
void	admin_crew_active(struct request *);
/* admin_settle.c */
void	admin_settlement(struct request *);
void	admin_settlement_save(struct request *);
void	admin_settlement_receipt(struct request *);
/* crew_settle.c */
void	crew_settle_page(struct request *);
void	crew_settle_save(struct request *);
void	crew_settle_receipt(struct request *);
/* crew_open_page.c */
void	crew_open_page(struct request *);
void	crew_open_take(struct request *);
/* api_bookings.c */
void	api_bookings_list(struct request *);

#endif
