# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A SIP-over-TLS listener on loopback for the tests (Python's ssl): it answers whatever a client
sends with ``200 OK``, counts connections, and stops by itself when closed."""

from __future__ import annotations

import socket
import ssl
import threading

OK = b'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'


class SipTlsServer:
    """Serve ``context`` on ``address`` (port chosen by the system: ``.port``) in a daemon thread."""

    def __init__(self, context: ssl.SSLContext, address: str = '127.0.0.1'):
        self.context = context
        self.sock = socket.create_server((address, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn = self.sock.accept()[0]
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(1)
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    if tls.recv(4096):
                        tls.sendall(OK)
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    def close(self):
        self.stop.set()
        self.thread.join(2)
        self.sock.close()
