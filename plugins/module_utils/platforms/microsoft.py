# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Microsoft Mediation Server's gateway side: the neutral gateway settings in the
terms of Lync Server / Skype for Business Server and of Office Communications Server 2007 R2.

Everything that decides lives here, in pure Python (no PowerShell needed to compute or
check it):

* :func:`desired` - a host's neutral settings (:mod:`.gateway`) to the list of *items*
  the Windows side must hold: each item one setting at one scope, with the cmdlet that
  reads it, the exact command line that sets it (or, for what PowerShell cannot safely
  change, the exact change to make by hand), and the value it must have.
* :func:`plan` - those items plus what the read-only drift script observed (its JSON) to
  the exact changes and findings, per trunk.

The PowerShell templates only *render* the items: one block per item that reads the
value, compares it with the literal value computed here, sets it only when it differs,
and reports. The comparison they make is the one :func:`differs` makes (PowerShell's
``-ne`` on strings is case-insensitive, on numbers numeric), so the plan computed here
from the drift script's JSON is what the apply script does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, powershell_vetted
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError

PLATFORMS = ('skype_for_business', 'ocs2007r2')
SRTP_MODES = ('required', 'optional', 'disabled')
TRANSPORTS = ('tls', 'tcp')

#: Set-CsTrunkConfiguration -SRTPMode (Lync Server 2010 to Skype for Business Server 2019).
SFB_SRTP_MODES = {'required': 'Required', 'optional': 'Optional', 'disabled': 'NotSupported'}
#: The trunk's "SIP Transport Protocol" as Topology Builder shows it.
SFB_TRANSPORTS = {'tls': 'TLS', 'tcp': 'TCP'}
#: Get-CsMediaConfiguration EncryptionLevel values (New-CsMediaConfiguration documents these three).
MEDIA_ENCRYPTION_LEVELS = ('RequireEncryption', 'SupportEncryption', 'DoNotSupportEncryption')
#: With media bypass the client's media goes straight to the gateway, so the clients'
#: encryption level (Get-CsMediaConfiguration) must be one the trunk's SRTP mode can meet.
#: Derived from what the values mean (a client that requires encryption cannot talk to a
#: trunk that does not support SRTP, and the other way round); not confirmed on a live system.
MEDIA_BYPASS_COMPATIBLE = {
    'Required': ('RequireEncryption', 'SupportEncryption'),
    'Optional': ('RequireEncryption', 'SupportEncryption', 'DoNotSupportEncryption'),
    'NotSupported': ('SupportEncryption', 'DoNotSupportEncryption'),
}

#: Defaults of the values Microsoft's documentation does not spell out (role variables).
DEFAULT_OCS_TRANSPORT_VALUES = {'tls': 'TLS', 'tcp': 'TCP'}
DEFAULT_OCS_ENCRYPTION_LEVELS = {'required': 'RequireEncryption', 'optional': 'SupportEncryption',
                                 'disabled': 'DoNotSupportEncryption'}
DEFAULT_SFB_TRANSPORT_PROPERTY = 'SipTransport'

DEFAULT_OPTIONS = {
    'host': 'mediation-server',
    # Skype for Business / Lync
    'module': 'SkypeForBusiness',
    'mediation_server': None,              # default MediationServer:<host>
    'trunks': {},                          # trunk name -> {scope, trunk}
    'media_configuration': 'Global',
    'manage_ports': True,
    'trunk_transport_property': DEFAULT_SFB_TRANSPORT_PROPERTY,
    'certificate_type': 'Default',
    # OCS 2007 R2
    'wmi_namespace': 'root\\cimv2',
    'transport_values': DEFAULT_OCS_TRANSPORT_VALUES,
    'encryption_levels': DEFAULT_OCS_ENCRYPTION_LEVELS,
    'certificate_names': [],
    # both
    'certificate_expiry_warn_days': 30,
}

# What may stand inside a rendered single-quoted PowerShell string or comment: names, addresses,
# scopes, WMI values (config_quote.powershell_vetted). Anything else (a quote, a backtick, a
# newline, PowerShell's typographic quotes) is refused here rather than escaped in the template;
# the templates quote every value once more (voip.trunk_security.powershell_quote). ``*`` stands
# only in certificate names (a wildcard certificate); identities refuse it (see :func:`ps_identity`).


class MediationServerError(PlatformError):
    """Settings that cannot be rendered on the platform (a conflict, an unsafe value)."""


def ps_quote(value):
    """A PowerShell single-quoted string literal for a vetted value."""
    try:
        return powershell_vetted(value)
    except QuoteError as error:
        raise MediationServerError(str(error))


def ps_identity(value, what='identity'):
    """:func:`ps_quote` for a scope or identity: a wildcard (``*``) is refused as well, since it would make a
    Get-Cs cmdlet return several objects where the script expects one."""
    quoted = ps_quote(value)
    if '*' in str(value):
        raise MediationServerError('%s %r has a wildcard (*): name one scope exactly' % (what, str(value)))
    return quoted


def ps_name(value):
    """A trunk name as it may stand in a rendered comment line: vetted like any value (no newline, no quote)."""
    ps_quote(value)
    return str(value)


def ps_value(value):
    """A literal: numbers bare, booleans as $true/$false, text single-quoted."""
    if isinstance(value, bool):
        return '$true' if value else '$false'
    if isinstance(value, int):
        return str(value)
    return ps_quote(value)


def differs(before, after):
    """Whether the observed value differs from the wanted one, as the scripts' ``-ne`` decides.

    PowerShell compares strings case-insensitively and converts the right-hand side to the
    left-hand side's type; the scripts cast what they read to the wanted value's type first
    (``[string]`` or ``[int]``), so this is the comparison they make. ``None`` (not found)
    always differs.
    """
    if before is None:
        return True
    if isinstance(after, bool):
        return bool(before) != after if isinstance(before, bool) else str(before).lower() != str(after).lower()
    if isinstance(after, int):
        try:
            return int(before) != after
        except (TypeError, ValueError):
            return True
    return str(before).lower() != str(after).lower()


def _options(options):
    merged = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if key not in DEFAULT_OPTIONS:
            raise MediationServerError('unknown option %r; known options: %s' % (key, ', '.join(sorted(DEFAULT_OPTIONS))))
        if value is not None:
            merged[key] = value
    return merged


def _mapping_value(mapping, key, what):
    if key not in mapping:
        raise MediationServerError('%s has no value for %r; it maps %s' % (what, key, ', '.join(sorted(mapping))))
    value = mapping[key]
    ps_quote(value)
    return value


def desired(settings_list, platform, options=None):
    """The items a Mediation Server's gateway side must hold for these trunks' settings.

    ``settings_list`` is the host's list of neutral settings
    (:func:`ansible_collections.voip.trunk_security.plugins.module_utils.gateway.settings_all`).
    Returns ``{platform, host, module, items, notes, trunks}``: each trunk entry holds its
    configured ``srtp_mode``, the ``effective_srtp_mode`` (on Skype for Business / Lync a TCP
    trunk is NotSupported whatever its configuration says) and its ``notes``. Raises
    :class:`MediationServerError` where the platform cannot hold what the trunks need
    (two trunks sharing a scope but not a value, several trunks on one OCS Mediation Server),
    or for a value that cannot be written safely into a script (a trunk name included).
    """
    if platform not in PLATFORMS:
        raise MediationServerError('platform %r is not one of %s' % (platform, ', '.join(PLATFORMS)))
    opts = _options(options)
    ps_quote(opts['host'])
    settings_list = list(settings_list)
    for s in settings_list:
        ps_name(s['name'])
    if platform == 'skype_for_business':
        return _sfb(settings_list, opts)
    return _ocs(settings_list, opts)


def _item(kind, setting, scope, trunks, after, **fields):
    item = {'id': '%s@%s' % (setting, scope), 'kind': kind, 'setting': setting, 'scope': scope,
            'trunks': sorted(trunks), 'after': after}
    item.update(fields)
    return item


def _merge(items, item):
    """Add an item; trunks sharing one scope share its item, and must agree on its value."""
    for known in items:
        if known['id'] == item['id']:
            if known['after'] != item['after']:
                raise MediationServerError(
                    '%s at %s would be %r for trunk(s) %s but %r for trunk(s) %s: they share that scope, give them '
                    'scopes of their own' % (item['setting'], item['scope'], known['after'], ', '.join(known['trunks']),
                                             item['after'], ', '.join(item['trunks'])))
            known['trunks'] = sorted(set(known['trunks']) | set(item['trunks']))
            return
    items.append(item)


def _merge_bypass(items, item):
    """Add a media bypass item; trunks sharing a scope share it, judged on every SRTP mode in effect there
    (a TLS and a TCP trunk may share one trunk configuration, and only the TLS one has its SRTPMode in effect)."""
    for known in items:
        if known['id'] == item['id']:
            modes = sorted(set(known['after'].split(', ')) | set([item['after']]))
            known['after'] = ', '.join(modes)
            known['compatible'] = [level for level in known['compatible'] if level in item['compatible']]
            known['trunks'] = sorted(set(known['trunks']) | set(item['trunks']))
            return
    items.append(item)


def _sfb(settings_list, opts):
    pool = opts['mediation_server'] or 'MediationServer:%s' % opts['host']
    if not pool.startswith('MediationServer:'):
        pool = 'MediationServer:%s' % pool
    ps_identity(pool, 'mediation_gateway_sfb_mediation_server')
    ps_quote(opts['module'])
    ps_identity(opts['media_configuration'], 'mediation_gateway_sfb_media_configuration')
    ps_identity(opts['trunk_transport_property'], 'mediation_gateway_sfb_trunk_transport_property')
    scopes = opts['trunks'] or {}
    unknown = sorted(set(scopes) - set(s['name'] for s in settings_list))
    if unknown:
        raise MediationServerError('mediation_gateway_sfb_trunks names trunk(s) this host does not have: %s'
                                   % ', '.join(unknown))
    items, notes, trunks = [], [], []
    for s in settings_list:
        wiring = scopes.get(s['name']) or {}
        if isinstance(wiring, str):
            wiring = {'scope': wiring}
        default_identity = 'PstnGateway:%s' % s['next_hop']['address']
        scope = wiring.get('scope') or default_identity
        trunk_identity = wiring.get('trunk') or default_identity
        ps_identity(scope, "trunk %s's scope" % s['name'])
        ps_identity(trunk_identity, "trunk %s's trunk identity" % s['name'])
        srtp = SFB_SRTP_MODES[s['srtp_mode']]
        transport = SFB_TRANSPORTS[s['transport']]
        # Lync / Skype for Business forces a TCP trunk to NotSupported (SDES keys would cross in clear):
        # whatever SRTPMode says, that is the mode in effect on the trunk.
        effective = SFB_SRTP_MODES['disabled'] if s['transport'] == 'tcp' else srtp
        trunk_notes = list(s.get('notes') or [])
        notes.extend("trunk '%s': %s" % (s['name'], note) for note in trunk_notes)
        trunks.append({'name': s['name'], 'scope': scope, 'trunk': trunk_identity, 'srtp_mode': srtp,
                       'effective_srtp_mode': effective, 'transport': transport, 'listen_port': s['listen']['port'],
                       'next_hop': '%s:%d' % (s['next_hop']['address'], s['next_hop']['port']), 'notes': trunk_notes})
        _merge(items, _item(
            'set', 'srtp_mode', scope, [s['name']], srtp,
            read={'cmdlet': 'Get-CsTrunkConfiguration', 'identity': scope, 'property': 'SRTPMode'},
            command='Set-CsTrunkConfiguration -Identity %s -SRTPMode %s' % (ps_quote(scope), ps_quote(srtp)),
            missing='New-CsTrunkConfiguration -Identity %s -SRTPMode %s' % (ps_quote(scope), ps_quote(srtp)),
            neutral=s['srtp_mode']))
        _merge(items, _item(
            'check', 'transport', trunk_identity, [s['name']], transport,
            read={'cmdlet': 'Get-CsTrunk', 'identity': trunk_identity, 'property': opts['trunk_transport_property']},
            remedy=("Topology Builder: trunk %s, 'SIP Transport Protocol' %s, 'Associated Mediation Server port' %d; "
                    'then Publish-CsTopology and Enable-CsTopology' % (trunk_identity, transport, s['listen']['port'])),
            neutral=s['transport']))
        _merge_bypass(items, _item(
            'bypass', 'media_bypass', scope, [s['name']], effective,
            read={'cmdlet': 'Get-CsTrunkConfiguration', 'identity': scope, 'property': 'EnableBypass'},
            compatible=list(MEDIA_BYPASS_COMPATIBLE[effective]), neutral=s['srtp_mode']))
    if opts['manage_ports']:
        for transport, parameter in (('tls', 'SipClientTlsPort'), ('tcp', 'SipClientTcpPort')):
            for s in settings_list:
                if s['transport'] == transport:
                    _merge(items, _item(
                        'set', parameter, pool, [s['name']], int(s['listen']['port']),
                        read={'cmdlet': 'Get-CsMediationServer', 'identity': pool, 'property': parameter},
                        command='Set-CsMediationServer -Identity %s -%s %d'
                                % (ps_quote(pool), parameter, int(s['listen']['port'])),
                        neutral=s['listen']['port']))
    if settings_list and all(not s['plaintext_listener'] for s in settings_list):
        # every trunk TLS: the Mediation Server needs no plaintext (TCP) port toward its gateways
        items.append(_item(
            'listener', 'plaintext_listener', pool, [s['name'] for s in settings_list], 'absent',
            read={'cmdlet': 'Get-CsMediationServer', 'identity': pool, 'property': 'SipClientTcpPort'},
            remedy=("Topology Builder: Mediation Server %s, clear its TCP port (every trunk on it is TLS); then "
                    'Publish-CsTopology and Enable-CsTopology' % pool.split(':', 1)[1])))
    every_mode = sorted(set(t['effective_srtp_mode'] for t in trunks))
    if trunks:
        compatible = set(MEDIA_ENCRYPTION_LEVELS)
        for mode in every_mode:
            compatible &= set(MEDIA_BYPASS_COMPATIBLE[mode])
        items.append(_item(
            'media', 'media_encryption', opts['media_configuration'], [t['name'] for t in trunks],
            ', '.join(every_mode),
            read={'cmdlet': 'Get-CsMediaConfiguration', 'identity': opts['media_configuration'],
                  'property': 'EncryptionLevel'},
            compatible=[level for level in MEDIA_ENCRYPTION_LEVELS if level in compatible]))
    tls_trunks = [s['name'] for s in settings_list if s['certificate']['needed']]
    if tls_trunks:
        ps_identity(opts['certificate_type'], 'mediation_gateway_sfb_certificate_type')
        items.append(_item(
            'certificate', 'certificate', opts['certificate_type'], tls_trunks, 'valid',
            read={'cmdlet': 'Get-CsCertificate', 'type': opts['certificate_type'], 'property': 'NotAfter'},
            warn_days=int(opts['certificate_expiry_warn_days']),
            remedy='Request-CsCertificate / Import-CsCertificate, then Set-CsCertificate -Type %s -Thumbprint '
                   'THUMBPRINT' % opts['certificate_type']))
    return {'platform': 'skype_for_business', 'host': opts['host'], 'module': opts['module'],
            'mediation_server': pool, 'items': items, 'notes': notes, 'trunks': trunks}


#: OCS 2007 R2: each neutral setting and the MSFT_SIPMediationServerConfigSetting property holding it.
OCS_PROPERTIES = (
    ('transport', 'GatewayTransportType'),
    ('listen_address', 'GatewayListeningAddress'),
    ('listen_port', 'GatewayListeningPort'),
    ('next_hop_address', 'GatewayNextHopAddress'),
    ('next_hop_port', 'GatewayNextHopPort'),
    ('srtp_mode', 'GatewayEncryptionLevel'),
)
OCS_CLASS = 'MSFT_SIPMediationServerConfigSetting'


def _ocs(settings_list, opts):
    if len(settings_list) > 1:
        raise MediationServerError(
            'an Office Communications Server 2007 R2 Mediation Server has one gateway side (one %s instance: one '
            'listener, one next hop), but this host has %d trunks (%s): give each trunk a Mediation Server of its own'
            % (OCS_CLASS, len(settings_list), ', '.join(s['name'] for s in settings_list)))
    ps_identity(opts['wmi_namespace'], 'mediation_gateway_ocs_wmi_namespace')
    items, notes, trunks = [], [], []
    for s in settings_list:
        values = {
            'transport': _mapping_value(opts['transport_values'], s['transport'], 'mediation_gateway_ocs_transport_values'),
            'listen_address': s['listen']['address'],
            'listen_port': int(s['listen']['port']),
            'next_hop_address': s['next_hop']['address'],
            'next_hop_port': int(s['next_hop']['port']),
            'srtp_mode': _mapping_value(opts['encryption_levels'], s['srtp_mode'], 'mediation_gateway_ocs_encryption_levels'),
        }
        trunk_notes = list(s.get('notes') or [])
        trunks.append({'name': s['name'], 'scope': OCS_CLASS, 'srtp_mode': values['srtp_mode'],
                       'effective_srtp_mode': values['srtp_mode'], 'transport': values['transport'],
                       'listen_port': values['listen_port'],
                       'next_hop': '%s:%d' % (values['next_hop_address'], values['next_hop_port']), 'notes': trunk_notes})
        for setting, prop in OCS_PROPERTIES:
            value = values[setting]
            items.append(_item(
                'cim', prop, OCS_CLASS, [s['name']], value,
                read={'cmdlet': 'Get-CimInstance', 'namespace': opts['wmi_namespace'], 'class': OCS_CLASS,
                      'property': prop},
                command='$instance = Set-CimInstance -InputObject $instance -Property @{ %s = %s } -PassThru'
                        % (prop, ('[uint32]%d' % value) if isinstance(value, int) else ps_value(value)),
                neutral=setting))
        if s['next_hop']['server_name']:
            trunk_notes.append("the gateway's certificate name (%s) is not a Mediation Server setting on OCS 2007 R2; the "
                               'gateway link is mutual TLS, the peer certificate chained to a trusted root'
                               % s['next_hop']['server_name'])
        notes.extend("trunk '%s': %s" % (s['name'], note) for note in trunk_notes)
        if s['certificate']['needed']:
            names = list(opts['certificate_names'] or [opts['host']])
            for name in names:
                ps_quote(name)
            items.append(_item(
                'store_certificate', 'certificate', 'Cert:\\LocalMachine\\My', [s['name']], 'valid',
                read={'cmdlet': 'Get-ChildItem', 'path': 'Cert:\\LocalMachine\\My', 'property': 'NotAfter'},
                names=names, warn_days=int(opts['certificate_expiry_warn_days']),
                remedy='enrol a certificate for %s into the local computer store (with its private key) and select it in '
                       "the Mediation Server's properties" % ', '.join(names)))
    return {'platform': 'ocs2007r2', 'host': opts['host'], 'namespace': opts['wmi_namespace'], 'wmi_class': OCS_CLASS,
            'items': items, 'notes': notes, 'trunks': trunks}


# ----------------------------------------------------------------------------------------
# The plan: the items against what the drift script observed
# ----------------------------------------------------------------------------------------

def load_observed(observed):
    """The drift script's output (its JSON text, or the parsed dict, or None when not run)."""
    if observed is None or observed == '' or observed == {}:
        return None
    if isinstance(observed, (str, bytes)):
        try:
            observed = json.loads(observed)
        except ValueError as error:
            raise MediationServerError('the observed state is not the JSON the drift script prints: %s' % error)
    if not isinstance(observed, dict) or not isinstance(observed.get('observed'), dict):
        raise MediationServerError("the observed state must be the drift script's JSON: a mapping with 'observed'")
    return observed


def plan(wanted, observed=None, check_mode=False):
    """What the apply script changes (or would change, in check mode), and what it reports.

    ``wanted`` is :func:`desired`'s result; ``observed`` the drift script's JSON (or None:
    nothing observed yet, every settable item is then pending). Returns ``{platform, host,
    observed, changed, changes, findings, trunks, report}``; ``trunks`` holds, per trunk, its
    changes, its findings and its notes (those of its gateway-side settings).

    Some findings need no observation: on Skype for Business / Lync a TCP trunk whose SRTP mode
    is not NotSupported is reported ``ineffective`` (the platform forces NotSupported there).
    """
    seen = load_observed(observed)
    values = seen['observed'] if seen else {}
    errors = (seen.get('errors') or {}) if seen else {}
    changes, findings = [], []
    for item in wanted['items']:
        if seen is None:
            if item['kind'] in ('set', 'cim'):
                changes.append(_change(item, None, 'pending'))
            continue
        error = errors.get(item['id']) or (errors.get(OCS_CLASS) if item['kind'] == 'cim' else None)
        if error:
            findings.append(_finding(item, 'unreadable', None, 'could not be read: %s' % error))
            continue
        before = values.get(item['id'])
        kind = item['kind']
        if kind in ('set', 'cim'):
            if before is None and item.get('missing'):
                findings.append(_finding(item, 'missing', None, '%s does not exist: create it with %s'
                                         % (item['scope'], item['missing']), remedy=item['missing']))
            elif before is None and kind == 'set':
                findings.append(_finding(item, 'missing', None, '%s was not found' % item['scope']))
            elif before is None:
                findings.append(_finding(item, 'missing', None, 'no %s instance on this server' % OCS_CLASS))
            elif differs(before, item['after']):
                changes.append(_change(item, before, 'would_change' if check_mode else 'changed'))
        elif kind == 'check':
            if before is None:
                findings.append(_finding(item, 'unknown', None, 'not read: %s needs Lync Server 2013 or later, and its '
                                         'output must have the property %s (mediation_gateway_sfb_trunk_transport_property'
                                         '); check the transport in Topology Builder: %s'
                                         % (item['read']['cmdlet'], item['read']['property'], item['remedy'])))
            elif differs(before, item['after']):
                findings.append(_finding(item, 'drift', before, 'transport is %s, the policy needs %s: %s'
                                         % (before, item['after'], item['remedy']), remedy=item['remedy']))
        elif kind == 'listener':
            if before not in (None, 0, ''):
                findings.append(_finding(item, 'drift', before, 'the Mediation Server has TCP port %s toward its gateways '
                                         'while every trunk on it is TLS: %s' % (before, item['remedy']),
                                         remedy=item['remedy']))
        elif kind == 'bypass':
            level = values.get('media_encryption@%s' % _media_scope(wanted))
            if before is True and level is not None and str(level) not in item['compatible']:
                findings.append(_finding(item, 'conflict', level,
                                         'media bypass is on at %s and clients use EncryptionLevel %s, which the SRTP mode '
                                         'in effect (%s) cannot meet; turn bypass off there (Set-CsTrunkConfiguration -Identity %s '
                                         '-EnableBypass $false) or align the media configuration'
                                         % (item['scope'], level, item['after'], ps_quote(item['scope']))))
        elif kind == 'media':
            if before is not None and str(before) not in item['compatible']:
                findings.append(_finding(item, 'warning', before, 'EncryptionLevel %s does not agree with the trunks\' '
                                         'SRTP modes in effect (%s); compatible: %s'
                                         % (before, item['after'], ', '.join(item['compatible']) or 'none')))
        elif kind in ('certificate', 'store_certificate'):
            findings.extend(_certificate_findings(item, before))
    findings.extend(_ineffective_findings(wanted))
    report = _report(wanted, changes, findings, seen is not None, check_mode)
    per_trunk = {}
    for trunk in wanted['trunks']:
        name = trunk['name']
        per_trunk[name] = {
            'changes': [c for c in changes if name in c['trunks']],
            'findings': [f for f in findings if name in f['trunks']],
            'notes': list(trunk.get('notes') or []),
        }
    return {'platform': wanted['platform'], 'host': wanted['host'], 'observed': seen is not None,
            'check_mode': bool(check_mode), 'changed': bool(changes) and seen is not None,
            'changes': changes, 'findings': findings, 'trunks': per_trunk, 'report': report}


def _ineffective_findings(wanted):
    """Skype for Business / Lync: per TCP trunk whose SRTP mode is not NotSupported, the mode cannot be in effect."""
    found = []
    if wanted['platform'] != 'skype_for_business':
        return found
    for trunk in wanted['trunks']:
        if trunk['transport'] != SFB_TRANSPORTS['tcp'] or trunk['srtp_mode'] == SFB_SRTP_MODES['disabled']:
            continue
        remedy = ("TLS toward the provider (provider.tls true in the trunk's input: the provider must offer TLS), then "
                  "Topology Builder: trunk %s, 'SIP Transport Protocol' TLS and the Mediation Server's TLS port (5067 "
                  'by default); Publish-CsTopology and Enable-CsTopology' % trunk['trunk'])
        found.append({
            'id': 'srtp_mode@%s' % trunk['scope'], 'setting': 'srtp_mode', 'scope': trunk['scope'],
            'trunks': [trunk['name']], 'status': 'ineffective', 'before': None, 'after': trunk['srtp_mode'],
            'effective': trunk['effective_srtp_mode'],
            'message': 'SRTP mode %s cannot be in effect on a TCP trunk: Lync / Skype for Business forces a TCP trunk '
                       'to NotSupported (SDES keys would cross in clear), so its media is plain RTP; remedy: %s'
                       % (trunk['srtp_mode'], remedy),
            'remedy': remedy})
    return found


def _media_scope(wanted):
    for item in wanted['items']:
        if item['kind'] == 'media':
            return item['scope']
    return 'Global'


def _change(item, before, status):
    return {'id': item['id'], 'setting': item['setting'], 'scope': item['scope'], 'trunks': item['trunks'],
            'before': before, 'after': item['after'], 'command': item['command'], 'status': status}


def _finding(item, status, before, message, remedy=None):
    finding = {'id': item['id'], 'setting': item['setting'], 'scope': item['scope'], 'trunks': item['trunks'],
               'status': status, 'before': before, 'after': item['after'], 'message': message}
    if remedy:
        finding['remedy'] = remedy
    return finding


def _certificate_findings(item, seen):
    if not seen:
        return [_finding(item, 'missing', None, 'no certificate found for the gateway side: %s' % item['remedy'],
                         remedy=item['remedy'])]
    found = []
    days = seen.get('days_left')
    name = '%s (%s, expires %s)' % (seen.get('thumbprint'), seen.get('subject'), seen.get('not_after'))
    if seen.get('has_private_key') is False:
        found.append(_finding(item, 'no-private-key', seen, 'certificate %s has no private key on this server' % name))
    if days is None:
        found.append(_finding(item, 'unknown', seen, 'certificate %s: expiry could not be read' % name))
    elif days < 0:
        found.append(_finding(item, 'expired', seen, 'certificate %s has expired: %s' % (name, item['remedy']),
                              remedy=item['remedy']))
    elif days <= item['warn_days']:
        found.append(_finding(item, 'expiring', seen, 'certificate %s expires in %d day(s) (warning at %d)'
                              % (name, days, item['warn_days'])))
    return found


def _report(wanted, changes, findings, observed, check_mode):
    """One line per trunk and per change or finding, for a person to read."""
    lines = []
    verb = {'changed': 'set', 'would_change': 'would set', 'pending': 'sets, if it differs,'}
    for trunk in wanted['trunks']:
        name = trunk['name']
        mine = [c for c in changes if name in c['trunks']]
        issues = [f for f in findings if name in f['trunks']]
        if observed and not mine and not issues:
            lines.append('%s: compliant (%s)' % (name, _summary(trunk)))
        elif not mine and not issues:
            lines.append('%s: nothing to set (%s)' % (name, _summary(trunk)))
        for change in mine:
            before = '' if change['before'] is None else ' (now %s)' % change['before']
            lines.append('%s: %s %s at %s to %s%s: %s'
                         % (name, verb[change['status']], change['setting'], change['scope'], change['after'], before,
                            change['command']))
        for finding in issues:
            lines.append('%s: %s %s at %s: %s' % (name, finding['status'], finding['setting'], finding['scope'],
                                                  finding['message']))
        for note in trunk.get('notes') or []:
            lines.append('%s: note: %s' % (name, note))
    if not observed:
        lines.append('nothing observed yet: run drift.ps1 on %s and give its JSON as mediation_gateway_observed to see '
                     'the current values' % wanted['host'])
    elif check_mode and changes:
        lines.append('check mode: nothing was set')
    return lines


def _summary(trunk):
    srtp = trunk['srtp_mode']
    if trunk.get('effective_srtp_mode', srtp) != srtp:
        srtp = '%s (in effect %s)' % (srtp, trunk['effective_srtp_mode'])
    return 'srtp %s, transport %s, port %s, next hop %s' % (
        srtp, trunk['transport'], trunk['listen_port'], trunk['next_hop'])
