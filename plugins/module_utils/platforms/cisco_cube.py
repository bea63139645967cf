# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cisco Unified Border Element (CUBE) on IOS XE 16.12 and later: the neutral gateway settings as
IOS configuration.

Everything that decides lives here, in pure Python:

* :func:`desired` - a host's neutral settings (:mod:`..gateway`) to the configuration blocks a CUBE must
  hold, per trunk and host-wide, in the exact form of the chosen release (``16.12``, ``17.3`` or ``17.8``).
  Where a release cannot express what a trunk needs, it refuses, naming the trunk, the setting and the
  release that can; it never renders a weaker configuration. What the device does regardless of its
  configuration is said in a note.
* :func:`parse` - ``show running-config`` to its blocks (parents and children), certificate chains,
  banners and macro bodies left out.
* :func:`drift` - the desired blocks against a running configuration: per trunk unchanged / drifted /
  missing, each differing child with its value before and after, and the exact lines (``no`` lines for
  what must go) that put it right, block by block for ``cisco.ios.ios_config`` (``parents`` + ``lines``).
  An object at one of the role's tags or dial peers is taken as the role's only with proof (the
  descriptions the role writes, :func:`_check_router`); otherwise drift refuses, naming it.

Every value written goes through :func:`..config_quote.ios`, which the role's template uses too (filter
``voip.trunk_security.ios_quote``): the rendered file and the lines sent to a device are the same text.

A block is ``{'parents': [...], 'lines': [...], 'kind': ..., 'owned': bool, 'managed': [...]}``: the
lines of one configuration mode. An *owned* block (a voice class whose tag the role gives) holds only
what the role writes, so any other child on the device is drift; in the other blocks (dial peers,
tenants, ``sip-ua``, ``voice service voip``) only the children of the settings listed in ``managed`` are
compared - the rest (codecs, DTMF, timers...) is the operator's and left alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from collections.abc import Mapping, Sequence

from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections, describe
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, ios, ip_address
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError

PLATFORM = 'cisco_cube'
#: ``mediation_gateway_cube_release``: the oldest release of each range the role renders for.
#: 16.12 stands for 16.12 to 17.2, 17.3 for 17.3.1a to 17.7, 17.8 for 17.8.1a and later.
RELEASES = ('16.12', '17.3', '17.8')
DEFAULT_RELEASE = '17.8'
#: What each release range is first to have, for the messages that name it.
RELEASE_NAMES = {'16.12': 'IOS XE 16.12', '17.3': 'IOS XE Amsterdam 17.3.1a', '17.8': 'IOS XE Cupertino 17.8.1a'}

#: ``voice class srtp-crypto``: the four suites CUBE accepts (SRTP-SRTP Interworking), strongest first.
SRTP_SUITES = ('AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32')
#: The suite every Microsoft product and Teams accept (the only one Lync / Skype for Business offers).
MICROSOFT_SUITE = 'AES_CM_128_HMAC_SHA1_80'
#: ``voice class srtp-crypto`` holds at most four preferences.
SRTP_SUITES_MAX = 4
#: ``voice class tls-cipher`` (17.8.1a): the TLS 1.2 suites that are forward-secret (ECDHE) and AEAD (AES-GCM).
#: There is no ECDHE with CHACHA20 for TLS 1.2 on CUBE.
TLS_CIPHERS = ('ECDHE_ECDSA_AES256_GCM_SHA384', 'ECDHE_RSA_AES256_GCM_SHA384',
               'ECDHE_ECDSA_AES128_GCM_SHA256', 'ECDHE_RSA_AES128_GCM_SHA256')
IDENTITY_KEYS = ('rsa', 'ecdsa')
#: ``voice service voip`` / ``sip`` / ``listen-port``: IOS's own ports, which ``show running-config`` omits.
IOS_SECURE_PORT = 5061
IOS_NON_SECURE_PORT = 5060
#: A destination pattern no dialled number matches: the outbound dial peer is operational but takes no call
#: until the operator routes to it (a ``destination dpg`` on their own inbound dial peer, say).
DEFAULT_DESTINATION_PATTERN = 'BAD.BAD'
#: The description of the host-wide ``voice class tls-profile`` (at ``mediation_gateway_cube_tag_base``): the
#: role's mark on it, as ``NAME`` is on a trunk's profile and ``NAME outbound`` / ``NAME inbound`` on its dial
#: peers. A trunk name has no space, so no trunk's description can be this one.
HOST_DESCRIPTION = 'voip.trunk_security host-wide'

DEFAULT_OPTIONS = {
    'host': 'cube',
    'release': DEFAULT_RELEASE,
    'trustpoint': None,
    'ca_trustpoint': None,
    'identity_key': 'rsa',
    'tag_base': 100,
    'trunks': {},
    'interfaces': {},
    'destination_pattern': DEFAULT_DESTINATION_PATTERN,
    'srtp_suites': list(SRTP_SUITES),
    'secure_port': None,
    'non_secure_port': None,
    'manage_default_signaling': False,
}
#: What ``mediation_gateway_cube_trunks.NAME`` may set.
TRUNK_OPTIONS = ('tag', 'outbound_dial_peer', 'inbound_dial_peer', 'interface', 'destination_pattern', 'ca_trustpoint')

# The settings of the blocks the role shares with the operator: these children are compared (and removed
# when the role does not want them); the others are the operator's.
MANAGED = {
    'tenant': ('tls-profile', 'listen-port secure', 'listen-port non-secure', 'bind control', 'bind media', 'bind all'),
    'dial-peer': ('description', 'destination-pattern', 'session protocol', 'session target', 'session transport',
                  'incoming uri via', 'incoming uri from', 'incoming uri to', 'incoming uri request',
                  'voice-class sip tenant', 'voice-class sip srtp-crypto', 'voice-class sip bind control',
                  'voice-class sip bind media', 'voice-class sip bind all', 'srtp'),
    'sip-ua': ('transport tcp tls', 'crypto signaling default'),
}
#: Settings changed by removing the old line first: ``srtp`` after ``srtp fallback`` might keep the fallback
#: (IOS keeps one srtp line, but whether a plain ``srtp`` clears the keyword is not documented).
REPLACE_BY_REMOVAL = ('srtp',)
#: The entries of an ordered list (``voice class srtp-crypto`` / ``crypto N``, ``voice class tls-cipher`` /
#: ``cipher N``): when the order changes, every differing entry is removed before the new ones are written, since
#: IOS may refuse a suite already present at another index (not confirmed either way).
_INDEXED = re.compile(r'(?:crypto|cipher) \d+\Z')

# How a child line names its setting (after :func:`canonical`): the first match's group; else the whole line.
_KEYS = [re.compile(pattern) for pattern in (
    r'(crypto signaling remote-addr \S+ \S+)',
    r'(crypto signaling default)(?: |$)',
    r'(crypto \d+) ',
    r'(cipher \d+) \S',
    r'(cn-san validate)(?: |$)',
    r'(cn-san \d+) ',
    r'(transport tcp tls)(?: |$)',
    r'(listen-port (?:secure|non-secure))(?: |$)',
    r'(voice-class sip bind (?:control|media|all))(?: |$)',
    r'(bind (?:control|media|all))(?: |$)',
    r'(incoming uri (?:via|from|to|request))(?: |$)',
    r'(voice-class sip (?:tenant|srtp-crypto))(?: |$)',
    r'(session (?:target|transport|protocol))(?: |$)',
    r'(srtp)(?: (?:fallback|pass-thru))?$',
    r'(description|destination-pattern|trustpoint|client-vtp|tls-profile|cipher|host|sni send|srtp-crypto)(?: |$)',
)]
_MASK_FORM = re.compile(r'(crypto signaling remote-addr \S+) (\d+\.\d+\.\d+\.\d+)(?=$| )')
_PREFIX_FORM = re.compile(r'(crypto signaling remote-addr [^\s/]+) ?/(\d+)(?=$| )')
_IPV6_FORM = re.compile(r'ipv6:\[([0-9A-Fa-f:.]+)\]')
#: ``banner TYPE DELIMITER``: the types IOS prints (a ``banner DELIMITER`` without one is a motd banner).
_BANNER_TYPES = ('motd', 'exec', 'login', 'incoming', 'slip-ppp', 'prompt-timeout', 'config-save')
#: A tab in an indentation advances to the next multiple of this, as a terminal shows it.
TAB_WIDTH = 8


class CubeError(PlatformError):
    """Settings CUBE (or the chosen IOS XE release) cannot hold, or a value IOS cannot carry."""


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

def _q(value, kind, what):
    """:func:`ios` with the error naming the trunk or the role input."""
    try:
        return ios(value, kind)
    except QuoteError as error:
        raise CubeError('%s: %s' % (what, error))


def _options(options):
    if options is not None and not isinstance(options, Mapping):
        raise CubeError('the options are a mapping of the mediation_gateway_cube_* role inputs without the prefix, not %s'
                        % describe.type_name(options))
    merged = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if key not in DEFAULT_OPTIONS:
            raise CubeError('unknown option %r; known options: %s' % (key, ', '.join(sorted(DEFAULT_OPTIONS))))
        if value is not None or key in ('trustpoint', 'ca_trustpoint', 'secure_port', 'non_secure_port'):
            merged[key] = value
    if not isinstance(merged['manage_default_signaling'], bool):
        raise CubeError('mediation_gateway_cube_manage_default_signaling is true or false, not %s'
                        % describe.show(merged['manage_default_signaling']))
    release = merged['release']
    if isinstance(release, (int, float)) and not isinstance(release, bool):
        release = '%s' % release
    if release not in RELEASES:
        raise CubeError('mediation_gateway_cube_release is %s; it is one of %s (the oldest release of each range: '
                        '16.12 for 16.12 to 17.2, 17.3 for 17.3.1a to 17.7, 17.8 for 17.8.1a and later)'
                        % (describe.show(merged['release']), ', '.join(RELEASES)))
    merged['release'] = release
    if merged['identity_key'] not in IDENTITY_KEYS:
        raise CubeError('mediation_gateway_cube_identity_key is %s; it is one of %s'
                        % (describe.show(merged['identity_key']), ', '.join(IDENTITY_KEYS)))
    for key in ('trunks', 'interfaces'):
        if not isinstance(merged[key], Mapping):
            raise CubeError('mediation_gateway_cube_%s is a mapping, not %s' % (key, describe.type_name(merged[key])))
    merged['tag_base'] = int(_q(merged['tag_base'], 'tag', 'mediation_gateway_cube_tag_base'))
    for key in ('trustpoint', 'ca_trustpoint'):
        if merged[key] is not None:
            _q(merged[key], 'name', 'mediation_gateway_cube_%s' % key)
    for key in ('secure_port', 'non_secure_port'):
        if merged[key] is not None:
            merged[key] = int(_q(merged[key], 'port', 'mediation_gateway_cube_%s' % key))
    _q(merged['host'], 'comment', 'the host name')
    _q(merged['destination_pattern'], 'pattern', 'mediation_gateway_cube_destination_pattern')
    merged['srtp_suites'] = _srtp_suites(merged['srtp_suites'])
    interfaces = {}
    for address, name in merged['interfaces'].items():
        parsed = ip_address(address)
        if parsed is None:
            raise CubeError('mediation_gateway_cube_interfaces: the key %s is not an IP address (it maps a listen '
                            'address to the interface holding it)' % describe.show(address))
        interfaces[parsed] = _q(name, 'interface', 'mediation_gateway_cube_interfaces[%s]' % address)
    merged['interfaces'] = interfaces
    return merged


def _srtp_suites(suites):
    what = 'mediation_gateway_cube_srtp_suites'
    if isinstance(suites, (str, bytes)) or not isinstance(suites, Sequence):
        raise CubeError('%s is a list of suites, not %s' % (what, describe.type_name(suites)))
    suites = list(suites)
    unknown = [s for s in suites if s not in SRTP_SUITES]
    if unknown:
        raise CubeError('%s: %s is not a suite CUBE offers; it offers %s (no NULL suites)'
                        % (what, describe.show(unknown[0]), ', '.join(SRTP_SUITES)))
    if not suites or len(suites) > SRTP_SUITES_MAX or len(set(suites)) != len(suites):
        raise CubeError('%s holds 1 to %d different suites (voice class srtp-crypto has %d preferences), not %s'
                        % (what, SRTP_SUITES_MAX, SRTP_SUITES_MAX, describe.show(suites)))
    if MICROSOFT_SUITE not in suites:
        raise CubeError('%s must include %s: it is the suite every Microsoft peer (Lync, Skype for Business, Teams) '
                        'accepts' % (what, MICROSOFT_SUITE))
    return suites


def _before(release, other):
    return RELEASES.index(release) < RELEASES.index(other)


def _refuse(trunk, setting, problem, release_needed=None, instead=None):
    message = "trunk '%s': %s %s" % (trunk, setting, problem)
    if release_needed:
        message += ('; that needs %s or later (mediation_gateway_cube_release: %r)'
                    % (RELEASE_NAMES[release_needed], release_needed))
    if instead:
        message += '; or %s' % instead
    raise CubeError(message)


# ---------------------------------------------------------------------------------------------
# desired
# ---------------------------------------------------------------------------------------------

def _block(kind, parents, lines, owned=False, managed=()):
    return {'kind': kind, 'parents': list(parents), 'lines': list(lines), 'owned': owned, 'managed': list(managed)}


def desired(settings_list, options=None):
    """The configuration a CUBE must hold for a host's trunks.

    ``settings_list`` is the host's list of neutral settings
    (:func:`ansible_collections.voip.trunk_security.plugins.module_utils.gateway.settings_all`); ``options`` the
    ``mediation_gateway_cube_*`` role inputs without the prefix (:data:`DEFAULT_OPTIONS`).

    Returns ``{platform, host, release, tag_base, manage_default_signaling, host_wide: {before_trunks: [block],
    after_trunks: [block]}, trunks: [{name, tag, dial_peers: {outbound, inbound}, transport, srtp_mode, tenant,
    own_listener, interface, next_hop, blocks: [block], notes}], notes, report}`` (``report``: every note,
    host-wide and per trunk, as one line each); the blocks of ``before_trunks``, then each trunk's, then
    ``after_trunks`` are the configuration in the order the device must take it. Raises :class:`CubeError`.
    """
    opts = _options(options)
    release = opts['release']
    if isinstance(settings_list, (str, bytes, Mapping)) or not isinstance(settings_list, Sequence):
        raise CubeError('the settings are a list (voip.trunk_security.gateway_settings), not %s'
                        % describe.type_name(settings_list))
    settings_list = list(settings_list)
    names = [s.get('name') if isinstance(s, Mapping) else None for s in settings_list]
    for name in names:
        if not isinstance(name, str) or not config_sections._NAME.match(name):
            raise CubeError('trunk name %s: a CUBE trunk name is letters, digits and _.- only, at most 64 characters '
                            '(it stands in descriptions and in the ! #@trunk markers)' % describe.show(name))
    for name, value in opts['trunks'].items():
        if name not in names:
            raise CubeError('mediation_gateway_cube_trunks names %s, which is not a trunk of this host (%s)'
                            % (describe.show(name), ', '.join(names) or 'none'))
        if not isinstance(value, Mapping):
            raise CubeError('mediation_gateway_cube_trunks.%s is a mapping of %s, not %s'
                            % (name, ', '.join(TRUNK_OPTIONS), describe.type_name(value)))
        for key in value:
            if key not in TRUNK_OPTIONS:
                raise CubeError('mediation_gateway_cube_trunks.%s: unknown key %r; known keys: %s'
                                % (name, key, ', '.join(TRUNK_OPTIONS)))
    plans = [_plan(settings, position, opts) for position, settings in enumerate(settings_list)]
    _check_shared(plans, opts)
    tls_plans = [p for p in plans if p['tls']]
    if tls_plans and opts['trustpoint'] is None:
        raise CubeError("trunk '%s' uses TLS: set mediation_gateway_cube_trustpoint, the trustpoint holding CUBE's "
                        'certificate (enrolling it is the operator\'s: see docs/platforms/cisco_cube.md)'
                        % tls_plans[0]['name'])
    host_tag = opts['tag_base']
    before, after, notes = _host_wide(plans, opts, host_tag)
    trunks = []
    for plan in plans:
        trunks.append({
            'name': plan['name'], 'tag': plan['tag'],
            'dial_peers': {'outbound': plan['outbound'], 'inbound': plan['inbound']},
            'transport': plan['settings']['transport'], 'srtp_mode': plan['settings']['srtp_mode'],
            'tenant': plan['tenant'], 'own_listener': plan['own_listener'], 'interface': plan['interface'],
            'next_hop': plan['target'],
            'blocks': _trunk_blocks(plan, opts, host_tag),
            'notes': plan['notes'],
        })
    report = ['host-wide: %s' % note for note in notes]
    report.extend("trunk %s: %s" % (trunk['name'], note) for trunk in trunks for note in trunk['notes'])
    return {'platform': PLATFORM, 'host': opts['host'], 'release': release, 'tag_base': host_tag,
            'manage_default_signaling': opts['manage_default_signaling'],
            'host_wide': {'before_trunks': before, 'after_trunks': after}, 'trunks': trunks, 'notes': notes,
            'report': report}


def _plan(settings, position, opts):
    """What one trunk needs, decided once: tags, interface, listener, the next hop's kind; the refusals of
    what the release cannot express."""
    name = settings['name']
    release = opts['release']
    over = opts['trunks'].get(name, {})
    what = "trunk '%s'" % name
    tag = int(_q(over.get('tag', opts['tag_base'] + 1 + position), 'tag',
                 '%s: the voice class tag (mediation_gateway_cube_tag_base + position, or mediation_gateway_cube_trunks.%s.tag)'
                 % (what, name)))
    outbound = int(_q(over.get('outbound_dial_peer', tag * 10 + 1), 'dial_peer', '%s: the outbound dial peer' % what))
    inbound = int(_q(over.get('inbound_dial_peer', tag * 10 + 2), 'dial_peer', '%s: the inbound dial peer' % what))
    transport = settings.get('transport')
    if transport not in ('tls', 'tcp'):
        _refuse(name, 'transport', 'is %s; CUBE trunks here are tls or tcp' % describe.show(transport))
    srtp_mode = settings.get('srtp_mode')
    if srtp_mode not in ('required', 'optional', 'disabled'):
        _refuse(name, 'srtp_mode', 'is %s; it is required, optional or disabled' % describe.show(srtp_mode))
    tls = transport == 'tls'
    listen = settings['listen']
    next_hop = settings['next_hop']
    listen_ip = ip_address(listen.get('address'))
    if listen_ip is None:
        _refuse(name, 'listen.address', '%s is not an IP address: CUBE binds a trunk to the interface holding it'
                % describe.show(listen.get('address')))
    if 'interface' in over:
        interface = _q(over['interface'], 'interface', '%s: mediation_gateway_cube_trunks.%s.interface' % (what, name))
    elif listen_ip in opts['interfaces']:
        interface = opts['interfaces'][listen_ip]
    else:
        _refuse(name, 'listen.address', '%s needs the IOS interface that holds it (CUBE binds signalling and media '
                'to an interface, not an address): give mediation_gateway_cube_interfaces {%r: INTERFACE} or '
                'mediation_gateway_cube_trunks.%s.interface' % (describe.show(listen.get('address')), '%s' % listen_ip,
                                                                name))
    listen_port = int(_q(listen.get('port'), 'port', '%s: listen.port' % what))
    global_port = (opts['secure_port'] or IOS_SECURE_PORT) if tls else (opts['non_secure_port'] or IOS_NON_SECURE_PORT)
    own_listener = listen_port != global_port
    port_input = 'mediation_gateway_cube_secure_port' if tls else 'mediation_gateway_cube_non_secure_port'
    if own_listener and _before(release, '17.8'):
        _refuse(name, 'listen.port', '%d is not CUBE\'s global %s port %d (%s): a listener of its own is a voice '
                'class tenant listen-port' % (listen_port, 'secure' if tls else 'non-secure', global_port, port_input),
                '17.8', 'set %s: %d (the listener of the whole router, the internal side\'s too) or the trunk\'s '
                'gateway.%s_port' % (port_input, listen_port, 'tls' if tls else 'tcp'))
    target = _q(next_hop, 'target', '%s: next_hop' % what)
    uri_host = _q(next_hop.get('address'), 'host', '%s: next_hop.address' % what)
    hop_kind = uri_host.split(':', 1)[0]
    server_name = next_hop.get('server_name')
    names_target = True
    if tls:
        if not server_name:
            _refuse(name, 'next_hop.server_name', 'is empty: a TLS next hop is verified against a name')
        _q(server_name, 'token', '%s: next_hop.server_name' % what)
        if hop_kind == 'dns':
            names_target = server_name.lower().rstrip('.') == next_hop['address'].lower().rstrip('.')
        else:
            names_target = ip_address(server_name) == ip_address(next_hop['address'])
        if not names_target and _before(release, '17.8'):
            _refuse(name, 'next_hop.server_name', '%r is not the next hop %r: before 17.8.1a CUBE verifies only the '
                    'session target\'s name (cn-san-validate server); another expected name is a tls-profile cn-san '
                    'entry' % (server_name, next_hop['address']), '17.8')
        if _before(release, '17.8') and opts['identity_key'] != 'ecdsa':
            _refuse(name, 'transport tls', 'needs forward-secret AEAD suites only (ECDHE with AES-GCM); with an RSA '
                    'identity that list is a voice class tls-cipher', '17.8',
                    'an ECDSA identity certificate with mediation_gateway_cube_identity_key: ecdsa (ecdsa-cipher: '
                    'ECDHE_ECDSA with AES-GCM only)')
    mutual = bool(tls and settings['certificate'].get('mutual_tls'))
    # the provider's client certificate can be held to one CA where CUBE tells the trunk's TLS connections
    # apart: an IPv4 next hop (crypto signaling remote-addr), or a listener of its own (17.8 tenant)
    scoped = hop_kind == 'ipv4' or (own_listener and not _before(release, '17.8'))
    ca_trustpoint = over.get('ca_trustpoint', opts['ca_trustpoint'])
    ca_used = mutual and (hop_kind == 'ipv4' or not _before(release, '17.8'))
    if ca_used and ca_trustpoint is None:
        _refuse(name, 'certificate.mutual_tls', "needs the trustpoint of the provider's CA, to verify its client "
                'certificate (client-vtp): set mediation_gateway_cube_ca_trustpoint or '
                'mediation_gateway_cube_trunks.%s.ca_trustpoint' % name)
    if ca_trustpoint is not None:
        ca_trustpoint = _q(ca_trustpoint, 'name', '%s: the CA trustpoint' % what)
    description_out = _q('%s outbound' % name, 'description', '%s: the dial peer description' % what)
    description_in = _q('%s inbound' % name, 'description', '%s: the dial peer description' % what)
    pattern = _q(over.get('destination_pattern', opts['destination_pattern']), 'pattern',
                 '%s: the destination pattern' % what)
    notes = list(settings.get('notes') or [])
    if tls and not mutual:
        notes.append('certificate.mutual_tls is false, but CUBE as a TLS server always requests a client certificate '
                     '(no configuration turns that off): the provider is asked for one on connections it opens')
    if mutual and not scoped:
        notes.append("the provider's client certificate is verified against every trustpoint on the router (the "
                     'default TLS policy of crypto signaling default), not only %s: CUBE tells this trunk\'s inbound '
                     'connections apart only by an IPv4 next hop (crypto signaling remote-addr) or, from 17.8.1a, a '
                     'listener of its own' % (ca_trustpoint or 'the provider\'s CA'))
    if not tls and srtp_mode != 'disabled':
        notes.append('SRTP over a TCP trunk: the SDES keys travel in the SDP without TLS')
    if hop_kind == 'dns':
        notes.append('the inbound dial peer matches this trunk\'s calls by incoming uri via, on voice class uri %d '
                     '(host %s); IOS compares that name with the host of the Via header as it is written, without '
                     'resolving it (inference, not confirmed from Cisco\'s documents): a provider whose Via carries '
                     'an IP address matches no dial peer of this trunk - check which inbound dial peer a test call '
                     'takes' % (tag, uri_host))
    if tls and hop_kind == 'ipv6':
        notes.append('an IPv6 next hop gets no crypto signaling remote-addr (its IPv6 form is not documented): its '
                     'TLS policy is the default one')
    return {'name': name, 'settings': settings, 'tag': tag, 'outbound': outbound, 'inbound': inbound, 'tls': tls,
            'interface': interface, 'listen_port': listen_port, 'own_listener': own_listener, 'target': target,
            'uri_host': uri_host, 'hop_kind': hop_kind, 'server_name': server_name, 'names_target': names_target,
            'mutual': mutual, 'ca_trustpoint': ca_trustpoint if ca_used else None,
            'tenant': not _before(release, '17.8') and (tls or own_listener),
            'description_out': description_out, 'description_in': description_in, 'pattern': pattern,
            'notes': notes}


def _check_shared(plans, opts):
    """Tags and dial peers are the router's: no two trunks (nor the host-wide objects) may share one; two trunks
    to one provider host could not tell their inbound calls apart, nor two tenant listeners on one interface
    and port their inbound connections."""
    seen = {opts['tag_base']: 'the host-wide TLS objects (mediation_gateway_cube_tag_base)'}
    peers = {}
    hosts = {}
    listeners = {}
    global_ports = {True: (opts['secure_port'] or IOS_SECURE_PORT, 'secure', 'mediation_gateway_cube_secure_port'),
                    False: (opts['non_secure_port'] or IOS_NON_SECURE_PORT, 'non-secure',
                            'mediation_gateway_cube_non_secure_port')}
    for plan in plans:
        owner = "trunk '%s'" % plan['name']
        if plan['own_listener']:
            # TLS and TCP listeners are both TCP sockets: one interface and port is one listener, whatever the
            # transport (and a non-secure one listens on UDP too)
            where = (plan['interface'], plan['listen_port'])
            transport = 'TLS' if plan['tls'] else 'TCP'
            if where in listeners:
                raise CubeError("%s: its listener (voice class tenant listen-port %s %d, bound to %s) is also trunk "
                                "'%s''s (%s): the router could not tell their inbound connections apart; give one of "
                                'them another gateway port (gateway.%s_port) or another listen address on another '
                                'interface, or let trunks of one transport share the router\'s global listener '
                                '(%s: %d; their inbound dial peers tell the providers apart)'
                                % (owner, 'secure' if plan['tls'] else 'non-secure', plan['listen_port'],
                                   plan['interface'], listeners[where][0], listeners[where][1],
                                   'tls' if plan['tls'] else 'tcp', global_ports[plan['tls']][2], plan['listen_port']))
            listeners[where] = (plan['name'], transport)
            port, kind, option = global_ports[not plan['tls']]
            if plan['listen_port'] == port:
                raise CubeError('%s: its %s listener port %d is the router\'s global %s port (%s, on every '
                                'address): give the trunk another gateway port (gateway.%s_port) or move the global '
                                'one (%s)' % (owner, transport, plan['listen_port'], kind,
                                              'IOS\'s default' if opts[option[len('mediation_gateway_cube_'):]] is None
                                              else option,
                                              'tls' if plan['tls'] else 'tcp', option))
        if plan['tag'] in seen:
            raise CubeError('%s: voice class tag %d is also that of %s: give one of them another '
                            '(mediation_gateway_cube_trunks.%s.tag)' % (owner, plan['tag'], seen[plan['tag']], plan['name']))
        seen[plan['tag']] = owner
        for which in ('outbound', 'inbound'):
            number = plan[which]
            if number in peers:
                raise CubeError('%s: dial peer %d (%s) is also %s: give one of them another '
                                '(mediation_gateway_cube_trunks.%s.%s_dial_peer)'
                                % (owner, number, which, peers[number], plan['name'], which))
            peers[number] = '%s\'s %s dial peer' % (owner, which)
        if plan['uri_host'] in hosts:
            raise CubeError("%s: its provider host %s is also that of trunk '%s': their inbound dial peers (incoming "
                            'uri via) could not tell their calls apart, and a call could take the weaker trunk\'s '
                            'settings; configure one of them here, or give each its own provider address'
                            % (owner, plan['uri_host'].split(':', 1)[1], hosts[plan['uri_host']]))
        hosts[plan['uri_host']] = plan['name']


def _host_wide(plans, opts, host_tag):
    release = opts['release']
    tp = opts['trustpoint']
    tls_plans = [p for p in plans if p['tls']]
    notes = []
    before = []
    after = []
    sip_keys = []
    sip_lines = []
    for key, option, default in (('listen-port secure', 'secure_port', IOS_SECURE_PORT),
                                 ('listen-port non-secure', 'non_secure_port', IOS_NON_SECURE_PORT)):
        if opts[option] is not None:
            sip_keys.append(key)
            if opts[option] != default:
                sip_lines.append('%s %s' % (key, _q(opts[option], 'port', 'mediation_gateway_cube_%s' % option)))
    if sip_keys:
        before.append(_block('voice-service-sip', ['voice service voip', 'sip'], sip_lines, managed=sip_keys))
        notes.append('voice service voip / sip listen-port is the whole router\'s listener (the internal side\'s too); '
                     'IOS changes it only while SIP is shut down (shutdown under voice service voip / sip), which '
                     'this role never does: a change to it needs a maintenance window')
    if not tls_plans:
        return before, after, notes
    # trunks whose outbound TLS policy is the default one: no remote-addr (a DNS or IPv6 next hop) and, before
    # 17.8, no tenant TLS profile
    on_default = [p for p in tls_plans if p['hop_kind'] != 'ipv4' and _before(release, '17.8')]
    cn_san = ' cn-san-validate server' if on_default else ''
    default_line = None
    if release == '16.12':
        default_line = 'crypto signaling default trustpoint %s%s ecdsa-cipher' % (tp, cn_san)
    else:
        profile = []
        if release == '17.8':
            before.append(_block('tls-cipher', ['voice class tls-cipher %d' % host_tag],
                                 ['cipher %d %s' % (i + 1, c) for i, c in enumerate(TLS_CIPHERS)], owned=True))
            profile = ['description %s' % HOST_DESCRIPTION, 'trustpoint %s' % tp, 'cipher %d' % host_tag]
        else:
            profile = ['description %s' % HOST_DESCRIPTION, 'trustpoint %s' % tp]
            if on_default:
                profile.append('cn-san-validate server')
            profile.append('cipher ecdsa-cipher')
            if any(p['hop_kind'] == 'dns' for p in on_default):
                profile.append('sni send')
        before.append(_block('tls-profile', ['voice class tls-profile %d' % host_tag], profile, owned=True))
        default_line = 'crypto signaling default tls-profile %d' % host_tag
    after.append(_block('sip-ua', ['sip-ua'], ['transport tcp tls v1.2', default_line], managed=MANAGED['sip-ua']))
    notes.append('crypto signaling default is the TLS policy of every TLS peer no remote-addr or tenant names, the '
                 'internal side (CUCM, PBX) included: its trustpoint %s and its cipher list hold there too' % tp)
    notes.append('sip-ua transport tcp tls v1.2 makes TLS 1.2 the only version, for every TLS peer')
    closed = [p['name'] for p in tls_plans if not p['settings'].get('plaintext_listener')]
    if closed:
        notes.append('trunk(s) %s want no plaintext listener, but CUBE\'s plaintext SIP listeners (UDP and TCP, port '
                     '%d by default) are the whole router\'s and serve the internal side too; this role does not '
                     'remove them (sip-ua no transport udp / no transport tcp), and an inbound dial peer does not '
                     'check the transport a call came on: keep the providers off them with an ACL or the trusted '
                     'list' % (', '.join(closed), IOS_NON_SECURE_PORT))
    for block in before + after:
        for line in block['parents'] + block['lines']:
            _q(line, 'line', 'the host-wide configuration')
    return before, after, notes


def _trunk_blocks(plan, opts, host_tag):
    release = opts['release']
    tp = opts['trustpoint']
    tag = plan['tag']
    blocks = []
    srtp_mode = plan['settings']['srtp_mode']
    profile = None
    if plan['tls'] and release == '17.8':
        profile = ['description %s' % plan['name'], 'trustpoint %s' % tp, 'cipher %d' % host_tag,
                   'cn-san validate %s' % ('bidirectional' if plan['mutual'] else 'server')]
        if plan['mutual'] or not plan['names_target']:
            profile.append('cn-san 1 %s' % plan['server_name'])
        if plan['ca_trustpoint']:
            profile.append('client-vtp %s' % plan['ca_trustpoint'])
        if plan['hop_kind'] == 'dns':
            profile.append('sni send')
    elif plan['tls'] and release == '17.3' and plan['hop_kind'] == 'ipv4':
        profile = ['description %s' % plan['name'], 'trustpoint %s' % tp, 'cn-san-validate server']
        if plan['ca_trustpoint']:
            profile.append('client-vtp %s' % plan['ca_trustpoint'])
        profile.append('cipher ecdsa-cipher')
    if profile is not None:
        blocks.append(_block('tls-profile', ['voice class tls-profile %d' % tag], profile, owned=True))
    if srtp_mode != 'disabled':
        blocks.append(_block('srtp-crypto', ['voice class srtp-crypto %d' % tag],
                             ['crypto %d %s' % (i + 1, s) for i, s in enumerate(opts['srtp_suites'])], owned=True))
    blocks.append(_block('uri', ['voice class uri %d sip' % tag], ['host %s' % plan['uri_host']], owned=True))
    bind = ['bind control source-interface %s' % plan['interface'], 'bind media source-interface %s' % plan['interface']]
    if plan['tenant']:
        lines = []
        if plan['tls']:
            lines.append('tls-profile %d' % tag)
        if plan['own_listener']:
            lines.append('listen-port %s %d' % ('secure' if plan['tls'] else 'non-secure', plan['listen_port']))
            lines.extend(bind)
        blocks.append(_block('tenant', ['voice class tenant %d' % tag], lines, managed=MANAGED['tenant']))
    bind_in_tenant = plan['tenant'] and plan['own_listener']
    session_transport = 'session transport tcp tls' if plan['tls'] else 'session transport tcp'
    common = []
    if plan['tenant']:
        common.append('voice-class sip tenant %d' % tag)
    if srtp_mode != 'disabled':
        common.append('voice-class sip srtp-crypto %d' % tag)
    if not bind_in_tenant:
        common.extend('voice-class sip %s' % line for line in bind)
    if srtp_mode == 'required':
        common.append('srtp')
    elif srtp_mode == 'optional':
        common.append('srtp fallback')
    blocks.append(_block('dial-peer', ['dial-peer voice %d voip' % plan['outbound']],
                         ['description %s' % plan['description_out'], 'destination-pattern %s' % plan['pattern'],
                          'session protocol sipv2', 'session target %s' % plan['target'], session_transport] + common,
                         managed=MANAGED['dial-peer']))
    blocks.append(_block('dial-peer', ['dial-peer voice %d voip' % plan['inbound']],
                         ['description %s' % plan['description_in'], 'session protocol sipv2', session_transport,
                          'incoming uri via %d' % tag] + common, managed=MANAGED['dial-peer']))
    if plan['tls'] and plan['hop_kind'] == 'ipv4':
        address = plan['uri_host'].split(':', 1)[1]
        if release == '16.12':
            line = 'crypto signaling remote-addr %s 255.255.255.255 trustpoint %s cn-san-validate server%s ecdsa-cipher' % (
                address, tp, ' client-vtp %s' % plan['ca_trustpoint'] if plan['ca_trustpoint'] else '')
        else:
            line = 'crypto signaling remote-addr %s /32 tls-profile %d' % (address, tag)
        blocks.append(_block('sip-ua', ['sip-ua'], [line], managed=[key(line)]))
    what = "trunk '%s'" % plan['name']
    for block in blocks:
        for line in block['parents'] + block['lines']:
            _q(line, 'line', what)
    return blocks


# ---------------------------------------------------------------------------------------------
# Configuration text
# ---------------------------------------------------------------------------------------------

def ordered_blocks(desired_data):
    """``(owner, block)`` in the order the device must take them: host-wide (owner None) first, each trunk's,
    host-wide last."""
    for block in desired_data['host_wide']['before_trunks']:
        yield None, block
    for trunk in desired_data['trunks']:
        for block in trunk['blocks']:
            yield trunk['name'], block
    for block in desired_data['host_wide']['after_trunks']:
        yield None, block


def block_lines(block, children=None):
    """A block as configuration text: each parent one space deeper than the one before, its children below."""
    depth = len(block['parents'])
    out = [' ' * level + parent for level, parent in enumerate(block['parents'])]
    out.extend(' ' * depth + line for line in (block['lines'] if children is None else children))
    return out


def _sections(items):
    """``[(owner, [lines])]`` to the text with each trunk's part between ``! #@trunk NAME`` and ``! #@end``,
    every block followed by ``!``."""
    out = []
    current = None
    for owner, lines in items:
        if not lines:
            continue
        if owner != current:
            if current is not None:
                out.append('! ' + config_sections.END)
            if owner is not None:
                out.append('! ' + config_sections.BEGIN + owner)
            current = owner
        out.extend(lines)
        out.append('!')
    if current is not None:
        out.append('! ' + config_sections.END)
    return '\n'.join(out) + '\n' if out else ''


def config_text(desired_data):
    """The configuration the role renders (``cube.cfg`` without its header comment), as text."""
    return _sections([(owner, block_lines(block) if block['lines'] else [])
                      for owner, block in ordered_blocks(desired_data)])


# ---------------------------------------------------------------------------------------------
# parse
# ---------------------------------------------------------------------------------------------

def _ipv6(match):
    try:
        return 'ipv6:[%s]' % ipaddress.IPv6Address(match.group(1)).compressed
    except ValueError:
        return 'ipv6:[%s]' % match.group(1).lower()


def canonical(line):
    """A configuration line as the comparison sees it: single spaces, the ``cn-san validate`` spelling of 17.8
    for the ``cn-san-validate`` of older releases, a ``remote-addr`` mask as a prefix length, and an IPv6
    address (``ipv6:[2001:DB8::1]``) in its compressed lower-case form, whichever case the router prints."""
    text = _IPV6_FORM.sub(_ipv6, ' '.join(line.split()))
    if text.startswith('cn-san-validate '):
        text = 'cn-san validate ' + text[len('cn-san-validate '):]
    match = _MASK_FORM.match(text)
    if match:
        try:
            length = ipaddress.IPv4Network('0.0.0.0/%s' % match.group(2)).prefixlen
        except ValueError:
            length = None
        if length is not None:
            text = '%s /%d%s' % (match.group(1), length, text[match.end():])
    else:
        match = _PREFIX_FORM.match(text)
        if match:
            text = '%s /%s%s' % (match.group(1), match.group(2), text[match.end():])
    return text


def key(line):
    """The setting a (canonical) child line sets: ``srtp`` for ``srtp fallback``, ``crypto 2`` for ``crypto 2
    AEAD_AES_128_GCM``, ``crypto signaling remote-addr 192.0.2.1 /32`` for that address's policy; a line the
    role does not know is its own key."""
    text = canonical(line)
    for pattern in _KEYS:
        match = pattern.match(text)
        if match:
            return match.group(1)
    return text


def _banner_end(line):
    """The delimiter a ``banner`` line opens, or None when the banner ends on the same line (or has no text)."""
    words = line.split(None, 1)
    rest = words[1] if len(words) == 2 else ''
    kind = rest.split(None, 1)
    if kind and kind[0] in _BANNER_TYPES:
        rest = kind[1] if len(kind) == 2 else ''
    if not rest:
        return None
    delimiter = '^C' if rest.startswith('^C') else rest[0]
    return None if delimiter in rest[len(delimiter):] else delimiter


def _indent(line, number):
    """The depth of a line's indentation, a tab advancing to the next multiple of :data:`TAB_WIDTH`; a line
    that indents with both spaces and tabs is refused (how the router meant it cannot be told)."""
    blank = line[:len(line) - len(line.lstrip(' \t'))]
    if ' ' in blank and '\t' in blank:
        raise CubeError('the running configuration indents line %d (%s) with both spaces and tabs: it cannot be '
                        'read as the router meant it; give the configuration as show running-config prints it'
                        % (number, describe.show(line.strip())))
    return len(blank.expandtabs(TAB_WIDTH))


def parse(text):
    """``show running-config`` to ``{'blocks': [{'parents': [...], 'lines': [...]}]}``: one entry per
    configuration mode that has children (and one per other top-level line), in the order they appear.

    Top-level lines start in column 0, children are indented deeper than their parent (IOS prints one space a
    level, tenants' children two: any deeper indent is a child; a tab advances to the next multiple of 8, and a
    line indented with both spaces and tabs is refused). Lines starting with ``!`` are separators or
    comments; ``crypto pki certificate chain`` blocks (hexadecimal certificates ending in ``quit``), banners
    (up to the line holding their delimiter again) and ``macro name`` bodies (up to a line holding only ``@``,
    whose lines stand in column 0 like configuration) are left out; so are the ``Building configuration...``,
    ``Current configuration`` and ``end`` lines. Lines keep their text (trailing whitespace removed); compare
    them through :func:`canonical`.
    """
    if not isinstance(text, str):
        raise CubeError('the running configuration is text, not %s' % describe.type_name(text))
    root = {'line': None, 'children': []}
    stack = [(-1, root)]
    skip_indented = False
    banner = None
    macro = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        stripped = line.strip()
        if banner is not None:
            if banner in line:
                banner = None
            continue
        if macro:
            macro = stripped != '@'
            continue
        if not stripped:
            continue
        if skip_indented:
            if line[:1] in (' ', '\t') or stripped == 'quit':
                continue
            skip_indented = False
        if stripped.startswith('!'):
            continue
        indent = _indent(line, number)
        if indent == 0:
            if stripped.startswith('crypto pki certificate chain '):
                skip_indented = True
                continue
            if stripped.split(None, 1)[0] == 'banner':
                banner = _banner_end(stripped)
                continue
            if stripped.split(None, 2)[:2] == ['macro', 'name']:
                macro = True
                continue
            if stripped in ('end', 'Building configuration...') or stripped.startswith('Current configuration'):
                continue
        while stack[-1][0] >= indent:
            stack.pop()
        node = {'line': stripped, 'children': []}
        stack[-1][1]['children'].append(node)
        stack.append((indent, node))
    blocks = []

    def walk(node, parents):
        for child in node['children']:
            path = parents + [child['line']]
            if child['children'] or not parents:
                blocks.append({'parents': path, 'lines': [c['line'] for c in child['children']]})
            walk(child, path)

    walk(root, [])
    return {'blocks': blocks}


def _index(parsed):
    """Canonical parents -> the children of that mode (a mode printed twice: its children together)."""
    index = {}
    for block in parsed['blocks']:
        path = tuple(canonical(p) for p in block['parents'])
        index.setdefault(path, []).extend(block['lines'])
    return index


# ---------------------------------------------------------------------------------------------
# drift
# ---------------------------------------------------------------------------------------------

def _compare(block, index):
    """One desired block against the device: ``(present, differences, fix, view)`` - ``fix`` the children
    lines (``no`` lines first) that put it right, ``view`` the device's managed children as the desired text
    would write them."""
    path = tuple(canonical(p) for p in block['parents'])
    present = path in index
    name = ' / '.join(block['parents'])
    want = []
    for line in block['lines']:
        want.append((key(line), line))
    wanted_keys = set(pair[0] for pair in want)
    managed = None if block['owned'] else set(block['managed']) | wanted_keys
    have = {}
    order = []
    for raw in index.get(path, []):
        k = key(raw)
        if managed is None or k in managed:
            if k not in have:
                order.append(k)
            have.setdefault(k, []).append(raw)
    differences = []
    removals = []
    sets = []
    view = []
    for k, line in want:
        found = have.get(k, [])
        same = [raw for raw in found if canonical(raw) == canonical(line)]
        other = [raw for raw in found if canonical(raw) != canonical(line)]
        if same:
            view.append(line)
            for raw in other:
                differences.append({'object': name, 'setting': k, 'before': raw, 'after': None})
                removals.append('no ' + raw)
            view.extend(other)
            continue
        view.extend(other)
        differences.append({'object': name, 'setting': k, 'before': '\n'.join(other) if other else None, 'after': line})
        if other and block['owned'] and _INDEXED.match(k):
            removals.extend('no ' + raw for raw in other)
        elif other and (k in REPLACE_BY_REMOVAL or len(other) > 1):
            sets.extend('no ' + raw for raw in other)
        sets.append(line)
    for k in order:
        if k in wanted_keys:
            continue
        for raw in have[k]:
            differences.append({'object': name, 'setting': k, 'before': raw, 'after': None})
            removals.append('no ' + raw)
            view.append(raw)
    fix = []
    for line in removals + sets:
        if line not in fix:
            fix.append(line)
    return present, differences, fix, view


def _path(block):
    return tuple(canonical(p) for p in block['parents'])


def _description(block):
    """The ``description`` line of a desired block (the role's mark on the object), or None."""
    for line in block['lines']:
        if key(line) == 'description':
            return line
    return None


def _carries(children, line):
    return any(canonical(child) == canonical(line) for child in children)


def _holds(children):
    """What an object on the router holds, for a message: its first children."""
    if not children:
        return 'nothing (no lines)'
    shown = '; '.join(' '.join(child.split()) for child in children[:4])
    return shown + ('; ... (%d lines)' % len(children) if len(children) > 4 else '')


def _check_router(desired_data, index):
    """Refuse to take over what the role cannot prove its own (:class:`CubeError`).

    The role's tags and dial peer numbers are the operator's choice as much as the role's: an object at one of
    them is the role's only with proof. A dial peer is the role's when it carries ``description NAME outbound``
    / ``description NAME inbound``, a TLS profile when it carries ``description NAME`` (the host-wide one
    ``description`` :data:`HOST_DESCRIPTION`) - the role writes these. A voice class at a trunk's tag (uri,
    srtp-crypto, tenant) has no description: it is the role's when the trunk's outbound dial peer on the router
    is, and cannot be told otherwise when that dial peer is absent; the host-wide ``tls-cipher`` likewise
    follows the host-wide TLS profile. ``crypto signaling default`` is the TLS policy of every peer, the
    internal side's too: a line the role did not write (another one than the role's, not naming a TLS profile
    that carries the role's description) is replaced only with ``manage_default_signaling``."""
    base = desired_data.get('tag_base')
    host_blocks = desired_data['host_wide']['before_trunks']
    profile = [b for b in host_blocks if b['kind'] == 'tls-profile']
    ciphers = [b for b in host_blocks if b['kind'] == 'tls-cipher']
    way_out = ('the role writes the host-wide TLS objects at mediation_gateway_cube_tag_base (%s): give it a tag '
               'free on the router' % base)
    if profile:
        mark = _description(profile[0])
        path = _path(profile[0])
        if path in index and not _carries(index[path], mark):
            raise CubeError("the host-wide %s on the router is not the role's: the role's carries '%s', this one "
                            "holds: %s. %s; if it is this role's, from before it marked its objects, add '%s' to it "
                            'by hand' % (' / '.join(profile[0]['parents']), mark, _holds(index[path]), way_out, mark))
        if path not in index:
            for block in ciphers:
                if _path(block) in index:
                    raise CubeError("the host-wide %s is on the router, but not the %s whose description ('%s') "
                                    "marks the objects at tag %s as the role's: it cannot be told the role's; it "
                                    'holds: %s. %s, or remove it by hand if it is a leftover of this role'
                                    % (' / '.join(block['parents']), ' / '.join(profile[0]['parents']), mark, base,
                                       _holds(index[_path(block)]), way_out))
    for trunk in desired_data['trunks']:
        name = trunk['name']
        blocks = trunk['blocks']
        tag_way = ('mediation_gateway_cube_trunks.%s.tag, or mediation_gateway_cube_tag_base: the dial peers follow '
                   'the tag unless given' % name)
        peers = {}
        for which in ('outbound', 'inbound'):
            parents = ['dial-peer voice %d voip' % trunk['dial_peers'][which]]
            block = [b for b in blocks if b['kind'] == 'dial-peer' and b['parents'] == parents][0]
            peers[which] = block
            path = _path(block)
            mark = _description(block)
            if path in index and not _carries(index[path], mark):
                raise CubeError("trunk '%s': dial peer %d on the router is not the role's: the role's (the trunk's %s "
                                "dial peer) carries '%s', this one holds: %s. Give the trunk a dial peer free on the "
                                'router (mediation_gateway_cube_trunks.%s.%s_dial_peer) or another tag (%s); if it is '
                                "this role's, add '%s' to it by hand"
                                % (name, trunk['dial_peers'][which], which, mark, _holds(index[path]), name, which,
                                   tag_way, mark))
        for block in blocks:
            if block['kind'] != 'tls-profile':
                continue
            path = _path(block)
            mark = _description(block)
            if path in index and not _carries(index[path], mark):
                raise CubeError("trunk '%s': %s on the router is not the role's: the role's carries '%s', this one "
                                'holds: %s. Give the trunk a tag free on the router (%s); if it is this role\'s, add '
                                "'%s' to it by hand" % (name, ' / '.join(block['parents']), mark, _holds(index[path]),
                                                        tag_way, mark))
        if _path(peers['outbound']) in index:
            continue
        for block in blocks:
            path = _path(block)
            if block['kind'] in ('uri', 'srtp-crypto', 'tenant') and path in index:
                raise CubeError("trunk '%s': %s is on the router, but not the trunk's outbound dial peer %d (carrying "
                                "'%s'), which marks the voice classes at tag %d as the role's: it cannot be told the "
                                "role's; it holds: %s. Give the trunk a tag free on the router (%s), or remove it by "
                                'hand if it is a leftover of this role'
                                % (name, ' / '.join(block['parents']), trunk['dial_peers']['outbound'],
                                   _description(peers['outbound']), trunk['tag'], _holds(index[path]), tag_way))
    if desired_data.get('manage_default_signaling'):
        return
    wanted = [line for block in desired_data['host_wide']['after_trunks'] if block['kind'] == 'sip-ua'
              for line in block['lines'] if key(line) == 'crypto signaling default']
    if not wanted:
        return
    for line in index.get(('sip-ua',), []):
        if key(line) != 'crypto signaling default' or canonical(line) == canonical(wanted[0]):
            continue
        named = re.match(r'crypto signaling default tls-profile (\d+)\Z', canonical(line))
        if named and _carries(index.get(('voice class tls-profile %s' % named.group(1),), []),
                              'description %s' % HOST_DESCRIPTION):
            continue    # the role's own, from another tag base
        raise CubeError("the router's sip-ua holds '%s', which is not the role's: crypto signaling default is the TLS "
                        'policy of every TLS peer no remote-addr or tenant names, the internal side (CUCM, a PBX) '
                        "included, and the role would replace it with '%s'. Set "
                        'mediation_gateway_cube_manage_default_signaling: true to let it (the internal side\'s TLS '
                        'then follows the role\'s policy)' % (' '.join(line.split()), wanted[0]))


def drift(desired_data, running_text):
    """What differs between the desired configuration (:func:`desired`) and ``show running-config``.

    Returns ``{platform, host, changed, trunks: [{name, status, differences, lines, blocks}], host_wide:
    {differences, lines, blocks_before_trunks, blocks_after_trunks}, lines, blocks, before, after}``: a trunk
    is ``missing`` when none of its objects (voice classes, tenant, dial peers) is on the device, ``drifted``
    when any setting differs, else ``unchanged``. ``differences`` name each differing child (``object`` the
    block's parents, ``setting``, ``before`` and ``after``, None for absent); ``blocks`` are the fixes as
    ``{parents, lines}`` for ``cisco.ios.ios_config`` (``no`` lines for what must go) and ``lines`` the same
    as configuration text, in the order the device must take them. ``before`` / ``after`` are the device's
    managed lines and the desired ones, each trunk's part between ``! #@trunk NAME`` and ``! #@end``.

    Raises :class:`CubeError` where the router holds, at one of the role's tags or dial peers, an object the role
    cannot prove its own, or a ``crypto signaling default`` line it did not write (:func:`_check_router`).
    """
    if not isinstance(desired_data, Mapping) or desired_data.get('platform') != PLATFORM:
        raise CubeError('drift needs the result of desired() for platform %s' % PLATFORM)
    index = _index(parse(running_text))
    _check_router(desired_data, index)
    results = {}
    views = []
    fixes = []
    for owner, block in ordered_blocks(desired_data):
        present, differences, fix, view = _compare(block, index)
        entry = results.setdefault(owner, {'present': False, 'differences': [], 'blocks': []})
        if block['kind'] != 'sip-ua' or owner is None:
            entry['present'] = entry['present'] or present
        entry['differences'].extend(differences)
        fix_block = None
        if fix:
            fix_block = {'parents': list(block['parents']), 'lines': fix}
            entry['blocks'].append(fix_block)
        fixes.append((owner, block, fix_block))
        views.append((owner, block_lines(block, view) if present and view else []))
    trunks = []
    for trunk in desired_data['trunks']:
        entry = results.get(trunk['name'], {'present': False, 'differences': [], 'blocks': []})
        if not entry['present']:
            status = 'missing'
        elif entry['differences']:
            status = 'drifted'
        else:
            status = 'unchanged'
        trunks.append({'name': trunk['name'], 'status': status, 'differences': entry['differences'],
                       'lines': _text_lines(entry['blocks']), 'blocks': entry['blocks']})
    host = results.get(None, {'differences': [], 'blocks': []})
    first = [fix for owner, block, fix in fixes[:len(desired_data['host_wide']['before_trunks'])] if fix]
    last_count = len(desired_data['host_wide']['after_trunks'])
    last = [fix for owner, block, fix in (fixes[len(fixes) - last_count:] if last_count else []) if fix]
    all_blocks = [fix for owner, block, fix in fixes if fix]
    return {
        'platform': PLATFORM, 'host': desired_data['host'],
        'changed': bool(all_blocks),
        'trunks': trunks,
        'host_wide': {'differences': host['differences'], 'lines': _text_lines(first + last),
                      'blocks_before_trunks': first, 'blocks_after_trunks': last},
        'lines': _text_lines(all_blocks),
        'blocks': all_blocks,
        'before': _sections(views),
        'after': config_text(desired_data),
    }


def _text_lines(blocks):
    out = []
    for block in blocks:
        out.extend(block_lines(block))
    return out
