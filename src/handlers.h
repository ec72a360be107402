/* handlers.h: every request handler, one file per page or API resource */
#ifndef CHARTERD_HANDLERS_H
#define CHARTERD_HANDLERS_H

#include "http.h"

/* page_health.c */
void	page_healthz(struct request *);
void	page_metrics(struct request *);
/* page_guest.c */
void	page_guest(struct request *);
/* page_photos.c */
void	api_photos_list(struct request *);
void	api_photos_create(struct request *);
void	api_photos_complete(struct request *);
/* page_crew.c */
void	page_crew(struct request *);
void	page_crew_respond(struct request *);
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
/* page_crew_feed.c */
void	page_crew_feed(struct request *);
/* api_crew_feed.c */
void	api_crew_feed_get(struct request *);
void	api_crew_feed_rotate(struct request *);
/* page_crew_open.c */
void	page_crew_open(struct request *);
void	page_crew_take(struct request *);
/* api_bookings.c */
void	api_bookings_list(struct request *);

#endif
