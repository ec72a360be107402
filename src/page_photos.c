/* page_photos.c: guest photo uploads (placeholder until the S3 module lands) */
#include "app.h"
#include "handlers.h"

void
api_photos_list(struct request *req)
{
	resp_error(req, 404, "not_found", "Photos are not available yet.");
}

void
api_photos_create(struct request *req)
{
	resp_error(req, 404, "not_found", "Photos are not available yet.");
}

void
api_photos_complete(struct request *req)
{
	resp_error(req, 404, "not_found", "Photos are not available yet.");
}
