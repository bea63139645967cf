# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""baresip's ctrl_tcp socket (netstring-framed JSON): dial, hang up, and read the call's events."""

from __future__ import annotations

import json
import socket
import time
import uuid


class Endpoint:
    """One connection to a baresip instance's control socket; use it as a context manager."""

    def __init__(self, address: str, port: int = 4444):
        self.address = (address, port)
        self.events: list[dict] = []
        self._buffer = b''

    def __enter__(self):
        self.sock = socket.create_connection(self.address, timeout=5)
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def command(self, name: str, params: str = '') -> dict:
        token = uuid.uuid4().hex[:8]
        body = json.dumps({'command': name, 'params': params, 'token': token}).encode()
        self.sock.sendall(b'%d:%s,' % (len(body), body))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = self._next(deadline)
            if message.get('response') and message.get('token') == token:
                return message
        raise TimeoutError('no answer to %s from %s:%d' % ((name,) + self.address))

    def wait_for(self, *types: str, timeout: float = 15.0) -> dict:
        """The first event (already received or still to come) of one of ``types``."""
        for event in self.events:
            if event.get('type') in types:
                return event
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._next(deadline)
            if message.get('event') and message.get('type') in types:
                return message
        raise TimeoutError('no %s event from %s:%d within %ss; events: %s'
                           % ('/'.join(types), self.address[0], self.address[1], timeout,
                              [e.get('type') for e in self.events]))

    def _next(self, deadline: float) -> dict:
        while True:
            head, colon, rest = self._buffer.partition(b':')
            if colon and head.isdigit() and len(rest) > int(head):
                size = int(head)
                message = json.loads(rest[:size])
                self._buffer = rest[size + 1:]
                if message.get('event'):
                    self.events.append(message)
                return message
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError('control socket %s:%d closed' % self.address)
            self._buffer += chunk


def call(caller: str, uri: str, seconds: float = 3.0) -> list[dict]:
    """Dial ``uri`` from the endpoint whose control socket is on ``caller``; keep the call up for
    ``seconds`` once established, hang up, and return every event of the call."""
    with Endpoint(caller) as endpoint:
        endpoint.command('dial', uri)
        first = endpoint.wait_for('CALL_ESTABLISHED', 'CALL_CLOSED', timeout=20)
        if first['type'] == 'CALL_ESTABLISHED':
            time.sleep(seconds)
            endpoint.command('hangup')
            endpoint.wait_for('CALL_CLOSED', timeout=10)
        return endpoint.events
