#!/bin/bash
# admin-auth.sh: staff accounts and sessions: charterd user, login (generic
# refusal, same time for unknown accounts, throttling per account and per
# address), session cookie, rotation, CSRF and origin checks on every POST,
# logout and logout everywhere, idle and absolute expiry, disabled accounts.
set -uo pipefail
. "${CHARTER_SRCDIR:?run me through tests/stack run}/tests/lib/tap.sh"

pub=$CHARTER_PUBLIC_URL
run=$$-$RANDOM
sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
user() { (set -a; . "$STACK_DIR/migrate.env"; set +a; exec "$CHARTERD" user "$@"); }
jar() { echo "$TAP_TMP/jar.$1"; }
# login JAR EMAIL PASSWORD [curl args]: the login form, then its POST (a browser
# that is logged in already is sent on by the form: it posts with the token its
# login cookie holds).
login() {
	local j=$1 e=$2 p=$3 lc
	shift 3
	http GET "$pub/admin/login" -c "$(jar "$j")" -b "$(jar "$j")" "$@"
	lc=$(grep -o 'name="login_csrf" value="[^"]*"' "$BODY" | sed 's/.*value="//; s/"$//')
	[ -n "$lc" ] || lc=$(awk '$6 == "charterd_login" { v = $7 } END { print v }' "$(jar "$j")")
	http POST "$pub/admin/login" -c "$(jar "$j")" -b "$(jar "$j")" \
		--data-urlencode "email=$e" --data-urlencode "password=$p" \
		--data-urlencode "login_csrf=$lc" --data-urlencode "next=/admin/" "$@"
}
csrf_of() { # csrf_of JAR: the form token of the session's start page
	http GET "$pub/admin/" -b "$(jar "$1")"
	grep -o 'name="csrf" value="[^"]*"' "$BODY" | head -n 1 | sed 's/.*value="//; s/"$//'
}
session_of() { awk '$6 == "charterd_session" { v = $7 } END { print v }' "$(jar "$1")"; }
home() { http GET "$pub/admin/" -b "$(jar "$1")"; echo "$STATUS"; }

# Failed logins are shared state: start from none (a rerun on the same stack).
sql "DELETE FROM login_throttle" >/dev/null

# -- accounts from the command line ---------------------------------------------------
email=alice-$run@charterd.test
out=$(printf 'correct horse battery\n' | user add "$email" --role staff --name "Alice Staff")
ok $? "charterd user add takes the password from stdin"
like "$out" "added $email \(staff\)" "and says so"
out=$(user add "gen-$run@charterd.test" --role owner </dev/null)
like "$out" 'password: [a-z0-9]{4}(-[a-z0-9]{4}){4}' "without stdin it generates one and prints it once"
out=$(printf 'another one here\n' | user add "ALICE-$run@charterd.test" 2>&1); st=$?
is "$st/$(grep -c 'has an account' <<<"$out")" "1/1" "the same email in another case is refused"
out=$(printf 'short\n' | user add "bob-$run@charterd.test" 2>&1)
like "$out" "at least 10 characters" "a short password is refused"
out=$(user add "not-an-email" 2>&1); st=$?
is "$st" 2 "a bad email is a usage error"
like "$(user list)" "$email +staff +active" "charterd user list shows the account"
hash=$(sql "SELECT password_hash FROM staff_users WHERE email = '$email'")
like "$hash" '^\$argon2id\$v=19\$m=19456,t=2,p=1\$' "the hash is Argon2id at OWASP's cost, parameters included"
unlike "$hash" 'correct horse' "and holds no password"

# -- login -----------------------------------------------------------------------------
http GET "$pub/admin/"
is "$STATUS/$(header location)" "303//admin/login" "without a session /admin/ goes to the login"
http GET "$pub/admin/logout"
is "$STATUS" 405 "logging out is a POST"
login a "$email" "wrong password"
is "$STATUS" 200 "a wrong password answers the form again"
like "$(body)" "Wrong email or password." "with the generic message"
like "$(body)" "value=\"$email\"" "keeping the email typed"
login a "nobody-$run@charterd.test" "correct horse battery"
like "$(body)" "Wrong email or password." "an unknown account gets the same message"
# Both are checked against an Argon2id hash (an unknown account against a hash of
# nothing): tests/test-password compares the two in CPU time, which a loaded
# machine does not skew as it does the wall clock of an HTTP request.
# Clear the failures these made.
sql "DELETE FROM login_throttle" >/dev/null

http POST "$pub/admin/login" --data-urlencode "email=$email" --data-urlencode "password=correct horse battery"
is "$STATUS" 403 "a login POST without the login form's token is 403"
login a "$email" "correct horse battery" -H "Origin: http://evil.example"
is "$STATUS" 403 "a login POST from another origin is 403"
login a "$email" "correct horse battery"
is "$STATUS/$(header location)" "303//admin/" "the right password logs in"
like "$(header set-cookie)" 'HttpOnly' "the session cookie is HttpOnly"
like "$(header set-cookie)" 'SameSite=Lax' "and SameSite=Lax"
first=$(session_of a)
like "$first" '^[A-Za-z0-9_-]{43}$' "of 256 random bits"
is "$(sql "SELECT count(*) FROM staff_sessions WHERE encode(token_hash, 'hex') = encode(sha256('$first'), 'hex')")" 1 \
	"stored as its SHA-256"
is "$(sql "SELECT count(*) FROM staff_sessions WHERE token_hash::text LIKE '%$first%'")" 0 "never as itself"
is "$(home a)" 200 "the session opens /admin/"
is "$(header cache-control)" no-store "admin pages are not cached"
like "$(body)" "Logged in as $email" "for the right person"

# Rotated at login: logging in again replaces the session.
cp "$(jar a)" "$(jar old)"
login a "$email" "correct horse battery"
isnt "$(session_of a)" "$first" "logging in again gives a new session"
is "$(home old)" 303 "and the old one no longer works"

# -- CSRF and origin on every POST --------------------------------------------------------
http POST "$pub/admin/logout" -b "$(jar a)"
is "$STATUS" 403 "a POST without the CSRF token is 403"
is "$(home a)" 200 "and changed nothing"
csrf=$(csrf_of a)
like "$csrf" '^[A-Za-z0-9_-]{43}$' "every form carries the session's CSRF token"
http POST "$pub/admin/logout" -b "$(jar a)" --data-urlencode "csrf=x$csrf"
is "$STATUS" 403 "a wrong CSRF token is 403"
http POST "$pub/admin/logout" -b "$(jar a)" --data-urlencode "csrf=$csrf" -H "Origin: http://evil.example"
is "$STATUS" 403 "the right token from another origin is 403"
http POST "$pub/admin/logout" -b "$(jar a)" --data-urlencode "csrf=$csrf" -H "Sec-Fetch-Site: cross-site"
is "$STATUS" 403 "so is Sec-Fetch-Site: cross-site"
is "$(home a)" 200 "none of them logged out"
http POST "$pub/admin/logout" -b "$(jar a)" -c "$(jar a)" --data-urlencode "csrf=$csrf" -H "Origin: $pub" -H "Sec-Fetch-Site: same-origin"
is "$STATUS/$(header location)" "303//admin/login?bye=1" "the right token from here logs out"
is "$(home a)" 303 "the session is over"

# -- logout everywhere -------------------------------------------------------------------
login p1 "$email" "correct horse battery"
login p2 "$email" "correct horse battery"
is "$(home p1)/$(home p2)" "200/200" "two sessions (two browsers)"
csrf=$(csrf_of p1)
http POST "$pub/admin/logout-everywhere" -b "$(jar p1)" --data-urlencode "csrf=$csrf"
is "$STATUS" 303 "log out everywhere"
is "$(home p1)/$(home p2)" "303/303" "ends both"
is "$(sql "SELECT count(*) FROM audit_log WHERE action = 'staff.logout_everywhere' AND actor LIKE 'staff:%'")" \
	"$(sql "SELECT count(*) FROM audit_log WHERE action = 'staff.logout_everywhere'")" "and leaves an audit row"

# -- expiry and disabled accounts -----------------------------------------------------------
login e "$email" "correct horse battery"
sql "UPDATE staff_sessions SET last_seen_at = now() - interval '121 minutes' WHERE encode(token_hash, 'hex') = encode(sha256('$(session_of e)'), 'hex')" >/dev/null
is "$(home e)" 303 "a session idle past CHARTER_SESSION_IDLE_MIN is over"
login e "$email" "correct horse battery"
sql "UPDATE staff_sessions SET expires_at = now() - interval '1 second' WHERE encode(token_hash, 'hex') = encode(sha256('$(session_of e)'), 'hex')" >/dev/null
is "$(home e)" 303 "a session past its absolute expiry is over, however active"
login e "$email" "correct horse battery"
user disable "$email" >/dev/null
is "$(home e)" 303 "disabling the account ends its sessions"
login e "$email" "correct horse battery"
like "$(body)" "Wrong email or password." "and it can no longer log in"
user enable "$email" >/dev/null
printf 'a brand new password\n' | user passwd "$email" >/dev/null
login e "$email" "correct horse battery"
like "$(body)" "Wrong email or password." "after passwd the old password fails"
login e "$email" "a brand new password"
is "$STATUS" 303 "and the new one works"

# -- throttling ------------------------------------------------------------------------------
sql "DELETE FROM login_throttle" >/dev/null
codes=""
for i in 1 2 3 4 5 6 7; do login t "$email" "guess $i"; codes="$codes $STATUS"; done
is "$codes" " 200 200 200 200 200 429 429" "after 5 failures each attempt on the account must wait"
like "$(body)" "Too many attempts" "and says so, without saying whether the account exists"
login t "$email" "a brand new password"
is "$STATUS" 429 "even the right password waits"
sql "UPDATE login_throttle SET blocked_until = now()" >/dev/null
login t "$email" "a brand new password"
is "$STATUS" 303 "once the wait is over the right password works"
is "$(sql "SELECT count(*) FROM login_throttle WHERE key = 'account:$email'")" 0 "and the account's failures are forgotten"
# Per address: many accounts guessed from one address.
addr=127.$((RANDOM % 200 + 20)).$((RANDOM % 250)).9
codes=""
for i in 1 2 3 4 5 6 7; do login g "guess$i-$run@charterd.test" "guess" --interface "$addr"; codes="$codes $STATUS"; done
is "$codes" " 200 200 200 200 200 429 429" "an address guessing many accounts must wait too"
# (The block is held a minute here, so a busy machine cannot outlast it.)
sql "UPDATE login_throttle SET blocked_until = now() + interval '1 minute' WHERE key = 'addr:$addr'" >/dev/null
login g "$email" "a brand new password" --interface "$addr"
is "$STATUS" 429 "(even for a real account from that address)"
login g "$email" "a brand new password"
is "$STATUS" 303 "while another address is not held up"

done_testing
