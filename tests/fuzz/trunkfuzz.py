#!/usr/bin/env python
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bounded fuzzing of the trunk policy engine: hostile trunks, checked against the contract.

    python tests/fuzz/trunkfuzz.py [TRUNKS] [--seed SEED]     a campaign (default 200,000 trunks)
    python tests/fuzz/trunkfuzz.py --seed SEED --case INDEX   one case again: its input and failures

A *case* is one host's ``sip_trunks`` list: mostly well-formed trunks (the model of
``docs/policy.md``, real and odd algorithm spellings) of which some are mutated with
hostile values: wrong types at every field, NaN and infinities, integers of 20,000 bits
(as values and as mapping keys), 5,000-digit runs inside strings, unicode separators and
look-alike digits, 10 kB strings, values nested 2,000 deep, YAML aliases, unknown keys,
missing fields, duplicate names, quotes and newlines. Case ``i`` of seed ``s`` is drawn from
``random.Random('s:i')`` alone, so any case can be rebuilt from its seed and index.

Each case is checked (:func:`check_case`): ``trunk_policy.assess`` and
``assessment.assess_host`` never raise for a list and give one outcome per trunk;
``evaluate``, ``evaluate_all`` and ``gateway.settings`` raise nothing but
``TrunkInputError``; a valid trunk gets the same result beside bad ones as alone; results
and errors are JSON (``allow_nan=False``) with bounded messages in plain words; every
accepted value that reaches a configuration file keeps its grammar; the weak spellings the
contract names come out ``required``; weakening a VPN parameter or an audience never
lowers the decision; the same input tagged the way ansible-core 2.19 hands it to plugins
gives the same output. Not a pytest file: ``tests/unit/test_fuzz.py`` runs a bounded
campaign in the suite, ``./run fuzz N`` a longer one.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import importlib.util
import ipaddress
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SEED = 20240611
DEFAULT_TRUNKS = 200000

#: The longest one message (a problem's, a finding's) or field name may be.
MESSAGE_LIMIT = 2000
#: The longest a whole error string (every problem of one trunk) may be.
ERROR_LIMIT = 5000
#: A case (a handful of trunks and their checks) taking longer than this is a failure.
SLOW_CASE_S = 2.0

# Words of Python's internals that must never reach a user.
FORBIDDEN = ('_Ansible', 'NoneType', 'Tagged', '<class', 'Traceback', 'object at 0x', 'null null', 'a number a ', '(#')
_PYTHON_TYPE_WORDS = re.compile(r'\b(?:a|an) (?:str|dict|int|bool|tuple|NoneType)\b')
# '#1': a 0-based index reads as 'the first' (no generated value holds '#' before a digit)
_HASH_INDEX = re.compile(r'#\d')

# --------------------------------------------------------------------------- hostile values

RUN = 5000                                   # the length of a digit run
ONES = '1' * RUN
NINES = '9' * RUN
HUGE_INTS = (
    1 << 20000,                              # 6,021 digits: Python refuses to print it
    (10 ** RUN - 1) // 9,                    # 5,000 ones, built without int('1' * 5000)
    -(10 ** 4301),
    (1 << 16609) + 12345,
)
NAN, INF = float('nan'), float('inf')


def deep_list(depth, leaf='x'):
    value = leaf
    while depth > 0:
        value, depth = [value], depth - 1
    return value


def deep_dict(depth, key='name', leaf='x'):
    value = leaf
    while depth > 0:
        value, depth = {key: value}, depth - 1
    return value


def deep_mixed(depth, leaf='x'):
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {'vpn': value}
    return value


# Built afresh for each use: later changes to a trunk must never reach a value another case uses.
DEEP = ((deep_list, 2000), (deep_dict, 2000), (deep_mixed, 2000), (deep_list, 999), (deep_dict, 990))


def _deep(rng):
    build, depth = rng.choice(DEEP)
    return build(depth)


def _fresh(value):
    """A copy of a mutable hostile value (a list, mapping or set), so that no two trunks share it by accident."""
    return copy.deepcopy(value) if isinstance(value, (list, dict, set)) else value


SCALARS = {
    'null': (None,),
    'bool': (True, False),
    'int': (0, -1, 1, 7, 65536, 5061, 2 ** 31, 2 ** 63, -(2 ** 63)),
    'float': (0.0, -0.0, 1.5, 5061.0, 1e308, 5e-324),
    'nan_inf': (NAN, INF, -INF),
    'string': ('', ' ', '\t', 'x', 'yes', 'no', 'true', 'null', '~', 'None', '5061', '0x10', '1e3', 'vpn', 'shared'),
    'list': ([], ['x'], [None], ['aes256', 'sha256'], ['vpn'], [{'name': 'x'}]),
    'dict': ({}, {'a': 1}, {'name': 'x'}, {'cidr': '10.0.0.0/8'}, {'encryption': 'aes-256-gcm'}),
    'yaml_exotic': (b'\x00\xffbinary', datetime.date(2024, 6, 11), datetime.datetime(2024, 6, 11, 12, 30),
                    {1, 2}, frozenset(('x',))),
}
WRONG_TYPE_FAMILIES = ('null', 'bool', 'int', 'float', 'nan_inf', 'string', 'list', 'dict')

LONG_STRINGS = (
    'x' * 10240, 'a.' * 5120, 'aes256-' * 1463, '\u00e9' * 10240, '\n' * 10240, '\U0001d7d8' * 2560,
    'sbc.' * 2560, '10.0.0.' + '1' * 10233, 'aes256gcm16-prfsha384-ecp384,' * 350,
    'a-' * 5120, 'a' * 10240 + '!', '1.' * 5120, ':' * 10240, '0:' * 5120, '-' * 10240, ',' * 10240,
)

DIGIT_RUNS = (
    ONES, 'modp' + ONES, 'aes' + NINES, 'group' + ONES, 'ecp' + ONES, 'dh' + ONES, 'dhgroup' + NINES,
    'sha' + ONES, 'sha2-' + ONES, 'camellia' + NINES, 'p' + ONES, 'modp' + ONES + 's160', 'brainpoolp' + ONES + 'r1',
    'aes256-sha256-modp' + ONES, 'aes' + NINES + 'gcm16-prfsha384-ecp384', 'aes256gcm16-prfsha' + ONES + '-ecp384',
    'aes256-sha256-' + ONES, '10.0.0.0/' + ONES, '10.' + ONES + '.0.0/8', '\u0661' * RUN, 'modp' + '\u0663' * RUN,
    'modp' + '\U0001d7d9' * RUN, 'trunk-' + ONES,
)

UNICODE = (
    'vpn\u2028', 'pub\u200blic', 'a\u0301', '\U0001f512', '\uff36\uff30\uff2e', 'aes\u2010256\u2010gcm',
    'AES-256-GCM\u00a0', '\u0130', 'stra\u00dfe', '\ufeffvpn', '\u202eetavirp', 'shared\x00', 'x\x85y',
    '\uff41\uff45\uff53\uff12\uff15\uff16', 'aes\u00b2\u2075\u2076', 'modp\U0001d7d0\U0001d7ce\U0001d7d2\U0001d7d6',
    'modp\u0662\u0660\u0664\u0668', 'ecp\u00b3\u2078\u2074', 'name\u2029x', 'tr\u00fcnk', '\u0410\u0415\u0421-256',
    'e\u0300\u0301\u0302\u0303\u0304', '\ud7ff\ue000\ufffd', 'x\r\ny', '\t\v\f', '\u3000',
)

INJECTIONS = (
    '192.0.2.1\nlisten=udp:0.0.0.0:5060', '192.0.2.1"){ sl_send_reply("200","x"); } if("x',
    'sbc.example\nloadmodule "debugger.so"', "x'; Remove-Item -Recurse C:\\; '", '$(reboot)', '`id`',
    '{{ lookup("pipe", "id") }}', '{% raw %}', 'fe80::1%eth0\nlisten=udp:0.0.0.0:5060', 'fe80::1%"){ exit; }',
    '192.0.2.1\n', ' 192.0.2.1', '192.0.2.1;', '192.0.2.1 # comment', 'a"b', "a'b", 'a\\b', '\\', '"', "'",
    'sbc.example.com\r\nroute[X]{}', 'x;y', '<script>', '&amp;', '*.example', '*', '..', '-sbc.example',
    'sbc-.example', 'a' * 64 + '.example', ('a' * 63 + '.') * 4 + 'a', '::1]', '[::1]', '192.0.2.1:5061',
    'sbc_example.com', '0300.0250.0.1', '1.2.3', '256.1.1.1', '192.0.2.1/32',
    # the edges of the grammar: 64-character names, 63-character labels, 253-character host names
    'n' * 64, 'n' * 65, 'a' * 63 + '.example', ('a' * 62 + '.') * 4 + 'a', ('a' * 62 + '.') * 4 + 'ab', 'p' * 128,
    'p' * 129, 'sbc.example.', 'sbc..example', '0.0.0.0', '::', '::ffff:192.0.2.1', '2001:db8::1%eth0',
)

ODD_KEYS = (1, 0, -1, None, True, False, 1.5, NAN, INF, datetime.date(2024, 6, 11)) + HUGE_INTS
UNKNOWN_KEYS = ('oportunistic', 'Name', 'connection ', 'conection', 'vpn_', 'tls', 'srtp', 'address', 'segment',
                'x' * 10240, 'na\u2028me', '', ' ', 'proposal', 'cidr', 'modp' + ONES, 'key_exchange\n', 'port')

# --------------------------------------------------------------------------- well-formed trunks

# Real spellings of strength.py's tables, and odd ones. The *_WEAK lists hold what the
# contract says must come out weak (below strength, unrecognised, ECB or an unknown mode).
ENC_STRONG = ('aes-256-gcm', 'AES-128-GCM', 'aes256gcm16', 'aes128gcm16', 'aes192gcm16', 'AES_256_CBC', 'aes256',
              'aes128', 'aes192', 'AES-192-CBC', 'aes128ctr', 'aes256ccm8', 'aes256ccm16', 'gcmaes256', 'GCMAES128',
              'camellia128', 'camellia-256', 'CAMELLIA-192-CBC', 'chacha20-poly1305', 'ChaCha20-Poly1305',
              'chacha20poly1305', 'aes-256-ctr', 'esp-aes256')
ENC_WEAK = ('3des', 'des3', 'DES-EDE3-CBC', 'tripledes', 'des', 'des-cbc', 'DES-EDE', 'rc4', 'arcfour', 'bf-cbc',
            'blowfish', 'cast5', 'cast128', 'idea', 'null', 'none', 'enull', 'esp-null', 'esp-3des', 'esp-des',
            'aes-256-ecb', 'AES-128-ECB', 'aes256ecb', 'gcm', 'cbc', 'ccm', 'ctr', 'GCM', 'aes-256-ofb', 'aes-256-cfb',
            'aes-128-cfb8', 'aes-256-xts', 'rot13', 'caesar', 'aes512', 'aes-2-56', 'camellia-512')
ENC_ODD = ('aes', 'AES', 'camellia', 'chacha20', 'xchacha20', 'xchacha20-poly1305', 'aes 256 gcm', ' AES-256-GCM ',
           'aes-256-gcm!', 'aes256gcm', 'aes256gcm12', 'aes-256-gcm-sha384', 'twofish', 'serpent', 'sm4',
           'aria-256-gcm', 'chacha20-poly1305@openssh.com', 'AES256-GCM16', 'aes_128_gcm_16', 'aes-128-cbc-hmac-sha1')
INT_STRONG = ('sha256', 'SHA384', 'sha512', 'sha1', 'sha', 'sha1_96', 'hmac-sha256', 'HMAC-SHA-256', 'sha2-256',
              'sha256_128', 'aesxcbc', 'aes128gmac', 'prfsha384', 'sha2_512_256')
INT_WEAK = ('md5', 'hmac-md5', 'md5_96', 'crc32')
INT_ODD = ('none', 'null', 'poly1305', 'sha3-256', 'blake2', 'SHA-1', 'sha224', 'sha256 ', 96, 14)
KX_STRONG = ('ecp384', 'ecp256', 'ecp521', 'modp2048', 'modp3072', 'modp4096', 'modp8192', 'curve25519', 'x25519',
             'curve448', 'group14', 'dh14', 'dhgroup19', 14, 19, 20, 31, '14', 'ffdhe2048', 'secp384r1', 'prime256v1',
             'nistp256', 'p384', 'brainpoolP256r1', 'ecp256bp', 'modp2048s256')
KX_WEAK = ('modp1024', 'modp768', 'modp1536', 'group2', 'group5', 'group1', 2, 5, 1, '2', 'ecp192', 'modp1024s160',
           'group99', 'mlkem768', 'kyber')
KX_ODD = ('ecp224', 0, 999999, 10 ** 6, 'pfs', 'dh', 'group', 'modp', 'ecp', 'modp2048 ', 'MODP_2048', 'Group-14',
          '+14', '-1', '014', '1_4', '14.0', '0x0e', '\u0661\u0664', '\u0662', 'modp\uff12\uff10\uff14\uff18', 'group\u00b2')
PROPOSAL_STRONG = ('aes256gcm16-prfsha384-ecp384', 'aes128gcm16-prfsha256-ecp256', 'aes256-sha256-modp3072',
                   'aes128-sha1-modp2048', 'chacha20poly1305-prfsha256-curve25519', 'wireguard', 'WireGuard',
                   'AES-256-GCM', 'aes256-sha256-modp3072!', 'aes256gcm16-ecp384,aes128gcm16-ecp256',
                   'esp-aes256-sha256-modp2048-esn', 'aes256-sha384-ecp384-noesn', 'CHACHA20-POLY1305')
PROPOSAL_WEAK = ('3des-sha1-modp1024', 'des-md5-modp768', 'aes256-sha256-modp1024', 'aes128-md5-ecp256',
                 'aes256-sha1-ecp192', 'aes128-sha1-modp1024', 'aes256-sha256-modp2048,3des-sha1-modp1024', 'aes-2-56',
                 'aes-256-ecb', 'aes256ecb-sha256-ecp384', 'gcm', 'aes256gcm16-prfsha384-modp1024',
                 'aes256gcm16-prfsha384-ecp384,3des-sha1-modp1024', 'BF-CBC', 'rot13', 'sha256-modp2048',
                 'aes256-sha256-modp2048-group2', 'aes-256-gcm-modp1024', 'aes256-sha256-ecp192-x')
PROPOSAL_ODD = ('aes256-', '-', ',', ',,', 'aes256--sha256', 'aes256gcm16-prfsha384-ecp384-', 'esn', 'ike',
                'aes256gcm16', 'aes256gcm16-prfsha384', 'aes256-sha256', 'wireguard,aes256-sha256-modp3072',
                'DES-EDE3-CBC', 'aes256gcm16-prfsha384-ecp384!,aes128-sha1-modp2048', 'AES_256_GCM-PRFSHA384-ECP384',
                'chacha20-curve25519', 'xchacha20-sha256-x25519', 'aes-256-gcm-16', 'aes256 sha256 modp2048')
# Proposals composed of tokens: any token recognised as weak on its own keeps the proposal weak,
# whatever the rest of its part reads as (the contract: a part is never re-read dropping one).
STRONG_TOKENS = ('aes256', 'aes128', 'aes256gcm16', 'aes128gcm16', 'aes256ccm16', 'chacha20poly1305', 'camellia256',
                 'sha256', 'sha384', 'prfsha384', 'prfsha256', 'sha512', 'ecp384', 'ecp256', 'modp3072', 'modp4096',
                 'curve25519', 'x25519', 'esn', 'noesn', 'aesxcbc')
WEAK_TOKENS = ('3des', 'des', 'rc4', 'blowfish', 'cast128', 'md5', 'hmac_md5', 'modp768', 'modp1024', 'modp1536',
               'ecp192', '1', '2', '5', '22', '25', 'group2', 'dh5')
JUNK_TOKENS = ('56', '256', '128', 'gcm', 'cbc', 'aes', 'x', 'ecb', '16', 'sha', 'prf', '')
NON_AEAD = ('AES_256_CBC', 'aes256', 'aes128', 'aes192', 'AES-192-CBC', 'aes128ctr', 'camellia128', 'camellia-256',
            'CAMELLIA-192-CBC', 'aes-256-ctr', 'esp-aes256', '3des', 'des', 'bf-cbc')


def _split(rng, text):
    """``text`` with '-' put in at one or two places: aes256gcm16 -> aes-2-56gcm16."""
    for cuts in range(rng.randint(1, 2)):
        cut = rng.randrange(1, len(text) - cuts)
        text = text[:cut] + '-' + text[cut:]
    return text


def composed_proposal(rng):
    parts = []
    for part in range(rng.choices((1, 2, 3), (70, 22, 8))[0]):
        if rng.random() < 0.35:
            parts.append(_split(rng, rng.choice(('aes256', 'aes128', 'aes192', 'aes256gcm16', 'camellia256',
                                                 'aes256gcm16-prfsha384-ecp384', 'aes128-sha256-modp3072'))))
            continue
        tokens = [rng.choice(STRONG_TOKENS if roll < 0.6 else WEAK_TOKENS if roll < 0.8 else JUNK_TOKENS)
                  for roll in [rng.random() for token in range(rng.randint(1, 4))]]
        parts.append('-'.join(tokens) + ('!' if rng.random() < 0.05 else ''))
    return ','.join(parts)


def weak_tokens_of(proposal):
    return [t for part in proposal.split(',') for t in part.strip().rstrip('!').split('-') if t.strip().lower()
            in WEAK_TOKENS]


TRANSPORTS = ('udp', 'tcp')
TRANSPORT_ODD = ('UDP', 'TCP', 'tls', 'udp ', 'quic', 'Udp')
AUDIENCES = ('authorized_it', 'limited_non_it', 'shared', 'public', 'unknown')
AUDIENCE_ODD = ('Authorized_IT', 'authorised_it', 'limited-non-it', 'private', 'internal', 'PUBLIC', 'shared ')
CONNECTION_ODD = ('Private', 'VPN', 'ipsec', 'dedicated', 'internet', 'mpls', 'vpn ', '')
CIDRS = ('10.20.0.0/28', '172.16.5.0/24', '192.168.1.0/26', 'fd00:1::/64', '81.2.3.0/28', '10.0.0.1/32',
         '2001:db8::/48', '100.64.0.0/10', '192.0.2.0/24')
CIDR_ODD = ('0.0.0.0/0', '::/0', '10.20.0.0', '10.20.0.0/33', '10.20.0.0/', 'fe80::1%eth0/64', '10.20.0.1/28',
            '10.20.0.0/255.255.255.0', ' 10.20.0.0/28', '10.020.0.0/16', '1.2.3.4/-1', 'localhost')
HOSTS = ('sbc.contoso.example', 'sbc-1.northwind.example', '192.0.2.10', '198.51.100.7', '2001:db8::5061',
         'sip.fabrikam.example', 'a.b', 'x1.example', 'SBC.Contoso.Example', '203.0.113.254')
SERVER_NAMES = ('sbc.contoso.example', '*.contoso.example', 'sip.fabrikam.example', 'SBC.EXAMPLE')
GATEWAY_ADDRESSES = ('10.99.%d.%d', 'fd00:99::%x:%x')
PROVIDER_NAMES = ('Contoso Telecom', 'Northwind Voice', 'Fabrikam Carrier', "O'Brien & Sons SIP", 'Tailspin',
                  'Caf\u00e9 T\u00e9l\u00e9com', '\u4e2d\u56fd\u7535\u4fe1')
SEGMENT_NAMES = ('carrier-meet-me-room', 'colo cross-connect', 'office-lan', 'DMZ', 'mpls-pe', 'isp backbone')

# Ladders for monotonicity, strongest first: moving a parameter down never lowers the decision.
ENC_LADDER = ('aes-256-gcm', 'aes-128-gcm', '3des', 'des', 'null')
INT_LADDER = ('sha512', 'sha256', 'sha1', 'md5')
KX_LADDER = ('ecp384', 'modp3072', 'modp2048', 'modp1024', 'modp768')
AUDIENCE_LADDER = ('authorized_it', 'limited_non_it', 'shared', 'public')
WEAKER_PROPOSALS = ('3des-sha1-modp1024', 'des-md5-modp768', 'null', 'aes128-sha1-modp1024', 'aes256-md5-ecp384')

MUTATIONS = ('wrong_type', 'nan_inf', 'huge_int', 'huge_key', 'digit_run', 'unicode', 'long_string', 'injection',
             'unknown_key', 'missing_field', 'deep_nesting', 'not_a_mapping', 'yaml_exotic', 'alias', 'many_items')
MUTATION_WEIGHTS = (16, 5, 6, 6, 10, 9, 6, 9, 7, 7, 6, 3, 3, 2, 2)

FIELDS = (
    ('name',), ('connection',), ('provider',), ('provider', 'name'), ('provider', 'tls'), ('provider', 'srtp'),
    ('provider', 'address'), ('provider', 'port'), ('provider', 'server_name'), ('mediation_subnet',),
    ('mediation_subnet', 'cidr'), ('mediation_subnet', 'audience'), ('vpn',), ('vpn', 'encryption'),
    ('vpn', 'integrity'), ('vpn', 'key_exchange'), ('vpn', 'transport'), ('vpn', 'proposal'), ('segments',),
    ('segments', 0), ('segments', 0, 'name'), ('segments', 0, 'audience'), ('segments', 0, 'inside_vpn'),
    ('opportunistic',), ('gateway',), ('gateway', 'address'), ('gateway', 'tls_port'), ('gateway', 'tcp_port'),
    ('gateway', 'srtp_mode'), ('gateway', 'mutual_tls'),
)
_STRING_KEYS = ('name', 'connection', 'address', 'server_name', 'cidr', 'audience', 'encryption', 'integrity',
                'key_exchange', 'transport', 'proposal', 'srtp_mode')
STRING_FIELDS = tuple(f for f in FIELDS if f[-1] in _STRING_KEYS)
CRYPTO_FIELDS = (('vpn', 'encryption'), ('vpn', 'integrity'), ('vpn', 'key_exchange'), ('vpn', 'proposal'),
                 ('mediation_subnet', 'cidr'), ('name',), ('provider', 'address'), ('gateway', 'address'))
MAPPINGS = ((), ('provider',), ('mediation_subnet',), ('vpn',), ('segments', 0), ('gateway',))
REQUIRED = (('name',), ('connection',), ('vpn',), ('vpn', 'encryption'), ('vpn', 'proposal'), ('segments', 0, 'name'),
            ('provider',), ('mediation_subnet',), ('mediation_subnet', 'audience'))


def _pick(rng, strong, weak, odd):
    roll = rng.random()
    return rng.choice(strong if roll < 0.6 else weak if roll < 0.85 else odd)


def _vpn(rng):
    roll = rng.random()
    if roll < 0.12:
        vpn = {'proposal': composed_proposal(rng)}
    elif roll < 0.45:
        vpn = {'proposal': _pick(rng, PROPOSAL_STRONG, PROPOSAL_WEAK, PROPOSAL_ODD)}
    else:
        vpn = {'encryption': _pick(rng, ENC_STRONG, ENC_WEAK, ENC_ODD)}
        if rng.random() < 0.6:
            vpn['integrity'] = _pick(rng, INT_STRONG, INT_WEAK, INT_ODD)
        elif rng.random() < 0.1:
            vpn['integrity'] = 'none'
        if rng.random() < 0.6:
            vpn['key_exchange'] = _pick(rng, KX_STRONG, KX_WEAK, KX_ODD)
        if rng.random() < 0.15:
            vpn['encryption'] = rng.choice(ENC_LADDER)
            vpn['integrity'] = rng.choice(INT_LADDER)
            vpn['key_exchange'] = rng.choice(KX_LADDER)
    roll = rng.random()
    if roll < 0.15:
        vpn['transport'] = 'tcp'
    elif roll < 0.4:
        vpn['transport'] = 'udp'
    elif roll < 0.43:
        vpn['transport'] = rng.choice(TRANSPORT_ODD)
    return vpn


def _audience(rng, odd=0.03):
    roll = rng.random()
    if roll < odd:
        return rng.choice(AUDIENCE_ODD)
    if roll < 0.1:
        return None
    return rng.choices(AUDIENCES, (45, 25, 10, 5, 5))[0]


def base_trunk(rng, name):
    """A trunk of the model, well-formed but for the odd spellings it may draw."""
    roll = rng.random()
    connection = 'vpn' if roll < 0.5 else 'private' if roll < 0.78 else 'public' if roll < 0.98 else rng.choice(
        CONNECTION_ODD)
    trunk = {'name': name, 'connection': connection}
    provider = {}
    if rng.random() < 0.6:
        provider['name'] = rng.choice(PROVIDER_NAMES)
    for key, chance in (('tls', 0.8), ('srtp', 0.7)):
        roll = rng.random()
        if roll < chance:
            provider[key] = True
        elif roll < chance + 0.1:
            provider[key] = False
    if rng.random() < 0.6:
        provider['address'] = rng.choice(HOSTS)
        if rng.random() < 0.5:
            provider['port'] = rng.choice((5060, 5061, 15061))
        if rng.random() < 0.3:
            provider['server_name'] = rng.choice(SERVER_NAMES)
    if provider or rng.random() < 0.5:
        trunk['provider'] = provider
    if rng.random() < 0.93:
        subnet = {}
        if rng.random() < 0.85:
            subnet['cidr'] = rng.choice(CIDRS) if rng.random() < 0.95 else rng.choice(CIDR_ODD)
        audience = _audience(rng)
        if audience is not None:
            subnet['audience'] = audience
        trunk['mediation_subnet'] = subnet
    if connection == 'vpn':
        trunk['vpn'] = _vpn(rng)
    count = rng.choices((0, 1, 2, 3), (55, 25, 15, 5))[0]
    if count:
        segments = []
        for position in range(count):
            segment = {'name': '%s-%d' % (rng.choice(SEGMENT_NAMES), position)}
            audience = _audience(rng)
            if audience is not None:
                segment['audience'] = audience
            if connection == 'vpn' and rng.random() < 0.4:
                segment['inside_vpn'] = True
            elif rng.random() < 0.1:
                segment['inside_vpn'] = False
            segments.append(segment)
        trunk['segments'] = segments
    if rng.random() < 0.2:
        trunk['opportunistic'] = rng.random() < 0.5
    if rng.random() < 0.5:
        gateway = {'address': rng.choice(GATEWAY_ADDRESSES) % (rng.randrange(256), rng.randrange(1, 255))}
        if rng.random() < 0.3:
            gateway['tls_port'] = rng.choice((5067, 5061, 15067))
        if rng.random() < 0.2:
            gateway['tcp_port'] = rng.choice((5068, 5060))
        if rng.random() < 0.15:
            gateway['srtp_mode'] = rng.choice(('required', 'optional'))
        if rng.random() < 0.1:
            gateway['mutual_tls'] = rng.random() < 0.5
        trunk['gateway'] = gateway
    return trunk


# --------------------------------------------------------------------------- mutations

def _container(trunk, path):
    """The mapping (or list) holding ``path[-1]``, created along the way; None if it cannot be."""
    node = trunk
    for step, key in enumerate(path[:-1]):
        following = path[step + 1]
        if isinstance(node, list):
            if not node:
                node.append({})
            key = min(key, len(node) - 1)
            child = node[key]
        else:
            child = node.get(key)
        if not isinstance(child, (dict, list)):
            child = [{}] if isinstance(following, int) else {}
            node[key] = child
        if isinstance(child, list) and not isinstance(following, int):
            return None
        node = child
    return node


def set_path(trunk, path, value):
    node = _container(trunk, path)
    if node is None:
        return False
    key = path[-1]
    if isinstance(node, list):
        if not node:
            node.append(value)
        else:
            node[min(key, len(node) - 1)] = value
    else:
        node[key] = value
    return True


def _mapping_at(trunk, path):
    node = trunk
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and node:
            node = node[min(key, len(node) - 1)]
        else:
            return None
    return node if isinstance(node, dict) else None


def mutate(rng, trunk, kind, shared):
    """Apply one hostile change of ``kind`` to ``trunk``; returns the trunk (it may be replaced)."""
    if kind == 'wrong_type':
        family = rng.choice(WRONG_TYPE_FAMILIES)
        set_path(trunk, rng.choice(FIELDS), _fresh(rng.choice(SCALARS[family])))
    elif kind == 'nan_inf':
        set_path(trunk, rng.choice(FIELDS), rng.choice(SCALARS['nan_inf']))
    elif kind == 'huge_int':
        path = rng.choice(FIELDS + (('vpn', 'key_exchange'), ('vpn', 'integrity'), ('provider', 'port')) * 3)
        set_path(trunk, path, rng.choice(HUGE_INTS))
    elif kind == 'huge_key':
        target = _mapping_at(trunk, rng.choice(MAPPINGS))
        key = rng.choice(ODD_KEYS)
        if target is None:
            target = trunk
        target[key] = rng.choice(('x', None, 1, HUGE_INTS[0], {'a': 1}))
    elif kind == 'digit_run':
        path = rng.choice(CRYPTO_FIELDS + (('vpn', 'key_exchange'), ('vpn', 'proposal')) * 3)
        set_path(trunk, path, rng.choice(DIGIT_RUNS))
    elif kind == 'unicode':
        value = rng.choice(UNICODE)
        if rng.random() < 0.5:
            value = rng.choice(('aes-256-gcm', 'vpn', 'shared', 'sbc.example', 'trunk', 'ecp384')) + value
        set_path(trunk, rng.choice(STRING_FIELDS + (('provider', 'name'), ('segments', 0, 'name'))), value)
    elif kind == 'long_string':
        set_path(trunk, rng.choice(STRING_FIELDS + (('provider', 'name'), ('segments', 0, 'name'))),
                 rng.choice(LONG_STRINGS))
    elif kind == 'injection':
        path = rng.choice((('provider', 'address'), ('provider', 'server_name'), ('gateway', 'address'), ('name',),
                           ('provider', 'name'), ('segments', 0, 'name'), ('gateway', 'tls_port'),
                           ('provider', 'port')) + STRING_FIELDS)
        set_path(trunk, path, rng.choice(INJECTIONS))
    elif kind == 'unknown_key':
        target = _mapping_at(trunk, rng.choice(MAPPINGS)) or trunk
        target[rng.choice(UNKNOWN_KEYS)] = rng.choice(('x', True, 1, None, {'a': 1}))
    elif kind == 'missing_field':
        path = rng.choice(REQUIRED)
        parent = _mapping_at(trunk, path[:-1])
        if parent is not None:
            parent.pop(path[-1], None)
    elif kind == 'deep_nesting':
        value = _deep(rng)
        if rng.random() < 0.15:
            return value
        set_path(trunk, rng.choice(FIELDS), value)
    elif kind == 'not_a_mapping':
        return rng.choice((None, 'trunk', '', 5061, True, NAN, HUGE_INTS[0], [], [trunk], ['name', 'x'], b'x',
                           'name: x\nconnection: vpn'))
    elif kind == 'yaml_exotic':
        set_path(trunk, rng.choice(FIELDS), _fresh(rng.choice(SCALARS['yaml_exotic'])))
    elif kind == 'alias':
        # a YAML anchor reused (&a ... *a): the same object twice, or inside itself
        roll = rng.random()
        if roll < 0.4 and shared:
            set_path(trunk, rng.choice(MAPPINGS[1:]), rng.choice(shared))
        elif roll < 0.7:
            segment = {'name': 'loop', 'audience': 'shared'}
            segment['inside_vpn'] = segment
            trunk['segments'] = [segment, segment]
        else:
            loop = []
            loop.append(loop)
            set_path(trunk, rng.choice(FIELDS), loop)
    elif kind == 'many_items':
        roll = rng.random()
        if roll < 0.5:
            trunk['segments'] = [{'name': 'hop-%d' % i, 'audience': 'limited_non_it'} for i in range(400)]
        else:
            target = _mapping_at(trunk, rng.choice(MAPPINGS)) or trunk
            for i in range(12):
                target['extra_%d' % i] = i
    return trunk


class Case(object):
    """One host's trunk list, how each trunk was made, and whether Ansible's tags wrap it."""

    __slots__ = ('seed', 'index', 'trunks', 'kinds', 'tagged')

    def __init__(self, seed, index, trunks, kinds, tagged):
        self.seed = seed
        self.index = index
        self.trunks = trunks
        self.kinds = kinds
        self.tagged = tagged

    @property
    def trunk_count(self):
        return len(self.trunks) if isinstance(self.trunks, list) else 1


def make_case(seed, index):
    """Case ``index`` of ``seed``: the same for the same pair, whatever came before."""
    rng = random.Random('%d:%d' % (seed, index))
    if rng.random() < 0.01:
        host = rng.choice(({'name': 'x', 'connection': 'public'}, 'trunks', None, 7, True, NAN, HUGE_INTS[0],
                           deep_list(2000), deep_dict(2000), {}, b'x', (base_trunk(rng, 'tuple-0'),)))
        return Case(seed, index, host, [['host_not_list']], False)
    count = rng.choices((1, 2, 3, 4, 5), (20, 25, 25, 15, 15))[0]
    trunks, kinds, shared = [], [], []
    for position in range(count):
        trunk = base_trunk(rng, 'fz%d-%d' % (index, position))
        shared.extend(v for v in trunk.values() if isinstance(v, dict))
        applied = []
        if rng.random() < 0.55:
            for kind in rng.choices(MUTATIONS, MUTATION_WEIGHTS, k=rng.choices((1, 2, 3), (70, 22, 8))[0]):
                applied.append(kind)
                if isinstance(trunk, dict):
                    trunk = mutate(rng, trunk, kind, shared)
        trunks.append(trunk)
        kinds.append(applied or ['valid'])
    if count > 1 and rng.random() < 0.08:
        source, target = rng.sample(range(count), 2)
        if isinstance(trunks[source], dict) and isinstance(trunks[target], dict):
            trunks[target]['name'] = trunks[source].get('name')
            kinds[target].append('duplicate_name')
            kinds[source].append('duplicate_name')
        elif rng.random() < 0.5:
            trunks[target] = trunks[source]
            kinds[target].append('duplicate_name')
    return Case(seed, index, trunks, kinds, rng.random() < 0.15)


# --------------------------------------------------------------------------- Ansible's tags

_TAGS = None


def _tags():
    """The tags ansible-core 2.19 puts on inventory data: where it came from, and trusted as a template."""
    global _TAGS  # pylint: disable=global-statement
    if _TAGS is None:
        try:
            from ansible._internal._datatag._tags import Origin, TrustedAsTemplate
        except ImportError:  # another ansible-core: nothing is tagged
            _TAGS = ()
        else:
            _TAGS = (Origin(path='/inventory/host_vars/gw1.yml', line_num=7, col_num=5), TrustedAsTemplate())
    return _TAGS


def tag(value, _depth=0, _memo=None):
    """A copy of ``value`` with every str, int, float, dict and list tagged like Ansible's inventory data.

    Shared and looping values stay shared and looping (each is copied once); below 40 levels
    the value is left as it is.
    """
    tags = _tags()
    if not tags or _depth > 40:
        return value
    memo = {} if _memo is None else _memo
    origin, trusted = tags
    kind = value.__class__
    if kind is str:
        return origin.tag(trusted.tag(value))
    if kind in (int, float):
        return origin.tag(value)
    if kind not in (dict, list):
        return value
    if id(value) in memo:
        return memo[id(value)]
    copied = memo[id(value)] = origin.tag(kind())
    if kind is dict:
        for key, item in value.items():
            copied[tag(key, _depth + 1, memo)] = tag(item, _depth + 1, memo)
    else:
        copied.extend(tag(item, _depth + 1, memo) for item in value)
    return copied


# --------------------------------------------------------------------------- the engine and the oracles

class Engine(object):
    """The modules under test, looked up at call time (tests replace functions in them)."""

    def __init__(self):
        from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, gateway, trunk_policy
        self.tp = trunk_policy
        self.assessment = assessment
        self.gateway = gateway


def short(value, budget=160, _depth=0, _seen=None):
    """A bounded repr: cut strings, describe huge integers, deep or looping containers."""
    seen = _seen if _seen is not None else set()
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return '<int of %d bits>' % value.bit_length() if value.bit_length() > 256 else repr(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        text = str(value)
        if len(text) > budget:
            return '%r...<%d chars>' % (text[:budget // 2], len(text))
        return repr(text)
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        if id(value) in seen:
            return '<loop>'
        if _depth > 6:
            return '<%s nested %s deep>' % (type(value).__name__, _depth_of(value))
        seen = seen | {id(value)}
        if isinstance(value, dict):
            items = ['%s: %s' % (short(k, 40, _depth + 1, seen), short(v, budget, _depth + 1, seen))
                     for k, v in list(value.items())[:12]]
            more = ', ...<%d keys>' % len(value) if len(value) > 12 else ''
            return '{%s%s}' % (', '.join(items), more)
        items = [short(item, budget, _depth + 1, seen) for item in list(value)[:8]]
        more = ', ...<%d items>' % len(value) if len(value) > 8 else ''
        return '[%s%s]' % (', '.join(items), more)
    text = repr(value)
    return text if len(text) <= budget else text[:budget] + '...'


def _depth_of(value, limit=10000):
    depth = 0
    while isinstance(value, (dict, list)) and value and depth < limit:
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        depth += 1
    return depth


def message_faults(text, limit=MESSAGE_LIMIT):
    """What is wrong with a message meant for a user: type, length, Python's words."""
    if not isinstance(text, str):
        return ['is %s, not a string' % type(text).__name__]
    faults = []
    if len(text) >= limit:
        faults.append('is %d characters long (limit %d)' % (len(text), limit))
    for word in FORBIDDEN:
        if word in text:
            faults.append('contains %r' % word)
    match = _PYTHON_TYPE_WORDS.search(text)
    if match:
        faults.append('names a Python type: %r' % match.group())
    match = _HASH_INDEX.search(text)
    if match:
        faults.append('places a trunk by %r, not by name or 1-based position' % match.group())
    return faults


def json_fault(data):
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        return '%s: %s' % (type(error).__name__, str(error)[:200])
    return None


_HOST_LABEL = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')
_TRUNK_NAME = re.compile(r'[A-Za-z0-9_.-]{1,64}\Z')
_SCOPE = re.compile(r'[A-Za-z0-9_.-]{1,15}\Z')


def is_ip_literal(value):
    if not isinstance(value, str):
        return False
    text = str(value)
    address, scope = text.partition('%')[::2]
    if '%' in text and not _SCOPE.match(scope):
        return False
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def is_host_name(value, wildcard=False):
    if not isinstance(value, str):
        return False
    text = str(value)
    if wildcard and text.startswith('*.'):
        text = text[2:]
    if text.endswith('.'):
        text = text[:-1]
    return 0 < len(text) <= 253 and all(_HOST_LABEL.match(label) for label in text.split('.'))


def grammar_faults(trunk):
    """The values of an accepted trunk that break the grammar of what reaches a configuration file."""
    faults = []

    def field(path, value, ok):
        if value is not None and not ok:
            faults.append('%s accepted as %s' % ('.'.join(str(p) for p in path), short(value, 60)))

    name = trunk.get('name')
    field(('name',), name, isinstance(name, str) and _TRUNK_NAME.match(name))
    provider = trunk.get('provider') if isinstance(trunk.get('provider'), dict) else {}
    gateway = trunk.get('gateway') if isinstance(trunk.get('gateway'), dict) else {}
    address = provider.get('address')
    field(('provider', 'address'), address, is_ip_literal(address) or is_host_name(address))
    server = provider.get('server_name')
    # a host name (a leading '*.' allowed) or, as docs/policy.md extends the contract, an IP address
    field(('provider', 'server_name'), server, is_host_name(server, wildcard=True) or is_ip_literal(server))
    field(('gateway', 'address'), gateway.get('address'), is_ip_literal(gateway.get('address')))
    for path, value in ((('provider', 'port'), provider.get('port')), (('gateway', 'tls_port'), gateway.get('tls_port')),
                        (('gateway', 'tcp_port'), gateway.get('tcp_port'))):
        field(path, value, isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536)
    texts = [(('provider', 'name'), provider.get('name'))]
    segments = trunk.get('segments')
    if isinstance(segments, list):
        texts.extend((('segments', i, 'name'), s.get('name')) for i, s in enumerate(segments) if isinstance(s, dict))
    for path, value in texts:
        field(path, value, isinstance(value, str) and 0 < len(value) <= 128 and value.isprintable())
    return faults


def settings_faults(settings):
    faults = []
    listen, hop = settings.get('listen') or {}, settings.get('next_hop') or {}
    if not is_ip_literal(listen.get('address')):
        faults.append('listen.address %s' % short(listen.get('address'), 60))
    if not (is_ip_literal(hop.get('address')) or is_host_name(hop.get('address'))):
        faults.append('next_hop.address %s' % short(hop.get('address'), 60))
    server_name = hop.get('server_name')
    # the default server name is the provider's address, which may be an IP literal
    if server_name is not None and not (is_host_name(server_name, wildcard=True) or is_ip_literal(server_name)):
        faults.append('next_hop.server_name %s' % short(server_name, 60))
    for where, port in (('listen.port', listen.get('port')), ('next_hop.port', hop.get('port'))):
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            faults.append('%s %s' % (where, short(port, 60)))
    return faults


def _settings_agree(settings, result):
    """Settings that contradict the policy result: TLS where it is off, plaintext where it is required."""
    tls = bool((result.get('tls') or {}).get('enable'))
    transport = 'tls' if tls else 'tcp'
    faults = []
    for where, value in (('transport', settings.get('transport')),
                         ('listen.transport', (settings.get('listen') or {}).get('transport')),
                         ('next_hop.transport', (settings.get('next_hop') or {}).get('transport'))):
        if value != transport:
            faults.append('%s is %s while TLS is %s' % (where, short(value), 'enabled' if tls else 'off'))
    if settings.get('plaintext_listener') is not (not tls):
        state = 'enabled' if tls else 'off'
        faults.append('plaintext_listener is %s while TLS is %s' % (settings.get('plaintext_listener'), state))
    if (result.get('srtp') or {}).get('required') and settings.get('srtp_mode') != 'required':
        faults.append('srtp_mode is %s while SRTP is required' % short(settings.get('srtp_mode')))
    return faults


def expected_required(trunk):
    """Why the contract says this vpn trunk must come out required, or None."""
    vpn = trunk.get('vpn')
    if trunk.get('connection') != 'vpn' or not isinstance(vpn, dict):
        return None
    encryption, integrity = vpn.get('encryption'), vpn.get('integrity')
    proposal = vpn.get('proposal')
    if proposal in PROPOSAL_WEAK:
        return 'proposal %r is weak' % proposal
    if isinstance(proposal, str) and weak_tokens_of(proposal):
        return 'proposal %r holds the weak token %r' % (proposal, weak_tokens_of(proposal)[0])
    if encryption in ENC_WEAK:
        return 'encryption %r is weak' % encryption
    key_exchange = vpn.get('key_exchange')
    if isinstance(key_exchange, (str, int)) and not isinstance(key_exchange, bool) and key_exchange in KX_WEAK:
        return 'key exchange %r is weak' % key_exchange
    if integrity in INT_WEAK:
        return 'integrity %r is weak' % integrity
    if encryption in ('chacha20', 'xchacha20') + NON_AEAD and integrity in ('none', 'null'):
        return 'encryption %r with integrity %r has no integrity' % (encryption, integrity)
    return None


def _replace(trunk, section, key, value):
    copy = dict(trunk)
    copy[section] = dict(trunk[section]) if isinstance(trunk.get(section), dict) else {}
    copy[section][key] = value
    return copy


def _lower_rungs(ladder, current):
    """The rungs below ``current``; the bottom rung alone when ``current`` is off the ladder."""
    if current in ladder:
        return list(ladder[ladder.index(current) + 1:])
    return [ladder[-1]]


def weakenings(trunk):
    """``(what, weaker trunk)`` pairs: each is the trunk with one parameter moved down."""
    out = []
    vpn = trunk.get('vpn')
    if trunk.get('connection') == 'vpn' and isinstance(vpn, dict):
        if vpn.get('proposal') is not None:
            for weaker in WEAKER_PROPOSALS:
                out.append(('proposal + ",%s"' % weaker, _replace(trunk, 'vpn', 'proposal', '%s,%s' % (vpn['proposal'],
                                                                                                       weaker))))
        else:
            for value in _lower_rungs(ENC_LADDER, vpn.get('encryption')):
                out.append(('encryption %s' % value, _replace(trunk, 'vpn', 'encryption', value)))
            integrity = vpn.get('integrity')
            for value in _lower_rungs(INT_LADDER, integrity):
                out.append(('integrity %s' % value, _replace(trunk, 'vpn', 'integrity', value)))
            if integrity in INT_LADDER[:-1]:
                # no integrity at all is weaker than a passing one, whatever the cipher
                out.append(('integrity none', _replace(trunk, 'vpn', 'integrity', 'none')))
            for value in _lower_rungs(KX_LADDER, vpn.get('key_exchange')):
                out.append(('key_exchange %s' % value, _replace(trunk, 'vpn', 'key_exchange', value)))
        if vpn.get('transport', 'udp') == 'udp':
            out.append(('transport tcp', _replace(trunk, 'vpn', 'transport', 'tcp')))
    subnet = trunk.get('mediation_subnet')
    audience = subnet.get('audience') if isinstance(subnet, dict) else None
    for value in _lower_rungs(AUDIENCE_LADDER, audience):
        out.append(('mediation_subnet.audience %s' % value, _replace(trunk, 'mediation_subnet', 'audience', value)))
    segments = trunk.get('segments')
    if isinstance(segments, list) and segments and isinstance(segments[0], dict):
        first = segments[0]
        for value in _lower_rungs(AUDIENCE_LADDER, first.get('audience')):
            weaker = dict(trunk, segments=[dict(first, audience=value)] + segments[1:])
            out.append(('segments[0].audience %s' % value, weaker))
        if first.get('inside_vpn') is True:
            out.append(('segments[0].inside_vpn false', dict(trunk, segments=[dict(first, inside_vpn=False)] + segments[1:])))
    extra = {'name': 'weakened-extra-hop', 'audience': 'public'}
    out.append(('an added public segment', dict(trunk, segments=(segments if isinstance(segments, list) else []) + [extra])))
    return out


RANK = {'optional': 0, 'required': 1}


class Failure(object):
    __slots__ = ('check', 'detail', 'position', 'seed', 'index', 'kinds', 'trunk')

    def __init__(self, check, detail, position=None):
        self.check = check
        self.detail = detail
        self.position = position
        self.seed = self.index = self.kinds = self.trunk = None

    def signature(self):
        # one line per distinct problem: numbers and quoted values folded away
        detail = re.sub(r"'[^']*'|\"[^\"]*\"", "'...'", self.detail)
        detail = re.sub(r'\d+', 'N', detail)
        return '%s: %s' % (self.check, detail[:120])


class Stats(object):
    def __init__(self):
        self.cases = self.trunks = self.tagged = 0
        self.kinds = Counter()
        self.outcomes = Counter()
        self.weakened = Counter()
        self.settings = Counter()
        self.spellings = Counter()
        self.oracle = 0

    def as_dict(self):
        return {'cases': self.cases, 'trunks': self.trunks, 'tagged_cases': self.tagged, 'kinds': dict(self.kinds),
                'outcomes': dict(self.outcomes), 'weakened': dict(self.weakened), 'settings': dict(self.settings),
                'spellings': dict(self.spellings),
                'weak_spelling_checks': self.oracle}


_SPELLING_CLASSES = (('strong', (ENC_STRONG, PROPOSAL_STRONG)), ('weak', (ENC_WEAK, PROPOSAL_WEAK)),
                     ('odd', (ENC_ODD, PROPOSAL_ODD)), ('ladder', (ENC_LADDER,)))


def spelling_class(trunk):
    """How a trunk's VPN was spelled: ``proposal composed``, ``encryption weak``, ..."""
    vpn = trunk.get('vpn') if isinstance(trunk, dict) else None
    if not isinstance(vpn, dict):
        return None
    field = 'proposal' if 'proposal' in vpn else 'encryption'
    value = vpn.get(field)
    if not isinstance(value, str):
        return '%s mutated' % field
    for name, lists in _SPELLING_CLASSES:
        if any(value in spellings for spellings in lists):
            return '%s %s' % (field, name)
    return '%s %s' % (field, 'composed' if field == 'proposal' and len(value) < 200 else 'mutated')


def _error_faults(error, where):
    """Faults of a raised or reported TrunkInputError."""
    faults = ['%s: %s' % (where, f) for f in message_faults(str(error), ERROR_LIMIT)]
    try:
        data = error.as_dict()
    except Exception as failure:  # pylint: disable=broad-exception-caught
        return faults + ['%s: as_dict() raised %s: %s' % (where, type(failure).__name__, str(failure)[:200])]
    fault = json_fault(data)
    if fault:
        faults.append('%s: as_dict() is not JSON: %s' % (where, fault))
    for problem in data.get('problems') or ():
        faults.extend('%s: problem message %s' % (where, f) for f in message_faults(problem.get('message')))
        faults.extend('%s: problem field %s' % (where, f) for f in message_faults(problem.get('field')))
    faults.extend('%s: trunk label %s' % (where, f) for f in message_faults(data.get('trunk')))
    return faults


_KINDS = {'reasons': ('requires', 'allows'), 'warnings': ('warning',), 'blockers': ('blocker',)}


def _result_faults(result, trunk=None, rules=None):
    """The contract's invariants of one result (``trunk``: the input it came from)."""
    faults = []
    if not isinstance(result, dict):
        return ['result is %s' % type(result).__name__]
    decision = result.get('decision')
    if decision not in RANK:
        faults.append('decision %s' % short(decision))
        return faults
    required = decision == 'required'
    for key in ('tls', 'srtp'):
        if (result.get(key) or {}).get('required') is not required:
            faults.append('%s.required does not match decision %s' % (key, decision))
    if result.get('compliant') is not (not result.get('blockers')):
        faults.append('compliant does not match blockers')
    if bool(result.get('exposed')) is not required:
        faults.append('exposed %s with decision %s' % (short(result.get('exposed')), decision))
    for section, kinds in _KINDS.items():
        for item in result.get(section) or []:
            rule = item.get('rule')
            if rules is not None and rules.get(rule) not in kinds:
                faults.append('%s holds rule %s of kind %s' % (section, short(rule), rules.get(rule)))
            elif section == 'reasons' and rules is not None and (rules[rule] == 'requires') is not required:
                faults.append('reason %s with decision %s' % (rule, decision))
            faults.extend('finding %s: message %s' % (rule, f) for f in message_faults(item.get('message')))
            if isinstance(item.get('message'), str) and "'%s'" % result.get('name') not in item['message']:
                faults.append('finding %s: message does not name the trunk' % rule)
    if isinstance(trunk, dict):
        faults.extend(_setting_faults(result, trunk, required))
    fault = json_fault(result)
    if fault:
        faults.append('result is not JSON: %s' % fault)
    return faults


def _setting_faults(result, trunk, required):
    """``X.enable`` is ``X.required or (opportunistic and provider.X)``; blockers where required but unsupported."""
    faults = []
    provider = trunk.get('provider') if isinstance(trunk.get('provider'), dict) else {}
    opportunistic = trunk.get('opportunistic')
    opportunistic = True if opportunistic is None else opportunistic
    blockers = [b.get('rule') for b in result.get('blockers') or []]
    if trunk.get('connection') == 'public' and not required:
        faults.append('a public connection is not required')
    for key in ('tls', 'srtp'):
        supported = provider.get(key)
        if supported not in (None, True, False) or opportunistic not in (True, False):
            continue
        enable = required or (opportunistic and bool(supported))
        if (result.get(key) or {}).get('enable') is not enable:
            found = short((result.get(key) or {}).get('enable'))
            faults.append('%s.enable is %s, the contract says %s' % (key, found, enable))
        if ('provider-lacks-%s' % key in blockers) is not (required and not supported):
            faults.append('blocker provider-lacks-%s is %s' % (key, 'present' if not required or supported else 'missing'))
    return faults


def _call(failures, check, position, function, *args):
    """``(value, TrunkInputError or None)``; any other exception becomes a failure."""
    try:
        return function(*args), None
    except RecursionError as error:
        failures.append(Failure(check, 'raised RecursionError: %s' % str(error)[:160], position))
    except Exception as error:  # pylint: disable=broad-exception-caught
        from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError
        if isinstance(error, TrunkInputError):
            return None, error
        failures.append(Failure(check, 'raised %s: %s' % (type(error).__name__, str(error)[:160]), position))
    return None, False


def _stable_json(data):
    try:
        return json.dumps(data, sort_keys=True, default=repr)
    except (TypeError, ValueError, RecursionError) as error:
        return '<not JSON: %s>' % type(error).__name__


def _host_faults(host, count):
    faults = []
    if not isinstance(host, dict) or not isinstance(host.get('trunks'), list):
        return ['assess_host returned %s' % short(host)]
    if len(host['trunks']) != count:
        faults.append('assess_host gave %d entries for %d trunks' % (len(host['trunks']), count))
    fault = json_fault(host)
    if fault:
        faults.append('assess_host output is not JSON: %s' % fault)
    for entry in host['trunks']:
        if entry.get('valid'):
            continue
        faults.extend('assess_host entry error %s' % f for f in message_faults(entry.get('error'), ERROR_LIMIT))
        for problem in entry.get('problems') or ():
            faults.extend('assess_host problem message %s' % f for f in message_faults(problem.get('message')))
            faults.extend('assess_host problem field %s' % f for f in message_faults(problem.get('field')))
    counts = host.get('counts') or {}
    invalid = sum(1 for e in host['trunks'] if not e.get('valid'))
    if counts.get('trunks') != count or counts.get('invalid') != invalid:
        faults.append('counts %s do not match %d trunks, %d invalid' % (short(counts), count, invalid))
    return faults


def check_case(case, engine, stats=None, monotonicity=True):
    """Every check of one case; returns the failures (empty when the engine keeps the contract)."""
    stats = stats if stats is not None else Stats()
    failures = []
    trunks = case.trunks
    tp, assessment, gateway = engine.tp, engine.assessment, engine.gateway
    stats.cases += 1
    stats.trunks += case.trunk_count
    for kinds in case.kinds:
        stats.kinds.update(set(kinds))
    if case.tagged:
        stats.tagged += 1
        stats.kinds['tagged'] += case.trunk_count

    if not isinstance(trunks, list):
        for check, function in (('assess', tp.assess), ('assess_host', assessment.assess_host)):
            error = _call(failures, check, None, function, trunks)[1]
            if error:
                failures.extend(Failure(check, f) for f in _error_faults(error, 'host not a list'))
        stats.outcomes['host not a list'] += 1
        return failures

    outcomes, error = _call(failures, 'assess', None, tp.assess, trunks)
    if error is not None and error is not False:
        failures.append(Failure('assess', 'raised TrunkInputError for a list: %s' % str(error)[:160]))
    if outcomes is not None:
        if not isinstance(outcomes, list) or len(outcomes) != len(trunks):
            failures.append(Failure('assess', 'gave %s outcomes for %d trunks' % (
                len(outcomes) if isinstance(outcomes, list) else short(outcomes), len(trunks))))
            outcomes = None
    host, error = _call(failures, 'assess_host', None, assessment.assess_host, trunks)
    if error:
        failures.append(Failure('assess_host', 'raised TrunkInputError for a list: %s' % str(error)[:160]))
    if host is not None:
        failures.extend(Failure('assess_host', f) for f in _host_faults(host, len(trunks)))
    if case.tagged:
        tagged = tag(trunks)
        tagged_host, error = _call(failures, 'tagged assess_host', None, assessment.assess_host, tagged)
        if tagged_host is not None:
            failures.extend(Failure('tagged assess_host', f) for f in _host_faults(tagged_host, len(trunks)))
            if host is not None and _stable_json(tagged_host) != _stable_json(host):
                failures.append(Failure('tagged assess_host', 'differs from the untagged output: %s'
                                        % _first_difference(host, tagged_host)))

    stats.spellings.update(filter(None, (spelling_class(t) for t in trunks)))
    names = Counter(t.get('name') for t in trunks if isinstance(t, dict) and isinstance(t.get('name'), str))
    results = []
    for position, trunk in enumerate(trunks):
        alone, error = _call(failures, 'evaluate', position, tp.evaluate, trunk)
        if error:
            failures.extend(Failure('evaluate', f, position) for f in _error_faults(error, 'evaluate'))
        outcome = outcomes[position] if outcomes is not None else None
        if outcome is not None:
            failures.extend(_outcome_faults(outcome, position, len(trunks), trunk, alone, error, names))
        results.append(alone)
        if alone is None:
            stats.outcomes['invalid'] += 1
            settings = _call(failures, 'settings', position, gateway.settings, trunk)[0]
            if settings is not None:
                failures.append(Failure('settings', 'gave settings for a trunk the policy refuses', position))
            continue
        stats.outcomes[alone.get('decision') if isinstance(alone, dict) else 'broken'] += 1
        failures.extend(Failure('result', f, position) for f in _result_faults(alone, trunk, tp.RULES))
        failures.extend(Failure('grammar', f, position) for f in grammar_faults(trunk))
        why = expected_required(trunk)
        if why is not None:
            stats.oracle += 1
            if alone.get('decision') != 'required':
                failures.append(Failure('weak spelling passed', '%s but the decision is %s'
                                        % (why, alone.get('decision')), position))
        settings, settings_error = _call(failures, 'settings', position, gateway.settings, trunk)
        if settings_error:
            stats.settings['refused'] += 1
            failures.extend(Failure('settings', f, position) for f in _error_faults(settings_error, 'settings'))
        elif settings is not None:
            stats.settings['given'] += 1
            fault = json_fault(settings)
            if fault:
                failures.append(Failure('settings', 'not JSON: %s' % fault, position))
            if settings.get('decision') != alone.get('decision'):
                failures.append(Failure('settings', 'decision %s differs from the policy result %s'
                                        % (settings.get('decision'), alone.get('decision')), position))
            failures.extend(Failure('settings', f, position) for f in _settings_agree(settings, alone))
            failures.extend(Failure('settings grammar', f, position) for f in settings_faults(settings))
            if case.tagged:
                tagged_settings = _call(failures, 'tagged settings', position, gateway.settings, tag(trunk))[0]
                if tagged_settings is not None and _stable_json(tagged_settings) != _stable_json(settings):
                    failures.append(Failure('tagged settings', 'differs from the untagged settings', position))
        if monotonicity:
            failures.extend(_monotonicity(failures, stats, tp, trunk, alone, position))
    every, error = _call(failures, 'evaluate_all', None, tp.evaluate_all, trunks)
    clean = all(r is not None for r in results) and not any(n > 1 for n in names.values())
    if every is not None and (not clean or every != results):
        failures.append(Failure('evaluate_all', 'returned results although a trunk is invalid' if not clean
                                else 'results differ from each trunk evaluated alone'))
    if error and clean:
        failures.append(Failure('evaluate_all', 'raised for valid trunks: %s' % str(error)[:160]))
    return failures


def _outcome_faults(outcome, position, total, trunk, alone, alone_error, names):
    faults = []
    if not isinstance(outcome, dict) or outcome.get('index') != position or outcome.get('valid') not in (True, False):
        return [Failure('assess', 'outcome %s for trunk %d' % (short(outcome), position + 1), position)]
    name = trunk.get('name') if isinstance(trunk, dict) else None
    unique = not (isinstance(name, str) and names[name] > 1)
    if outcome['valid']:
        if alone is None and alone_error:
            faults.append(Failure('isolation', 'valid in the list, invalid alone: %s' % str(alone_error)[:160], position))
        elif alone is not None and outcome['result'] != alone:
            faults.append(Failure('isolation', 'result in the list differs from the result alone', position))
        if not unique:
            faults.append(Failure('assess', 'a trunk sharing its name with another is valid', position))
    else:
        error = outcome.get('error')
        if alone is not None and unique:
            faults.append(Failure('isolation', 'valid alone, invalid beside the others: %s' % str(error)[:160], position))
        label = getattr(error, 'trunk', None)
        if isinstance(label, str) and not (isinstance(name, str) and name.strip()) \
                and '%d of %d' % (position + 1, total) not in label:
            faults.append(Failure('position', 'a trunk without a name is labelled %s, not by its 1-based '
                                  'position %d of %d' % (short(label, 80), position + 1, total), position))
    return faults


def _monotonicity(failures, stats, tp, trunk, base, position):
    faults = []
    rank = RANK.get(base.get('decision'))
    if rank is None:
        return faults
    for what, weaker in weakenings(trunk):
        result, error = _call(failures, 'monotonicity', position, tp.evaluate, weaker)
        if error:
            stats.weakened['refused'] += 1
            continue
        if result is None:
            continue
        stats.weakened['checked'] += 1
        if RANK.get(result.get('decision'), -1) < rank:
            faults.append(Failure('monotonicity', '%s lowers the decision from %s to %s'
                                  % (what, base['decision'], result.get('decision')), position))
    return faults


def _first_difference(left, right, path='$'):
    if isinstance(left, dict) and isinstance(right, dict):
        # the counts last: they only echo a difference found in the entries
        for key in sorted(set(left) | set(right), key=lambda k: (k == 'counts', str(k))):
            if key not in left or key not in right:
                return '%s.%s present on one side only' % (path, key)
            if _stable_json(left[key]) != _stable_json(right[key]):
                return _first_difference(left[key], right[key], '%s.%s' % (path, key))
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for i, (a, b) in enumerate(zip(left, right)):
            if _stable_json(a) != _stable_json(b):
                return _first_difference(a, b, '%s[%d]' % (path, i))
    return '%s: %s vs %s' % (path, short(left, 100), short(right, 100))


# --------------------------------------------------------------------------- shrinking and campaigns

def _same(failure, found):
    return any(f.check == failure.check and f.signature() == failure.signature() for f in found)


def shrink(case, failure, engine, budget=150):
    """A smaller input that still fails the same way: one trunk, then fewer keys."""
    def fails(trunks):
        return _same(failure, check_case(Case(case.seed, case.index, trunks, [['shrink']] * _len(trunks), case.tagged),
                                         engine))

    current = case.trunks
    if isinstance(current, list) and failure.position is not None and len(current) > 1:
        alone = [current[failure.position]]
        if fails(alone):
            current = alone
    if not isinstance(current, list):
        return current
    tries = 0
    for position, trunk in enumerate(current):
        if not isinstance(trunk, dict):
            continue
        changed = True
        while changed and tries < budget:
            changed = False
            for key in list(trunk):
                tries += 1
                smaller = dict(trunk)
                del smaller[key]
                candidate = current[:position] + [smaller] + current[position + 1:]
                if fails(candidate):
                    trunk, current, changed = smaller, candidate, True
                    break
                value = trunk[key]
                if isinstance(value, dict) and len(value) > 1:
                    for inner in list(value):
                        tries += 1
                        smaller = dict(trunk)
                        smaller[key] = dict(value)
                        del smaller[key][inner]
                        candidate = current[:position] + [smaller] + current[position + 1:]
                        if fails(candidate):
                            trunk, current, changed = smaller, candidate, True
                            break
                    if changed:
                        break
    return current


def _len(trunks):
    return len(trunks) if isinstance(trunks, list) else 1


def campaign(trunks, seed=DEFAULT_SEED, engine=None, monotonicity=True, progress=None, max_seconds=None):
    """Cases of ``seed`` until ``trunks`` trunks were tried; ``(stats, failures, seconds)``."""
    engine = engine or Engine()
    stats = Stats()
    failures = []
    started = time.perf_counter()
    index = 0
    next_report = trunks // 10
    while stats.trunks < trunks:
        case = make_case(seed, index)
        before = time.perf_counter()
        found = check_case(case, engine, stats, monotonicity)
        spent = time.perf_counter() - before
        if spent > SLOW_CASE_S:
            found.append(Failure('slow', 'one case of %d trunks took %.1f s' % (case.trunk_count, spent)))
        for failure in found:
            failure.seed, failure.index = seed, index
            failure.kinds = case.kinds[failure.position] if failure.position is not None else sorted(
                {k for kinds in case.kinds for k in kinds})
        failures.extend(found)
        index += 1
        if progress and stats.trunks >= next_report:
            progress(stats, len(failures), time.perf_counter() - started)
            next_report += max(trunks // 10, 1)
        if max_seconds is not None and time.perf_counter() - started > max_seconds:
            break
    return stats, failures, time.perf_counter() - started


def group(failures):
    """Failures by signature, most frequent first: ``[(signature, [failures])]``."""
    groups = {}
    for failure in failures:
        groups.setdefault(failure.signature(), []).append(failure)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def describe_failures(failures, engine=None, examples=2, minimise=True, script='tests/fuzz/trunkfuzz.py',
                      shrink_groups=40):
    """Lines: each distinct failure, how often, and reproducers (seed, case, smallest input found).

    The first reproducer of each of the ``shrink_groups`` most frequent failures is shrunk.
    """
    lines = []
    for number, (signature, members) in enumerate(group(failures)):
        lines.append('%6d x %s' % (len(members), signature))
        for example, failure in enumerate(members[:examples]):
            case = make_case(failure.seed, failure.index)
            where = 'trunk %d' % (failure.position + 1) if failure.position is not None else 'host'
            kinds = ', '.join(failure.kinds or ())
            lines.append('         %s; %s of case %d (kinds: %s)' % (failure.detail[:300], where, failure.index, kinds))
            lines.append('         again: python %s --seed %d --case %d' % (script, failure.seed, failure.index))
            if minimise and engine is not None and example == 0 and number < shrink_groups:
                lines.append('         input: %s' % short(shrink(case, failure, engine), 120)[:600])
            else:
                lines.append('         input: %s' % short(case.trunks, 120)[:600])
    return lines


def summary(stats, failures, seconds):
    rate = stats.trunks / seconds if seconds else 0.0
    lines = ['%d trunks in %d cases (%d tagged as Ansible hands them over) in %.1f s: %.0f trunks/s'
             % (stats.trunks, stats.cases, stats.tagged, seconds, rate)]
    lines.append('made as: ' + ', '.join('%s %d' % item for item in sorted(stats.kinds.items())))
    lines.append('vpn spellings: ' + ', '.join('%s %d' % item for item in sorted(stats.spellings.items())))
    lines.append('outcomes (each trunk alone): ' + ', '.join('%s %d' % item for item in sorted(stats.outcomes.items())))
    lines.append('weakened variants: %d checked, %d refused as input errors; weak spellings checked: %d'
                 % (stats.weakened['checked'], stats.weakened['refused'], stats.oracle))
    lines.append('gateway settings: %d given, %d refused (missing wiring or bad values)'
                 % (stats.settings['given'], stats.settings['refused']))
    lines.append('%d failure(s), %d distinct' % (len(failures), len(group(failures))))
    return lines


def ensure_importable():
    """Make ``ansible_collections.voip.trunk_security`` importable when run as a script."""
    try:
        import ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy  # noqa: F401
        return
    except ImportError:
        pass
    # tests/conftest.py links the checkout as the collection (one implementation for every runner)
    spec = importlib.util.spec_from_file_location('tests_conftest', REPO / 'tests' / 'conftest.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('trunks', nargs='?', type=int, default=DEFAULT_TRUNKS,
                        help='how many trunks to try (default %(default)s)')
    parser.add_argument('--seed', type=int, default=DEFAULT_SEED, help='the campaign seed (default %(default)s)')
    parser.add_argument('--case', type=int, help='run only this case of the seed: print its input and failures')
    parser.add_argument('--examples', type=int, default=2, help='reproducers shown per distinct failure')
    parser.add_argument('--no-shrink', action='store_true', help='do not look for smaller failing inputs')
    parser.add_argument('--max-seconds', type=float, help='also stop after this many seconds')
    args = parser.parse_args(argv)
    ensure_importable()
    engine = Engine()
    if args.case is not None:
        case = make_case(args.seed, args.case)
        print('case %d of seed %d (kinds: %s, tagged: %s)' % (args.case, args.seed, case.kinds, case.tagged))
        print('input: %s' % short(case.trunks, 400))
        failures = check_case(case, engine)
        for failure in failures:
            failure.seed, failure.index = args.seed, args.case
            failure.kinds = case.kinds[failure.position] if failure.position is not None else []
        print('\n'.join(describe_failures(failures, engine, examples=len(failures) or 1, minimise=not args.no_shrink)
                        or ['no failure']))
        return 1 if failures else 0

    def progress(stats, found, seconds):
        print('... %d trunks, %d failure(s), %.0f s' % (stats.trunks, found, seconds), file=sys.stderr, flush=True)

    print('fuzzing the trunk policy engine: %d trunks, seed %d' % (args.trunks, args.seed), flush=True)
    stats, failures, seconds = campaign(args.trunks, args.seed, engine, progress=progress, max_seconds=args.max_seconds)
    print('\n'.join(summary(stats, failures, seconds)))
    if failures:
        print('\nfailures (distinct, most frequent first):')
        print('\n'.join(describe_failures(failures, engine, args.examples, not args.no_shrink)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
