-- bench/presign.lua: wrk script: POST a presign request, rotating over the
-- slugs in the BENCH_SLUGS environment variable (space-separated).
local slugs = {}
for s in string.gmatch(os.getenv("BENCH_SLUGS") or "", "%S+") do
	slugs[#slugs + 1] = s
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"filename":"IMG_0001.jpg","content_type":"image/jpeg","size":2400000,"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}'

request = function()
	n = n + 1
	return wrk.format(nil, "/g/" .. slugs[(n % #slugs) + 1] .. "/photos")
end
