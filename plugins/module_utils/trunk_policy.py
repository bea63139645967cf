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

import difflib
import ipaddress
import re

from ansible_collections.voip.trunk_security.plugins.module_utils import strength

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

_NAME = re.compile(r'^[A-Za-z0-9_.-]+$')
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
            data['value'] = _jsonable(self.value)
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


# Python refuses to print integers of more than 4300 digits: describe them instead.
_HUGE_INT_BITS = 4096


def _jsonable(value):
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _HUGE_INT_BITS:
        return _show(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return _show(value)


def _type_name(value):
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, int):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, dict):
        return 'a mapping'
    if isinstance(value, (list, tuple)):
        return 'a list'
    if value is None:
        return 'null'
    return 'a %s' % type(value).__name__


def _show(value):
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _HUGE_INT_BITS:
        return 'a %d-bit integer' % value.bit_length()
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (dict, list, tuple)) and len(value) > 20:
        return '%s of %d items' % (_type_name(value), len(value))
    try:
        return repr(value) if value is not None else 'null'
    except ValueError:  # a huge integer inside a container
        return _type_name(value)


def _suggest(word, choices):
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return (" (did you mean '%s'?)" % close[0]) if close else ''


class _Reader(object):
    """Reads one trunk, collecting every problem instead of stopping at the first."""

    __slots__ = ('problems',)

    def __init__(self):
        self.problems = []

    def problem(self, field, message, value=_MISSING, allowed=None):
        self.problems.append(InputProblem(field, message, value, allowed))

    def mapping(self, data, field, allowed_keys):
        if not isinstance(data, dict):
            self.problem(field, 'must be a mapping, found %s %s' % (_type_name(data), _show(data)), data)
            return None
        if data.keys() <= _KEY_SETS[allowed_keys]:
            return data
        for key in [k for k in data if k not in allowed_keys]:
            where = '%s.%s' % (field, key) if field != 'trunk' else str(key)
            self.problem(where, 'unknown key%s; allowed keys: %s' % (_suggest(key, allowed_keys), ', '.join(allowed_keys)),
                         key, allowed_keys)
        return data

    def choice(self, data, key, field, choices, default=_MISSING):
        value = data.get(key, _MISSING)
        if value.__class__ is str and value in choices:
            return value
        if value is _MISSING or (value is None and default is not _MISSING):
            if default is _MISSING:
                self.problem(field, 'is required; allowed values: %s' % ', '.join(choices), allowed=choices)
            return None if default is _MISSING else default
        if not isinstance(value, str) or value not in choices:
            self.problem(field, '%s is not an allowed value%s; allowed values: %s'
                         % (_show(value), _suggest(value, choices) if isinstance(value, str) else '', ', '.join(choices)),
                         value, choices)
            return None
        return value

    def boolean(self, data, key, field, default):
        value = data.get(key, default)
        if value is True or value is False:
            return value
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(field, 'must be true or false, found %s %s' % (_type_name(value), _show(value)), value, [True, False])
            return default
        return value

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
            self.problem(field, 'must be a non-empty string, found %s %s' % (_type_name(value), _show(value)), value)
            return None
        return value

    def port(self, data, key, field):
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            self.problem(field, 'must be a port number from 1 to 65535, found %s %s' % (_type_name(value), _show(value)), value)
            return None
        return value


_TRUNK_KEYS = ('name', 'connection', 'provider', 'mediation_subnet', 'vpn', 'segments', 'opportunistic', 'gateway')
_PROVIDER_KEYS = ('name', 'tls', 'srtp', 'address', 'port', 'server_name')
_SUBNET_KEYS = ('cidr', 'audience')
_VPN_KEYS = ('encryption', 'integrity', 'key_exchange', 'transport', 'proposal')
_SEGMENT_KEYS = ('name', 'audience', 'inside_vpn')
_GATEWAY_KEYS = ('address', 'tls_port', 'tcp_port', 'srtp_mode', 'mutual_tls')
_KEY_SETS = dict((keys, frozenset(keys))
                 for keys in (_TRUNK_KEYS, _PROVIDER_KEYS, _SUBNET_KEYS, _VPN_KEYS, _SEGMENT_KEYS, _GATEWAY_KEYS))


def _label(trunk, index):
    """How errors name a trunk: by its name when it has a usable one, else by index."""
    name = trunk.get('name') if isinstance(trunk, dict) else None
    if isinstance(name, str) and name:
        return "trunk '%s'" % name if index is None else "trunk '%s' (#%d)" % (name, index)
    return 'trunk #%d' % index if index is not None else 'trunk'


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


def parse(data, index=None):
    """Validate a trunk dict into a :class:`Trunk`; raise :class:`TrunkInputError` naming every problem."""
    read = _Reader()
    if read.mapping(data, 'trunk', _TRUNK_KEYS) is None:
        raise TrunkInputError(_label(data, index), read.problems)
    trunk = Trunk()
    name = read.text(data, 'name', 'name', required=True)
    if name is not None and not _NAME.fullmatch(name):
        read.problem('name', '%s may hold only letters, digits, ".", "_" and "-"' % _show(name), name)
    trunk.name = name
    trunk.connection = read.choice(data, 'connection', 'connection', CONNECTIONS)
    trunk.opportunistic = read.boolean(data, 'opportunistic', 'opportunistic', True)

    trunk.provider_name, trunk.provider_tls, trunk.provider_srtp = None, False, False
    trunk.provider_address = trunk.provider_port = trunk.provider_server_name = None
    provider = data.get('provider')
    if provider is not None and read.mapping(provider, 'provider', _PROVIDER_KEYS) is not None:
        trunk.provider_name = read.text(provider, 'name', 'provider.name')
        trunk.provider_tls = read.boolean(provider, 'tls', 'provider.tls', False)
        trunk.provider_srtp = read.boolean(provider, 'srtp', 'provider.srtp', False)
        trunk.provider_address = read.text(provider, 'address', 'provider.address')
        trunk.provider_server_name = read.text(provider, 'server_name', 'provider.server_name')
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
        raise TrunkInputError(_label(data, index), read.problems)
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
        read.problem('segments', 'must be a list of points of the path, found %s %s' % (_type_name(raw), _show(raw)), raw)
        return ()
    segments = []
    for position, item in enumerate(raw):
        field = 'segments[%d]' % position
        if read.mapping(item, field, _SEGMENT_KEYS) is None:
            continue
        name = read.text(item, 'name', field + '.name', required=True)
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
        'address': read.text(raw, 'address', 'gateway.address'),
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
    """Judge a tunnel's strength: does it protect what it carries?"""
    verdict = _VpnVerdict()
    if vpn.proposal is not None:
        proposal = strength.parse_proposal(vpn.proposal)
        ciphers, others = proposal.encryption, proposal.key_exchange + proposal.integrity
        source = 'proposal %s' % _show(vpn.proposal)
        if proposal.unrecognised:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION,
                '%s: the VPN %s contains %s, which names no known algorithm, so the tunnel\'s strength cannot be proven; '
                'TLS and SRTP are required unless the proposal is corrected'
                % (who, source, ', '.join(_show(t) for t in proposal.unrecognised)),
                VPN_TRANSIT, found=vpn.proposal, expected='known algorithms'))
        if not ciphers and not proposal.unrecognised:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION, '%s: the VPN %s names no cipher, so its encryption cannot be proven to reach '
                'AES-128 strength; TLS and SRTP are required' % (who, source), VPN_TRANSIT, found=vpn.proposal,
                expected='a cipher of at least 128 bits'))
    else:
        source = 'settings'
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
                    rule, '%s: the VPN %s %s is not a recognised algorithm, so its strength cannot be proven; it counts '
                    'as weak and TLS and SRTP are required (use a known name such as %s)'
                    % (who, kind.replace('_', ' '), _show(name),
                       {'encryption': 'aes-256-gcm', 'integrity': 'sha256', 'key_exchange': 'ecp384'}[kind]),
                    VPN_TRANSIT, found=name, expected='a recognised %s algorithm' % kind.replace('_', ' ')))
            elif kind == strength.ENCRYPTION:
                ciphers.append(algorithm)
            else:
                others.append(algorithm)
    if ciphers and all(cipher.aead for cipher in ciphers):
        others = [algorithm for algorithm in others if algorithm.name != 'none']
    if ciphers:
        weakest = min(ciphers, key=_bits)
        if weakest.bits < strength.MIN_ENCRYPTION_BITS:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_ENCRYPTION,
                '%s: the VPN encrypts with %s (%d-bit strength), below the AES-128 level the guidance asks of a VPN; '
                'TLS and SRTP are required unless the tunnel moves to AES-128 or better (aes-256-gcm, say)'
                % (who, weakest.name, weakest.bits), VPN_TRANSIT, found=weakest.name,
                expected='at least %d bits' % strength.MIN_ENCRYPTION_BITS))
    for algorithm in sorted(others, key=_bits):
        what = 'key exchange' if algorithm.kind == strength.KEY_EXCHANGE else 'integrity'
        if algorithm.bits < strength.MIN_KEY_EXCHANGE_BITS:
            verdict.passes = False
            verdict.requires.append(_finding(
                VPN_WEAK_KEY_EXCHANGE,
                '%s: the VPN %s %s has %d-bit strength, below the 112-bit minimum, so the tunnel cannot be trusted to '
                'hide the trunk; TLS and SRTP are required unless it moves to a stronger %s (%s, say)'
                % (who, what, algorithm.name, algorithm.bits, what, 'ecp384' if what == 'key exchange' else 'sha256'), VPN_TRANSIT, found=algorithm.name,
                expected='at least %d bits' % strength.MIN_KEY_EXCHANGE_BITS))
            break
    for algorithm in others:
        if strength.MIN_KEY_EXCHANGE_BITS <= algorithm.bits < strength.WARN_BELOW_BITS:
            what = 'key exchange' if algorithm.kind == strength.KEY_EXCHANGE else 'integrity'
            verdict.warnings.append(_finding(
                VPN_KEY_EXCHANGE_BELOW_128,
                '%s: the VPN %s %s has %d-bit strength: it passes, but is below 128 bits; plan a move to a stronger one '
                '(modp3072, ecp256 or better)' % (who, what, algorithm.name, algorithm.bits), VPN_TRANSIT,
                found=algorithm.name, expected='at least 128 bits'))
    return verdict


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


def evaluate(data, index=None):
    """One trunk dict to its result dict. Raises :class:`TrunkInputError` on bad input."""
    return decide(parse(data, index))


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
        raise TrunkInputError('trunks', [InputProblem('trunks', 'must be a list of trunks, found %s %s'
                                                      % (_type_name(trunks), _show(trunks)), trunks)])
    outcomes = []
    seen = {}
    for index, data in enumerate(trunks):
        try:
            outcome = {'valid': True, 'index': index, 'result': evaluate(data, index)}
        except TrunkInputError as error:
            name = data.get('name') if isinstance(data, dict) else None
            outcome = {'valid': False, 'index': index, 'name': name if isinstance(name, str) else None, 'error': error}
        outcomes.append(outcome)
        name = outcome['result']['name'] if outcome['valid'] else outcome['name']
        if name is not None:
            seen.setdefault(name, []).append(index)
    for name, indexes in seen.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = ', '.join('#%d' % i for i in indexes if i != index)
            problem = InputProblem('name', "%s is used by more than one trunk on this host (also %s): names must be unique"
                                   % (_show(name), others), name)
            previous = outcomes[index]
            problems = ([problem] + previous['error'].problems) if not previous['valid'] else [problem]
            outcomes[index] = {'valid': False, 'index': index, 'name': name,
                               'error': TrunkInputError("trunk '%s' (#%d)" % (name, index), problems)}
    return outcomes
