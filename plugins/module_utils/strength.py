# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security strength, in bits, of the algorithms a VPN tunnel is built from.

Pure Python, no I/O, no Ansible import. Figures follow NIST SP 800-57 part 1
(security strength of symmetric ciphers, finite-field and elliptic-curve groups,
HMAC). Names are accepted in the common spellings of strongSwan/IKE proposals,
OpenVPN, Cisco, Azure and OpenSSL; :func:`canonical` folds them to one key.

Fail-safe reading: a name is recognised only in a form listed here. AES and
Camellia count only in CBC, CTR, GCM or CCM mode; ECB or any other mode, a mode
alone (``gcm``), and a number of any other length are unrecognised, and an
unrecognised name counts as weak. Plain ChaCha20 (without Poly1305) is not AEAD:
it needs an integrity algorithm beside it.
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

#: The integrity algorithm that stands for "no integrity" (``integrity: none``).
NO_INTEGRITY = 'none'


class Algorithm(object):
    """A recognised algorithm: its kind, canonical name and strength in bits.

    ``aead``: the cipher carries its own integrity (GCM, CCM, ChaCha20-Poly1305).
    ``written``: the spelling it was read from, as the user wrote it.
    """

    __slots__ = ('kind', 'name', 'bits', 'aead', 'written')

    def __init__(self, kind, name, bits, aead=False, written=None):
        self.kind = kind
        self.name = name
        self.bits = bits
        self.aead = aead
        self.written = name if written is None else written

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
_IKE_GROUP_NAMES = dict((name, bits) for name, bits in _IKE_GROUPS.values())
_MODP_SIZES = frozenset(str(size) for size in _MODP_BITS)
_HASH_BITS = {'md5': 64, 'sha1': 128, 'sha224': 224, 'sha256': 256, 'sha384': 384, 'sha512': 512}

_SEPARATORS = re.compile(r'[\s_\-/.()]+')

# Every number in a name is at most this many ASCII digits: longer digit runs (and
# other scripts' digits, which int() would take) are simply unrecognised, never
# converted (Python refuses int() of more than 4300 digits).
_MAX_DIGITS = 6


def canonical(name):
    """Fold a spelling to lower case without separators: ``AES_256-GCM`` -> ``aes256gcm``."""
    return _SEPARATORS.sub('', name.strip().lower())


def _is_number(text):
    # ASCII digits only: str.isdigit() also takes superscripts and other digits int() refuses
    return 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()


# The modes AES and Camellia count in (docs/policy.md); anything else is unrecognised.
_MODES = r'(?:gcm|ccm|cbc|ctr)'
_AEAD_TAG = r'(?:gcm|ccm)(?:8|12|16|64|96|128)?'
# AES or Camellia in a listed mode, in the spellings of strongSwan (aes256gcm16), OpenVPN
# and OpenSSL (AES-256-GCM), Azure (GCMAES256), Cisco (esp-aes 256, esp-gcm 256). A mode
# alone (gcm, ccm16) is no cipher: the leading form needs a family or a key size.
_BLOCK_CIPHER = re.compile(
    r'^(?:(?P<family>aes|camellia)(?P<pre>' + _MODES + r')?(?P<size>128|192|256)?(?P<post>' + _AEAD_TAG + r'|'
    + _MODES + r')?|(?P<lead>gcm|ccm)(?:(?P<family2>aes|camellia)(?P<size2>128|192|256)?|(?P<size3>128|192|256)))$')
_CHACHA = re.compile(r'^(?P<x>x?)chacha20(?P<poly>poly1305(?:openssh(?:com)?)?)?$')
# Blowfish is weak in any mode, so any mode is recognised (as weak).
_BLOWFISH = re.compile(r'^(?:bf|blowfish)(?:(?:gcm|ccm|cbc|ctr|cfb|cfb1|cfb8|ofb|ecb))?(?:[0-9]{2,3})?'
                       r'(?:(?:gcm|ccm|cbc|ctr|cfb|cfb1|cfb8|ofb|ecb))?$')


def _block_cipher(match):
    if match.group('pre') and match.group('post'):
        return None  # two modes (aescbc256gcm): no such cipher
    family = match.group('family') or match.group('family2') or 'aes'
    size = match.group('size') or match.group('size2') or match.group('size3')
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
    match = _CHACHA.match(key)
    if match:
        name = match.group('x') + 'chacha20'
        if match.group('poly'):
            return Algorithm(ENCRYPTION, name + '-poly1305', 256, aead=True)
        # plain (X)ChaCha20 is a stream cipher without integrity: not AEAD
        return Algorithm(ENCRYPTION, name, 256)
    match = _BLOCK_CIPHER.match(key)
    if match:
        return _block_cipher(match)
    if _BLOWFISH.match(key):
        return Algorithm(ENCRYPTION, 'blowfish', 64)
    return None


_MODP_NAME = re.compile(r'^(?:modp|ffdhe|dh)([0-9]{3,4})$')
_ECP_NAME = re.compile(r'^(?:ecp|ecdh|ecdhp|secp|nistp|p)([0-9]{3})(?:r1)?$')
_BRAINPOOL_NAME = re.compile(r'^(?:ecp([0-9]{3})bp|brainpoolp([0-9]{3})r1|brainpool([0-9]{3}))$')


def _parse_key_exchange(key):
    for prefix in ('dhgroup', 'dhgrp', 'dh', 'group', 'pfs', 'grp'):
        if key.startswith(prefix) and _is_number(key[len(prefix):]):
            key = key[len(prefix):]
            break
    if _is_number(key):
        if key in _MODP_SIZES:
            return Algorithm(KEY_EXCHANGE, 'modp' + key, _MODP_BITS[int(key)])
        group = _IKE_GROUPS.get(int(key))
        return Algorithm(KEY_EXCHANGE, group[0], group[1]) if group else None
    if key in ('prime256v1', 'prime192v1'):
        key = 'ecp' + key[5:8]
    if key in ('curve25519', 'x25519', 'ecp25519'):
        return Algorithm(KEY_EXCHANGE, 'curve25519', 128)
    if key in ('curve448', 'x448', 'ecp448'):
        return Algorithm(KEY_EXCHANGE, 'curve448', 224)
    if key in _IKE_GROUP_NAMES:
        return Algorithm(KEY_EXCHANGE, key, _IKE_GROUP_NAMES[key])
    match = _MODP_NAME.match(key)
    if match and int(match.group(1)) in _MODP_BITS:
        return Algorithm(KEY_EXCHANGE, 'modp' + match.group(1), _MODP_BITS[int(match.group(1))])
    match = _ECP_NAME.match(key)
    if match and int(match.group(1)) in _ECP_BITS:
        return Algorithm(KEY_EXCHANGE, 'ecp' + match.group(1), _ECP_BITS[int(match.group(1))])
    match = _BRAINPOOL_NAME.match(key)
    if match:
        size = int(next(g for g in match.groups() if g))
        if size in _BRAINPOOL_BITS:
            return Algorithm(KEY_EXCHANGE, 'ecp%dbp' % size, _BRAINPOOL_BITS[size])
    return None


# Tokens of an IKE/ESP proposal that carry no algorithm.
_NEUTRAL_TOKENS = frozenset(('esn', 'noesn', 'ike', 'esp', 'ah', ''))

_HASH_NAME = re.compile(r'^(md5|sha1|sha(?:2)?(224|256|384|512))(?:[0-9]{2,3})?$')


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
        return Algorithm(INTEGRITY, NO_INTEGRITY, 0)
    if key in ('poly1305',):
        return Algorithm(INTEGRITY, 'poly1305', 256)
    match = _HASH_NAME.match(key)
    if match:
        base = match.group(1)
        name = 'sha' + match.group(2) if match.group(2) else base
        return Algorithm(INTEGRITY, name, _HASH_BITS[name])
    return None


_TOKEN_KINDS = ((ENCRYPTION, _parse_cipher), (KEY_EXCHANGE, _parse_key_exchange), (INTEGRITY, _parse_integrity))


def _classify(keys):
    """The algorithms that folded keys name on their own: (ciphers, key exchanges, integrities, unrecognised)."""
    found = ([], [], [], [])
    for key in keys:
        if key in _NEUTRAL_TOKENS:
            continue
        for position, (_kind, parse) in enumerate(_TOKEN_KINDS):
            algorithm = parse(key)
            if algorithm is not None:
                found[position].append(algorithm)
                break
        else:
            found[3].append(key)
    return found


def _pieces(text):
    return [piece for piece in _SEPARATORS.split(text.strip().lower()) if piece]


def _cipher_name(text):
    """One cipher name, separators allowed (``AES-256-GCM``, ``esp-aes 256``), read fail-safe.

    The name folds to one cipher only when that reading hides no piece that is weak or
    of another kind on its own: no key exchange (``aes-2-56``: '2' is DH group 2), no
    integrity (the Poly1305 of ChaCha20-Poly1305 aside), and no cipher below 128 bits
    under a reading of 128 bits or more.
    """
    whole = _parse_cipher(canonical(text))
    if whole is None:
        return None
    pieces = _pieces(text)
    if len(pieces) > 1:
        ciphers, key_exchanges, integrities, _unknown = _classify(pieces)
        if key_exchanges:
            return None
        for integrity in integrities:
            if not (integrity.name == 'poly1305' and whole.name.endswith('-poly1305')):
                return None
        if whole.bits >= MIN_ENCRYPTION_BITS:
            for cipher in ciphers:
                if cipher.bits < MIN_ENCRYPTION_BITS:
                    return None
    return whole


def _key_exchange_name(text):
    """One key exchange name, read fail-safe: a piece that is on its own a weaker group, or
    an algorithm of another kind, is never folded away (``group-1-9`` is not group 19)."""
    whole = _parse_key_exchange(canonical(text))
    if whole is None:
        return None
    pieces = _pieces(text)
    if len(pieces) > 1:
        ciphers, key_exchanges, integrities, _unknown = _classify(pieces)
        if ciphers or integrities:
            return None
        for group in key_exchanges:
            if group.bits < whole.bits:
                return None
    return whole


def _integrity_name(text):
    return _parse_integrity(canonical(text))


_PARSERS = {ENCRYPTION: _cipher_name, KEY_EXCHANGE: _key_exchange_name, INTEGRITY: _integrity_name}
_NAME_KINDS = ((ENCRYPTION, _cipher_name), (KEY_EXCHANGE, _key_exchange_name), (INTEGRITY, _integrity_name))

# Results of lookup() and parse_proposal(), keyed by the text as given. Bounded: the
# cache starts over when full, and very long texts (never a real name) are not kept.
_CACHE = {}
_CACHE_SIZE = 4096
_CACHE_MAX_KEY = 512


def _remember(key, text, value):
    if len(text) <= _CACHE_MAX_KEY:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = value


def lookup(kind, name):
    """The :class:`Algorithm` a name stands for as ``kind``, or ``None`` if unrecognised.

    The result is shared between calls: do not change it.

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
    result = _PARSERS[kind](name) if name.strip() else None
    if result is not None:
        result.written = name
    _remember(cache_key, name, result)
    return result


_BARE_MODE = re.compile(r'^(?:esp)?(?:gcm|ccm|cbc|ctr|ecb|cfb|cfb1|cfb8|ofb|xts|ocb|siv|eax|gmac)'
                        r'(?:8|12|16|64|96|128)?$')
_OTHER_MODE = re.compile(r'^(?:esp)?(?:aes|camellia)(?:128|192|256)?(ecb|cfb|ofb|xts|ocb|siv|eax|wrap|kw)')


def hint(name):
    """Why a cipher name is not recognised, when a known reason applies, else ``''``.

    >>> hint('aes-256-ecb')
    'AES and Camellia count only in CBC, CTR, GCM or CCM mode; ECB shows patterns of the plaintext'
    """
    key = canonical(name)
    if _BARE_MODE.match(key):
        return 'a mode alone is not a cipher: name the cipher with it, such as aes-256-gcm'
    match = _OTHER_MODE.match(key)
    if match:
        return 'AES and Camellia count only in CBC, CTR, GCM or CCM mode' + (
            '; ECB shows patterns of the plaintext' if match.group(1) == 'ecb' else '')
    return ''


class Proposal(object):
    """An IKE/ESP proposal parsed into its algorithms.

    ``unrecognised`` lists the tokens (as written) that name no known algorithm;
    ``missing_integrity`` the parts (as written) that are IKE/ESP proposals with a
    cipher that carries no integrity of its own and no integrity algorithm.
    The result is shared between calls: do not change it.
    """

    __slots__ = ('encryption', 'integrity', 'key_exchange', 'unrecognised', 'missing_integrity')

    def __init__(self):
        self.encryption = []
        self.integrity = []
        self.key_exchange = []
        self.unrecognised = []
        self.missing_integrity = []


def parse_proposal(text):
    """Parse ``aes256gcm16-prfsha384-ecp384``, ``3des-sha1-modp1024``, ``wireguard``,
    a plain cipher name such as ``AES-256-GCM``, or several proposals separated by
    commas. Every algorithm listed may be negotiated, so callers judge the weakest.

    Each comma-separated part is read in one of two ways:

    - as **one cipher name** (OpenVPN/OpenSSL ``AES-256-GCM``, ``DES-EDE3-CBC``,
      Cisco ``esp-aes 256``) when the whole part, separators ignored, is a cipher
      name and that reading cannot hide a weak token: no piece of the part is a
      key exchange or an integrity algorithm (Poly1305 in ChaCha20-Poly1305
      aside), no piece that is a cipher below 128 bits is replaced by a reading
      of 128 bits or more (``aes-2-56`` is not AES-256: its ``2`` is DH group 2).
      This is the reading of ``encryption:`` too. A cipher name alone states no
      integrity, like ``encryption:`` alone.
    - otherwise as an **IKE/ESP proposal** of '-' separated tokens, each of which
      must name an algorithm (``esn``, ``noesn``, ``ike``, ``esp``, ``ah`` name
      none and are skipped): a token that does not is unrecognised, and every
      token recognised is kept. A proposal of two or more tokens whose cipher
      carries no integrity of its own (not GCM, CCM or ChaCha20-Poly1305) and
      that names no integrity algorithm (a PRF is not one) lacks integrity.
    """
    cache_key = ('proposal', text)
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    proposal = Proposal()
    for part in text.split(','):
        part = part.strip().rstrip('!')
        whole = canonical(part)
        if whole == 'wireguard':
            proposal.encryption.append(Algorithm(ENCRYPTION, 'chacha20-poly1305', 256, aead=True, written=part))
            proposal.key_exchange.append(Algorithm(KEY_EXCHANGE, 'curve25519', 128, written=part))
            continue
        _add_part(proposal, part)
    _remember(cache_key, text, proposal)
    return proposal


def _add_part(proposal, part):
    ciphers, key_exchanges, integrities = [], [], []
    unrecognised = []
    tokens = 0
    has_integrity = False
    for token in part.split('-'):
        key = canonical(token)
        if key:
            tokens += 1
        if key in _NEUTRAL_TOKENS:
            continue
        for kind, parse in _NAME_KINDS:
            algorithm = parse(token)
            if algorithm is not None:
                algorithm.written = token.strip()
                if kind == ENCRYPTION:
                    ciphers.append(algorithm)
                elif kind == KEY_EXCHANGE:
                    key_exchanges.append(algorithm)
                else:
                    integrities.append(algorithm)
                    # a PRF derives keys; it does not protect the packets
                    has_integrity = has_integrity or not key.startswith('prf')
                break
        else:
            unrecognised.append(token.strip())
    if tokens > 1:
        name = _cipher_name(part)
        if name is not None:
            name.written = part
            proposal.encryption.append(name)
            return
    proposal.encryption.extend(ciphers)
    proposal.key_exchange.extend(key_exchanges)
    proposal.integrity.extend(integrities)
    proposal.unrecognised.extend(unrecognised)
    if (tokens > 1 and not unrecognised and not has_integrity
            and any(not cipher.aead for cipher in ciphers)):
        proposal.missing_integrity.append(part)
