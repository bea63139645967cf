# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Probes run with this machine's Python inside the container's network namespace only
(``nsenter -t PID -n python3 probe.py ...``); each prints one JSON object.

  probe.py tls HOST PORT CA CERT KEY NAME [CIPHERS]
                                            TLS handshake verified against CA for NAME (TLS 1.2 with
                                            CIPHERS only, when given), then an OPTIONS
  probe.py tls-invite HOST PORT CA CERT KEY NAME RURI SRTP
                                            an INVITE over TLS offering SRTP (SRTP=1) or plain RTP (0)
  probe.py uas HOST PORT                    a phone of the internal side: answers one INVITE (plain RTP)
  probe.py call HOST PORT CA CERT KEY NAME PHONE PHONE_PORT
                                            a call from the trunk side (TLS, SRTP offer) to that phone, and
                                            plain RTP from it through the relay: what reached the trunk side
  probe.py tcp HOST PORT                    an OPTIONS over plain TCP
  probe.py ng HOST:PORT                     an rtpengine ng ping
  probe.py listeners                        every listening socket: address, port, protocol, and the
                                            systemd unit of the process holding it (from its cgroup)
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'lab'))

import sipprobe  # noqa: E402  pylint: disable=wrong-import-position


def tls_invite(host, port, cafile, cert, key, name, ruri, srtp):
    """An INVITE over TLS (an SRTP offer when srtp is 1, plain RTP when 0): the status lines."""
    context = ssl.create_default_context(cafile=cafile)
    context.load_cert_chain(cert, key)
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name) as conn:
            conn.sendall(sipprobe.request('INVITE', ruri, 'tls', conn.getsockname(), srtp=srtp == '1'))
            conn.settimeout(10)
            rest, statuses = b'', []
            for attempt in range(10):  # provisional replies, then the final one
                head, body, rest = _message(conn, rest)
                statuses.append(head.split('\r\n')[0])
                if not statuses[-1].startswith('SIP/2.0 1'):
                    return {'statuses': statuses, 'answer': body}
            return {'statuses': statuses, 'answer': None}


def _message(conn, data=b''):
    """One SIP message from a stream: (headers, body, rest)."""
    while b'\r\n\r\n' not in data:
        chunk = conn.recv(65535)
        if not chunk:
            raise OSError('closed before a full message')
        data += chunk
    head, rest = data.split(b'\r\n\r\n', 1)
    length = int((re.findall(rb'(?im)^(?:Content-Length|l)\s*:\s*(\d+)', head) or [b'0'])[0])
    while len(rest) < length:
        chunk = conn.recv(65535)
        if not chunk:
            raise OSError('closed inside a body')
        rest += chunk
    return head.decode(errors='replace'), rest[:length].decode(errors='replace'), rest[length:]


def uas(host, port, announce=True):
    """The internal side's phone: answers one INVITE over TCP with a plain RTP answer (200 OK),
    waits for the ACK; prints the offer it got."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((host, int(port)))
        server.listen(4)
        server.settimeout(20)
        if announce:
            print(json.dumps({'ready': True}), flush=True)
        conn, _peer = server.accept()
        with conn:
            conn.settimeout(10)
            head, body, rest = _message(conn)
            headers = head.split('\r\n')
            keep = [line for line in headers[1:] if re.match(r'(?i)(via|from|call-id|cseq|record-route|v|f|i)\s*:', line)]
            to = [line for line in headers[1:] if re.match(r'(?i)(to|t)\s*:', line)][0] + ';tag=alice1'
            answer = '\r\n'.join(['v=0', 'o=alice 1 1 IN IP4 %s' % host, 's=-', 'c=IN IP4 %s' % host, 't=0 0',
                                  'm=audio 40010 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''])
            reply = ['SIP/2.0 200 OK'] + keep + [to, 'Contact: <sip:alice@%s:%s;transport=tcp>' % (host, port),
                                                 'Content-Type: application/sdp', 'Content-Length: %d' % len(answer)]
            conn.sendall(('\r\n'.join(reply) + '\r\n\r\n' + answer).encode())
            conn.settimeout(2)
            try:
                ack = _message(conn, rest)[0].split('\r\n')[0]
            except OSError:
                ack = None
            return {'request': headers[0], 'offer': body, 'ack': ack}


def _media(sdp):
    """(address, port, protocol, has crypto) of an SDP's audio stream."""
    address = re.findall(r'c=IN IP4 (\S+)', sdp)
    media = re.findall(r'm=audio (\d+) (\S+)', sdp)
    return {'address': address[-1] if address else None, 'port': int(media[0][0]) if media else None,
            'protocol': media[0][1] if media else None, 'crypto': re.findall(r'a=crypto:\d+ (\S+)', sdp)}


def call(host, port, cafile, cert, key, name, phone_host, phone_port):
    """A call from the trunk side (TLS, SRTP offer, media at 127.0.0.1:40000) to the internal side's
    phone; the phone then sends 50 plain RTP packets into the relay; what reaches the trunk side is
    reported: lengths, and whether a plain payload shows."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(phone=uas(phone_host, phone_port, announce=False)), daemon=True)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as trunk_media:
        trunk_media.bind(('127.0.0.1', 40000))
        trunk_media.settimeout(0.5)
        worker.start()
        time.sleep(0.3)
        result['trunk'] = tls_invite(host, port, cafile, cert, key, name, 'sip:alice@gw.lab.test', '1')
        worker.join(timeout=15)
        offer = _media(result.get('phone', {}).get('offer', ''))
        result['internal_leg'] = offer
        result['trunk_leg'] = _media(result['trunk'].get('answer') or '')
        payload = bytes(range(160))
        if offer['address'] and offer['port']:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone_media:
                phone_media.bind((phone_host, 40010))
                for seq in range(50):
                    header = struct.pack('!BBHII', 0x80, 0, seq, seq * 160, 0x1234ABCD)
                    phone_media.sendto(header + payload, (offer['address'], offer['port']))
                    time.sleep(0.02)
        received = []
        for attempt in range(200):
            try:
                received.append(trunk_media.recvfrom(2048)[0])
            except socket.timeout:
                break
        result['received'] = {'packets': len(received), 'lengths': sorted({len(p) for p in received}),
                              'plain_payload_seen': any(payload in p for p in received), 'sent_length': 12 + len(payload)}
    return result


def tls(host, port, cafile, cert, key, name, ciphers=None):
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ciphers:  # TLS 1.2 with these suites only
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(ciphers)
    context.load_cert_chain(cert, key)
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name) as conn:
            peer = conn.getpeercert()
            conn.sendall(sipprobe.request('OPTIONS', 'sip:%s:%s' % (host, port), 'tls', conn.getsockname()))
            statuses = sipprobe._read(conn, True)  # pylint: disable=protected-access
            return {'version': conn.version(), 'cipher': conn.cipher()[0],
                    'names': [value for kind, value in peer.get('subjectAltName', ()) if kind == 'DNS'],
                    'statuses': statuses}


def tcp(host, port):
    return {'statuses': sipprobe.send_tcp(host, int(port), 'OPTIONS', 'sip:%s:%s' % (host, port))}


def ng(address):
    host, port = address.rsplit(':', 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1)
        for attempt in range(5):
            try:
                sock.sendto(b'ping1 d7:command4:pinge', (host, int(port)))
                return {'reply': sock.recvfrom(1000)[0].decode(errors='replace')}
            except OSError:
                continue
    return {'reply': None}


def unit_of(pid):
    try:
        groups = Path('/proc/%s/cgroup' % pid).read_text()
    except OSError:
        return None
    found = re.findall(r'/([^/\n]+\.(?:service|scope))$', groups, re.M)
    return found[-1] if found else None


def listeners():
    out = subprocess.run(['ss', '-H', '-ltnup'], capture_output=True, text=True, timeout=10, check=True).stdout
    found = []
    for line in out.splitlines():
        fields = line.split()
        local = fields[4]
        address, port = local.rsplit(':', 1)
        pids = re.findall(r'pid=(\d+)', line)
        found.append({'proto': fields[0], 'address': address, 'port': int(port) if port.isdigit() else port,
                      'process': (re.findall(r'\(\("([^"]+)"', line) or [None])[0],
                      'units': sorted({unit_of(pid) for pid in pids} - {None})})
    return {'listeners': found}


def main(argv):
    kind = argv[0]
    try:
        result = {'tls': tls, 'tls-invite': tls_invite, 'uas': uas, 'call': call, 'tcp': tcp, 'ng': ng, 'listeners': listeners}[kind](*argv[1:])
    except (OSError, ssl.SSLError) as error:
        result = {'error': '%s: %s' % (type(error).__name__, error)}
    print(json.dumps(result))


if __name__ == '__main__':
    main(sys.argv[1:])
