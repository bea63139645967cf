# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No input can change the structure of a file the roles write.

For every string field of the trunk model and every role input a template writes (FIELDS below), hostile
values (line breaks, quotes of every kind, backslashes, comment and statement starters, expansions, NUL,
line and paragraph separators, 10 kB strings, and mixtures behind a benign prefix) go through the same
path as in a play: the engine (trunk_policy, via the gateway settings), the role's argument spec
(Ansible's ArgumentSpecValidator on meta/argument_specs.yml), the role's input checks
(plugins/module_utils/role_inputs.py) and the Mediation Server vetting, then the templates, rendered
in-process with Ansible's filters and this collection's (tests/unit/template_env.py). Each value must

* be refused by one of those, the refusal naming the field (validation) or the value (a quoting
  helper, the vetting), or
* render every file it reaches with the structure a benign value of its kind gives
  (tests/unit/config_parsers.py: Kamailio's token sequence, tls.cfg's profiles and options, baresip's
  keys and account parts, rtpengine.conf's groups and keys, the unit's and the supervisor file's
  sections and keys, the PowerShell syntax tree),

and ``kamailio -c`` must accept the Kamailio configurations kept (a bounded sample), where Kamailio is
installed. A value that validation lets through and a quoting helper refuses is the second wall at
work; the refusal must then name the value.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.voip.trunk_security.plugins.module_utils import describe
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms.microsoft import MediationServerError
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError

import config_parsers as parsers
import parsers_audiocodes
import parsers_cisco_cube
import template_inputs as inputs

try:  # the roles' input checks (the role_inputs action runs them first in each role)
    from ansible_collections.voip.trunk_security.plugins.module_utils import role_inputs
except ImportError:  # pragma: no cover - older trees: the argument specs and the engine stand alone
    role_inputs = None

ROLES = Path(__file__).resolve().parents[2] / 'roles'
EXAMPLES = int(os.environ.get('TEMPLATE_STRUCTURE_EXAMPLES', '2000'))
#: At most this many distinct Kamailio configurations go through kamailio -c.
KAMAILIO_CHECKS = 40

STRUCTURE = {
    'kamailio.cfg': parsers.kamailio_structure,
    'tls.cfg': parsers.tls_cfg_structure,
    'baresip config': parsers.baresip_config_structure,
    'baresip accounts': parsers.baresip_accounts_structure,
    'rtpengine.conf': parsers.keyfile_structure,
    'systemd unit': parsers.systemd_structure,
    'supervisor program': parsers.supervisor_structure,
    'audiocodes incremental.ini': parsers_audiocodes.audiocodes_ini_structure,
    'audiocodes cli.txt': parsers_audiocodes.audiocodes_cli_structure,
    'cube.cfg': parsers_cisco_cube.cisco_cube_structure,
}
_POWERSHELL_SEEN = {}


def _powershell_structure(text):
    # the same script renders again and again (most values never reach it): parse each text once
    digest = hashlib.sha256(text.encode('utf-8')).digest()
    if digest not in _POWERSHELL_SEEN:
        _POWERSHELL_SEEN[digest] = parsers.powershell_structure(text)
    return _POWERSHELL_SEEN[digest]


for _platform in ('skype_for_business', 'ocs2007r2'):
    for _kind in ('apply', 'drift'):
        STRUCTURE['%s/%s.ps1' % (_platform, _kind)] = _powershell_structure

#: What a quoting helper or the Mediation Server vetting raises when it refuses a value.
REFUSALS = (QuoteError, AnsibleFilterError, MediationServerError, PlatformError)
KEY = object()   # in a path: the key of a mapping (the value becomes the key), not the value under it


# ---------------------------------------------------------------------------------------------
# The fields
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str                   # as a user writes it: provider.address, mediation_gateway_internal_listen.address
    scope: str                  # trunk, vpn_trunk, mediation_gateway, windows, sip_endpoint, media_relay, ...
    path: tuple
    kind: str = 'text'          # text | address (an IP or a host name) | ip (an IP literal)
    files: tuple = dataclass_field(default=())
    settings_path: tuple = ()   # where a trunk field lands in its gateway settings (past the engine)

    def __str__(self):
        return self.name


GATEWAY_FILES = ('kamailio.cfg', 'tls.cfg')
SFB_FILES = ('skype_for_business/apply.ps1', 'skype_for_business/drift.ps1')
OCS_FILES = ('ocs2007r2/apply.ps1', 'ocs2007r2/drift.ps1')
BARESIP_FILES = ('baresip config', 'baresip accounts')
AUDIOCODES_FILES = ('audiocodes incremental.ini', 'audiocodes cli.txt')
CUBE_FILES = ('cube.cfg',)
TRUNK_FILES = GATEWAY_FILES + SFB_FILES + OCS_FILES + BARESIP_FILES + AUDIOCODES_FILES + CUBE_FILES


def _trunk(name, path, kind='text', scope='trunk', settings_path=()):
    return Field(name, scope, path, kind, TRUNK_FILES, settings_path)


FIELDS = [
    # the trunk model: what the engine accepts reaches Kamailio, tls.cfg, the Mediation Server scripts and baresip
    _trunk('name', ('name',), settings_path=('name',)),
    _trunk('connection', ('connection',)),
    _trunk('provider.address', ('provider', 'address'), 'address', settings_path=('next_hop', 'address')),
    _trunk('provider.server_name', ('provider', 'server_name'), 'address', settings_path=('next_hop', 'server_name')),
    _trunk('provider.name', ('provider', 'name')),
    _trunk('provider.port', ('provider', 'port')),
    _trunk('gateway.address', ('gateway', 'address'), 'ip', settings_path=('listen', 'address')),
    _trunk('gateway.tls_port', ('gateway', 'tls_port')),
    _trunk('gateway.tcp_port', ('gateway', 'tcp_port')),
    _trunk('gateway.srtp_mode', ('gateway', 'srtp_mode')),
    _trunk('mediation_subnet.cidr', ('mediation_subnet', 'cidr')),
    _trunk('mediation_subnet.audience', ('mediation_subnet', 'audience')),
    _trunk('segments.name', ('segments', 0, 'name')),
    _trunk('segments.audience', ('segments', 0, 'audience')),
    _trunk('vpn.encryption', ('vpn', 'encryption'), scope='vpn_trunk'),
    _trunk('vpn.integrity', ('vpn', 'integrity'), scope='vpn_trunk'),
    _trunk('vpn.key_exchange', ('vpn', 'key_exchange'), scope='vpn_trunk'),
    _trunk('vpn.proposal', ('vpn', 'proposal'), scope='vpn_trunk'),
    _trunk('vpn.transport', ('vpn', 'transport'), scope='vpn_trunk'),
]
for _name, _path, _kind in (
        ('mediation_gateway_instance', ('mediation_gateway_instance',), 'text'),
        ('mediation_gateway_config_dir', ('mediation_gateway_config_dir',), 'text'),
        ('mediation_gateway_run_dir', ('mediation_gateway_run_dir',), 'text'),
        ('mediation_gateway_children', ('mediation_gateway_children',), 'text'),
        ('mediation_gateway_internal_listen.address', ('mediation_gateway_internal_listen', 'address'), 'ip'),
        ('mediation_gateway_internal_listen.port', ('mediation_gateway_internal_listen', 'port'), 'text'),
        ('mediation_gateway_internal_listen.transport', ('mediation_gateway_internal_listen', 'transport'), 'text'),
        ('mediation_gateway_internal_next_hop.address', ('mediation_gateway_internal_next_hop', 'address'), 'address'),
        ('mediation_gateway_internal_next_hop.port', ('mediation_gateway_internal_next_hop', 'port'), 'text'),
        ('mediation_gateway_internal_next_hop.transport', ('mediation_gateway_internal_next_hop', 'transport'), 'text'),
        ('mediation_gateway_internal_media_protocol', ('mediation_gateway_internal_media_protocol',), 'text'),
        ('mediation_gateway_media_relay', ('mediation_gateway_media_relay',), 'text'),
        ('mediation_gateway_rtpengine_ng', ('mediation_gateway_rtpengine_ng',), 'text'),
        ('mediation_gateway_media_interfaces.internal', ('mediation_gateway_media_interfaces', 'internal'), 'text'),
        ('mediation_gateway_media_interfaces.trunk', ('mediation_gateway_media_interfaces', 'trunk'), 'text'),
        ('mediation_gateway_srtp_suites', ('mediation_gateway_srtp_suites', 0), 'text'),
        ('mediation_gateway_rtpengine_extra_flags', ('mediation_gateway_rtpengine_extra_flags', 0), 'text'),
        ('mediation_gateway_tls_method', ('mediation_gateway_tls_method',), 'text'),
        ('mediation_gateway_tls_cipher_list', ('mediation_gateway_tls_cipher_list',), 'text'),
        ('mediation_gateway_tls_verify_depth', ('mediation_gateway_tls_verify_depth',), 'text'),
        ('mediation_gateway_certificate', ('mediation_gateway_certificate',), 'text'),
        ('mediation_gateway_private_key', ('mediation_gateway_private_key',), 'text'),
        ('mediation_gateway_ca_list', ('mediation_gateway_ca_list',), 'text')):
    FIELDS.append(Field(_name, 'mediation_gateway', _path, _kind, GATEWAY_FILES))
for _name, _path, _files in (
        ('inventory_hostname', ('inventory_hostname',), SFB_FILES + OCS_FILES),
        ('mediation_gateway_sfb_module', ('mediation_gateway_sfb_module',), SFB_FILES),
        ('mediation_gateway_sfb_mediation_server', ('mediation_gateway_sfb_mediation_server',), SFB_FILES),
        ('mediation_gateway_sfb_trunks.scope', ('mediation_gateway_sfb_trunks', 'migrating', 'scope'), SFB_FILES),
        ('mediation_gateway_sfb_trunks.trunk', ('mediation_gateway_sfb_trunks', 'migrating', 'trunk'), SFB_FILES),
        ('mediation_gateway_sfb_trunks (a trunk name)', ('mediation_gateway_sfb_trunks', KEY), SFB_FILES),
        ('mediation_gateway_sfb_media_configuration', ('mediation_gateway_sfb_media_configuration',), SFB_FILES),
        ('mediation_gateway_sfb_trunk_transport_property', ('mediation_gateway_sfb_trunk_transport_property',),
         SFB_FILES),
        ('mediation_gateway_sfb_certificate_type', ('mediation_gateway_sfb_certificate_type',), SFB_FILES),
        ('mediation_gateway_ocs_wmi_namespace', ('mediation_gateway_ocs_wmi_namespace',), OCS_FILES),
        ('mediation_gateway_ocs_transport_values.tls', ('mediation_gateway_ocs_transport_values', 'tls'), OCS_FILES),
        ('mediation_gateway_ocs_encryption_levels.required', ('mediation_gateway_ocs_encryption_levels', 'required'),
         OCS_FILES),
        ('mediation_gateway_certificate_names', ('mediation_gateway_certificate_names', 0), OCS_FILES),
        ('mediation_gateway_certificate_expiry_warn_days', ('mediation_gateway_certificate_expiry_warn_days',),
         SFB_FILES + OCS_FILES)):
    FIELDS.append(Field(_name, 'windows', _path, 'text', _files))
for _name, _path in (
        ('mediation_gateway_audiocodes_name_prefix', ('mediation_gateway_audiocodes_name_prefix',)),
        ('mediation_gateway_audiocodes_srd', ('mediation_gateway_audiocodes_srd',)),
        ('mediation_gateway_audiocodes_firmware', ('mediation_gateway_audiocodes_firmware',)),
        ('mediation_gateway_audiocodes_index_base', ('mediation_gateway_audiocodes_index_base',)),
        ('mediation_gateway_audiocodes_network_interfaces (an interface)',
         ('mediation_gateway_audiocodes_network_interfaces', '127.0.0.10')),
        ('mediation_gateway_audiocodes_network_interfaces (an address)',
         ('mediation_gateway_audiocodes_network_interfaces', KEY)),
        ('mediation_gateway_audiocodes_trunks.name', ('mediation_gateway_audiocodes_trunks', 'public', 'name')),
        ('mediation_gateway_audiocodes_trunks.network_interface',
         ('mediation_gateway_audiocodes_trunks', 'public', 'network_interface')),
        ('mediation_gateway_audiocodes_trunks (a trunk name)', ('mediation_gateway_audiocodes_trunks', KEY))):
    FIELDS.append(Field(_name, 'audiocodes', _path, 'text', AUDIOCODES_FILES))
for _name, _path in (
        ('mediation_gateway_cube_trustpoint', ('mediation_gateway_cube_trustpoint',)),
        ('mediation_gateway_cube_ca_trustpoint', ('mediation_gateway_cube_ca_trustpoint',)),
        ('mediation_gateway_cube_release', ('mediation_gateway_cube_release',)),
        ('mediation_gateway_cube_tag_base', ('mediation_gateway_cube_tag_base',)),
        ('mediation_gateway_cube_destination_pattern', ('mediation_gateway_cube_destination_pattern',)),
        ('mediation_gateway_cube_srtp_suites', ('mediation_gateway_cube_srtp_suites', 0)),
        ('mediation_gateway_cube_interfaces (an interface)', ('mediation_gateway_cube_interfaces', '127.0.0.10')),
        ('mediation_gateway_cube_interfaces (an address)', ('mediation_gateway_cube_interfaces', KEY)),
        ('mediation_gateway_cube_trunks.interface', ('mediation_gateway_cube_trunks', 'public', 'interface')),
        ('mediation_gateway_cube_trunks.destination_pattern',
         ('mediation_gateway_cube_trunks', 'public', 'destination_pattern')),
        ('mediation_gateway_cube_trunks.ca_trustpoint', ('mediation_gateway_cube_trunks', 'public', 'ca_trustpoint')),
        ('mediation_gateway_cube_trunks.tag', ('mediation_gateway_cube_trunks', 'public', 'tag')),
        ('mediation_gateway_cube_trunks (a trunk name)', ('mediation_gateway_cube_trunks', KEY))):
    FIELDS.append(Field(_name, 'cisco_cube', _path, 'text', CUBE_FILES))
for _name, _path, _kind in (
        ('sip_endpoint_instance', ('sip_endpoint_instance',), 'text'),
        ('sip_endpoint_config_dir', ('sip_endpoint_config_dir',), 'text'),
        ('sip_endpoint_record_dir', ('sip_endpoint_record_dir',), 'text'),
        ('sip_endpoint_listen_address', ('sip_endpoint_listen_address',), 'ip'),
        ('sip_endpoint_listen_port', ('sip_endpoint_listen_port',), 'text'),
        ('sip_endpoint_aor', ('sip_endpoint_aor',), 'text'),
        ('sip_endpoint_display_name', ('sip_endpoint_display_name',), 'text'),
        ('sip_endpoint_proxy.address', ('sip_endpoint_proxy', 'address'), 'address'),
        ('sip_endpoint_proxy.port', ('sip_endpoint_proxy', 'port'), 'text'),
        ('sip_endpoint_register_interval', ('sip_endpoint_register_interval',), 'text'),
        ('sip_endpoint_answer', ('sip_endpoint_answer',), 'text'),
        ('sip_endpoint_transport', ('sip_endpoint_transport',), 'text'),
        ('sip_endpoint_media_encryption', ('sip_endpoint_media_encryption',), 'text'),
        ('sip_endpoint_certificate_source', ('sip_endpoint_certificate_source',), 'text'),
        ('sip_endpoint_certificate', ('sip_endpoint_certificate',), 'text'),
        ('sip_endpoint_ca_file', ('sip_endpoint_ca_file',), 'text'),
        ('sip_endpoint_audio', ('sip_endpoint_audio',), 'text'),
        ('sip_endpoint_tone_hz', ('sip_endpoint_tone_hz',), 'text'),
        ('sip_endpoint_audio_source', ('sip_endpoint_audio_source',), 'text'),
        ('sip_endpoint_audio_player', ('sip_endpoint_audio_player',), 'text'),
        ('sip_endpoint_audio_codecs', ('sip_endpoint_audio_codecs', 0), 'text'),
        ('sip_endpoint_rtp_ports', ('sip_endpoint_rtp_ports',), 'text'),
        ('sip_endpoint_control_listen', ('sip_endpoint_control_listen',), 'text'),
        ('sip_endpoint_extra_modules', ('sip_endpoint_extra_modules', 0), 'text'),
        ('sip_endpoint_extra_config (a key)', ('sip_endpoint_extra_config', KEY), 'text'),
        ('sip_endpoint_extra_config (a value)', ('sip_endpoint_extra_config', 'sip_verify_server'), 'text')):
    FIELDS.append(Field(_name, 'sip_endpoint', _path, _kind, BARESIP_FILES))
for _name, _path, _kind in (
        ('media_relay_instance', ('media_relay_instance',), 'text'),
        ('media_relay_run_dir', ('media_relay_run_dir',), 'text'),
        ('media_relay_interfaces.name', ('media_relay_interfaces', 0, 'name'), 'text'),
        ('media_relay_interfaces.address', ('media_relay_interfaces', 0, 'address'), 'ip'),
        ('media_relay_listen_ng', ('media_relay_listen_ng',), 'text'),
        ('media_relay_port_min', ('media_relay_port_min',), 'text'),
        ('media_relay_port_max', ('media_relay_port_max',), 'text'),
        ('media_relay_log_level', ('media_relay_log_level',), 'text'),
        ('media_relay_extra_options (a key)', ('media_relay_extra_options', KEY), 'text'),
        ('media_relay_extra_options (a value)', ('media_relay_extra_options', 'delete-delay'), 'text')):
    FIELDS.append(Field(_name, 'media_relay', _path, _kind, ('rtpengine.conf',)))
for _name in ('service_instance_name', 'service_instance_command', 'service_instance_description',
              'service_instance_log'):
    FIELDS.append(Field(_name, 'service_instance', (_name,), 'text', ('systemd unit', 'supervisor program')))
FIELDS.append(Field('ansible_managed', 'ansible_managed', ('ansible_managed',), 'text',
                    GATEWAY_FILES + BARESIP_FILES + CUBE_FILES + ('rtpengine.conf', 'systemd unit', 'supervisor program')))


# ---------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------

#: The issue's own examples, and one per way a file could be broken.
EXPLICIT = [
    '192.0.2.1\nlisten=udp:0.0.0.0:5060',
    '192.0.2.1\nloadmodule "evil.so"',
    '192.0.2.1"){ sl_send_reply("200","x"); } if("x',
    "x'; Remove-Item -Recurse C:\\; '",
    'x\u2019; Remove-Item -Recurse C:\\; \u2018',
    'x #> Remove-Item C:\\ <#',
    'x\r\n[program:evil]\r\ncommand=/bin/sh',
    'x\\\n[server:127.0.0.1:9999]',
    'x\u2028y', 'x\u2029y', 'x\x85y', 'x\0y', 'x\ty',
    '$(id)', '${HOME}', '$ru', '%n %(here)s', '{{ lookup("pipe", "id") }}', '{% if true %}x{% endif %}',
    'a;b', 'a#b', 'a b', '"a"', "'a'", '`a`', '\\', 'x\\',
    '', ' ', 'x' * 10240, '192.0.2.1' + 'x' * 10240,
]
#: Values a field of that kind accepts: the parts of a hostile value that must still render.
WELL_FORMED = ['192.0.2.99', '2001:db8::99', '::ffff:192.0.2.99', 'sbc-99.example.org', 'a', '5099', 'x.y']
FRAGMENTS = ['\n', '\r', '\r\n', '\0', '\t', '\x0b', '\x1b', '\x85', '\u2028', '\u2029', '\u202e', "'", '"', '`',
             '\u2018', '\u2019', '\u201a', '\u201b', '\\', ';', '#', '#!', '#>', '<#', '/*', '$', '$(whoami)', '${x}',
             '%', '%n', '{{ 7 * 7 }}', '{% endfor %}', ' ', '=', ',', '<', '>', '[', ']', '{', '}', ':', '/', '*.',
             '"){ exit; } if("', '\nlisten=udp:0.0.0.0:5060\n', '\nloadmodule "evil.so"\n', 'é']
PREFIXES = ['', '192.0.2.1', '2001:db8::1', 'sbc.example.net', 'public', '/etc/kamailio', 'sip:a@b', '5061']

hostile_values = st.one_of(
    st.sampled_from(EXPLICIT),
    st.sampled_from(WELL_FORMED),
    st.builds(lambda prefix, parts: prefix + ''.join(parts), st.sampled_from(PREFIXES),
              st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), min_size=1, max_size=4)),
    st.text(max_size=24),
)


# ---------------------------------------------------------------------------------------------
# Putting a value into the inputs
# ---------------------------------------------------------------------------------------------

def put(container, path, value):
    container = copy.deepcopy(container)
    target = container
    for step in path[:-1]:
        target = target[step]
    last = path[-1]
    if last is KEY:
        old = sorted(target)[0]
        target[value] = target.pop(old)
    else:
        target[last] = value
    return container


def stand_in(field, value):
    """A benign value of the same kind as ``value``, for the structure ``value`` must render to. The empty string
    stands for itself: an empty value may leave a line out (no display name, no CA file), and holds nothing to
    inject."""
    if value == '':
        return ''
    if field.kind in ('address', 'ip') and isinstance(value, str):
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            address = None
        if isinstance(address, ipaddress.IPv6Address):
            return '2001:db8::77'
        if address is not None:
            return '127.0.0.77' if field.kind == 'ip' else '192.0.2.77'
        if field.kind == 'address':
            return 'sbc-77.example.org'
    return None   # the benign inputs themselves


def _trunks(field):
    trunks = copy.deepcopy(inputs.GATEWAY_TRUNKS)
    if field.scope == 'vpn_trunk':
        trunks[0].update(connection='vpn', vpn={
            'encryption': 'aes-256-gcm', 'integrity': 'sha256', 'key_exchange': 'ecp384', 'transport': 'udp'})
        if field.path == ('vpn', 'proposal'):
            trunks[0]['vpn'] = {'proposal': 'aes256gcm16-prfsha384-ecp384', 'transport': 'udp'}
    return trunks


SFB_TRUNKS = {'migrating': {'scope': 'site:London', 'trunk': 'PstnGateway:sbc2.fabrikam.example'}}
ROLE_OF_SCOPE = {'mediation_gateway': 'mediation_gateway', 'windows': 'mediation_gateway',
                 'audiocodes': 'mediation_gateway', 'cisco_cube': 'mediation_gateway',
                 'sip_endpoint': 'sip_endpoint', 'media_relay': 'media_relay', 'service_instance': 'service_instance'}


def scenario_inputs(field):
    """The benign inputs of the field's scope: (trunks, role inputs)."""
    trunks = _trunks(field)
    if field.scope in ('trunk', 'vpn_trunk'):
        return trunks, {}
    if field.scope == 'mediation_gateway':
        return trunks, dict(inputs.GATEWAY_INPUTS)
    if field.scope == 'windows':
        return trunks, dict(inputs.GATEWAY_INPUTS, mediation_gateway_sfb_trunks=copy.deepcopy(SFB_TRUNKS),
                            mediation_gateway_certificate_names=['med02.contoso.example'])
    if field.scope == 'audiocodes':
        return trunks, dict(copy.deepcopy(inputs.AUDIOCODES_INPUTS),
                            mediation_gateway_audiocodes_trunks={'public': {'name': 'pub-1', 'network_interface': 'WAN-1'}})
    if field.scope == 'cisco_cube':
        return trunks, dict(copy.deepcopy(inputs.CUBE_INPUTS), mediation_gateway_cube_trunks={'public': {
            'interface': 'GigabitEthernet0/0/9', 'destination_pattern': '+44T', 'ca_trustpoint': 'PROVIDER-CA-2',
            'tag': 150}})
    if field.scope == 'sip_endpoint':
        return trunks, dict(inputs.SIP_ENDPOINT_INPUTS, sip_endpoint_trunk=trunks[0])
    if field.scope == 'media_relay':
        return trunks, copy.deepcopy(inputs.MEDIA_RELAY_INPUTS)
    if field.scope == 'service_instance':
        return trunks, dict(inputs.SERVICE_INPUTS, service_instance_log='/var/log/kamailio-gateway.log')
    return trunks, {'ansible_managed': 'Ansible managed'}


def with_value(field, value):
    trunks, role = scenario_inputs(field)
    if value is None:
        return trunks, role
    if field.scope in ('trunk', 'vpn_trunk'):
        return [put(trunks[0], field.path, value)] + trunks[1:], role
    if len(field.path) > 1 and field.path[0] not in role:
        role[field.path[0]] = copy.deepcopy(_defaults(ROLE_OF_SCOPE[field.scope])[field.path[0]])
    return trunks, put(role, field.path, value)


_DEFAULTS = {}


def _defaults(role):
    if role not in _DEFAULTS:
        _DEFAULTS[role] = inputs.role_variables(role, {})
    return _DEFAULTS[role]


# ---------------------------------------------------------------------------------------------
# The walls: validation, then rendering
# ---------------------------------------------------------------------------------------------

def _argument_spec(role):
    spec = yaml.safe_load((ROLES / role / 'meta' / 'argument_specs.yml').read_text())
    return spec['argument_specs']['main']['options']


ARGUMENT_SPECS = {role: _argument_spec(role) for role in set(ROLE_OF_SCOPE.values())}
_VALIDATORS = {}


def chooses_a_branch(field):
    """A role input with choices in its argument spec (a transport, a platform, a mode): another value takes
    another branch of the template, which is no injection; only its argument spec keeps it in its choices."""
    if field.scope not in ROLE_OF_SCOPE:
        return False
    spec = {'options': ARGUMENT_SPECS[ROLE_OF_SCOPE[field.scope]]}
    for step in field.path:
        if step is KEY or isinstance(step, int):
            break
        spec = (spec.get('options') or {}).get(step)
        if spec is None:
            return False
    return 'choices' in spec


def _validator(role):
    if role not in _VALIDATORS:
        _VALIDATORS[role] = ArgumentSpecValidator(ARGUMENT_SPECS[role])
    return _VALIDATORS[role]


def validation_refusal(field, trunks, role_inputs_given):
    """The message of the first validation that refuses the inputs, or None."""
    try:
        settings_list = inputs.gateway.settings_all(trunks)
    except TrunkInputError as error:
        return str(error)
    role = ROLE_OF_SCOPE.get(field.scope)
    if role is None:
        return None
    options = ARGUMENT_SPECS[role]
    given = dict((name, value) for name, value in role_inputs_given.items() if name in options)
    result = _validator(role).validate(given)
    if result.error_messages:
        return '; '.join(result.error_messages)
    if role_inputs is not None:
        variables = ROLE_VARIABLES[role](role_inputs_given)
        problems = role_inputs.validate(role, dict((name, value) for name, value in variables.items()
                                                   if name.startswith(role + '_')))
        if problems:
            return '; '.join('%s: %s' % (problem['field'], problem['message']) for problem in problems)
    del settings_list
    return None


ROLE_VARIABLES = {
    'mediation_gateway': lambda given: inputs.role_variables('mediation_gateway', given),
    'sip_endpoint': lambda given: inputs.role_variables('sip_endpoint', given),
    'media_relay': lambda given: inputs.role_variables('media_relay', given),
    'service_instance': lambda given: inputs.role_variables('service_instance', given),
}


def render(field, trunks, role, settings=None):
    """Every file the field reaches: {file: text, or the refusal a helper or the vetting raised}. ``settings``
    stands in for the engine's gateway settings of ``trunks``."""
    files = {}
    wanted = set(field.files)
    scope = field.scope

    def attempt(names, produce):
        try:
            produced = produce()
        except REFUSALS as error:
            produced = dict((name, error) for name in names)
        files.update((name, text) for name, text in produced.items() if name in wanted)

    def managed(values):
        if scope == 'ansible_managed':
            values['ansible_managed'] = role['ansible_managed']
        return values

    if wanted & set(GATEWAY_FILES):
        values = managed(inputs.gateway_variables(role if scope in ('mediation_gateway', 'windows')
                                                  else dict(inputs.GATEWAY_INPUTS), trunks, settings))
        for name in GATEWAY_FILES:
            attempt([name], lambda name=name: {name: inputs.render_file(name, values)})
    if wanted & set(SFB_FILES + OCS_FILES):
        values = inputs.gateway_variables(role if scope == 'windows' else
                                          dict(inputs.GATEWAY_INPUTS, mediation_gateway_sfb_trunks=SFB_TRUNKS), trunks,
                                          settings)
        if wanted & set(SFB_FILES):
            attempt(SFB_FILES, lambda: inputs.render_powershell(
                inputs.mediation_server_desired(values, 'skype_for_business'), 'skype_for_business'))
        if wanted & set(OCS_FILES):
            one = dict(values, mediation_gateway_settings=values['mediation_gateway_settings'][:1])
            attempt(OCS_FILES, lambda: inputs.render_powershell(inputs.mediation_server_desired(one, 'ocs2007r2'),
                                                                'ocs2007r2'))
    for platform, names, own in (('audiocodes', AUDIOCODES_FILES, inputs.AUDIOCODES_INPUTS),
                                 ('cisco_cube', CUBE_FILES, inputs.CUBE_INPUTS)):
        if wanted & set(names):
            values = managed(inputs.gateway_variables(role if scope == platform else copy.deepcopy(own), trunks,
                                                      settings))
            if platform == 'audiocodes':
                # a SIP Interface each: 'plain' shares the listener of 'migrating', which AudioCodes refuses
                values['mediation_gateway_settings'] = values['mediation_gateway_settings'][:3]
            attempt(names, lambda values=values, platform=platform: inputs.render_sbc(platform, values))
    if wanted & set(BARESIP_FILES):
        values = managed(inputs.sip_endpoint_variables(
            role if scope == 'sip_endpoint' else dict(inputs.SIP_ENDPOINT_INPUTS, sip_endpoint_trunk=trunks[0]),
            settings[0] if settings else None))
        for name in BARESIP_FILES:
            attempt([name], lambda name=name: {name: inputs.render_file(name, values)})
    if 'rtpengine.conf' in wanted:
        values = managed(inputs.media_relay_variables(role if scope == 'media_relay' else inputs.MEDIA_RELAY_INPUTS))
        attempt(['rtpengine.conf'], lambda: {'rtpengine.conf': inputs.render_file('rtpengine.conf', values)})
    for name in ('systemd unit', 'supervisor program'):
        if name in wanted:
            values = managed(inputs.service_variables(role if scope == 'service_instance' else inputs.SERVICE_INPUTS))
            attempt([name], lambda name=name: {name: inputs.render_file(name, values)})
    return files


_BASELINES = {}


def past_the_engine(field, value):
    """The benign trunks' gateway settings with ``value`` where the field lands: what a future field that the
    engine does not check would hand the templates."""
    trunks = scenario_inputs(field)[0]
    settings = inputs.gateway.settings_all(trunks)
    if value is not None:
        settings = [put(settings[0], field.settings_path, value)] + settings[1:]
    return settings


def baseline(field, value, past_validation=False):
    """The structure of each file the field reaches, for a benign value of the same kind as ``value``."""
    benign = stand_in(field, value)
    key = (field.name, benign, past_validation)
    if key not in _BASELINES:
        trunks, role = with_value(field, benign)
        settings = past_the_engine(field, benign) if past_validation and field.settings_path else None
        files = render(field, trunks, role, settings)
        for name, text in files.items():
            assert isinstance(text, str) or benign == '', 'the benign inputs do not render %s for %s: %s' % (
                name, field, text)
        _BASELINES[key] = dict((name, STRUCTURE[name](text)) for name, text in files.items() if isinstance(text, str))
    return _BASELINES[key]


def names_the_field(message, field, value):
    """A validation refusal names the field (a trunk's field path, a role variable), or the value where the
    refused variable is one the field's value flows into (a default built from it)."""
    variable = field.name.split(' ')[0]
    return all(part in message for part in variable.split('.')) or names_the_value(message, value)


def names_the_value(message, value):
    """A refusal names the value as YAML shows it (tests/unit/../describe.py): its first characters appear in the
    message, in single-quoted style or escaped double-quoted style, whichever the message's cut chose."""
    head = value[:10]
    escaped = ''.join(describe._escape(char) for char in head)
    return head.replace("'", "''") in message or escaped in message


def _benign_key(field):
    trunks, role = scenario_inputs(field)
    container = role
    for step in field.path[:-1]:
        container = container[step]
    return sorted(container)[0]


def _renamed(structure, key):
    """A structure with a mapping key the field sets (a config key, an option name) written as KEY: the key is the
    value under test, so it is compared as a position, not as a name."""
    if isinstance(structure, tuple):
        return tuple(_renamed(item, key) for item in structure)
    return 'KEY' if structure == key else structure


@dataclass
class Outcome:
    refused_by: str = ''
    rendered: dict = dataclass_field(default_factory=dict)


def check(field, value, kept=None, past_validation=False):
    """The property, for one field and one value; returns what happened. ``past_validation``: the value reaches
    the templates whatever the engine and the role checks say (the second wall alone)."""
    if past_validation:
        trunks, role = with_value(field, None) if field.settings_path else with_value(field, value)
        settings = past_the_engine(field, value) if field.settings_path else None
    else:
        trunks, role = with_value(field, value)
        settings = None
        refusal = validation_refusal(field, trunks, role)
        if refusal is not None:
            assert names_the_field(refusal, field, value), 'the refusal of %s for %s does not name the field: %s' % (
                describe.show(value), field, refusal)
            return Outcome(refused_by='validation')
    files = render(field, trunks, role, settings)
    assert set(files) == set(field.files), (field, sorted(files))
    expected = baseline(field, value, past_validation)
    outcome = Outcome()
    for name, text in sorted(files.items()):
        if isinstance(text, Exception):
            assert names_the_value(str(text), value), 'the refusal of %s in %s (%s) does not name it: %s' % (
                describe.show(value), name, field, text)
            continue
        try:
            structure = STRUCTURE[name](text)
        except parsers.Unparsable as error:
            raise AssertionError('%s = %s breaks %s: %s' % (field, describe.show(value), name, error))
        if field.path[-1] is KEY:
            structure, benign = _renamed(structure, value), _renamed(expected[name], _benign_key(field))
        else:
            benign = expected[name]
        assert structure == benign, '%s = %s changes the structure of %s' % (field, describe.show(value), name)
        outcome.rendered[name] = text
    # kamailio -c also checks what modules make of their parameters (a ctl socket path, say), which only
    # validation keeps sound: the configurations kept are those both walls let through
    if kept is not None and not past_validation and 'kamailio.cfg' in outcome.rendered:
        digest = hashlib.sha256(outcome.rendered['kamailio.cfg'].encode('utf-8')).hexdigest()
        kept.setdefault(digest, (field.name, value, outcome.rendered['kamailio.cfg']))
    return outcome


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------

def test_the_benign_inputs_render_every_file_and_pass_every_check():
    for field in FIELDS:
        trunks, role = with_value(field, None)
        assert validation_refusal(field, trunks, role) is None, field
        baseline(field, None)


@pytest.mark.skipif(role_inputs is None, reason='plugins/module_utils/role_inputs.py is not in this tree')
@pytest.mark.parametrize('role', sorted(set(ROLE_OF_SCOPE.values())))
def test_the_role_input_checks_accept_the_benign_inputs(role):
    given = {'mediation_gateway': inputs.GATEWAY_INPUTS, 'sip_endpoint': dict(inputs.SIP_ENDPOINT_INPUTS),
             'media_relay': inputs.MEDIA_RELAY_INPUTS, 'service_instance': inputs.SERVICE_INPUTS}[role]
    variables = ROLE_VARIABLES[role](given)
    assert role_inputs.validate(role, dict((n, v) for n, v in variables.items() if n.startswith(role + '_'))) == []


#: The fields a value reaches the templates through when nothing checked it first: every trunk field that lands
#: in the gateway settings as text, every role input but those whose choices pick a branch of the template.
PAST_VALIDATION = [f for f in FIELDS if (f.scope not in ('trunk', 'vpn_trunk') or f.settings_path)
                   and not chooses_a_branch(f)]


@pytest.mark.parametrize('field', FIELDS, ids=str)
def test_the_explicit_hostile_values_never_change_a_files_structure(field):
    for value in EXPLICIT:
        check(field, value)


@pytest.mark.parametrize('field', PAST_VALIDATION, ids=str)
def test_quoting_alone_keeps_the_structure_of_every_file(field):
    """Defence in depth: the same values handed to the templates as if the engine and the role checks had let
    them through (a field added later and never validated): the quoting helpers alone keep every file whole."""
    for value in EXPLICIT:
        check(field, value, past_validation=True)


def test_the_issues_injections_are_refused_or_quoted():
    """The two reproductions of the issue: a line break in provider.address adding a listener, and a quote
    closing a string literal in the routing script."""
    for value in ('192.0.2.1\nlisten=udp:0.0.0.0:5060', '192.0.2.1"){ sl_send_reply("200","x"); } if("x'):
        for name in ('provider.address', 'provider.server_name', 'gateway.address', 'name'):
            field = next(f for f in FIELDS if f.name == name)
            outcome = check(field, value)
            text = outcome.rendered.get('kamailio.cfg', '')
            assert 'listen=udp' not in text and 'sl_send_reply("200","x")' not in text


def test_hostile_values_never_change_a_files_structure_and_kamailio_accepts_them():
    kept = {}
    counts = {'validation': 0, 'rendered': 0}
    started = time.monotonic()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize='TEMPLATE_STRUCTURE_EXAMPLES' not in os.environ,
              database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.one_of(st.tuples(st.sampled_from(FIELDS), st.just(False)),
                     st.tuples(st.sampled_from(PAST_VALIDATION), st.just(True))), hostile_values)
    def property_(where, value):
        field, past_validation = where
        outcome = check(field, value, kept, past_validation)
        counts['validation' if outcome.refused_by else 'rendered'] += 1

    property_()
    elapsed = time.monotonic() - started
    assert counts['rendered'] > 0 and counts['validation'] > 0, counts
    checked = _kamailio_check(kept)
    print('\n%d examples in %.1f s (%s); %d Kamailio configurations kept, %s checked with kamailio -c'
          % (sum(counts.values()), elapsed, counts, len(kept), checked))


def _kamailio_check(kept):
    binary = shutil.which('kamailio') or ('/usr/sbin/kamailio' if os.path.exists('/usr/sbin/kamailio') else None)
    if binary is None:
        pytest.skip('kamailio is not installed: the structure held, kamailio -c did not run (CI installs it)')
    prefix = ['unshare', '-n'] if os.geteuid() == 0 and shutil.which('unshare') else []
    sample = sorted(kept.items())[:KAMAILIO_CHECKS]
    with tempfile.TemporaryDirectory() as scratch:
        for index, (_digest, (name, value, text)) in enumerate(sample):
            path = Path(scratch) / ('kamailio-%d.cfg' % index)
            path.write_text(text)
            run = subprocess.run(prefix + [binary, '-c', '-f', str(path)], capture_output=True, text=True, timeout=30,
                                 check=False)
            assert run.returncode == 0, 'kamailio -c refuses the configuration for %s = %s:\n%s' % (
                name, describe.show(value), (run.stdout + run.stderr)[-2000:])
    return len(sample)


# ---------------------------------------------------------------------------------------------
# IPv6: the forms Kamailio writes and reads
# ---------------------------------------------------------------------------------------------

def _ipv6_gateway():
    trunks = copy.deepcopy(inputs.GATEWAY_TRUNKS)
    trunks[0]['gateway']['address'] = '::1'
    trunks[0]['provider'].update(address='2001:DB8:0::10', server_name='2001:db8::10')
    values = inputs.gateway_variables(dict(inputs.GATEWAY_INPUTS), trunks)
    return inputs.render_gateway(values)


def test_an_ipv6_trunk_is_written_in_the_forms_kamailio_reads_and_prints():
    files = _ipv6_gateway()
    cfg = files['kamailio.cfg']
    lines = [line.strip() for line in cfg.splitlines()]
    # a listen socket and $fs take the address in brackets; $Ri and $si are compared with what Kamailio prints
    # (inet_ntop: compressed, lower case, no brackets), which ipv6_hex_style="c" pins
    assert 'listen=tls:[::1]:5067' in lines and 'ipv6_hex_style="c"' in lines
    assert '$fs = "tls:[::1]:5067";' in lines
    assert '$du = "sip:[2001:db8::10]:5061;transport=tls";' in lines
    assert 'if ($Ri == "::1" && $Rp == 5067 && is_method("INVITE")' in lines
    assert 'if ($rd == "[2001:db8::10]") {' in lines
    # an IPv6 next hop is one "by IP": its source address and the certificate's IP SAN are checked
    assert 'if ($si == "2001:db8::10" && $sp == 5061) {' in lines
    assert ('if ($tls_peer_san_hostname != "2001:db8::10" && $tls_peer_san_ip != "2001:db8::10" '
            '&& $tls_peer_subject_cn != "2001:db8::10") {') in lines
    # the TLS module's profile parser needs the brackets too
    profiles = [profile for profile, _options in parsers.tls_cfg_parse(files['tls.cfg'])]
    assert ('server', '::1:5067') in profiles and '[server:[::1]:5067]' in files['tls.cfg'].splitlines()


def test_an_ipv4_gateway_has_no_ipv6_setting():
    trunks, role = with_value(FIELDS[0], None)
    assert 'ipv6_hex_style' not in inputs.render_gateway(inputs.gateway_variables(role or dict(inputs.GATEWAY_INPUTS),
                                                                                  trunks))['kamailio.cfg']


def test_kamailio_accepts_the_ipv6_configuration():
    binary = shutil.which('kamailio') or ('/usr/sbin/kamailio' if os.path.exists('/usr/sbin/kamailio') else None)
    if binary is None:
        pytest.skip('kamailio is not installed (CI installs it)')
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / 'kamailio.cfg'
        path.write_text(_ipv6_gateway()['kamailio.cfg'])
        run = subprocess.run([binary, '-c', '-f', str(path)], capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'tls: ::1 [::1]:5067' in run.stdout
