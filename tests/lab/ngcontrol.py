# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""rtpengine's ng control protocol (bencode over UDP), enough for the lab's probes."""

from __future__ import annotations

import socket
import uuid


def encode(value) -> bytes:
    if isinstance(value, bytes):
        return b'%d:%s' % (len(value), value)
    if isinstance(value, str):
        return encode(value.encode())
    if isinstance(value, int):
        return b'i%de' % value
    if isinstance(value, list):
        return b'l' + b''.join(encode(v) for v in value) + b'e'
    if isinstance(value, dict):
        return b'd' + b''.join(encode(k) + encode(v) for k, v in sorted(value.items())) + b'e'
    raise TypeError(type(value))


def decode(data: bytes):
    value, rest = _decode(data, 0)
    return value


def _decode(data, i):
    kind = data[i:i + 1]
    if kind == b'i':
        end = data.index(b'e', i)
        return int(data[i + 1:end]), end + 1
    if kind in (b'l', b'd'):
        i += 1
        items = []
        while data[i:i + 1] != b'e':
            item, i = _decode(data, i)
            items.append(item)
        if kind == b'l':
            return items, i + 1
        return {items[n].decode(): items[n + 1] for n in range(0, len(items), 2)}, i + 1
    colon = data.index(b':', i)
    length = int(data[i:colon])
    return data[colon + 1:colon + 1 + length], colon + 1 + length


def command(address: tuple[str, int], message: dict, timeout=2.0) -> dict:
    cookie = uuid.uuid4().hex[:12].encode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(cookie + b' ' + encode(message), address)
        reply = sock.recvfrom(65535)[0]
    assert reply.startswith(cookie + b' '), reply
    return decode(reply[len(cookie) + 1:])
