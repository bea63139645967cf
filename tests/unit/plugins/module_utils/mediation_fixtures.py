# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared inputs of the Mediation Server tests: trunks, options, observations, and the role's templates rendered
the way Ansible's template module renders them (trim_blocks, trailing newline kept)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import jinja2

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import microsoft as mediation_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import template_env  # noqa: E402  (tests/unit/template_env.py: the collection's filters for the templates)

TEMPLATES = Path(__file__).resolve().parents[4] / 'roles' / 'mediation_gateway' / 'templates'
GOLDEN = Path(__file__).resolve().parents[2] / 'golden'


def trunk(name, connection='public', tls=True, srtp=True, opportunistic=True, address='sbc.contoso.example', **gw):
    return {
        'name': name, 'connection': connection, 'opportunistic': opportunistic,
        'provider': {'tls': tls, 'srtp': srtp, 'address': address},
        'mediation_subnet': {'audience': 'authorized_it'},
        'gateway': dict({'address': '10.1.0.5'}, **gw),
    }


#: One trunk per SRTP mode, as in the integration inventory: required (TLS), optional (TCP), disabled (TCP).
SFB_TRUNKS = [
    trunk('public'),
    trunk('migrating', 'private', tls=False, opportunistic=False, address='sbc2.fabrikam.example', srtp_mode='optional'),
    trunk('plain', 'private', tls=False, srtp=False, opportunistic=False, address='192.0.2.30'),
]
SFB_OPTIONS = {'host': 'med01.contoso.example',
               'trunks': {'migrating': {'scope': 'site:London', 'trunk': 'PstnGateway:sbc2.fabrikam.example'}}}
OCS_TRUNKS = [trunk('public')]
OCS_OPTIONS = {'host': 'med02.contoso.example', 'certificate_names': ['med02.contoso.example']}


def desired(platform):
    if platform == 'skype_for_business':
        return mediation_server.desired(gateway.settings_all(SFB_TRUNKS), platform, SFB_OPTIONS)
    return mediation_server.desired(gateway.settings_all(OCS_TRUNKS), platform, OCS_OPTIONS)


def render(wanted, kind):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(template_env.collection_filters())
    return env.get_template('microsoft/%s/gateway.ps1.j2' % wanted['platform']).render(
        _mediation_gateway_desired=wanted, _mediation_gateway_script_kind=kind)


def certificate(days_left=200, has_private_key=True):
    return {'thumbprint': 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', 'subject': 'CN=med01.contoso.example',
            'not_after': '2031-01-01T00:00:00Z', 'days_left': days_left, 'has_private_key': has_private_key}


def compliant(platform):
    """What a compliant server's drift script prints: every value already the wanted one."""
    wanted = desired(platform)
    observed = {}
    for item in wanted['items']:
        if item['kind'] in ('set', 'cim', 'check'):
            observed[item['id']] = item['after']
        elif item['kind'] == 'bypass':
            observed[item['id']] = False
        elif item['kind'] == 'media':
            observed[item['id']] = item['compatible'][0]
        elif item['kind'] == 'listener':
            observed[item['id']] = None                                # no TCP port
        else:
            observed[item['id']] = certificate()
    return {'platform': platform, 'host': wanted['host'], 'script': 'drift', 'observed': observed, 'errors': {},
            'changes': [], 'findings': []}


def drifted(platform):
    """A server that needs changes: wrong SRTP modes, ports, transport, OCS properties; bypass in conflict."""
    seen = copy.deepcopy(compliant(platform))
    values = seen['observed']
    if platform == 'skype_for_business':
        values['srtp_mode@PstnGateway:sbc.contoso.example'] = 'NotSupported'
        values['srtp_mode@site:London'] = 'optional'                 # differs only in case: compliant
        values['SipClientTlsPort@MediationServer:med01.contoso.example'] = 5061
        values['transport@PstnGateway:192.0.2.30'] = 'TLS'
        values['media_encryption@Global'] = 'RequireEncryption'
        values['media_bypass@PstnGateway:192.0.2.30'] = True
        values['srtp_mode@PstnGateway:192.0.2.30'] = None              # no such trunk configuration
        values['certificate@Default'] = certificate(days_left=12)
    else:
        values['GatewayTransportType@MSFT_SIPMediationServerConfigSetting'] = 'TCP'
        values['GatewayListeningPort@MSFT_SIPMediationServerConfigSetting'] = 5068
        values['GatewayEncryptionLevel@MSFT_SIPMediationServerConfigSetting'] = 'DoNotSupportEncryption'
        values['certificate@Cert:\\LocalMachine\\My'] = certificate(days_left=-3)
    return seen
