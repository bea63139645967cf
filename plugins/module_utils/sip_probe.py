# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Probe a SIP TLS endpoint as an outsider sees it: which TLS versions and kinds of suite it
accepts, the certificate it presents, whether it demands a client certificate, whether SIP
answers over it, and whether plaintext SIP ports answer beside it.

Read-only and bounded: every connection has a timeout, and the whole probe a deadline;
once the endpoint has failed to answer, the steps that need it are not attempted. Errors
are results (``{'kind', 'message'}``), never exceptions.

The certificate is parsed with ``cryptography``; without it the TLS facts are still
collected and the certificate part says it is missing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import math
import random
import socket
import ssl
import struct
import threading
import time

try:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - reported in the result
    HAS_CRYPTOGRAPHY = False

VERSIONS = (
    ('TLSv1', ssl.TLSVersion.TLSv1),
    ('TLSv1.1', ssl.TLSVersion.TLSv1_1),
    ('TLSv1.2', ssl.TLSVersion.TLSv1_2),
    ('TLSv1.3', ssl.TLSVersion.TLSv1_3),
)
# OpenSSL 3 refuses TLS 1.0/1.1 and weak suites at its default security level; an outsider
# does not care, so the probe offers everything and judges what the server picks.
OFFER_ALL = 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
# X509_V_FLAG_NO_CHECK_TIME: the chain is judged on trust alone, expiry is its own finding
_NO_CHECK_TIME = 0x200000
# TLS record content type and handshake message types (RFC 8446 sections 5.1 and 4)
_HANDSHAKE = 22
_SERVER_HELLO, _CERTIFICATE, _CERTIFICATE_REQUEST = 2, 11, 13

DEFAULT_TIMEOUT = 3.0
DEFAULT_DEADLINE = 8.0
#: The longest timeout or deadline, in seconds (a day): sockets and threads refuse far larger ones.
MAX_SECONDS = 86400.0


class ProbeSetupError(Exception):
    """The probe cannot start: a local file (CA, client certificate or key) is unusable."""


class Deadline(object):
    """The time the whole probe may take; each step gets what is left, at most its own timeout."""

    def __init__(self, seconds, step_timeout, clock=time.monotonic):
        self._clock = clock
        self._end = clock() + seconds
        self.step_timeout = step_timeout

    def remaining(self):
        return max(0.0, self._end - self._clock())

    def step(self):
        """Timeout for the next step, or ``None`` when the deadline has passed."""
        left = self.remaining()
        if left <= 0.05:
            return None
        return min(self.step_timeout, left)


def error(kind, message):
    return {'kind': kind, 'message': message}


def _shown_number(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float):
        if math.isnan(value):
            return '.nan'
        if math.isinf(value):
            return '.inf' if value > 0 else '-.inf'
    if isinstance(value, int) and value.bit_length() > 64:
        return 'an integer of %d bits' % value.bit_length()
    if isinstance(value, (int, float)):
        return repr(value)
    return 'a value of type %s' % type(value).__name__


def duration_problem(name, value):
    """Why ``value`` cannot be the timeout or deadline ``name`` (``None`` when it can): a finite
    number of seconds above 0 and at most :data:`MAX_SECONDS` (NaN and infinities are not)."""
    number = not isinstance(value, bool) and isinstance(value, (int, float))
    if number and 0 < value <= MAX_SECONDS and math.isfinite(value):
        return None
    return '%s must be a finite number of seconds above 0 and at most %d, found %s' % (
        name, MAX_SECONDS, _shown_number(value))


def _describe(exc):
    """An exception from socket/ssl to ``(kind, message)``: refused, timeout, handshake, ..."""
    if isinstance(exc, socket.timeout):
        return 'timeout', 'no answer within the timeout'
    if isinstance(exc, ConnectionRefusedError):
        return 'refused', 'connection refused'
    if isinstance(exc, ssl.SSLCertVerificationError):
        return 'verify', exc.verify_message or str(exc)
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, 'reason', None) or ''
        message = str(exc)
        if reason in ('TLSV13_ALERT_CERTIFICATE_REQUIRED', 'SSLV3_ALERT_HANDSHAKE_FAILURE') or 'certificate required' in message:
            return 'handshake', 'handshake refused: %s' % (reason.lower().replace('_', ' ') or message)
        return 'handshake', 'TLS handshake failed: %s' % (reason.lower().replace('_', ' ') or message)
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return 'reset', 'the connection was closed by the endpoint'
    if isinstance(exc, OSError):
        return 'network', exc.strerror or str(exc)
    return 'error', str(exc)


def resolve(address, port, timeout, family=socket.AF_UNSPEC):
    """Resolve in a worker thread, so a slow resolver cannot outlast the deadline."""
    box = {}

    def work():
        try:
            box['infos'] = socket.getaddrinfo(address, port, family, socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            box['error'] = exc

    worker = threading.Thread(target=work, name='sip-probe-resolve')
    worker.daemon = True
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return None, error('resolve', "name '%s' did not resolve within %.1f s" % (address, timeout))
    if 'error' in box:
        return None, error('resolve', "name '%s' does not resolve: %s" % (address, box['error']))
    info = box['infos'][0]
    return (info[0], info[4]), None


class _Observer(object):
    """Watches the handshake messages (OpenSSL's message callback): what the server sent,
    whether it asked for a client certificate, and its certificate even when the
    handshake is then refused."""

    def __init__(self):
        self.server_hello = False
        self.hello_version = None
        self.hello_suite = None
        self.certificate_request = False
        self.certificate = None

    def __call__(self, conn, direction, version, content_type, msg_type, data):
        del conn, version
        if direction != 'read' or content_type != _HANDSHAKE:
            return
        if msg_type == _SERVER_HELLO:
            self.server_hello = True
            self.hello_version, self.hello_suite = parse_server_hello(bytes(data))
        elif msg_type == _CERTIFICATE_REQUEST:
            self.certificate_request = True
        elif msg_type == _CERTIFICATE and self.certificate is None:
            self.certificate = first_certificate(bytes(data))


#: TLS protocol version codes (RFC 8446 appendix B.1 and predecessors)
VERSION_CODES = {0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3'}
_SUPPORTED_VERSIONS = 0x002b


def parse_server_hello(message):
    """The version and suite id a ServerHello chose (``message`` starts with the 4-byte
    handshake header). TLS 1.3 names its version in the supported_versions extension.
    Returns ``(version name or None, suite id or None)``."""
    try:
        body = message[4:]
        legacy = struct.unpack('>H', body[0:2])[0]
        offset = 2 + 32
        offset += 1 + body[offset]
        suite = struct.unpack('>H', body[offset:offset + 2])[0]
        offset += 2 + 1
        chosen = legacy
        if len(body) >= offset + 2:
            end = offset + 2 + struct.unpack('>H', body[offset:offset + 2])[0]
            offset += 2
            while offset + 4 <= min(end, len(body)):
                kind, length = struct.unpack('>HH', body[offset:offset + 4])
                if kind == _SUPPORTED_VERSIONS and length == 2:
                    chosen = struct.unpack('>H', body[offset + 4:offset + 6])[0]
                offset += 4 + length
        return VERSION_CODES.get(chosen), suite
    except (IndexError, struct.error):
        return None, None


def first_certificate(message):
    """The DER of the first certificate in a Certificate handshake message (TLS 1.2 or 1.3),
    or ``None``. ``message`` starts with the 4-byte handshake header."""
    try:
        body = message[4:]
        # TLS 1.3 opens with a request context (one length byte, usually 0); TLS 1.2 does not.
        for offset in (0, 1 + body[0]):
            if len(body) < offset + 6:
                continue
            total = struct.unpack('>I', b'\0' + body[offset:offset + 3])[0]
            first = struct.unpack('>I', b'\0' + body[offset + 3:offset + 6])[0]
            if offset + 3 + total == len(body) and 0 < first <= total - 3:
                return body[offset + 6:offset + 6 + first]
    except (IndexError, struct.error):
        pass
    return None


class Target(object):
    """Where and how to connect: address, port, SNI name, trust, client certificate."""

    def __init__(self, address, port, server_name=None, ca_path=None, client_cert=None, client_key=None):
        self.address = address
        self.port = port
        self.server_name = server_name
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key
        self.sockaddr = None
        self.family = None

    @property
    def sni(self):
        """SNI carries host names only, never addresses (RFC 6066)."""
        name = self.server_name or self.address
        try:
            ipaddress.ip_address(name)
            return None
        except ValueError:
            return name

    @property
    def endpoint(self):
        return '%s:%s' % (self.address, self.port)


def _context(version=None, ciphers=OFFER_ALL, verify=False, ca_path=None, client_cert=None, client_key=None,
             ceiling=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.set_ciphers(ciphers)
    if version is None:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        if ceiling is not None:
            ctx.maximum_version = ceiling
    else:
        ctx.minimum_version = ctx.maximum_version = version
    if verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.verify_flags |= _NO_CHECK_TIME
        if ca_path:
            ctx.load_verify_locations(cafile=ca_path)
        else:
            ctx.load_default_certs()
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if client_cert:
        # an encrypted key would make OpenSSL prompt on the terminal: refuse it instead
        ctx.load_cert_chain(client_cert, client_key or None, password=_no_passphrase)
    return ctx


def _no_passphrase():
    raise ValueError('the client key is encrypted: give an unencrypted key (mode 0600)')


class Attempt(object):
    """One TLS connection attempt and what was learnt from it."""

    def __init__(self):
        self.observer = _Observer()
        self.sock = None
        self.connected = False
        self.ok = False
        self.error = None
        self.version = None
        self.cipher = None

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


def handshake(target, deadline, ctx, keep=False):
    """Connect and handshake once. Returns an :class:`Attempt` (closed unless ``keep``)."""
    attempt = Attempt()
    timeout = deadline.step()
    if timeout is None:
        attempt.error = error('deadline', 'not attempted: the probe deadline had passed')
        return attempt
    ctx._msg_callback = attempt.observer
    raw = None
    try:
        raw = socket.socket(target.family, socket.SOCK_STREAM)
        raw.settimeout(timeout)
        try:
            raw.connect(target.sockaddr)
        except socket.timeout:
            attempt.error = error('connect-timeout', 'no answer to the TCP connection within %.1f s' % timeout)
            raw.close()
            return attempt
        attempt.connected = True
        tls = ctx.wrap_socket(raw, server_hostname=target.sni, do_handshake_on_connect=False)
        raw = tls
        tls.do_handshake()
        attempt.sock = tls
        attempt.ok = True
        attempt.version = tls.version()
        attempt.cipher = tls.cipher()
    except (OSError, ValueError) as exc:
        attempt.error = error(*_describe(exc))
        if raw is not None:
            raw.close()
        return attempt
    if not keep:
        attempt.close()
    return attempt


_CIPHERS = []


def _ciphers():
    """OpenSSL's description of every suite it can offer (listed once per process)."""
    if not _CIPHERS:
        _CIPHERS.extend(_context().get_ciphers())
    return _CIPHERS


def _suite_facts(name, protocol):
    """Forward secrecy and AEAD of a suite, from OpenSSL's own description."""
    for cipher in _ciphers():
        if cipher['name'] == name:
            forward_secret = protocol == 'TLSv1.3' or cipher['kea'] in ('kx-ecdhe', 'kx-dhe')
            return {'forward_secret': forward_secret, 'aead': bool(cipher['aead'])}
    return {'forward_secret': None, 'aead': None}


def suite_name(suite_id):
    """OpenSSL's name of a suite from its IANA id (the low 16 bits of OpenSSL's id)."""
    for cipher in _ciphers():
        if cipher['id'] & 0xFFFF == suite_id:
            return cipher['name']
    return None if suite_id is None else '0x%04X' % suite_id


def _tls12_suites(predicate):
    """OpenSSL cipher string offering only the TLS 1.2 (and older) suites matching ``predicate``."""
    names = [c['name'] for c in _ciphers() if c['protocol'] != 'TLSv1.3' and predicate(c)]
    return ':'.join(names) + ':@SECLEVEL=0' if names else None


def _accepted(attempt, offered=None):
    """A server accepts what it answers with a ServerHello for, even when it then ends the
    connection (a server demanding a client certificate does, after its ServerHello)."""
    if attempt.ok:
        return True
    if not attempt.observer.server_hello:
        return False
    return offered is None or attempt.observer.hello_version == offered


def sip_options(sock, target, timeout, transport='TLS', request_uri=None):
    """Send one SIP OPTIONS on ``sock`` and read the final answer's status line."""
    local = sock.getsockname()
    branch = 'z9hG4bK-probe-%08x' % random.getrandbits(32)
    # the address, not the name: a SIP server knows its own addresses, not always its names
    host = target.address
    if ':' in host:
        host = '[%s]' % host
    uri = request_uri or 'sip:%s:%s;transport=%s' % (host, target.port, transport.lower())
    local_host = '[%s]' % local[0] if ':' in local[0] else local[0]
    request = '\r\n'.join([
        'OPTIONS %s SIP/2.0' % uri,
        'Via: SIP/2.0/%s %s:%d;branch=%s;rport' % (transport, local_host, local[1], branch),
        'Max-Forwards: 70',
        'From: <sip:probe@%s>;tag=%08x' % (local_host, random.getrandbits(32)),
        'To: <%s>' % uri,
        'Call-ID: %08x@%s' % (random.getrandbits(32), local_host),
        'CSeq: 1 OPTIONS',
        'Contact: <sip:probe@%s:%d;transport=%s>' % (local_host, local[1], transport.lower()),
        'Accept: application/sdp',
        'User-Agent: voip.trunk_security sip_tls_probe',
        'Content-Length: 0', '', ''])
    end = time.monotonic() + timeout
    sock.settimeout(timeout)
    if transport == 'UDP':
        sock.send(request.encode('ascii'))
    else:
        sock.sendall(request.encode('ascii'))
    buffer = b''
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        sock.settimeout(left)
        chunk = sock.recv(65535)
        if not chunk:
            raise ConnectionResetError()
        buffer += chunk
        # one datagram is one message; on a stream, messages end with an empty line
        messages = [buffer] if transport == 'UDP' else buffer.split(b'\r\n\r\n')[:-1]
        for message in messages:
            line = message.split(b'\r\n', 1)[0].decode('utf-8', 'replace').strip()
            parts = line.split(' ', 2)
            if len(parts) >= 2 and parts[0] == 'SIP/2.0' and parts[1].isdigit():
                code = int(parts[1])
                if code >= 200:
                    return {'status_code': code, 'status_line': line}
        if transport == 'UDP':
            buffer = b''
        else:
            # keep what follows the last complete message
            buffer = buffer.split(b'\r\n\r\n')[-1]


def describe_certificate(der, server_name=None, now=None):
    """Facts about a DER certificate: subject, names, validity, key, signature. A part that
    cannot be read is reported as unknown, never raised."""
    if not HAS_CRYPTOGRAPHY:
        return {'error': error('missing', 'the Python library cryptography is needed to read certificates')}
    now = now or datetime.datetime.now(datetime.timezone.utc)
    try:
        cert = x509.load_der_x509_certificate(der)
        not_before = _utc(getattr(cert, 'not_valid_before_utc', None) or cert.not_valid_before)
        not_after = _utc(getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after)
        subject, issuer = cert.subject, cert.issuer
        common_names = [attr.value for attr in subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    except (ValueError, TypeError) as exc:
        return {'error': error('parse', 'the certificate does not parse: %s' % exc)}
    dns_names, ip_names, uris, has_san = [], [], [], False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        has_san = True
        dns_names = san.get_values_for_type(x509.DNSName)
        ip_names = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    except x509.ExtensionNotFound:
        pass
    except (ValueError, TypeError):
        has_san = None  # unreadable extensions: names unknown
    key_type, key_bits, curve = 'unknown', None, None
    try:
        key = cert.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, key_bits = 'RSA', key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, key_bits, curve = 'EC', key.key_size, key.curve.name
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, key_bits = 'Ed25519', 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, key_bits = 'Ed448', 456
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, key_bits = 'DSA', key.key_size
    try:
        hash_algorithm = cert.signature_hash_algorithm
    except (ValueError, TypeError, UnsupportedAlgorithm):
        hash_algorithm = None
    oid = cert.signature_algorithm_oid
    facts = {
        'subject': subject.rfc4514_string(),
        'issuer': issuer.rfc4514_string(),
        'self_signed': subject == issuer,
        'common_names': common_names,
        'dns_names': dns_names,
        'ip_addresses': ip_names,
        'uris': uris,
        'not_before': not_before.isoformat(),
        'not_after': not_after.isoformat(),
        'days_left': int((not_after - now).total_seconds() // 86400),
        'expired': now > not_after,
        'not_yet_valid': now < not_before,
        'key_type': key_type,
        'key_bits': key_bits,
        'signature_algorithm': getattr(oid, '_name', None) or oid.dotted_string,
        'signature_hash': hash_algorithm.name if hash_algorithm is not None else None,
        'serial': '%x' % cert.serial_number,
    }
    if curve:
        facts['curve'] = curve
    facts['expected_name'] = server_name
    if server_name and has_san is not None:
        # RFC 5922: a SIP domain certificate names it as sip:DOMAIN (no user part)
        sip_names = [uri.split(':', 1)[1].split(';', 1)[0] for uri in uris
                     if uri.lower().startswith(('sip:', 'sips:')) and '@' not in uri]
        facts['name_matches'] = name_matches(server_name, dns_names + sip_names, ip_names,
                                             [] if has_san else common_names)
    else:
        facts['name_matches'] = None
    return facts


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def name_matches(name, dns_names, ip_addresses, common_names=()):
    """RFC 6125 matching: IP names against IP SANs; host names against DNS SANs, a wildcard
    standing for exactly the leftmost label; the CN only when the certificate has no SAN."""
    try:
        wanted = ipaddress.ip_address(name)
        return any(ipaddress.ip_address(ip) == wanted for ip in ip_addresses)
    except ValueError:
        pass
    name = name.rstrip('.').lower()
    # the CN counts only for a certificate without subjectAltName (RFC 6125 section 6.4.4)
    candidates = dns_names if (dns_names or ip_addresses) else common_names
    for pattern in candidates:
        pattern = pattern.rstrip('.').lower()
        if pattern == name:
            return True
        if pattern.startswith('*.') and '.' in name:
            label, rest = name.split('.', 1)
            if label and rest == pattern[2:] and rest.count('.') >= 1:
                return True
    return False


def probe_tls(target, deadline, options=True, versions=True, suites=True, request_uri=None):
    """The TLS part of the probe. Returns the ``tls``, ``certificate``, ``client_certificate``
    and ``options`` sections of the result."""
    result = {'tls': {'handshake': False}, 'certificate': None,
              'client_certificate': {'requested': None, 'demanded': None}, 'options': None, '_connected': False}
    tls = result['tls']
    has_client_cert = bool(target.client_cert)

    # 1. the connection a peer of ours would make: our client certificate when we have one,
    # the chain verified against the CA (time checks aside: expiry is its own fact)
    try:
        ctx = _context(verify=True, ca_path=target.ca_path, client_cert=target.client_cert, client_key=target.client_key)
    except (OSError, ValueError) as exc:
        # a local mistake, not a fact about the endpoint
        raise ProbeSetupError('cannot load the CA file %s or the client certificate %s: %s'
                              % (target.ca_path or '(system)', target.client_cert or '(none)', exc))
    main = handshake(target, deadline, ctx, keep=True)
    if not main.ok and main.error['kind'] == 'verify':
        chain_error = main.error['message']
        main = handshake(target, deadline, _context(client_cert=target.client_cert, client_key=target.client_key), keep=True)
    else:
        chain_error = None
    result['_connected'] = main.connected
    der = main.sock.getpeercert(binary_form=True) if main.ok else None
    der = der or main.observer.certificate
    if der:
        certificate = describe_certificate(der, target.server_name or target.address)
        if chain_error is not None:
            certificate.update(chain_valid=False, chain_error=chain_error)
        else:
            # verified when the handshake completed; unknown when it stopped for another reason
            certificate['chain_valid'] = True if main.ok else None
        result['certificate'] = certificate
    result['client_certificate']['requested'] = main.observer.certificate_request
    tls['server_hello'] = main.observer.server_hello
    if not main.ok:
        tls['error'] = main.error
        if main.observer.certificate_request and not has_client_cert:
            result['client_certificate']['demanded'] = True
        if main.error['kind'] in ('timeout', 'connect-timeout', 'refused', 'resolve', 'deadline', 'network'):
            # nothing more to learn from an endpoint that does not speak TLS to us
            return result
    else:
        tls['handshake'] = True
        tls['negotiated'] = {'version': main.version, 'suite': main.cipher[0], 'bits': main.cipher[2]}
        tls['negotiated'].update(_suite_facts(main.cipher[0], main.version))

    # 2. SIP over it (TLS 1.3 reports a refused client certificate only now, on first read)
    if main.ok and options:
        timeout = deadline.step()
        if timeout is None:
            result['options'] = {'error': error('deadline', 'not sent: the probe deadline had passed')}
        else:
            try:
                result['options'] = sip_options(main.sock, target, timeout, 'TLS', request_uri)
            except (OSError, ValueError) as exc:
                kind, message = _describe(exc)
                result['options'] = {'error': error(kind, message)}
                if kind in ('handshake', 'reset') and main.observer.certificate_request and not has_client_cert:
                    result['client_certificate']['demanded'] = True
    main.close()

    # 3. the same without a client certificate: demanded, or merely requested?
    if has_client_cert:
        bare = handshake(target, deadline, _context(), keep=True)
        result['client_certificate']['requested'] = bare.observer.certificate_request or main.observer.certificate_request
        result['client_certificate']['demanded'] = _refuses_without_certificate(bare, target, deadline)
        bare.close()
    elif result['client_certificate']['demanded'] is None and main.ok:
        # not demanded when SIP was answered without one; a TLS 1.2 server that demands one
        # refuses the handshake itself, a TLS 1.3 server only on first read
        answered = 'status_code' in (result['options'] or {})
        result['client_certificate']['demanded'] = False if answered or main.version != 'TLSv1.3' else None

    # 4. each version alone: accepted when the server answers with a ServerHello for it
    if versions:
        tls['versions'] = {}
        for name, version in VERSIONS:
            attempt = handshake(target, deadline, _context(version=version))
            if attempt.error and attempt.error['kind'] == 'deadline':
                tls['versions'][name] = None
            else:
                tls['versions'][name] = _accepted(attempt, name)
        tls['accepted_versions'] = [name for name, accepted in tls['versions'].items() if accepted]

    # 5. TLS 1.2 suites without forward secrecy, and without AEAD
    older = [tls['versions'].get(name) for name in ('TLSv1', 'TLSv1.1', 'TLSv1.2')] if versions else [True]
    if suites and any(older):
        for key, predicate in (('accepts_non_forward_secret', lambda c: c['kea'] not in ('kx-ecdhe', 'kx-dhe')),
                               ('accepts_non_aead', lambda c: not c['aead'])):
            ciphers = _tls12_suites(predicate)
            # TLS 1.3 suites are all forward-secret AEAD: the question is about TLS 1.2 and older
            ctx = _context(ciphers=ciphers, ceiling=ssl.TLSVersion.TLSv1_2, client_cert=target.client_cert,
                           client_key=target.client_key) if ciphers else None
            attempt = handshake(target, deadline, ctx) if ctx else None
            if attempt is None or (attempt.error and attempt.error['kind'] == 'deadline'):
                tls[key] = None
            else:
                tls[key] = _accepted(attempt)
                if tls[key]:
                    chosen = attempt.cipher[0] if attempt.ok else suite_name(attempt.observer.hello_suite)
                    tls[key.replace('accepts_', 'example_')] = chosen
    elif suites:
        # no TLS 1.2 or older: no such suite can be used; unknown when the versions were not all tried
        unknown = None in older
        tls['accepts_non_forward_secret'] = tls['accepts_non_aead'] = None if unknown else False
    return result


def _refuses_without_certificate(attempt, target, deadline):
    """True when the server ends a connection that has no client certificate."""
    if not attempt.ok:
        return True if attempt.error['kind'] in ('handshake', 'reset') else None
    timeout = deadline.step()
    if timeout is None:
        return None
    try:
        sip_options(attempt.sock, target, timeout, 'TLS')
        return False
    except (OSError, ValueError) as exc:
        kind = _describe(exc)[0]
        if kind in ('handshake', 'reset'):
            return True
        return None


def probe_plaintext(address, ports, deadline, family=None):
    """TCP connect and a UDP OPTIONS to each of ``ports`` (``[{'port', 'protocol'}]``)."""
    results = []
    sockaddr_cache = {}
    for entry in ports:
        port, protocol = entry['port'], entry['protocol']
        outcome = {'port': port, 'protocol': protocol, 'open': False}
        timeout = deadline.step()
        if timeout is None:
            outcome['error'] = error('deadline', 'not attempted: the probe deadline had passed')
            outcome['open'] = None
            results.append(outcome)
            continue
        if port not in sockaddr_cache:
            sockaddr_cache[port] = resolve(address, port, timeout)
        resolved, problem = sockaddr_cache[port]
        if problem:
            outcome['error'] = problem
            results.append(outcome)
            continue
        sock = socket.socket(resolved[0], socket.SOCK_STREAM if protocol == 'tcp' else socket.SOCK_DGRAM)
        sock.settimeout(timeout)
        try:
            sock.connect(resolved[1])
            if protocol == 'tcp':
                outcome['open'] = True
            else:
                target = Target(address, port)
                answer = sip_options(sock, target, timeout, 'UDP')
                outcome.update({'open': True, 'status_line': answer['status_line']})
        except (OSError, ValueError) as exc:
            kind, message = _describe(exc)
            outcome['error'] = error(kind, 'no SIP answer: %s' % message if protocol == 'udp' else message)
        finally:
            sock.close()
        results.append(outcome)
    return results


def probe(address, port, server_name=None, ca_path=None, client_cert=None, client_key=None, plaintext_ports=(),
          tls=True, options=True, versions=True, suites=True, request_uri=None, timeout=DEFAULT_TIMEOUT,
          deadline=DEFAULT_DEADLINE):
    """The whole probe of one endpoint. Returns a JSON-ready dict; never raises for network
    conditions (they are facts to judge)."""
    for name, value in (('timeout', timeout), ('deadline', deadline)):
        problem = duration_problem(name, value)
        if problem:
            raise ProbeSetupError(problem)
    started = time.monotonic()
    budget = Deadline(deadline, timeout)
    target = Target(address, port, server_name, ca_path, client_cert, client_key)
    result = {
        'endpoint': {'address': address, 'port': port, 'server_name': server_name},
        'reachable': False,
        'error': None,
        'certificate': None,
        'client_certificate': {'requested': None, 'demanded': None},
        'options': None,
    }
    if tls:
        resolved, problem = resolve(address, port, budget.step() or 0.1)
        if problem:
            result['error'] = problem
            result['tls'] = {'handshake': False, 'server_hello': False, 'error': problem}
        else:
            target.family, target.sockaddr = resolved
            result['endpoint']['ip'] = resolved[1][0]
            result.update(probe_tls(target, budget, options=options, versions=versions, suites=suites,
                                    request_uri=request_uri))
            tls_error = result['tls'].get('error')
            result['reachable'] = result.pop('_connected')
            if tls_error and not result['tls']['handshake']:
                result['error'] = tls_error
    result['plaintext'] = probe_plaintext(address, [_port_entry(p) for p in plaintext_ports], budget)
    if not tls:
        result['reachable'] = any(entry.get('open') for entry in result['plaintext'] if entry['port'] == port)
    result['elapsed'] = round(time.monotonic() - started, 3)
    return result


def _port_entry(entry):
    if isinstance(entry, dict):
        return {'port': int(entry['port']), 'protocol': entry.get('protocol', 'tcp')}
    return {'port': int(entry), 'protocol': 'tcp'}
