# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Neutral gateway-side settings from the policy and the wiring."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError


def trunk(connection='public', tls=True, srtp=True, opportunistic=True, audience='authorized_it', **gw):
    data = {
        'name': 't1', 'connection': connection, 'opportunistic': opportunistic,
        'provider': {'tls': tls, 'srtp': srtp, 'address': '127.0.0.20'},
        'mediation_subnet': {'audience': audience},
        'gateway': dict({'address': '127.0.0.10'}, **gw),
    }
    if connection == 'vpn':
        data['vpn'] = {'proposal': 'aes256gcm16-prfsha384-ecp384'}
    return data


def test_required_tls_gives_a_tls_listener_and_no_plaintext_one():
    s = gateway.settings(trunk())
    assert s['transport'] == 'tls'
    assert s['listen'] == {'address': '127.0.0.10', 'port': 5067, 'transport': 'tls'}
    assert s['plaintext_listener'] is False
    assert s['next_hop'] == {'address': '127.0.0.20', 'port': 5061, 'transport': 'tls', 'server_name': '127.0.0.20',
                             'verify_certificate': True}
    assert s['certificate'] == {'needed': True, 'mutual_tls': True}
    assert s['srtp_mode'] == 'required'
    assert s['tls_required'] and s['srtp_required']


def test_private_trunk_left_off_is_plain_tcp():
    s = gateway.settings(trunk('private', opportunistic=False))
    assert s['transport'] == 'tcp'
    assert s['listen'] == {'address': '127.0.0.10', 'port': 5068, 'transport': 'tcp'}
    assert s['plaintext_listener'] is True
    assert s['next_hop']['transport'] == 'tcp' and s['next_hop']['port'] == 5060
    assert s['next_hop']['server_name'] is None and s['next_hop']['verify_certificate'] is False
    assert s['certificate'] == {'needed': False, 'mutual_tls': False}
    assert s['srtp_mode'] == 'disabled'


def test_opportunistic_tls_has_no_plaintext_listener():
    s = gateway.settings(trunk('vpn'))
    assert s['decision'] == 'optional'
    assert s['transport'] == 'tls' and s['plaintext_listener'] is False
    assert s['srtp_mode'] == 'required'


@pytest.mark.parametrize('connection, asked, srtp, expected', [
    ('public', 'optional', True, 'required'),      # never optional where SRTP is required
    ('vpn', 'optional', True, 'optional'),         # enabled, not required: the trunk may ask for optional
    ('vpn', None, True, 'required'),
    ('vpn', None, False, 'disabled'),
    ('vpn', 'optional', False, 'optional'),        # a provider migrating to SRTP
    ('vpn', 'required', False, 'required'),
])
def test_srtp_mode(connection, asked, srtp, expected):
    s = gateway.settings(trunk(connection, srtp=srtp, **({'srtp_mode': asked} if asked else {})))
    assert s['srtp_mode'] == expected


def test_ports_server_name_and_mutual_tls_follow_the_wiring():
    data = trunk(tls_port=5061, mutual_tls=False)
    data['provider'].update(port=5071, server_name='sbc.provider.test')
    s = gateway.settings(data)
    assert s['listen']['port'] == 5061
    assert s['next_hop']['port'] == 5071 and s['next_hop']['server_name'] == 'sbc.provider.test'
    assert s['certificate']['mutual_tls'] is False


def test_tls_toward_port_5060_is_noted():
    data = trunk()
    data['provider']['port'] = 5060
    assert 'usual plain SIP port' in gateway.settings(data)['notes'][0]


def test_missing_wiring_names_the_fields():
    data = trunk()
    del data['gateway']
    del data['provider']['address']
    with pytest.raises(TrunkInputError) as error:
        gateway.settings(data)
    assert "trunk 't1'" in str(error.value)
    assert {p.field for p in error.value.problems} == {'gateway.address', 'provider.address'}


def test_list_checks_unique_names():
    with pytest.raises(TrunkInputError, match='used by more than one trunk'):
        gateway.settings_all([trunk(), trunk()])


@hsettings(max_examples=200, deadline=None)
@given(connection=st.sampled_from(['public', 'private', 'vpn']), tls=st.booleans(), srtp=st.booleans(),
       opportunistic=st.booleans(), audience=st.sampled_from(['authorized_it', 'limited_non_it', 'shared', 'public']),
       asked=st.sampled_from([None, 'optional', 'required']))
def test_no_plaintext_listener_where_tls_is_required(connection, tls, srtp, opportunistic, audience, asked):
    s = gateway.settings(trunk(connection, tls, srtp, opportunistic, audience, **({'srtp_mode': asked} if asked else {})))
    if s['tls_required']:
        assert s['transport'] == 'tls' and not s['plaintext_listener'] and s['next_hop']['verify_certificate']
    if s['srtp_required']:
        assert s['srtp_mode'] == 'required'
    assert s['plaintext_listener'] == (s['transport'] == 'tcp')
