#!/usr/bin/python3
"""cloudfront-peer.py: a local stand-in for CloudFront's CreateInvalidation.

It checks AWS SigV4 the way CloudFront does (botocore's own signer
recomputes the signature: service cloudfront, region us-east-1, the body's
hash signed) and answers 403 in CloudFront's XML error format when the
check fails; answers CreateInvalidation in CloudFront's XML (201, Location,
Invalidation/Id/Status/CreateTime/InvalidationBatch); answers the existing
invalidation for a repeated CallerReference with the same paths (409
InvalidationBatchAlreadyExists for other paths); records everything.

  /usr/bin/python3 tests/peers/cloudfront-peer.py --listen 127.0.0.1:PORT \
      --access-key K --secret-key S --distribution ID [--distribution ID2] \
      [--session-token T] [--log FILE]

Test endpoints (unauthenticated; the peer listens on loopback only):
  GET  /_peer/invalidations   {"invalidations": [{id, distribution,
                              caller_reference, paths, create_time}]}
  GET  /_peer/requests        {"requests": [{method, path, status, code,
                              caller_reference}]}, every API request
  POST /_peer/fault?status=500[&code=InternalError][&count=1][&after=1]
                              the next COUNT CreateInvalidation requests
                              (signature still checked) answer STATUS with
                              CODE; after=1 first makes the invalidation
                              (an answer lost on the way back);
                              status=201&garbage=1 answers 201 with a body
                              that is not XML, after making it
  POST /_peer/reset           forgets invalidations, requests and faults

Prints "ready" on stdout once it listens (and, for --listen HOST:0, the
address on stderr). Run it with Debian's /usr/bin/python3 (botocore).
"""

import argparse
import calendar
import hmac
import http.server
import json
import random
import string
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = 'AWS4-HMAC-SHA256'
NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/'
API = '/2020-05-31/distribution/'
REGION, SERVICE = 'us-east-1', 'cloudfront'
MAX_SKEW = 15 * 60
MAX_BODY = 1 << 20
MAX_PATHS = 3000


class Refused(Exception):
    """A CloudFront-style error answer."""

    def __init__(self, status, code, message, kind='Sender'):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = \
            status, code, message, kind


def error_document(err):
    return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error>'
            '<Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
            '<RequestId>%s</RequestId></ErrorResponse>\n' % (
                NS, err.kind, err.code, escape(err.message),
                uuid.uuid4())).encode()


class Verifier:
    """SigV4, header form, as CloudFront checks it."""

    def __init__(self, access_key, secret_key, session_token=None):
        self.access_key = access_key
        self.credentials = Credentials(access_key, secret_key)
        self.session_token = session_token

    def verify(self, method, host, raw_path, raw_query, headers, body):
        value = headers.get('Authorization')
        if not value:
            raise Refused(403, 'MissingAuthenticationToken',
                          'Missing Authentication Token')
        if not value.startswith(ALGORITHM + ' '):
            raise Refused(400, 'IncompleteSignature',
                          'Unsupported Authorization Type')
        fields = {}
        for part in value[len(ALGORITHM) + 1:].split(','):
            key, _, val = part.strip().partition('=')
            fields[key] = val
        if set(fields) != {'Credential', 'SignedHeaders', 'Signature'}:
            raise Refused(400, 'IncompleteSignature',
                          'Authorization header requires Credential, '
                          'SignedHeaders and Signature.')
        amz_date = headers.get('X-Amz-Date', '')
        try:
            stamp = calendar.timegm(time.strptime(amz_date,
                                                  '%Y%m%dT%H%M%SZ'))
        except ValueError:
            raise Refused(400, 'IncompleteSignature',
                          'X-Amz-Date is missing or malformed') from None
        scope = fields['Credential'].split('/')
        if len(scope) != 5 or scope[0] != self.access_key:
            raise Refused(403, 'InvalidClientTokenId',
                          'The security token included in the request is '
                          'invalid.')
        if scope[1:] != [amz_date[:8], REGION, SERVICE, 'aws4_request']:
            raise Refused(403, 'SignatureDoesNotMatch',
                          'Credential should be scoped to a valid region '
                          'and service: %s/%s/%s/aws4_request, not %s' % (
                              amz_date[:8], REGION, SERVICE,
                              '/'.join(scope[1:])))
        if abs(time.time() - stamp) > MAX_SKEW:
            raise Refused(403, 'RequestTimeTooSkewed',
                          'Signature expired: %s is too far from now.' %
                          amz_date)
        names = fields['SignedHeaders'].split(';')
        if 'host' not in names or names != sorted(set(names)) or \
                any(n != n.lower() or not n for n in names):
            raise Refused(403, 'SignatureDoesNotMatch',
                          'SignedHeaders must be sorted, lower case and '
                          'include host.')
        sent = HTTPHeaders()
        for name in names:
            values = headers.get_all(name)
            if not values:
                raise Refused(403, 'SignatureDoesNotMatch',
                              'Signed header %s is missing.' % name)
            for v in values:
                sent.add_header(name, v)
        if self.session_token is not None and \
                headers.get('X-Amz-Security-Token') != self.session_token:
            raise Refused(403, 'InvalidClientTokenId',
                          'The security token included in the request is '
                          'invalid.')
        request = AWSRequest(method=method,
                             url='http://%s%s' % (host, raw_path),
                             data=body)
        request.headers = sent
        request.params = [(urllib.parse.unquote(k), urllib.parse.unquote(v))
                          for k, _, v in (p.partition('=') for p in
                                          raw_query.split('&') if p)]
        request.context['timestamp'] = amz_date
        auth = SigV4Auth(self.credentials, SERVICE, REGION)
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical),
                                  request)
        if not hmac.compare_digest(expected, fields['Signature']):
            raise Refused(403, 'SignatureDoesNotMatch',
                          'The request signature we calculated does not '
                          'match the signature you provided. Check your AWS '
                          'Secret Access Key and signing method.')


def parse_batch(body):
    """(caller_reference, [paths]) from an InvalidationBatch, or Refused."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise Refused(400, 'MalformedInput', 'Unparsable XML: %s' %
                      exc) from None

    def find(node, name):
        found = node.find('{%s}%s' % (NS, name))
        return found if found is not None else node.find(name)

    if root.tag not in ('{%s}InvalidationBatch' % NS, 'InvalidationBatch'):
        raise Refused(400, 'MalformedInput',
                      'The root element must be InvalidationBatch.')
    ref, paths = find(root, 'CallerReference'), find(root, 'Paths')
    if ref is None or not (ref.text or '').strip() or paths is None:
        raise Refused(400, 'MissingArgument',
                      'CallerReference and Paths are required.')
    quantity, items = find(paths, 'Quantity'), find(paths, 'Items')
    got = [] if items is None else [
        p.text or '' for p in list(items)
        if p.tag in ('{%s}Path' % NS, 'Path')]
    if quantity is None or not (quantity.text or '').isdigit() or \
            int(quantity.text) != len(got) or not got:
        raise Refused(400, 'InconsistentQuantities',
                      'Quantity must match the number of Paths.')
    if len(got) > MAX_PATHS:
        raise Refused(413, 'BatchTooLarge', 'Too many paths.')
    for p in got:
        if not p.startswith('/') or any(c.isspace() for c in p):
            raise Refused(400, 'InvalidArgument',
                          'Your request contains one or more invalid '
                          'invalidation paths.')
    return ref.text, got


def invalidation_xml(inv):
    items = ''.join('<Path>%s</Path>' % escape(p) for p in inv['paths'])
    return ('<?xml version="1.0"?>\n<Invalidation xmlns="%s"><Id>%s</Id>'
            '<Status>%s</Status><CreateTime>%s</CreateTime>'
            '<InvalidationBatch><Paths><Quantity>%d</Quantity><Items>%s'
            '</Items></Paths><CallerReference>%s</CallerReference>'
            '</InvalidationBatch></Invalidation>\n' % (
                NS, inv['id'], inv['status'], inv['create_time'],
                len(inv['paths']), items,
                escape(inv['caller_reference']))).encode()


class State:
    def __init__(self, distributions):
        self.lock = threading.Lock()
        self.distributions = set(distributions)
        self.reset()

    def reset(self):
        self.invalidations = []
        self.requests = []
        self.faults = []

    def create(self, dist, ref, paths):
        """(invalidation, created) for the batch, or Refused."""
        for inv in self.invalidations:
            if inv['distribution'] == dist and \
                    inv['caller_reference'] == ref:
                if inv['paths'] != paths:
                    raise Refused(409, 'InvalidationBatchAlreadyExists',
                                  'CallerReference %s was used with other '
                                  'paths.' % ref)
                return inv, False
        inv = {
            'id': 'I' + ''.join(random.choice(string.ascii_uppercase +
                                              string.digits)
                                for _ in range(13)),
            'distribution': dist, 'caller_reference': ref, 'paths': paths,
            'status': 'InProgress',
            'create_time': time.strftime('%Y-%m-%dT%H:%M:%S.000Z',
                                         time.gmtime()),
        }
        self.invalidations.append(inv)
        return inv, True


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'cloudfront-peer'
    protocol_version = 'HTTP/1.1'   # keep-alive, as CloudFront
    verifier = None
    state = None
    logfile = None

    def log_message(self, fmt, *args):
        pass

    def _log(self, status, note=''):
        if self.logfile is None:
            return
        with open(self.logfile, 'a') as f:
            f.write('%s %s %s %s %s\n' % (
                time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                self.command, self.path.split('?', 1)[0], status, note))

    def _send(self, status, body, ctype='text/xml', extra=()):
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('x-amz-request-id', str(uuid.uuid4()))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        if 'Transfer-Encoding' in self.headers:
            raise Refused(411, 'MissingContentLength',
                          'Content-Length is required.')
        n = self.headers.get('Content-Length', '0')
        if not n.isdigit() or int(n) > MAX_BODY:
            raise Refused(400, 'InvalidArgument', 'Bad Content-Length')
        return self.rfile.read(int(n))

    def _peer(self, raw_path, raw_query):
        q = dict(urllib.parse.parse_qsl(raw_query))
        with self.state.lock:
            if self.command == 'GET' and raw_path == '/_peer/invalidations':
                doc = {'invalidations': self.state.invalidations}
            elif self.command == 'GET' and raw_path == '/_peer/requests':
                doc = {'requests': self.state.requests}
            elif self.command == 'POST' and raw_path == '/_peer/reset':
                self.state.reset()
                doc = {'ok': True}
            elif self.command == 'POST' and raw_path == '/_peer/fault':
                status = int(q.get('status', '500'))
                fault = {
                    'status': status,
                    'code': q.get('code', {400: 'InvalidArgument',
                                           429: 'Throttling'}.get(
                                               status, 'InternalError')),
                    'after': q.get('after') == '1',
                    'garbage': q.get('garbage') == '1',
                }
                self.state.faults.extend([fault] * int(q.get('count', '1')))
                doc = {'faults': len(self.state.faults)}
            else:
                self._send(404, b'{"error":"not_found"}\n',
                           'application/json')
                return
        self._send(200, (json.dumps(doc) + '\n').encode(),
                   'application/json')

    def _create(self, dist, body, record):
        """The CreateInvalidation answer: (status, body, headers)."""
        if dist not in self.state.distributions:
            raise Refused(404, 'NoSuchDistribution',
                          'The specified distribution does not exist.')
        ref, paths = parse_batch(body)
        record['caller_reference'] = ref
        fault = self.state.faults.pop(0) if self.state.faults else None
        if fault and not fault['after'] and not fault['garbage']:
            raise Refused(fault['status'], fault['code'],
                          'Injected by the test.',
                          'Receiver' if fault['status'] >= 500
                          else 'Sender')
        inv, _ = self.state.create(dist, ref, paths)
        if fault and fault['garbage']:
            return fault['status'], b'<html>not an answer', ()
        if fault:
            raise Refused(fault['status'], fault['code'],
                          'Injected by the test, after the invalidation '
                          'was made.', 'Receiver')
        location = 'http://%s%s%s/invalidation/%s' % (
            self.headers.get('Host'), API, dist, inv['id'])
        return 201, invalidation_xml(inv), (('Location', location),)

    def _handle(self):
        raw_path, _, raw_query = self.path.partition('?')
        if raw_path.startswith('/_peer/'):
            self._peer(raw_path, raw_query)
            return
        record = {'method': self.command, 'path': raw_path, 'status': 0,
                  'code': None, 'caller_reference': None}
        try:
            body = self._body()
            self.verifier.verify(self.command, self.headers.get('Host', ''),
                                 raw_path, raw_query, self.headers, body)
            rest = raw_path[len(API):] if raw_path.startswith(API) else ''
            dist, _, tail = rest.partition('/')
            if self.command != 'POST' or tail != 'invalidation' or not dist:
                raise Refused(404, 'NotFound', 'Only CreateInvalidation '
                              'is here.')
            with self.state.lock:
                status, out, extra = self._create(dist, body, record)
        except Refused as err:
            status, out, extra = err.status, error_document(err), ()
            record['code'] = err.code
        record['status'] = status
        with self.state.lock:
            self.state.requests.append(record)
        self._log(status, record['code'] or '')
        self._send(status, out, extra=extra)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--listen', required=True, help='HOST:PORT')
    ap.add_argument('--access-key', required=True)
    ap.add_argument('--secret-key', required=True)
    ap.add_argument('--session-token')
    ap.add_argument('--distribution', action='append', required=True)
    ap.add_argument('--log')
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(':')
    if not host or not port.isdigit():
        ap.error('--listen must be HOST:PORT')
    Handler.verifier = Verifier(args.access_key, args.secret_key,
                                args.session_token)
    Handler.state = State(args.distribution)
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
