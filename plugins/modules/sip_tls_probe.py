#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sip_tls_probe
short_description: Probe a SIP TLS endpoint as an outsider sees it
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Connects to a SIP endpoint by address and port from where the task runs and reports
    what is really on the wire, as structured facts.
  - "TLS: which of TLS 1.0, 1.1, 1.2 and 1.3 the endpoint accepts (a version counts as
    accepted when the server answers a ServerHello for it, as sslscan counts it), the
    version and suite a current client negotiates, and whether TLS 1.2 (or older) suites
    without forward secrecy, or without AEAD, are accepted."
  - "Certificate: the chain verified against O(ca_path) (or the system's CAs), days to
    expiry, whether O(server_name) matches its names (RFC 6125: subjectAltName, a
    wildcard standing for one label, the CN only without subjectAltName), key type and
    size, signature algorithm. The certificate is read from the handshake even when the
    server then refuses the connection."
  - "Mutual TLS: whether the server asks for a client certificate, and whether it ends a
    connection that has none (demanded). With O(client_cert), the probe connects with it
    and then once without."
  - "SIP: the status line of the final answer to an OPTIONS sent over the TLS connection."
  - "Plaintext: for each of O(plaintext_ports), whether a TCP connection is accepted, or
    whether a SIP OPTIONS over UDP gets an answer."
  - Read-only, never C(changed). Errors (refused, timeout, handshake failure, a name that
    does not resolve) are reported as facts with a clear message, not as failures; an
    unusable O(ca_path), O(client_cert) or O(client_key) fails the task. Every connection
    and read is bounded by O(timeout) and the whole probe by O(deadline); once the TLS port
    has failed to answer, the other TLS steps are not attempted (the O(plaintext_ports) still
    are, within the deadline).
  - M(voip.trunk_security.sip_tls_probe) collects; the playbook C(voip.trunk_security.verify)
    judges the results against each trunk's policy and names the findings.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Read-only; check mode probes the same way.
  diff_mode:
    support: none
  platform:
    platforms: posix
requirements:
  - cryptography (to read the certificate; without it the other facts are still reported)
options:
  address:
    description: Host name or IP address of the endpoint.
    type: str
    required: true
  port:
    description: TCP port of the TLS listener.
    type: int
    default: 5061
  server_name:
    description:
      - The name the certificate must carry, sent as SNI when it is a host name.
      - Defaults to O(address).
    type: str
  ca_path:
    description:
      - PEM file of the CAs the chain must verify against. Defaults to the system's CAs.
    type: path
  client_cert:
    description: PEM certificate (chain) presented as client certificate, for servers that demand one.
    type: path
  client_key:
    description: PEM private key of O(client_cert), when it is not in the same file.
    type: path
  tls:
    description:
      - Probe TLS on O(port). V(false) probes only O(plaintext_ports) (a trunk whose policy
        leaves TLS off).
    type: bool
    default: true
  versions:
    description: Try each TLS version alone (four more connections).
    type: bool
    default: true
  suites:
    description: Try TLS 1.2 suites without forward secrecy, then without AEAD (two more connections).
    type: bool
    default: true
  options:
    description: Send a SIP OPTIONS over the TLS connection and report the answer.
    type: bool
    default: true
  request_uri:
    description: Request-URI of the OPTIONS. Defaults to C(sip:ADDRESS:PORT;transport=tls).
    type: str
  plaintext_ports:
    description:
      - Plain SIP ports to try on O(address), each a port number (TCP) or a dict with
        C(port) and C(protocol) (V(tcp) or V(udp)).
    type: list
    elements: raw
    default: []
  timeout:
    description:
      - Seconds each connection (or read) may take.
      - A finite number above 0 and at most 86400; anything else (V(0), a negative number, V(nan), V(inf)) fails the task.
    type: float
    default: 3.0
  deadline:
    description:
      - Seconds the whole probe may take; steps left when it passes are reported as not attempted.
      - A finite number above 0 and at most 86400, like O(timeout).
    type: float
    default: 8.0
seealso:
  - name: sslscan
    description: The same protocol list from a tool of its own.
    link: https://github.com/rbsec/sslscan
notes:
  - TLS 1.0 and 1.1 are offered with OpenSSL's security level 0, as an attacker would, so an
    endpoint that accepts them is found even where the local OpenSSL would refuse them.
'''

EXAMPLES = r'''
- name: Probe the gateway's listener for a public trunk, from the controller
  voip.trunk_security.sip_tls_probe:
    address: 192.0.2.10
    port: 5067
    server_name: gw01.example.net
    ca_path: /etc/ssl/trunk-ca.pem
    plaintext_ports: [5060, {port: 5060, protocol: udp}, 5068]
  delegate_to: localhost
  register: probe

- name: Fail when TLS 1.0 or 1.1 is accepted
  ansible.builtin.assert:
    that: probe.tls.accepted_versions | intersect(['TLSv1', 'TLSv1.1']) | length == 0

- name: Probe a provider that demands our client certificate
  voip.trunk_security.sip_tls_probe:
    address: sip.provider.example
    server_name: sip.provider.example
    client_cert: /etc/kamailio/gateway/tls/gateway.pem
    client_key: /etc/kamailio/gateway/tls/gateway.key
'''

RETURN = r'''
endpoint:
  description: What was probed; C(ip) is the resolved address.
  returned: always
  type: dict
  sample: {address: 192.0.2.10, port: 5067, server_name: gw01.example.net, ip: 192.0.2.10}
reachable:
  description: Whether a TCP connection to O(port) was accepted.
  returned: always
  type: bool
error:
  description: Why the endpoint could not be probed, or null. C(kind) is one of refused,
    connect-timeout (no answer to the TCP connection), timeout (connected, but no TLS answer),
    resolve, handshake, reset, network, deadline.
  returned: always
  type: dict
  sample: {kind: timeout, message: no answer within the timeout}
tls:
  description: The TLS facts.
  returned: when O(tls) is true
  type: dict
  contains:
    handshake:
      description: Whether a full handshake completed (with O(client_cert) when given).
      type: bool
    server_hello:
      description: Whether the server answered with a ServerHello at all.
      type: bool
    negotiated:
      description: Version and suite a current client negotiates, with C(forward_secret) and C(aead).
      type: dict
      sample: {version: TLSv1.3, suite: TLS_AES_256_GCM_SHA384, bits: 256, forward_secret: true, aead: true}
    versions:
      description: Each version and whether it is accepted (null when it could not be tried).
      type: dict
      sample: {TLSv1: false, TLSv1.1: false, TLSv1.2: true, TLSv1.3: true}
    accepted_versions:
      description: The accepted versions, oldest first.
      type: list
      elements: str
    accepts_non_forward_secret:
      description: Whether a TLS 1.2 (or older) suite without forward secrecy is accepted; C(example_non_forward_secret) names it.
      type: bool
    accepts_non_aead:
      description: Whether a TLS 1.2 (or older) CBC suite is accepted; C(example_non_aead) names it.
      type: bool
    error:
      description: Why the main handshake failed.
      type: dict
certificate:
  description: The server certificate, or null when none was seen.
  returned: always
  type: dict
  sample:
    subject: CN=gw01.example.net
    issuer: CN=Example CA
    dns_names: [gw01.example.net]
    ip_addresses: []
    not_after: '2027-11-26T20:16:14+00:00'
    days_left: 364
    expired: false
    key_type: EC
    key_bits: 256
    signature_algorithm: ecdsa-with-SHA256
    expected_name: gw01.example.net
    name_matches: true
    chain_valid: true
client_certificate:
  description: C(requested) (the server sent a CertificateRequest) and C(demanded) (it
    ends a connection without a client certificate); null when unknown.
  returned: always
  type: dict
  sample: {requested: true, demanded: true}
options:
  description: The final answer to the SIP OPTIONS (C(status_code), C(status_line)), or C(error).
  returned: always
  type: dict
  sample: {status_code: 200, status_line: SIP/2.0 200 OK}
plaintext:
  description: One entry per O(plaintext_ports) entry, with C(open) and, for UDP, the C(status_line) of the answer.
  returned: always
  type: list
  elements: dict
  sample: [{port: 5060, protocol: tcp, open: false, error: {kind: refused, message: connection refused}}]
elapsed:
  description: Seconds the probe took.
  returned: always
  type: float
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.voip.trunk_security.plugins.module_utils import sip_probe


def _port_entries(module, raw):
    entries = []
    for item in raw:
        if isinstance(item, dict):
            port, protocol = item.get('port'), item.get('protocol', 'tcp')
        else:
            port, protocol = item, 'tcp'
        try:
            port = int(port)
        except (TypeError, ValueError):
            module.fail_json(msg='plaintext_ports: %r is not a port number' % (item,))
        if not 0 < port < 65536 or protocol not in ('tcp', 'udp'):
            module.fail_json(msg='plaintext_ports: %r needs a port 1-65535 and protocol tcp or udp' % (item,))
        entries.append({'port': port, 'protocol': protocol})
    return entries


def main():
    module = AnsibleModule(
        argument_spec={
            'address': {'type': 'str', 'required': True},
            'port': {'type': 'int', 'default': 5061},
            'server_name': {'type': 'str'},
            'ca_path': {'type': 'path'},
            'client_cert': {'type': 'path'},
            'client_key': {'type': 'path', 'no_log': False},
            'tls': {'type': 'bool', 'default': True},
            'versions': {'type': 'bool', 'default': True},
            'suites': {'type': 'bool', 'default': True},
            'options': {'type': 'bool', 'default': True},
            'request_uri': {'type': 'str'},
            'plaintext_ports': {'type': 'list', 'elements': 'raw', 'default': []},
            'timeout': {'type': 'float', 'default': sip_probe.DEFAULT_TIMEOUT},
            'deadline': {'type': 'float', 'default': sip_probe.DEFAULT_DEADLINE},
        },
        required_by={'client_key': 'client_cert'},
        supports_check_mode=True,
    )
    params = module.params
    if not 0 < params['port'] < 65536:
        module.fail_json(msg='port must be 1-65535, got %d' % params['port'])
    for name in ('timeout', 'deadline'):
        problem = sip_probe.duration_problem(name, params[name])
        if problem:
            module.fail_json(msg=problem)
    try:
        result = sip_probe.probe(
            params['address'], params['port'], server_name=params['server_name'], ca_path=params['ca_path'],
            client_cert=params['client_cert'], client_key=params['client_key'],
            plaintext_ports=_port_entries(module, params['plaintext_ports']), tls=params['tls'],
            options=params['options'], versions=params['versions'], suites=params['suites'],
            request_uri=params['request_uri'], timeout=params['timeout'], deadline=params['deadline'])
    except sip_probe.ProbeSetupError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
