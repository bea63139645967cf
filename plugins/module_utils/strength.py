# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security strength, in bits, of the algorithms a VPN tunnel is built from.

Pure Python, no I/O, no Ansible import. Figures follow NIST SP 800-57 part 1
(security strength of symmetric ciphers, finite-field and elliptic-curve groups,
HMAC). Names are accepted in the common spellings of strongSwan/IKE proposals,
OpenVPN, Cisco, Azure and OpenSSL; :func:`canonical` folds them to one key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

ENCRYPTION = 'encryption'
KEY_EXCHANGE = 'key_exchange'
INTEGRITY = 'integrity'

#: Minimum strength for the tunnel's cipher (AES-128 class).
MIN_ENCRYPTION_BITS = 128
#: Minimum strength for key exchange and integrity; 112..127 passes with a warning.
MIN_KEY_EXCHANGE_BITS = 112
WARN_BELOW_BITS = 128


class Algorithm(object):
    """A recognised algorithm: its kind, canonical name and strength in bits."""

    __slots__ = ('kind', 'name', 'bits', 'aead')

    def __init__(self, kind, name, bits, aead=False):
        self.kind = kind
        self.name = name
        self.bits = bits
        self.aead = aead

    def __repr__(self):
        return 'Algorithm(%r, %r, %r)' % (self.kind, self.name, self.bits)


# Finite-field (MODP) groups by modulus size, and the IKE group numbers.
# Below 2048 bits the figures are approximate; all of them fail the 112-bit floor.
_MODP_BITS = {768: 64, 1024: 80, 1536: 96, 2048: 112, 3072: 128, 4096: 152, 6144: 176, 8192: 192}
_ECP_BITS = {192: 96, 224: 112, 256: 128, 384: 192, 521: 256}
_BRAINPOOL_BITS = {224: 112, 256: 128, 384: 192, 512: 256}
_IKE_GROUPS = {
    1: ('modp768', 64), 2: ('modp1024', 80), 5: ('modp1536', 96),
    14: ('modp2048', 112), 15: ('modp3072', 128), 16: ('modp4096', 152),
    17: ('modp6144', 176), 18: ('modp8192', 192),
    19: ('ecp256', 128), 20: ('ecp384', 192), 21: ('ecp521', 256),
    22: ('modp1024s160', 80), 23: ('modp2048s224', 112), 24: ('modp2048s256', 112),
    25: ('ecp192', 96), 26: ('ecp224', 112),
    27: ('ecp224bp', 112), 28: ('ecp256bp', 128), 29: ('ecp384bp', 192), 30: ('ecp512bp', 256),
    31: ('curve25519', 128), 32: ('curve448', 224),
}
_HASH_BITS = {'md5': 64, 'sha1': 128, 'sha224': 224, 'sha256': 256, 'sha384': 384, 'sha512': 512}

_SEPARATORS = re.compile(r'[\s_\-/.()]+')


def canonical(name):
    """Fold a spelling to lower case without separators: ``AES_256-GCM`` -> ``aes256gcm``."""
    return _SEPARATORS.sub('', name.strip().lower())


_MODES = r'(?:gcm|ccm|cbc|ctr|cfb|ofb|cfb8|cfb1|ecb)'
_AEAD_TAG = r'(?:gcm|ccm)(?:8|12|16|64|96|128)?'
# AES or Camellia in any mode, in the spellings of strongSwan (aes256gcm16), OpenVPN and
# OpenSSL (AES-256-GCM), Azure (GCMAES256), Cisco (esp-aes 256, esp-gcm 256).
_BLOCK_CIPHER = re.compile(
    r'^(?:(?P<family>aes|camellia)(?P<pre>' + _MODES + r')?(?P<size>128|192|256)?(?P<post>' + _AEAD_TAG + r'|' + _MODES
    + r')?|(?P<lead>gcm|ccm)(?P<family2>aes|camellia)?(?P<size2>128|192|256)?)$')
_CHACHA = re.compile(r'^x?chacha20(?:poly1305)?(?:openssh(?:com)?)?$')
_BLOWFISH = re.compile(r'^(?:bf|blowfish)(?:' + _MODES + r')?(?:\d{2,3})?(?:' + _MODES + r')?$')


def _block_cipher(match):
    family = match.group('family') or match.group('family2') or 'aes'
    size = match.group('size') or match.group('size2')
    # a bare "aes" is AES-128: every AES (and Camellia) key size is at least 128 bits
    bits = int(size) if size else 128
    mode = match.group('lead') or match.group('pre') or match.group('post') or ''
    aead = mode.startswith(('gcm', 'ccm'))
    name = '%s-%d%s' % (family, bits, ('-' + mode[:3]) if aead else '')
    return Algorithm(ENCRYPTION, name, bits, aead)


_FIXED_CIPHERS = {
    # 3-key triple DES: 112 bits, below the AES-128 floor.
    '3des': ('3des', 112), 'des3': ('3des', 112), 'desede3': ('3des', 112), 'desede3cbc': ('3des', 112),
    '3descbc': ('3des', 112), 'tripledes': ('3des', 112), 'tdes': ('3des', 112), 'tdea': ('3des', 112),
    'esp3des': ('3des', 112), 'des3cbc': ('3des', 112),
    # 2-key triple DES
    'desede': ('3des-2key', 80), 'desedecbc': ('3des-2key', 80), '2des': ('3des-2key', 80),
    'des': ('des', 56), 'descbc': ('des', 56), 'espdes': ('des', 56), 'des56': ('des', 56),
    'rc4': ('rc4', 0), 'arcfour': ('rc4', 0), 'rc4128': ('rc4', 0),
    # 64-bit block ciphers: SWEET32 limits them whatever their key size.
    'bf': ('blowfish', 64), 'bfcbc': ('blowfish', 64), 'blowfish': ('blowfish', 64),
    'cast128': ('cast128', 64), 'cast5': ('cast128', 64), 'cast5cbc': ('cast128', 64),
    'idea': ('idea', 64), 'ideacbc': ('idea', 64),
    'null': ('null', 0), 'none': ('null', 0), 'enull': ('null', 0), 'espnull': ('null', 0),
}


def _parse_cipher(key):
    if key in _FIXED_CIPHERS:
        name, bits = _FIXED_CIPHERS[key]
        return Algorithm(ENCRYPTION, name, bits)
    if key.startswith('esp') and len(key) > 3:
        key = key[3:]
        if key in _FIXED_CIPHERS:
            name, bits = _FIXED_CIPHERS[key]
            return Algorithm(ENCRYPTION, name, bits)
    if _CHACHA.match(key):
        return Algorithm(ENCRYPTION, 'chacha20-poly1305', 256, aead=True)
    match = _BLOCK_CIPHER.match(key)
    if match:
        return _block_cipher(match)
    if _BLOWFISH.match(key):
        return Algorithm(ENCRYPTION, 'blowfish', 64)
    return None


def _is_number(text):
    # ASCII digits only: str.isdigit() also takes superscripts and other digits int() refuses
    return 0 < len(text) <= 6 and text.isascii() and text.isdigit()


def _parse_key_exchange(key):
    for prefix in ('dhgroup', 'dhgrp', 'dh', 'group', 'pfs', 'grp'):
        if key.startswith(prefix) and _is_number(key[len(prefix):]):
            key = key[len(prefix):]
            break
    if _is_number(key):
        if key in ('2048', '1024', '768', '1536', '3072', '4096', '6144', '8192'):
            return Algorithm(KEY_EXCHANGE, 'modp' + key, _MODP_BITS[int(key)])
        group = _IKE_GROUPS.get(int(key))
        return Algorithm(KEY_EXCHANGE, group[0], group[1]) if group else None
    if key in ('prime256v1', 'prime192v1'):
        key = 'ecp' + key[5:8]
    if key in ('curve25519', 'x25519', 'ecp25519'):
        return Algorithm(KEY_EXCHANGE, 'curve25519', 128)
    if key in ('curve448', 'x448', 'ecp448'):
        return Algorithm(KEY_EXCHANGE, 'curve448', 224)
    for ike_name, bits in _IKE_GROUPS.values():
        if key == ike_name:
            return Algorithm(KEY_EXCHANGE, ike_name, bits)
    match = re.match(r'^(?:modp|ffdhe|dh)(\d+)$', key)
    if match and int(match.group(1)) in _MODP_BITS:
        return Algorithm(KEY_EXCHANGE, 'modp' + match.group(1), _MODP_BITS[int(match.group(1))])
    match = re.match(r'^(?:ecp|ecdh|ecdhp|secp|nistp|p)(\d+)(?:r1)?$', key)
    if match and int(match.group(1)) in _ECP_BITS:
        return Algorithm(KEY_EXCHANGE, 'ecp' + match.group(1), _ECP_BITS[int(match.group(1))])
    match = re.match(r'^(?:ecp(\d+)bp|brainpoolp(\d+)r1|brainpool(\d+))$', key)
    if match:
        size = int(next(g for g in match.groups() if g))
        if size in _BRAINPOOL_BITS:
            return Algorithm(KEY_EXCHANGE, 'ecp%dbp' % size, _BRAINPOOL_BITS[size])
    return None


def _parse_integrity(key):
    if key.startswith('prf') and len(key) > 3:
        key = key[3:]
    if key.startswith('hmac') and len(key) > 4:
        key = key[4:]
    if key.startswith('esp') and len(key) > 3:
        key = key[3:]
    if key in ('sha', 'sha196', 'sha1hmac', 'sha1160'):
        key = 'sha1'
    if key in ('md596', 'md5hmac'):
        key = 'md5'
    if key in ('aesxcbc', 'aesxcbcmac', 'aescmac', 'aes128xcbc', 'aes128cmac', 'xcbc', 'cmac'):
        return Algorithm(INTEGRITY, 'aes-xcbc', 128)
    if key in ('aes128gmac', 'aes192gmac', 'aes256gmac'):
        return Algorithm(INTEGRITY, 'aes-gmac', int(key[3:6]))
    if key in ('none', 'null'):
        # no separate integrity: fine with an AEAD cipher (GCM, CCM, ChaCha20-Poly1305), else none at all
        return Algorithm(INTEGRITY, 'none', 0)
    if key in ('poly1305',):
        return Algorithm(INTEGRITY, 'poly1305', 256)
    match = re.match(r'^(md5|sha1|sha(?:2)?(224|256|384|512))(?:\d{2,3})?$', key)
    if match:
        base = match.group(1)
        name = 'sha' + match.group(2) if match.group(2) else base
        return Algorithm(INTEGRITY, name, _HASH_BITS[name])
    return None


_PARSERS = {ENCRYPTION: _parse_cipher, KEY_EXCHANGE: _parse_key_exchange, INTEGRITY: _parse_integrity}
_CACHE = {}


def lookup(kind, name):
    """The :class:`Algorithm` a name stands for as ``kind``, or ``None`` if unrecognised.

    >>> lookup(ENCRYPTION, 'AES-256-GCM').bits
    256
    >>> lookup(KEY_EXCHANGE, 'modp1024').bits
    80
    """
    cache_key = (kind, name)
    try:
        return _CACHE[cache_key]
    except KeyError:
        pass
    result = _PARSERS[kind](canonical(name)) if name.strip() else None
    if len(_CACHE) < 4096:
        _CACHE[cache_key] = result
    return result


# Tokens of an IKE/ESP proposal that carry no algorithm.
_NEUTRAL_TOKENS = frozenset(('esn', 'noesn', 'ike', 'esp', 'ah', ''))


class Proposal(object):
    """An IKE/ESP proposal parsed into its algorithms.

    ``unrecognised`` lists the tokens that name no known algorithm.
    """

    __slots__ = ('encryption', 'integrity', 'key_exchange', 'unrecognised')

    def __init__(self):
        self.encryption = []
        self.integrity = []
        self.key_exchange = []
        self.unrecognised = []


def parse_proposal(text):
    """Parse ``aes256gcm16-prfsha384-ecp384``, ``3des-sha1-modp1024``, ``wireguard``,
    a plain cipher name such as ``AES-256-GCM``, or several proposals separated by
    commas. Every algorithm listed may be negotiated, so callers judge the weakest.
    """
    cached = _CACHE.get(('proposal', text))
    if cached is not None:
        return cached
    proposal = Proposal()
    for part in text.split(','):
        part = part.strip().rstrip('!')
        whole = canonical(part)
        if whole == 'wireguard':
            proposal.encryption.append(Algorithm(ENCRYPTION, 'chacha20-poly1305', 256, aead=True))
            proposal.key_exchange.append(Algorithm(KEY_EXCHANGE, 'curve25519', 128))
            continue
        _add_tokens(proposal, part)
    if len(_CACHE) < 4096:
        _CACHE[('proposal', text)] = proposal
    return proposal


def _add_tokens(proposal, part):
    found = ([], [], [])
    unrecognised = []
    for token in part.split('-'):
        key = canonical(token)
        if key in _NEUTRAL_TOKENS:
            continue
        for kind, target in zip((ENCRYPTION, KEY_EXCHANGE, INTEGRITY), found):
            algorithm = _PARSERS[kind](key)
            if algorithm is not None:
                target.append(algorithm)
                break
        else:
            unrecognised.append(token)
    if unrecognised:
        # not an IKE/ESP proposal after all: an OpenVPN-style cipher name such as
        # AES-256-GCM or DES-EDE3-CBC, whose '-' separated parts mean nothing alone
        whole = _parse_cipher(canonical(part))
        if whole is not None:
            proposal.encryption.append(whole)
            return
    proposal.encryption.extend(found[0])
    proposal.key_exchange.extend(found[1])
    proposal.integrity.extend(found[2])
    proposal.unrecognised.extend(unrecognised)
