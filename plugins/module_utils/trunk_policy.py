# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The trunk security policy: does a SIP trunk need TLS and SRTP on the gateway side?

Pure Python, no I/O, no Ansible import, so the filter, the action plugin, the
benchmarks and the tests all run the very same code.

The key condition (Microsoft's Mediation Server guidance): TLS and SRTP are required
when some point of the network path between the Mediation Server and the provider
is accessible to more than a limited set of non-IT personnel. The contract this
module implements, rule by rule, is in ``docs/policy.md``.

Entry points:

* :func:`evaluate` - one trunk dict to one result dict; raises :class:`TrunkInputError`.
* :func:`assess` - a host's list of trunks to a list of outcomes; a bad trunk becomes
  an ``invalid`` outcome beside the others and never hides them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.voip.trunk_security.plugins.module_utils import describe, grammar, strength

CONNECTIONS = ('private', 'vpn', 'public')
AUDIENCES = ('authorized_it', 'limited_non_it', 'shared', 'public')
#: ``unknown`` may be stated explicitly; it means the same as leaving the audience out.
AUDIENCE_VALUES = AUDIENCES + ('unknown',)
EXPOSED_AUDIENCES = frozenset(('shared', 'public'))
VPN_TRANSPORTS = ('udp', 'tcp')
SRTP_MODES = ('required', 'optional')

# Rule ids: stable, users' `when:` clauses and reports key on them.
PUBLIC_CONNECTION = 'public-connection'
SUBNET_EXPOSED = 'subnet-exposed'
SUBNET_AUDIENCE_UNKNOWN = 'subnet-audience-unknown'
SUBNET_ROUTABLE = 'subnet-routable'
VPN_WEAK_ENCRYPTION = 'vpn-weak-encryption'
VPN_WEAK_KEY_EXCHANGE = 'vpn-weak-key-exchange'
VPN_KEY_EXCHANGE_BELOW_128 = 'vpn-key-exchange-below-128'
UDP_OVER_TCP = 'udp-over-tcp'
SEGMENT_EXPOSED = 'segment-exposed'
SEGMENT_AUDIENCE_UNKNOWN = 'segment-audience-unknown'
PRIVATE_CONNECTION = 'private-connection'
VPN_CONNECTION = 'vpn-connection'
PROVIDER_LACKS_TLS = 'provider-lacks-tls'
PROVIDER_LACKS_SRTP = 'provider-lacks-srtp'

#: Every rule id, with its kind. ``segment-audience-unknown`` extends the contract.
RULES = {
    PUBLIC_CONNECTION: 'requires',
    SUBNET_EXPOSED: 'requires',
    SUBNET_AUDIENCE_UNKNOWN: 'warning',
    SUBNET_ROUTABLE: 'warning',
    VPN_WEAK_ENCRYPTION: 'requires',
    VPN_WEAK_KEY_EXCHANGE: 'requires',
    VPN_KEY_EXCHANGE_BELOW_128: 'warning',
    UDP_OVER_TCP: 'warning',
    SEGMENT_EXPOSED: 'requires',
    SEGMENT_AUDIENCE_UNKNOWN: 'warning',
    PRIVATE_CONNECTION: 'allows',
    VPN_CONNECTION: 'allows',
    PROVIDER_LACKS_TLS: 'blocker',
    PROVIDER_LACKS_SRTP: 'blocker',
}

# Names of the built-in points of the path.
MEDIATION_SUBNET = 'mediation-subnet'
DEDICATED_LINK = 'dedicated-link'
VPN_TRANSIT = 'vpn-transit'
INTERNET = 'internet'

_NAME = re.compile(r'[A-Za-z0-9_.-]+\Z')
_MISSING = object()


class InputProblem(object):
    """One thing wrong with a trunk: the field, the value found, what is allowed."""

    __slots__ = ('field', 'value', 'allowed', 'message')

    def __init__(self, field, message, value=_MISSING, allowed=None):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.message = message

    def as_dict(self):
        data = {'field': self.field, 'message': self.message}
        if self.value is not _MISSING:
            data['value'] = describe.jsonable(self.value)
        if self.allowed is not None:
            data['allowed'] = list(self.allowed) if isinstance(self.allowed, (list, tuple)) else self.allowed
        return data


class TrunkInputError(ValueError):
    """A malformed trunk. The message names the trunk (or its index), each field
    at fault, the value found and the allowed values."""

    def __init__(self, trunk, problems):
        self.trunk = trunk
        self.problems = list(problems)
        details = '; '.join('%s: %s' % (p.field, p.message) for p in self.problems)
        super(TrunkInputError, self).__init__('%s is invalid: %s' % (trunk, details))

    def as_dict(self):
        return {'trunk': self.trunk, 'message': str(self), 'problems': [p.as_dict() for p in self.problems]}


def _type_name(value):
    return describe.type_name(value)


def _show(value):
    return describe.show(value)


def _found(value):
    return describe.found(value)


_suggest = grammar.suggest


# The form of every value that reaches a configuration file (docs/policy.md, "The form of values").
MAX_NAME = 64
MAX_TEXT = 128
MAX_HOST_NAME = grammar.MAX_HOST_NAME
NAME_FORM = 'a name of letters, digits, ".", "_" and "-", at most %d characters' % MAX_NAME
TEXT_FORM = 'printable text of at most %d characters, on one line' % MAX_TEXT
IP_FORM = 'an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10 (not 0.0.0.0, :: or multicast)'
_HOST_NAME_WORDS = ('a host name (RFC 1123: labels of letters, digits and "-", 1-63 characters each, not starting or '
                    'ending with "-", separated by dots, %d characters in all)' % MAX_HOST_NAME)
HOST_FORM = 'an IPv4 or IPv6 address or ' + _HOST_NAME_WORDS
SERVER_NAME_FORM = 'an IPv4 or IPv6 address or ' + _HOST_NAME_WORDS[:-1] + '; a leading "*." label is allowed)'


is_host_name = grammar.is_host_name
#: The engine's addresses name one peer or listener: never 0.0.0.0, :: or multicast.
is_ip_literal = grammar.is_peer_address


def is_name(text):
    return isinstance(text, str) and 0 < len(text) <= MAX_NAME and _NAME.match(text) is not None


_FORMED = {}


class _Reader(object):
    """Reads one trunk, collecting every problem instead of stopping at the first."""

    __slots__ = ('problems',)

    def __init__(self):
        self.problems = []

    def problem(self, field, message, value=_MISSING, allowed=None):
        self.problems.append(InputProblem(field, message, value, allowed))

    def mapping(self, data, field, allowed_keys):
        if not isinstance(data, dict):
            self.problem(field, 'must be a mapping, found %s' % _found(data), data)
            return None
        if data.keys() <= _KEY_SETS[allowed_keys]:
            return data
        for key in [k for k in data if k not in _KEY_SETS[allowed_keys]]:
            shown = describe.show_key(key)
            where = '%s.%s' % (field, shown) if field != 'trunk' else shown
            self.problem(where, 'unknown key%s; allowed keys: %s' % (_suggest(key, allowed_keys), ', '.join(allowed_keys)),
                         key, allowed_keys)
        return data

    def choice(self, data, key, field, choices, default=_MISSING):
        value = data.get(key, _MISSING)
        if value.__class__ is str and value in choices:
            return value
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.problem(field, 'is required%s; allowed values: %s'
                             % (' (found null)' if value is None else '', ', '.join(choices)),
                             None if value is None else _MISSING, choices)
                return None
            return default
        if isinstance(value, str):
            if value in choices:
                return str(value)
            self.problem(field, '%s is not an allowed value%s; allowed values: %s'
                         % (_show(value), _suggest(value, choices), ', '.join(choices)), value, choices)
        else:
            self.problem(field, '%s is not an allowed value; allowed values: %s' % (_found(value), ', '.join(choices)),
                         value, choices)
        return None

    def boolean(self, data, key, field, default):
        value = data.get(key, default)
        if value is True or value is False:
            return value
        if value is None:
            return default
        self.problem(field, 'must be true or false, found %s' % _found(value), value, [True, False])
        return default

    def text(self, data, key, field, required=False, accept_int=False):
        value = data.get(key)
        if value.__class__ is str and value and not value.isspace():
            return value
        if value is None:
            if required:
                self.problem(field, 'is required')
            return None
        if accept_int and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10 ** 6:
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(field, 'must be a non-empty string, found %s' % _found(value), value)
            return None
        return str(value)

    def formed(self, data, key, field, check, form, required=False):
        """A string of a given form (a name, an address): anything else names the form."""
        value = self.text(data, key, field, required)
        if value is None:
            return None
        # an estate repeats its addresses and names: each is checked once
        verdict = _FORMED.get((check, value))
        if verdict is None:
            verdict = bool(check(value))
            if len(_FORMED) < 65536 and len(value) <= 256:
                _FORMED[(check, str(value))] = verdict
        if not verdict:
            self.problem(field, '%s is not %s' % (_show(value), form), value, form)
            return None
        return value

    def port(self, data, key, field):
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
            return int(value)
        hint = ''
        if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
            hint = ': write the port as a number, without quotes'
        self.problem(field, 'must be a port number from 1 to 65535, found %s%s' % (_found(value), hint), value)
        return None


def is_text(value):
    """Free text for reports (a provider's or a segment's name): printable, one line, bounded."""
    return isinstance(value, str) and len(value) <= MAX_TEXT and value.isprintable()


def is_server_name(value):
    return is_ip_literal(value) or is_host_name(value, wildcard=True)


def is_host(value):
    return is_ip_literal(value) or is_host_name(value)


_TRUNK_KEYS = ('name', 'connection', 'provider', 'mediation_subnet', 'vpn', 'segments', 'opportunistic', 'gateway')
_PROVIDER_KEYS = ('name', 'tls', 'srtp', 'address', 'port', 'server_name')
_SUBNET_KEYS = ('cidr', 'audience')
_VPN_KEYS = ('encryption', 'integrity', 'key_exchange', 'transport', 'proposal')
_SEGMENT_KEYS = ('name', 'audience', 'inside_vpn')
_GATEWAY_KEYS = ('address', 'tls_port', 'tcp_port', 'srtp_mode', 'mutual_tls')
_KEY_SETS = dict((keys, frozenset(keys))
                 for keys in (_TRUNK_KEYS, _PROVIDER_KEYS, _SUBNET_KEYS, _VPN_KEYS, _SEGMENT_KEYS, _GATEWAY_KEYS))


def place(index, total=None):
    """A place in a list, counted from 1: ``2 of 5`` (``position 2`` when the length is not known)."""
    return '%d of %d' % (index + 1, total) if total is not None else 'position %d' % (index + 1)


def position(index, total=None):
    """How a trunk without a usable name is named: ``trunk 2 of 5``."""
    return 'trunk %d of %d' % (index + 1, total) if total is not None else 'the trunk at position %d' % (index + 1)


def unnamed(index, total=None):
    """How reports name a trunk without a usable name: by its place, counted from 1 (``(2 of 5)``)."""
    return '(%s)' % place(index, total)


def report_name(trunk, index, total=None):
    """The trunk's name as reports show it: its own when it is printable one-line text, else :func:`unnamed`."""
    name = trunk.get('name') if isinstance(trunk, dict) else None
    return str(name) if is_text(name) and name.strip() else unnamed(index, total)


def _label(trunk, index, total=None):
    """How errors name a trunk: by its name when it has a usable one, and by its place when known."""
    name = trunk.get('name') if isinstance(trunk, dict) else None
    if is_text(name) and name.strip():
        # a name outside the grammar is still shown, quoted, when it is one line of text
        named = "trunk '%s'" % name if is_name(name) else 'trunk %s' % describe.quote(name)
        return named if index is None else '%s (%s)' % (named, place(index, total))
    return position(index, total) if index is not None else 'the trunk'


_NETWORKS = {}


def _network(cidr):
    """``(network as text, globally routable?)`` for a cidr; raises ValueError if it does not parse."""
    parsed = _NETWORKS.get(cidr)
    if parsed is None:
        network = ipaddress.ip_network(cidr, strict=False)
        parsed = (str(network), network.is_global)
        if len(_NETWORKS) < 65536:
            _NETWORKS[cidr] = parsed
    return parsed


class Trunk(object):
    """A validated trunk, as the rules read it."""

    __slots__ = ('name', 'connection', 'provider_name', 'provider_tls', 'provider_srtp', 'subnet', 'subnet_audience',
                 'vpn', 'segments', 'opportunistic', 'provider_address', 'provider_port', 'provider_server_name',
                 'gateway')


class Vpn(object):
    __slots__ = ('encryption', 'integrity', 'key_exchange', 'transport', 'proposal')


def parse(data, index=None, total=None):
    """Validate a trunk dict into a :class:`Trunk`; raise :class:`TrunkInputError` naming every problem.

    ``index`` (0-based) and ``total`` place the trunk in its list for the message ("trunk 2 of 5")."""
    read = _Reader()
    if read.mapping(data, 'trunk', _TRUNK_KEYS) is None:
        raise TrunkInputError(_label(data, index, total), read.problems)
    trunk = Trunk()
    trunk.name = read.formed(data, 'name', 'name', is_name, NAME_FORM, required=True)
    trunk.connection = read.choice(data, 'connection', 'connection', CONNECTIONS)
    trunk.opportunistic = read.boolean(data, 'opportunistic', 'opportunistic', True)

    trunk.provider_name, trunk.provider_tls, trunk.provider_srtp = None, False, False
    trunk.provider_address = trunk.provider_port = trunk.provider_server_name = None
    provider = data.get('provider')
    if provider is not None and read.mapping(provider, 'provider', _PROVIDER_KEYS) is not None:
        trunk.provider_name = read.formed(provider, 'name', 'provider.name', is_text, TEXT_FORM)
        trunk.provider_tls = read.boolean(provider, 'tls', 'provider.tls', False)
        trunk.provider_srtp = read.boolean(provider, 'srtp', 'provider.srtp', False)
        trunk.provider_address = read.formed(provider, 'address', 'provider.address', is_host, HOST_FORM)
        trunk.provider_server_name = read.formed(provider, 'server_name', 'provider.server_name', is_server_name,
                                                 SERVER_NAME_FORM)
        trunk.provider_port = read.port(provider, 'port', 'provider.port')

    trunk.subnet, trunk.subnet_audience = None, None
    subnet = data.get('mediation_subnet')
    if subnet is not None and read.mapping(subnet, 'mediation_subnet', _SUBNET_KEYS) is not None:
        trunk.subnet_audience = read.choice(subnet, 'audience', 'mediation_subnet.audience', AUDIENCE_VALUES, default=None)
        cidr = read.text(subnet, 'cidr', 'mediation_subnet.cidr')
        if cidr is not None:
            try:
                trunk.subnet = _network(cidr.strip())
            except ValueError:
                read.problem('mediation_subnet.cidr', '%s is not an IPv4 or IPv6 network such as 10.20.0.0/28' % _show(cidr),
                             cidr)
    if trunk.subnet_audience == 'unknown':
        trunk.subnet_audience = None

    trunk.vpn = _parse_vpn(read, data, trunk.connection)
    trunk.segments = _parse_segments(read, data, trunk.connection)
    trunk.gateway = _parse_gateway(read, data)

    if read.problems:
        raise TrunkInputError(_label(data, index, total), read.problems)
    return trunk


def _parse_vpn(read, data, connection):
    raw = data.get('vpn')
    if connection is not None and connection != 'vpn':
        if raw is not None:
            read.problem('vpn', "is only allowed when connection is 'vpn' (this trunk's connection is '%s'): "
                         'remove it or set connection: vpn' % connection, raw)
        return None
    if raw is None:
        if connection == 'vpn':
            read.problem('vpn', "is required when connection is 'vpn': give its encryption (and integrity, key_exchange, "
                         'transport) or one proposal string')
        return None
    if read.mapping(raw, 'vpn', _VPN_KEYS) is None:
        return None
    vpn = Vpn()
    vpn.proposal = read.text(raw, 'proposal', 'vpn.proposal')
    vpn.encryption = read.text(raw, 'encryption', 'vpn.encryption')
    vpn.integrity = read.text(raw, 'integrity', 'vpn.integrity', accept_int=True)
    vpn.key_exchange = read.text(raw, 'key_exchange', 'vpn.key_exchange', accept_int=True)
    vpn.transport = read.choice(raw, 'transport', 'vpn.transport', VPN_TRANSPORTS, default='udp')
    if vpn.proposal is not None and (vpn.encryption or vpn.integrity or vpn.key_exchange):
        read.problem('vpn.proposal', 'give either a proposal string or encryption/integrity/key_exchange, not both',
                     vpn.proposal)
    elif raw.get('proposal') is None and raw.get('encryption') is None:
        read.problem('vpn.encryption', "is required: the tunnel's cipher, such as aes-256-gcm (or give vpn.proposal)")
    return vpn


def _parse_segments(read, data, connection):
    raw = data.get('segments')
    if raw is None:
        return ()
    if not isinstance(raw, list):
        read.problem('segments', 'must be a list of points of the path, found %s' % _found(raw), raw)
        return ()
    segments = []
    for position, item in enumerate(raw):
        field = 'segments[%d]' % position
        if read.mapping(item, field, _SEGMENT_KEYS) is None:
            continue
        name = read.formed(item, 'name', field + '.name', is_text, TEXT_FORM, required=True)
        audience = read.choice(item, 'audience', field + '.audience', AUDIENCE_VALUES, default=None)
        inside_vpn = read.boolean(item, 'inside_vpn', field + '.inside_vpn', False)
        if inside_vpn and connection is not None and connection != 'vpn':
            read.problem(field + '.inside_vpn', "is true but the trunk's connection is '%s': there is no VPN to be inside of"
                         % connection, True)
        segments.append((name or field, None if audience == 'unknown' else audience, inside_vpn))
    return segments


def _parse_gateway(read, data):
    """The gateway-side wiring: ``{address, tls_port, tcp_port, srtp_mode, mutual_tls}`` (None where unset)."""
    raw = data.get('gateway')
    if raw is None or read.mapping(raw, 'gateway', _GATEWAY_KEYS) is None:
        return dict.fromkeys(_GATEWAY_KEYS)
    return {
        'address': read.formed(raw, 'address', 'gateway.address', is_ip_literal, IP_FORM),
        'tls_port': read.port(raw, 'tls_port', 'gateway.tls_port'),
        'tcp_port': read.port(raw, 'tcp_port', 'gateway.tcp_port'),
        'srtp_mode': read.choice(raw, 'srtp_mode', 'gateway.srtp_mode', SRTP_MODES, default=None),
        'mutual_tls': read.boolean(raw, 'mutual_tls', 'gateway.mutual_tls', None),
    }


def _finding(rule, message, point=None, found=None, expected=None):
    finding = {'rule': rule, 'message': message}
    if point is not None:
        finding['point'] = point
    if found is not None:
        finding['found'] = found
    if expected is not None:
        finding['expected'] = expected
    return finding


class _VpnVerdict(object):
    __slots__ = ('passes', 'requires', 'warnings')

    def __init__(self):
        self.passes = True
        self.requires = []
        self.warnings = []


def _judge_vpn(who, vpn):
    """Judge a tunnel's strength: does it protect what it carries?

    Fail-safe: an unrecognised name, a cipher without integrity of its own beside
    ``integrity: none``, and an IKE/ESP proposal whose cipher has no integrity and
    that names none, each count as weak.
    """
    verdict = _VpnVerdict()
    missing_integrity = ()
    if vpn.proposal is not None:
        proposal = strength.parse_proposal(vpn.proposal)
        ciphers, others = proposal.encryption, proposal.key_exchange + proposal.integrity
        missing_integrity = proposal.missing_integrity
        source = 'proposal %s' % _show(vpn.proposal)
        if proposal.unrecognised:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION,
                '%s: the VPN %s contains %s, which %s no known algorithm%s, so the tunnel\'s strength cannot be '
                'proven; it counts as weak and TLS and SRTP are required unless the proposal is corrected'
                % (who, source, _first_few(proposal.unrecognised),
                   'names' if len(proposal.unrecognised) == 1 else 'name', _hints(proposal.unrecognised)),
                VPN_TRANSIT, found=vpn.proposal, expected='known algorithms'))
        if not ciphers and not proposal.unrecognised:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION, '%s: the VPN %s names no cipher, so its encryption cannot be proven to reach '
                'AES-128 strength; TLS and SRTP are required' % (who, source), VPN_TRANSIT, found=vpn.proposal,
                expected='a cipher of at least 128 bits'))
    else:
        ciphers, others = [], []
        for kind, name in ((strength.ENCRYPTION, vpn.encryption), (strength.INTEGRITY, vpn.integrity),
                           (strength.KEY_EXCHANGE, vpn.key_exchange)):
            if name is None:
                continue
            algorithm = strength.lookup(kind, name)
            if algorithm is None:
                verdict.passes = False
                rule = VPN_WEAK_ENCRYPTION if kind == strength.ENCRYPTION else VPN_WEAK_KEY_EXCHANGE
                verdict.requires.append(_finding(
                    rule, '%s: the VPN %s %s is not a recognised algorithm%s, so its strength cannot be proven; it '
                    'counts as weak and TLS and SRTP are required (use a known name such as %s)'
                    % (who, kind.replace('_', ' '), _show(name), _hints([name]) if kind == strength.ENCRYPTION else '',
                       {'encryption': 'aes-256-gcm', 'integrity': 'sha256', 'key_exchange': 'ecp384'}[kind]),
                    VPN_TRANSIT, found=name, expected='a recognised %s algorithm' % kind.replace('_', ' ')))
            elif kind == strength.ENCRYPTION:
                ciphers.append(algorithm)
            else:
                others.append(algorithm)
    aead = bool(ciphers) and all(cipher.aead for cipher in ciphers)
    stream = [cipher for cipher in ciphers if cipher.name in ('chacha20', 'xchacha20')]
    if stream and not missing_integrity and not any(algorithm.kind == strength.INTEGRITY for algorithm in others):
        # a stream cipher without Poly1305 and no integrity stated: nothing authenticates the tunnel
        verdict.passes = False
        verdict.requires.append(_finding(
            VPN_WEAK_KEY_EXCHANGE,
            '%s: the VPN encrypts with %s and states no integrity algorithm; plain ChaCha20 is not ChaCha20-Poly1305 and '
            'carries no integrity of its own, so nothing would detect tampering with the tunnel; this counts as weak '
            'integrity and TLS and SRTP are required unless the tunnel uses chacha20-poly1305 or adds an integrity '
            'algorithm (sha256, say)' % (who, _show(stream[0].written)), VPN_TRANSIT, found=stream[0].written,
            expected='chacha20-poly1305, or an integrity algorithm of at least %d bits' % strength.MIN_KEY_EXCHANGE_BITS))
    if any(algorithm.name == strength.NO_INTEGRITY for algorithm in others):
        stated_none = [algorithm for algorithm in others if algorithm.name == strength.NO_INTEGRITY]
        others = [algorithm for algorithm in others if algorithm.name != strength.NO_INTEGRITY]
        if not aead:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_KEY_EXCHANGE,
                '%s: the VPN integrity is %s, and %s, so nothing would detect tampering with the tunnel; this counts as '
                'weak integrity and TLS and SRTP are required unless the tunnel adds an integrity algorithm (sha256, '
                'say) or moves to an AEAD cipher (aes-256-gcm, chacha20-poly1305)'
                % (who, _show(stated_none[0].written), _no_integrity_words(ciphers)), VPN_TRANSIT,
                found=stated_none[0].written, expected='an integrity algorithm of at least %d bits, or an AEAD cipher'
                % strength.MIN_KEY_EXCHANGE_BITS))
    for part in missing_integrity:
        verdict.passes = False
        verdict.requires.append(_finding(
            VPN_WEAK_KEY_EXCHANGE,
            '%s: the VPN proposal %s names no integrity algorithm%s%s, and its cipher carries no integrity of its own '
            '(it is not GCM, CCM or ChaCha20-Poly1305), so nothing would detect tampering with the tunnel; this counts '
            'as weak integrity and TLS and SRTP are required unless the proposal adds one (sha256, say) or moves to an '
            'AEAD cipher (aes256gcm16)'
            % (who, _show(vpn.proposal), '' if part == vpn.proposal.strip().rstrip('!') else ' in %s' % _show(part),
               ' (a PRF is not one)' if 'prf' in part.lower() else ''),
            VPN_TRANSIT, found=part, expected='an integrity algorithm of at least %d bits, or an AEAD cipher'
            % strength.MIN_KEY_EXCHANGE_BITS))
    if ciphers:
        weakest = min(ciphers, key=_bits)
        if weakest.bits < strength.MIN_ENCRYPTION_BITS:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION,
                '%s: the VPN encrypts with %s, below the AES-128 level the guidance asks of a VPN; '
                'TLS and SRTP are required unless the tunnel moves to AES-128 or better (aes-256-gcm, say)'
                % (who, _algorithm_words(weakest)), VPN_TRANSIT, found=weakest.name,
                expected='at least %d bits' % strength.MIN_ENCRYPTION_BITS))
    reported = set()
    for algorithm in sorted(others, key=_bits):
        what = 'key exchange' if algorithm.kind == strength.KEY_EXCHANGE else 'integrity'
        if algorithm.bits < strength.MIN_KEY_EXCHANGE_BITS and what not in reported:
            # the weakest of each kind: what to fix first
            reported.add(what)
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_KEY_EXCHANGE,
                '%s: the VPN %s %s is below the 112-bit minimum, so the tunnel cannot be trusted to hide the trunk; '
                'TLS and SRTP are required unless it moves to a stronger %s (%s, say)'
                % (who, what, _algorithm_words(algorithm), what, 'ecp384' if what == 'key exchange' else 'sha256'),
                VPN_TRANSIT, found=algorithm.name, expected='at least %d bits' % strength.MIN_KEY_EXCHANGE_BITS))
    warned = set()
    for algorithm in others:
        if (strength.MIN_KEY_EXCHANGE_BITS <= algorithm.bits < strength.WARN_BELOW_BITS
                and (algorithm.kind, algorithm.name, algorithm.written) not in warned):
            warned.add((algorithm.kind, algorithm.name, algorithm.written))
            what = 'key exchange' if algorithm.kind == strength.KEY_EXCHANGE else 'integrity'
            verdict.warnings.append(_finding(
                VPN_KEY_EXCHANGE_BELOW_128,
                '%s: the VPN %s %s passes, but is below 128 bits; plan a move to a stronger one '
                '(modp3072, ecp256 or better)' % (who, what, _algorithm_words(algorithm)), VPN_TRANSIT,
                found=algorithm.name, expected='at least 128 bits'))
    return verdict


def _first_few(tokens, shown=5):
    """'a', 'b', 'c' ... and 40 more: a message stays short whatever the proposal holds."""
    tokens = list(dict.fromkeys(str(token) for token in tokens))
    words = ', '.join(_show(token) for token in tokens[:shown])
    return words if len(tokens) <= shown else '%s and %d more' % (words, len(tokens) - shown)


def _algorithm_words(algorithm):
    """An algorithm as the user wrote it, then what it was read as: 'DES-EDE3-CBC' (3des, 112-bit strength)."""
    if algorithm.written == algorithm.name:
        return '%s (%d-bit strength)' % (_show(algorithm.written), algorithm.bits)
    return '%s (%s, %d-bit strength)' % (_show(algorithm.written), algorithm.name, algorithm.bits)


def _hints(names):
    """Why unrecognised names are not recognised, where a reason is known: ' (a mode alone is not a cipher ...)'."""
    hints = []
    for name in names:
        why = strength.hint(name)
        if why and why not in hints:
            hints.append(why)
    return ' (%s)' % '; '.join(hints) if hints else ''


def _no_integrity_words(ciphers):
    plain = [cipher for cipher in ciphers if not cipher.aead]
    if not plain:
        return 'its cipher cannot be shown to carry integrity of its own'
    cipher = plain[0]
    if cipher.name in ('chacha20', 'xchacha20'):
        return 'its cipher %s carries no integrity of its own (plain ChaCha20 is not ChaCha20-Poly1305)' % (
            _show(cipher.written))
    return 'its cipher %s carries no integrity of its own (it is not GCM, CCM or ChaCha20-Poly1305)' % (
        _show(cipher.written))


def _bits(algorithm):
    return algorithm.bits


_AUDIENCE_WORDS = {
    'authorized_it': 'only authorized IT engineers',
    'limited_non_it': 'a limited, known set of non-IT personnel',
    'shared': 'more than a limited set of non-IT personnel',
    'public': 'anyone',
}


def decide(trunk):
    """Apply every rule to a parsed :class:`Trunk`; return the contract's result dict."""
    who = "trunk '%s'" % trunk.name
    reasons, warnings, blockers, exposed = [], [], [], []

    subnet, routable = trunk.subnet or (None, False)
    subnet_words = 'the mediation subnet%s' % (' ' + subnet if subnet else '')
    audience = trunk.subnet_audience
    if audience is None:
        warnings.append(_finding(
            SUBNET_AUDIENCE_UNKNOWN,
            '%s: %s states no audience, so it counts as shared (exposed); set mediation_subnet.audience to who can '
            'really observe it' % (who, subnet_words), MEDIATION_SUBNET, expected='an audience'))
        audience = 'shared'
    if audience in EXPOSED_AUDIENCES:
        exposed.append(MEDIATION_SUBNET)
        reasons.append(_finding(
            SUBNET_EXPOSED,
            '%s: %s is observable by %s (audience %s): TLS and SRTP are required' % (
                who, subnet_words, _AUDIENCE_WORDS[audience], audience),
            MEDIATION_SUBNET, found=audience, expected='authorized_it or limited_non_it'))
    elif routable:
        warnings.append(_finding(
            SUBNET_ROUTABLE,
            '%s: %s is globally routable yet declared %s; check that no one beyond that audience can reach it'
            % (who, subnet_words, audience), MEDIATION_SUBNET, found=subnet, expected='a private range'))

    vpn_passes = False
    if trunk.connection == 'public':
        exposed.append(INTERNET)
        reasons.append(_finding(
            PUBLIC_CONNECTION,
            '%s: the connection is public: the path crosses the internet, where anyone may inspect every packet; '
            'TLS and SRTP are required' % who, INTERNET, found='public'))
    elif trunk.connection == 'vpn':
        verdict = _judge_vpn(who, trunk.vpn)
        vpn_passes = verdict.passes
        if not vpn_passes:
            exposed.append(VPN_TRANSIT)
        reasons.extend(verdict.requires)
        warnings.extend(verdict.warnings)
        if trunk.vpn.transport == 'tcp':
            warnings.append(_finding(
                UDP_OVER_TCP,
                '%s: the VPN tunnel runs over TCP: UDP media inside TCP suffers added latency and jitter on any loss; '
                'prefer a UDP transport for the tunnel' % who, VPN_TRANSIT, found='tcp', expected='udp'))

    for name, seg_audience, inside_vpn in trunk.segments:
        if seg_audience is None:
            warnings.append(_finding(
                SEGMENT_AUDIENCE_UNKNOWN,
                "%s: segment '%s' states no audience, so it counts as shared (exposed); set its audience" % (who, name),
                name, expected='an audience'))
            seg_audience = 'shared'
        if seg_audience in EXPOSED_AUDIENCES and not (inside_vpn and vpn_passes):
            exposed.append(name)
            why = ' (it is inside the VPN, but the VPN does not pass)' if inside_vpn else ''
            reasons.append(_finding(
                SEGMENT_EXPOSED,
                "%s: segment '%s' is observable by %s (audience %s)%s: TLS and SRTP are required"
                % (who, name, _AUDIENCE_WORDS[seg_audience], seg_audience, why), name, found=seg_audience,
                expected='authorized_it or limited_non_it, or inside a passing VPN'))

    required = bool(reasons)
    if not required:
        if trunk.connection == 'private':
            reasons.append(_finding(
                PRIVATE_CONNECTION,
                '%s: a dedicated private connection and a private mediation subnet: no point of the path is open to '
                'more than a limited set of non-IT personnel, so TLS and SRTP are not required' % who))
        elif trunk.connection == 'vpn':
            reasons.append(_finding(
                VPN_CONNECTION,
                '%s: the VPN encrypts at AES-128 strength or better and the mediation subnet is private, so TLS and '
                'SRTP are not required' % who))

    if required and not trunk.provider_tls:
        blockers.append(_finding(
            PROVIDER_LACKS_TLS,
            "%s: TLS is required but the provider%s does not support it (provider.tls is false): ask the provider for "
            'TLS, or change the path so it is not required' % (who, _provider_words(trunk)),
            found=False, expected=True))
    if required and not trunk.provider_srtp:
        blockers.append(_finding(
            PROVIDER_LACKS_SRTP,
            "%s: SRTP is required but the provider%s does not support it (provider.srtp is false): ask the provider for "
            'SRTP, or change the path so it is not required' % (who, _provider_words(trunk)),
            found=False, expected=True))

    return {
        'name': trunk.name,
        'connection': trunk.connection,
        'decision': 'required' if required else 'optional',
        'tls': {'required': required, 'enable': required or (trunk.opportunistic and trunk.provider_tls)},
        'srtp': {'required': required, 'enable': required or (trunk.opportunistic and trunk.provider_srtp)},
        'exposed': exposed,
        'reasons': reasons,
        'warnings': warnings,
        'blockers': blockers,
        'compliant': not blockers,
    }


def _provider_words(trunk):
    return " '%s'" % trunk.provider_name if trunk.provider_name else ''


def evaluate(data, index=None, total=None):
    """One trunk dict to its result dict. Raises :class:`TrunkInputError` on bad input."""
    return decide(parse(data, index, total))


def evaluate_all(trunks):
    """A list of trunks to a list of results; the first bad trunk (or duplicate name) raises."""
    outcomes = assess(trunks)
    for outcome in outcomes:
        if not outcome['valid']:
            raise outcome['error']
    return [outcome['result'] for outcome in outcomes]


def assess(trunks):
    """Assess a host's trunks one by one.

    Returns one outcome per trunk, in order: ``{'valid': True, 'index': i, 'result': {...}}``
    or ``{'valid': False, 'index': i, 'name': ..., 'error': TrunkInputError}``. Every trunk
    sharing a name with another is invalid: enforcement keyed by name would be ambiguous.
    """
    if not isinstance(trunks, (list, tuple)):
        raise TrunkInputError('the trunks', [InputProblem('trunks', 'must be a list of trunks, found %s' % _found(trunks),
                                                          trunks)])
    outcomes = []
    seen = {}
    total = len(trunks)
    for index, data in enumerate(trunks):
        try:
            outcome = {'valid': True, 'index': index, 'result': evaluate(data, index, total)}
        except TrunkInputError as error:
            name = data.get('name') if isinstance(data, dict) else None
            outcome = {'valid': False, 'index': index, 'name': str(name) if is_text(name) else None, 'error': error}
        outcomes.append(outcome)
        name = outcome['result']['name'] if outcome['valid'] else outcome['name']
        if name is not None:
            seen.setdefault(name, []).append(index)
    for name, indexes in seen.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = ', '.join(position(i, total) for i in indexes if i != index)
            problem = InputProblem('name', "%s is used by more than one trunk on this host (also %s): names must be unique"
                                   % (_show(name), others), name)
            previous = outcomes[index]
            problems = ([problem] + previous['error'].problems) if not previous['valid'] else [problem]
            outcomes[index] = {'valid': False, 'index': index, 'name': name,
                               'error': TrunkInputError(_label(trunks[index], index, total), problems)}
    return outcomes
