# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic generator of valid trunks for the benchmarks.

A seeded mix of public, private and vpn trunks with varied subnets (private and
routable, IPv4 and IPv6), audiences (including unknown and missing), VPN proposals
and settings (strong, warning-level and weak), segments, providers and gateway wiring.

Every trunk is valid, so ``evaluate_all`` never raises. The algorithm names are drawn
from fixed lists whose verdict is known (``WEAK_*`` below), so that the hand-written
Ansible tasks of the filter benchmark can decide with plain ``in`` tests and still
agree with the engine.
"""

from __future__ import annotations

import random

AUDIENCES = ('authorized_it', 'limited_non_it', 'shared', 'public', 'unknown', None)
# Weights: mostly private audiences, so that private/vpn trunks often come out optional.
AUDIENCE_WEIGHTS = (40, 20, 12, 5, 3, 5)
EXPOSED = ('shared', 'public', 'unknown', None)

PROPOSALS = (
    'aes256gcm16-prfsha384-ecp384',
    'aes128gcm16-prfsha256-ecp256',
    'aes256-sha256-modp3072',
    'aes128-sha1-modp2048',          # passes, with a below-128 warning
    'chacha20poly1305-prfsha256-curve25519',
    'wireguard',
    'aes256-sha256-modp1024',        # weak key exchange
    '3des-sha1-modp1024',            # weak cipher and key exchange
    'des-md5-modp768',               # weak everything
    'aes128-md5-ecp256',             # weak integrity
)
ENCRYPTIONS = ('aes-256-gcm', 'AES-128-CBC', 'aes256', 'AES_192_CBC', 'chacha20-poly1305', 'camellia-256',
               '3des', 'des-cbc', 'bf-cbc', 'rc4')
INTEGRITIES = (None, 'sha256', 'SHA384', 'sha1', 'md5')
KEY_EXCHANGES = (None, 'ecp384', 'ecp256', 'modp2048', 'modp3072', 'curve25519', 14, 19, 'modp1024', 2, 'modp768')

# What the hand-written Ansible rules treat as weak (lower-cased, '-'-separated tokens).
WEAK_CIPHERS = ('3des', 'des', 'des-cbc', 'bf-cbc', 'rc4', 'null')
WEAK_KEY_EXCHANGES = ('modp1024', 'modp768', 'modp1536', '1', '2', '5')
WEAK_INTEGRITIES = ('md5',)
WEAK_PROPOSAL_TOKENS = WEAK_CIPHERS + WEAK_KEY_EXCHANGES + WEAK_INTEGRITIES

PROVIDERS = ('Contoso Telecom', 'Northwind Voice', 'Fabrikam Carrier', 'Litware SIP', 'Tailspin Telecom',
             'Adatum Networks', 'Woodgrove Voice', None)
SEGMENT_NAMES = ('carrier-meet-me-room', 'colo-cross-connect', 'office-lan', 'dmz', 'mpls-pe', 'isp-backbone')


def _subnet(rng: random.Random, index: int) -> dict | None:
    roll = rng.random()
    subnet: dict = {}
    if roll < 0.05:
        return None                                   # no mediation_subnet at all
    if roll < 0.70:
        subnet['cidr'] = '10.%d.%d.%d/28' % (index // 4096 % 256, index // 16 % 256, (index % 16) * 16)
    elif roll < 0.80:
        subnet['cidr'] = '172.%d.%d.0/24' % (16 + index % 16, index // 16 % 256)
    elif roll < 0.87:
        subnet['cidr'] = '192.168.%d.0/26' % (index % 256)
    elif roll < 0.93:
        subnet['cidr'] = 'fd00:%x:%x::/64' % (index // 65536 + 1, index % 65536)
    elif roll < 0.97:
        subnet['cidr'] = '81.%d.%d.0/28' % (index // 256 % 256, index % 256)   # globally routable
    # else: no cidr, audience only
    audience = rng.choices(AUDIENCES, AUDIENCE_WEIGHTS)[0]
    if audience is not None:
        subnet['audience'] = audience
    return subnet


def _vpn(rng: random.Random) -> dict:
    if rng.random() < 0.5:
        vpn = {'proposal': rng.choice(PROPOSALS)}
    else:
        vpn = {'encryption': rng.choice(ENCRYPTIONS[:6]) if rng.random() < 0.8 else rng.choice(ENCRYPTIONS)}
        integrity = rng.choice(INTEGRITIES)
        if integrity is not None:
            vpn['integrity'] = integrity
        key_exchange = rng.choice(KEY_EXCHANGES)
        if key_exchange is not None:
            vpn['key_exchange'] = key_exchange
    if rng.random() < 0.15:
        vpn['transport'] = 'tcp'
    elif rng.random() < 0.3:
        vpn['transport'] = 'udp'
    return vpn


def _segments(rng: random.Random, connection: str) -> list | None:
    count = rng.choices((0, 1, 2, 3), (55, 25, 15, 5))[0]
    if not count:
        return None
    segments = []
    for position in range(count):
        segment = {'name': '%s-%d' % (rng.choice(SEGMENT_NAMES), position)}
        audience = rng.choices(AUDIENCES, (45, 35, 8, 4, 3, 5))[0]
        if audience is not None:
            segment['audience'] = audience
        if connection == 'vpn' and rng.random() < 0.4:
            segment['inside_vpn'] = True
        elif rng.random() < 0.1:
            segment['inside_vpn'] = False
        segments.append(segment)
    return segments


def trunk(rng: random.Random, index: int) -> dict:
    connection = rng.choices(('private', 'vpn', 'public'), (35, 40, 25))[0]
    data: dict = {'name': 'trunk-%05d' % index, 'connection': connection}
    provider: dict = {}
    provider_name = rng.choice(PROVIDERS)
    if provider_name is not None:
        provider['name'] = provider_name
    for key, chance in (('tls', 0.8), ('srtp', 0.7)):
        roll = rng.random()
        if roll < chance:
            provider[key] = True
        elif roll < chance + 0.1:
            provider[key] = False
    if rng.random() < 0.3:
        provider['address'] = 'sbc%d.%s.example' % (index % 7, (provider_name or 'carrier').split()[0].lower())
        provider['port'] = rng.choice((5060, 5061))
    if provider or rng.random() < 0.9:
        data['provider'] = provider
    subnet = _subnet(rng, index)
    if subnet is not None:
        data['mediation_subnet'] = subnet
    if connection == 'vpn':
        data['vpn'] = _vpn(rng)
    segments = _segments(rng, connection)
    if segments:
        data['segments'] = segments
    if rng.random() < 0.2:
        data['opportunistic'] = rng.random() < 0.5
    if rng.random() < 0.25:
        data['gateway'] = {'address': '10.99.%d.%d' % (index // 256 % 256, index % 256 or 1), 'tls_port': 5067}
    return data


def trunks(count: int, seed: int = 20240601, start: int = 0) -> list[dict]:
    """``count`` valid trunks, the same for the same seed; names trunk-NNNNN from ``start``."""
    rng = random.Random(seed)
    return [trunk(rng, index) for index in range(start, start + count)]
