-- bench/crew-feed.lua: wrk script: a calendar polling its feed, sending the
-- tag it has (BENCH_ETAG) in If-None-Match, so each answer is a 304.
wrk.headers["If-None-Match"] = os.getenv("BENCH_ETAG")
