#!/usr/bin/python3
"""s3-verify-proxy.py: checks AWS SigV4 on every request the way S3 does,
answers 403 with an S3 error document when the check fails, and forwards
the rest to s3rver (which does not check V4 signatures at all).

The signature is recomputed with botocore's own signer (S3SigV4Auth for the
Authorization-header form, S3SigV4QueryAuth for presigned URLs). botocore's
signer uses the request's own timestamp and its list of signed headers.
Run it with Debian's /usr/bin/python3, which can import python3-botocore:

  /usr/bin/python3 tests/peers/s3-verify-proxy.py --listen 127.0.0.1:PORT \
      --upstream http://127.0.0.1:S3RVERPORT --access-key K --secret-key S \
      --region R [--session-token T] [--log FILE]

It prints "ready" on stdout once it is listening. For --listen HOST:0 it
also writes the address it bound to stderr. CORS preflights (OPTIONS) are
forwarded without authentication, as S3 does. Verified requests are
forwarded without their credentials, so s3rver serves them as anonymous
requests.

Checksums, as S3 does them (s3rver knows none): a PUT carrying
x-amz-checksum-sha256 (base64) is refused with 400 BadDigest when the body
has another SHA-256; the checksum is kept with the object (as the user
metadata x-amz-meta-s3proxy-sha256, which only the proxy may set and which
it never shows) and returned as x-amz-checksum-sha256 by a HEAD or GET that
asks with x-amz-checksum-mode: ENABLED.
"""

import argparse
import base64
import binascii
import calendar
import hashlib
import hmac
import http.client
import http.server
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = 'AWS4-HMAC-SHA256'
AUTH_QUERY = {
    'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
    'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token',
}
HOP_BY_HOP = {
    'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
    'te', 'trailers', 'transfer-encoding', 'upgrade', 'expect',
}
MAX_SKEW = 15 * 60          # seconds, as S3
MAX_EXPIRES = 7 * 24 * 3600
MAX_SIGNED_BODY = 64 << 20  # bodies whose hash is signed are buffered
CHUNK = 64 << 10
CHECKSUM = 'x-amz-checksum-sha256'
KEPT_CHECKSUM = 'x-amz-meta-s3proxy-sha256'     # s3rver keeps it for us


class Denied(Exception):
    """An S3-style error answer."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.extra = extra


def parse_amz_date(value):
    try:
        return calendar.timegm(time.strptime(value, '%Y%m%dT%H%M%SZ'))
    except (TypeError, ValueError):
        raise Denied(403, 'AccessDenied',
                     'AWS authentication requires a valid Date or '
                     'x-amz-date header') from None


def query_pairs(raw_query):
    """[(raw_piece, key, value)] with key and value percent-decoded
    ('+' stays a plus, as S3 reads it)."""
    pairs = []
    for piece in raw_query.split('&') if raw_query else []:
        if not piece:
            continue
        key, _, value = piece.partition('=')
        pairs.append((piece, urllib.parse.unquote(key),
                      urllib.parse.unquote(value)))
    return pairs


class _HeaderAuth(S3SigV4Auth):
    """botocore's S3 header signer with the payload hash the client
    declared (botocore would otherwise hash a body it does not have)."""

    def __init__(self, credentials, region, payload):
        super().__init__(credentials, 's3', region)
        self._declared_payload = payload

    def payload(self, request):
        return self._declared_payload


class Verifier:
    def __init__(self, access_key, secret_key, region, session_token=None,
                 clock=time.time):
        self.access_key = access_key
        self.credentials = Credentials(access_key, secret_key)
        self.region = region
        self.session_token = session_token
        self.clock = clock

    def _check_scope(self, credential, amz_date):
        parts = credential.split('/')
        if len(parts) != 5:
            raise Denied(400, 'AuthorizationHeaderMalformed',
                         'The Credential is malformed; expecting '
                         '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
        key, date, region, service, term = parts
        if key != self.access_key:
            raise Denied(403, 'InvalidAccessKeyId',
                         'The AWS Access Key Id you provided does not exist '
                         'in our records.', AWSAccessKeyId=key)
        if date != amz_date[:8] or region != self.region or \
                service != 's3' or term != 'aws4_request':
            raise Denied(403, 'SignatureDoesNotMatch',
                         'Credential scope %s/%s/%s/%s does not match '
                         '%s/%s/s3/aws4_request.' % (
                             date, region, service, term, amz_date[:8],
                             self.region))

    @staticmethod
    def _signed_headers(signed, headers):
        names = signed.split(';') if signed else []
        if not names or 'host' not in names or \
                names != sorted(set(names)) or \
                any(n != n.lower() or not n for n in names):
            raise Denied(403, 'SignatureDoesNotMatch',
                         'SignedHeaders must be sorted, lower case and '
                         'include host.')
        sent = HTTPHeaders()
        for name in names:
            values = headers.get_all(name)
            if not values:
                raise Denied(403, 'SignatureDoesNotMatch',
                             'Signed header %s is missing from the '
                             'request.' % name)
            for value in values:
                sent.add_header(name, value)
        return names, sent

    @staticmethod
    def _unsigned_amz_headers(names, headers, also_ok=()):
        for name in headers.keys():
            lname = name.lower()
            if lname.startswith('x-amz-') and lname not in names and \
                    lname not in also_ok:
                raise Denied(403, 'AccessDenied',
                             'There were headers present in the request '
                             'which were not signed', HeadersNotSigned=lname)

    def _compare(self, auth, request, provided):
        canonical = auth.canonical_request(request)
        string_to_sign = auth.string_to_sign(request, canonical)
        expected = auth.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, provided or ''):
            raise Denied(403, 'SignatureDoesNotMatch',
                         'The request signature we calculated does not '
                         'match the signature you provided. Check your key '
                         'and signing method.',
                         AWSAccessKeyId=self.access_key,
                         StringToSign=string_to_sign,
                         CanonicalRequest=canonical)

    def verify(self, method, raw_path, raw_query, headers):
        """Returns the payload hash the client signed ('UNSIGNED-PAYLOAD'
        or hex), or raises Denied."""
        pairs = query_pairs(raw_query)
        qkeys = {k for _, k, _ in pairs}
        has_header = 'Authorization' in headers
        has_query = 'X-Amz-Signature' in qkeys or 'X-Amz-Algorithm' in qkeys
        if has_header and has_query:
            raise Denied(400, 'InvalidArgument',
                         'Only one auth mechanism allowed')
        if not has_header and not has_query:
            raise Denied(403, 'AccessDenied', 'Access Denied')
        host = headers.get('Host')
        if not host:
            raise Denied(400, 'InvalidRequest', 'Missing Host header')
        # S3 signs the path encoded once, whatever encoding the wire used.
        path = urllib.parse.quote(urllib.parse.unquote(raw_path), safe='/~')
        now = self.clock()
        if has_header:
            return self._verify_header(method, host, path, pairs, headers,
                                       now)
        return self._verify_query(method, host, path, pairs, headers, now)

    def _verify_header(self, method, host, path, pairs, headers, now):
        value = headers.get('Authorization', '')
        if not value.startswith(ALGORITHM + ' '):
            raise Denied(400, 'InvalidArgument',
                         'Unsupported Authorization Type')
        fields = {}
        for part in value[len(ALGORITHM) + 1:].split(','):
            key, _, val = part.strip().partition('=')
            fields[key] = val
        if set(fields) != {'Credential', 'SignedHeaders', 'Signature'}:
            raise Denied(400, 'AuthorizationHeaderMalformed',
                         'The authorization header is malformed; it '
                         'requires Credential, SignedHeaders and Signature.')
        amz_date = headers.get('X-Amz-Date', '')
        stamp = parse_amz_date(amz_date)
        self._check_scope(fields['Credential'], amz_date)
        if abs(now - stamp) > MAX_SKEW:
            raise Denied(403, 'RequestTimeTooSkewed',
                         'The difference between the request time and the '
                         'current time is too large.', RequestTime=amz_date)
        payload = headers.get('X-Amz-Content-SHA256')
        if payload is None:
            raise Denied(400, 'InvalidRequest',
                         'Missing required header for this request: '
                         'x-amz-content-sha256')
        if payload != 'UNSIGNED-PAYLOAD' and (
                len(payload) != 64 or
                any(c not in '0123456789abcdef' for c in payload)):
            raise Denied(400, 'InvalidArgument',
                         'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or '
                         'a valid sha256 value.')
        names, sent = self._signed_headers(fields['SignedHeaders'], headers)
        self._unsigned_amz_headers(names, headers)
        self._check_token(headers.get('X-Amz-Security-Token'))
        request = AWSRequest(method=method, url='http://%s%s' % (host, path))
        request.headers = sent      # keeps repeated headers apart
        request.params = [(k, v) for _, k, v in pairs]
        request.context['timestamp'] = amz_date
        self._compare(_HeaderAuth(self.credentials, self.region, payload),
                      request, fields['Signature'])
        return payload

    def _verify_query(self, method, host, path, pairs, headers, now):
        params = {}
        for _, key, value in pairs:
            if key in AUTH_QUERY:
                if key in params:
                    raise Denied(400, 'AuthorizationQueryParametersError',
                                 '%s given twice' % key)
                params[key] = value
        if params.get('X-Amz-Algorithm') != ALGORITHM:
            raise Denied(400, 'AuthorizationQueryParametersError',
                         'X-Amz-Algorithm only supports "%s"' % ALGORITHM)
        missing = AUTH_QUERY - {'X-Amz-Security-Token'} - set(params)
        if missing:
            raise Denied(400, 'AuthorizationQueryParametersError',
                         'Query-string authentication version 4 requires '
                         'the X-Amz-Algorithm, X-Amz-Credential, '
                         'X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, '
                         'and X-Amz-Expires parameters.')
        amz_date = params['X-Amz-Date']
        stamp = parse_amz_date(amz_date)
        self._check_scope(params['X-Amz-Credential'], amz_date)
        expires = params['X-Amz-Expires']
        if not expires.isdigit() or not 0 < int(expires) <= MAX_EXPIRES:
            raise Denied(400, 'AuthorizationQueryParametersError',
                         'X-Amz-Expires must be between 1 and 604800 '
                         'seconds')
        if now > stamp + int(expires):
            raise Denied(403, 'AccessDenied', 'Request has expired',
                         X_Amz_Expires=expires)
        if stamp > now + MAX_SKEW:
            raise Denied(403, 'AccessDenied', 'Request is not valid yet')
        names, sent = self._signed_headers(params['X-Amz-SignedHeaders'],
                                           headers)
        # S3 accepts the payload hash header unsigned on presigned calls.
        self._unsigned_amz_headers(names, headers,
                                   also_ok=('x-amz-content-sha256',))
        self._check_token(params.get('X-Amz-Security-Token'))
        request = AWSRequest(method=method, url='http://%s%s' % (host, path))
        request.headers = sent      # keeps repeated headers apart
        request.params = [(k, v) for _, k, v in pairs
                          if k != 'X-Amz-Signature']
        request.context['timestamp'] = amz_date
        auth = S3SigV4QueryAuth(self.credentials, 's3', self.region,
                                expires=int(expires))
        self._compare(auth, request, params['X-Amz-Signature'])
        return 'UNSIGNED-PAYLOAD'

    def _check_token(self, token):
        if self.session_token is not None and token != self.session_token:
            raise Denied(403, 'InvalidToken',
                         'The provided token is malformed or otherwise '
                         'invalid.')


def error_document(code, message, extra):
    items = ''.join('<%s>%s</%s>' % (k.replace('_', '-'), escape(str(v)),
                                     k.replace('_', '-'))
                    for k, v in extra.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
            '<Message>%s</Message>%s<RequestId>%s</RequestId></Error>' % (
                code, escape(message), items,
                uuid.uuid4().hex[:16].upper())).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 's3-verify-proxy'
    verifier = None
    upstream = None     # (host, port)
    logfile = None
    loglock = threading.Lock()

    def log_message(self, fmt, *args):
        pass            # our own log line is in _log

    def _log(self, status, note=''):
        if self.logfile is None:
            return
        # The path only: a presigned query holds credentials.
        line = '%s %s %s %s %s\n' % (
            time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            self.command, self.path.split('?', 1)[0], status, note)
        with self.loglock:
            with open(self.logfile, 'a') as f:
                f.write(line)

    def _cors_on_error(self):
        origin = self.headers.get('Origin')
        if origin:
            self.send_header('Access-Control-Allow-Origin', origin)
            self.send_header('Vary', 'Origin')

    def _deny(self, err):
        body = error_document(err.code, err.message, err.extra)
        self.send_response_only(err.status)
        self.send_header('Content-Type', 'application/xml')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self._cors_on_error()
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
        self._log(err.status, err.code)

    def _body_length(self):
        if 'Transfer-Encoding' in self.headers:
            raise Denied(411, 'MissingContentLength',
                         'You must provide the Content-Length HTTP header.')
        value = self.headers.get('Content-Length')
        if value is None:
            return 0
        if not value.isdigit():
            raise Denied(400, 'InvalidArgument', 'Bad Content-Length')
        return int(value)

    def _checksum_wanted(self):
        """The base64 SHA-256 a PUT asks S3 to verify, or None."""
        value = self.headers.get(CHECKSUM)
        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b''
        if self.command != 'PUT' or len(raw) != 32 or \
                base64.b64encode(raw).decode() != value:
            raise Denied(400, 'InvalidRequest',
                         'Value for x-amz-checksum-sha256 header is '
                         'invalid.')
        return value

    def _handle(self):
        self.close_connection = True
        raw_path, _, raw_query = self.path.partition('?')
        checksum = None
        try:
            length = self._body_length()
            body = None
            if self.command != 'OPTIONS':
                payload = self.verifier.verify(self.command, raw_path,
                                               raw_query, self.headers)
                checksum = self._checksum_wanted()
                if payload != 'UNSIGNED-PAYLOAD' or checksum is not None:
                    if length > MAX_SIGNED_BODY:
                        raise Denied(400, 'EntityTooLarge',
                                     'Signed body too large for this proxy')
                    body = self.rfile.read(length)
                if payload != 'UNSIGNED-PAYLOAD' and \
                        hashlib.sha256(body).hexdigest() != payload:
                    raise Denied(400, 'XAmzContentSHA256Mismatch',
                                 "The provided 'x-amz-content-sha256' "
                                 "header does not match what was "
                                 "computed.")
                if checksum is not None and base64.b64encode(
                        hashlib.sha256(body).digest()).decode() != checksum:
                    raise Denied(400, 'BadDigest',
                                 'The SHA256 you specified did not match '
                                 'the calculated checksum.')
        except Denied as err:
            self._deny(err)
            return
        self._forward(raw_path, raw_query, length, body, checksum)

    def _forward(self, raw_path, raw_query, length, body, checksum=None):
        kept = [raw for raw, key, _ in query_pairs(raw_query)
                if key not in AUTH_QUERY]
        target = raw_path + ('?' + '&'.join(kept) if kept else '')
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.putrequest(self.command, target, skip_host=True,
                            skip_accept_encoding=True)
            for name, value in self.headers.items():
                lname = name.lower()
                if lname in HOP_BY_HOP or lname in (
                        'authorization', 'x-amz-security-token', CHECKSUM,
                        KEPT_CHECKSUM):
                    continue
                conn.putheader(name, value)
            if checksum is not None:
                conn.putheader(KEPT_CHECKSUM, checksum)
            conn.endheaders()
            if body is not None:
                conn.send(body)
            else:
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(CHUNK, left))
                    if not chunk:
                        break
                    conn.send(chunk)
                    left -= len(chunk)
            resp = conn.getresponse()
            self.send_response_only(resp.status, resp.reason)
            show = (self.headers.get('x-amz-checksum-mode') or '').upper() \
                == 'ENABLED'
            for name, value in resp.getheaders():
                lname = name.lower()
                if lname == KEPT_CHECKSUM:
                    if show:
                        self.send_header(CHECKSUM, value)
                        self.send_header('x-amz-checksum-type',
                                         'FULL_OBJECT')
                elif lname not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header('Connection', 'close')
            self.end_headers()
            while True:
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                self.wfile.write(chunk)
            self._log(resp.status)
        except (OSError, http.client.HTTPException) as exc:
            self._deny(Denied(502, 'BadGateway',
                              'upstream: %s' % exc.__class__.__name__))
        finally:
            conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = \
        do_PATCH = _handle


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--listen', required=True, help='HOST:PORT')
    ap.add_argument('--upstream', required=True, help='http://HOST:PORT')
    ap.add_argument('--access-key', required=True)
    ap.add_argument('--secret-key', required=True)
    ap.add_argument('--region', required=True)
    ap.add_argument('--session-token')
    ap.add_argument('--log')
    args = ap.parse_args()

    up = urllib.parse.urlsplit(args.upstream)
    if up.scheme != 'http' or not up.hostname or up.path not in ('', '/'):
        ap.error('--upstream must be http://HOST:PORT')
    host, _, port = args.listen.rpartition(':')
    if not host or not port.isdigit():
        ap.error('--listen must be HOST:PORT')

    Handler.verifier = Verifier(args.access_key, args.secret_key,
                                args.region, args.session_token)
    Handler.upstream = (up.hostname, up.port or 80)
    Handler.logfile = args.log
    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    if int(port) == 0:
        print('listening on %s:%d' % server.server_address[:2],
              file=sys.stderr, flush=True)
    print('ready', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == '__main__':
    main()
