# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal SIP client over TLS, TCP and UDP for the lab: sends one request, reads the
responses. Python's ssl verifies what baresip and sipsak do not."""

from __future__ import annotations

import socket
import ssl
import uuid

CRLF = '\r\n'


def request(method: str, ruri: str, transport: str, local: tuple[str, int], srtp: bool = True) -> bytes:
    branch = 'z9hG4bK' + uuid.uuid4().hex
    lines = [
        '%s %s SIP/2.0' % (method, ruri),
        'Via: SIP/2.0/%s %s:%d;branch=%s;rport' % (transport.upper(), local[0], local[1], branch),
        'Max-Forwards: 70',
        'From: <sip:probe@lab.test>;tag=%s' % uuid.uuid4().hex[:8],
        'To: <%s>' % ruri,
        'Call-ID: %s' % uuid.uuid4().hex,
        'CSeq: 1 %s' % method,
        'Contact: <sip:probe@%s:%d;transport=%s>' % (local[0], local[1], transport),
    ]
    body = ''
    if method == 'INVITE':
        media = ['m=audio 40000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:'
                 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz'] if srtp else ['m=audio 40000 RTP/AVP 0']
        body = CRLF.join(['v=0', 'o=probe 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'] + media + [''])
        lines.append('Content-Type: application/sdp')
    lines.append('Content-Length: %d' % len(body))
    return (CRLF.join(lines) + CRLF + CRLF + body).encode()


def status_lines(data: bytes) -> list[str]:
    return [line for line in data.decode(errors='replace').split(CRLF) if line.startswith('SIP/2.0 ')]


def tls_context(cafile=None, cert=None, key=None, version=None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    if cafile:
        context.load_verify_locations(cafile)
    else:
        context.verify_mode = ssl.CERT_NONE
    if cert:
        context.load_cert_chain(cert, key)
    if version is not None:
        context.set_ciphers('DEFAULT:@SECLEVEL=0')
        context.minimum_version = version
        context.maximum_version = version
    return context


def send_tls(host, port, method, ruri, context, timeout=5.0, final=True, srtp=True) -> list[str]:
    """Send one request over TLS; return the status lines received (until a final one)."""
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=None) as conn:
            conn.sendall(request(method, ruri, 'tls', conn.getsockname(), srtp=srtp))
            return _read(conn, final)


def send_tcp(host, port, method, ruri, timeout=5.0, srtp=True) -> list[str]:
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(request(method, ruri, 'tcp', conn.getsockname(), srtp=srtp))
        return _read(conn, True)


def send_udp(host, port, method, ruri, timeout=1.0) -> list[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.bind(('127.0.0.1', 0))
        sock.sendto(request(method, ruri, 'udp', sock.getsockname()), (host, port))
        try:
            data, _peer = sock.recvfrom(65535)
        except (socket.timeout, ConnectionRefusedError):
            return []
        return status_lines(data)


def _read(conn, final) -> list[str]:
    data = b''
    while True:
        chunk = conn.recv(65535)
        if not chunk:
            break
        data += chunk
        statuses = status_lines(data)
        if statuses and (not final or not statuses[-1].startswith('SIP/2.0 1')):
            break
    return status_lines(data)
