#!/usr/bin/python3
"""dynamo-verify-proxy.py: checks AWS SigV4 on every DynamoDB request the way
DynamoDB does, answers with a DynamoDB-style JSON error when the check fails,
and forwards the rest to dynalite (which accepts any signature at all).

The signature is recomputed with botocore's own signer (SigV4Auth, service
"dynamodb") over the request's own timestamp, its signed headers and the
SHA-256 of the body it carries: the body is always signed, so neither
UNSIGNED-PAYLOAD nor a changed body passes. Run it with Debian's
/usr/bin/python3, which can import python3-botocore:

  /usr/bin/python3 tests/peers/dynamo-verify-proxy.py --listen 127.0.0.1:PORT \
      --upstream http://127.0.0.1:DYNALITEPORT --access-key K --secret-key S \
      --region R [--session-token T] [--log FILE] [--control]

It prints "ready" on stdout once it is listening (for --listen HOST:0 it
also writes the address it bound to stderr). Connections are kept alive,
each with its own kept-alive connection to dynalite.

Answers, as DynamoDB gives them:
  400 MissingAuthenticationTokenException   no Authorization header
  400 IncompleteSignatureException          a malformed one, no X-Amz-Date
  400 UnrecognizedClientException           an unknown key or session token
  403 InvalidSignatureException             wrong signature (with the
      canonical request and string to sign after a blank line, as AWS
      does), a credential scope that is not <date>/<region>/dynamodb/
      aws4_request, a date more than 5 minutes off, Host, X-Amz-Date,
      X-Amz-Target or Content-Type not signed, an x-amz-* header not
      signed, or an x-amz-content-sha256 that is not the body's hash
With --control, POST /__proxy__/keys {"secret_key": "..."} makes it expect
another secret from then on (so every real signature fails), and {} puts
the one it was started with back: tests use it to see what charterd does
with a 403 without restarting anything.
"""

import argparse
import calendar
import hashlib
import hmac
import http.client
import http.server
import json
import socket
import sys
import threading
import time
import urllib.parse
import uuid

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = 'AWS4-HMAC-SHA256'
SERVICE = 'dynamodb'
MAX_SKEW = 5 * 60           # seconds, as DynamoDB
MAX_BODY = 16 << 20         # DynamoDB's largest request
MUST_SIGN = ('host', 'x-amz-date', 'x-amz-target', 'content-type')
HOP_BY_HOP = {
    'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
    'te', 'trailers', 'transfer-encoding', 'upgrade', 'expect',
}
CONTROL_PATH = '/__proxy__/keys'
CORAL = 'com.amazon.coral.service#'


class Denied(Exception):
    """A DynamoDB-style error answer."""

    def __init__(self, status, name, message):
        super().__init__(message)
        self.status, self.name, self.message = status, name, message


def invalid(message):
    return Denied(403, 'InvalidSignatureException', message)


def incomplete(message):
    return Denied(400, 'IncompleteSignatureException', message)


class Verifier:
    def __init__(self, access_key, secret_key, region, session_token=None,
                 clock=time.time):
        self.access_key = access_key
        self.started_secret = secret_key
        self.secret_key = secret_key
        self.region = region
        self.session_token = session_token
        self.clock = clock
        self.lock = threading.Lock()

    def set_secret(self, secret):
        with self.lock:
            self.secret_key = secret or self.started_secret

    @staticmethod
    def _fields(value):
        if not value.startswith(ALGORITHM + ' '):
            raise incomplete("Unsupported AWS 'algorithm': '%s' (only %s "
                             "for now). " % (value.split(' ')[0], ALGORITHM))
        fields = {}
        for part in value[len(ALGORITHM) + 1:].split(','):
            key, eq, val = part.strip().partition('=')
            if not eq or key in fields:
                raise incomplete("'%s' not a valid key=value pair in "
                                 "Authorization header." % part.strip())
            fields[key] = val
        missing = [k for k in ('Credential', 'SignedHeaders', 'Signature')
                   if not fields.get(k)]
        if missing or len(fields) != 3:
            raise incomplete('Authorization header requires %s.' %
                             ', '.join("'%s' parameter" % k for k in
                                       missing or ['exactly three']))
        return fields

    def _date(self, headers):
        amz_date = headers.get('X-Amz-Date')
        if not amz_date:
            raise incomplete("Authorization header requires existence of "
                             "either a 'X-Amz-Date' or a 'Date' header.")
        try:
            stamp = calendar.timegm(time.strptime(amz_date,
                                                  '%Y%m%dT%H%M%SZ'))
        except ValueError:
            raise incomplete("Date must be in ISO-8601 'basic format'. Got "
                             "'%s'." % amz_date) from None
        now = self.clock()

        def fmt(t):
            return time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(t))
        if stamp < now - MAX_SKEW:
            raise invalid('Signature expired: %s is now earlier than %s '
                          '(%s - 5 min.)' % (amz_date, fmt(now - MAX_SKEW),
                                             fmt(now)))
        if stamp > now + MAX_SKEW:
            raise invalid('Signature not yet current: %s is still later '
                          'than %s (%s + 5 min.)' % (
                              amz_date, fmt(now + MAX_SKEW), fmt(now)))
        return amz_date

    def _scope(self, credential, amz_date):
        parts = credential.split('/')
        if len(parts) != 5:
            raise incomplete('Credential must have exactly 5 slash-delimited '
                             'elements, e.g. keyid/date/region/service/term,'
                             " got '%s'" % credential)
        key, date, region, service, term = parts
        wrong = ''
        if region != self.region:
            wrong += ("Credential should be scoped to a valid region, not "
                      "'%s'. " % region)
        if service != SERVICE:
            wrong += ("Credential should be scoped to correct service: "
                      "'%s'. " % SERVICE)
        if term != 'aws4_request':
            wrong += ("Credential should be scoped with a valid terminator:"
                      " 'aws4_request', not '%s'. " % term)
        if date != amz_date[:8]:
            wrong += ("Date in Credential scope does not match YYYYMMDD "
                      "from ISO-8601 version of date from HTTP: '%s' != "
                      "'%s', from '%s'." % (date, amz_date[:8], amz_date))
        if wrong:
            raise invalid(wrong.strip())
        if key != self.access_key:
            raise Denied(400, 'UnrecognizedClientException',
                         'The security token included in the request is '
                         'invalid.')

    @staticmethod
    def _signed(signed, headers):
        names = signed.split(';')
        if names != sorted(set(names)) or any(
                not n or n != n.lower() for n in names):
            raise invalid('SignedHeaders must be sorted, unique and lower '
                          'case.')
        for must in MUST_SIGN:
            if must not in names:
                raise invalid("'%s' must be a 'SignedHeader' in the AWS "
                              "Authorization." % must.title())
        sent = HTTPHeaders()
        for name in names:
            values = headers.get_all(name)
            if not values:
                raise invalid('Signed header %s is missing from the '
                              'request.' % name)
            for value in values:
                sent.add_header(name, value)
        for name in headers.keys():
            if name.lower().startswith('x-amz-') and \
                    name.lower() not in names:
                raise invalid("Header %s is not signed." % name.lower())
        return sent

    def _token(self, headers):
        token = headers.get('X-Amz-Security-Token')
        if token != self.session_token:
            raise Denied(400, 'UnrecognizedClientException',
                         'The security token included in the request is '
                         'invalid.')

    def verify(self, method, raw_path, headers, body):
        """Returns None when the request is AWS's to serve, or raises
        Denied."""
        auth = headers.get('Authorization')
        if not auth:
            raise Denied(400, 'MissingAuthenticationTokenException',
                         'Request is missing Authentication Token')
        fields = self._fields(auth)
        amz_date = self._date(headers)
        self._scope(fields['Credential'], amz_date)
        sent = self._signed(fields['SignedHeaders'], headers)
        self._token(headers)
        declared = headers.get('X-Amz-Content-SHA256')
        if declared is not None and \
                declared != hashlib.sha256(body).hexdigest():
            raise invalid('x-amz-content-sha256 is not the SHA-256 of the '
                          'body: DynamoDB signs the body itself.')
        with self.lock:
            secret = self.secret_key
        host = headers.get('Host', '')
        request = AWSRequest(method=method, url='http://%s%s' % (host,
                                                                  raw_path),
                             data=body)
        request.headers = sent      # only what was signed
        request.context['timestamp'] = amz_date
        signer = SigV4Auth(Credentials(self.access_key, secret), SERVICE,
                           self.region)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, fields['Signature']):
            raise invalid('The request signature we calculated does not '
                          'match the signature you provided. Check your AWS '
                          'Secret Access Key and signing method. Consult '
                          'the service documentation for details.\n\nThe '
                          'Canonical String for this request should have '
                          "been\n'%s'\n\nThe String-to-Sign should have "
                          "been\n'%s'\n" % (canonical, string_to_sign))


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'dynamo-verify-proxy'
    protocol_version = 'HTTP/1.1'       # keep-alive, as DynamoDB
    verifier = None
    upstream = None     # (host, port)
    control = False
    logfile = None
    loglock = threading.Lock()

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle
        # and the client's delayed ACK hold every answer back 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass            # our own log line is in _log

    def _log(self, status, note=''):
        if self.logfile is None:
            return
        line = '%s %s %s %s %s\n' % (
            time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            self.command, self.headers.get('X-Amz-Target', '-'), status,
            note)
        with self.loglock:
            with open(self.logfile, 'a') as f:
                f.write(line)

    def _send(self, status, body, ctype='application/x-amz-json-1.0',
              extra=()):
        self.send_response_only(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('x-amzn-RequestId', uuid.uuid4().hex.upper())
        for name, value in extra:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)

    def _deny(self, err):
        body = json.dumps({'__type': CORAL + err.name,
                           'message': err.message}).encode()
        self._send(err.status, body)
        self._log(err.status, err.name)

    def _read_body(self):
        if 'Transfer-Encoding' in self.headers:
            self.close_connection = True
            raise Denied(411, 'MissingContentLength',
                         'Content-Length is required.')
        value = self.headers.get('Content-Length', '0')
        if not value.isdigit() or int(value) > MAX_BODY:
            self.close_connection = True
            raise Denied(413, 'RequestEntityTooLarge',
                         'Request must be smaller than %d bytes' % MAX_BODY)
        return self.rfile.read(int(value))

    def _handle(self):
        try:
            body = self._read_body()
            if self.control and self.path == CONTROL_PATH and \
                    self.command == 'POST':
                self._control(body)
                return
            self.verifier.verify(self.command, self.path, self.headers,
                                 body)
        except Denied as err:
            self._deny(err)
            return
        self._forward(body)

    def _control(self, body):
        try:
            keys = json.loads(body or b'{}')
            self.verifier.set_secret(keys.get('secret_key'))
        except (ValueError, AttributeError):
            self._send(400, b'{"error":"bad control request"}',
                       'application/json')
            return
        self._send(200, b'{"ok":true}', 'application/json')
        self._log(200, 'control')

    def _upstream(self):
        if getattr(self, '_up', None) is None:
            self._up = http.client.HTTPConnection(*self.upstream, timeout=60)
            self._up.connect()
            self._up.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY,
                                     1)
        return self._up

    def _forward(self, body):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP}
        for attempt in (0, 1):
            conn = self._upstream()
            try:
                conn.request(self.command, self.path, body=body,
                             headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                self._up = None
                if attempt == 1:
                    self._deny(Denied(502, 'BadGateway', 'upstream: %s' %
                                      exc.__class__.__name__))
                    return
        kept = [(k, v) for k, v in resp.getheaders()
                if k.lower() not in HOP_BY_HOP and
                k.lower() not in ('content-length', 'content-type',
                                  'x-amzn-requestid')]
        self._send(resp.status, data,
                   resp.getheader('Content-Type',
                                  'application/x-amz-json-1.0'), kept)
        self._log(resp.status)

    def finish(self):
        up = getattr(self, '_up', None)
        if up is not None:
            up.close()
        super().finish()

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
    ap.add_argument('--control', action='store_true',
                    help='accept POST %s' % CONTROL_PATH)
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
    Handler.control = args.control
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
