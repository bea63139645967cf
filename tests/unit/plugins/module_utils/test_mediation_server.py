# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Microsoft Mediation Server mapping: every neutral setting to every platform's value, and the plan."""

from __future__ import annotations

import json

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils import mediation_server as ms
from mediation_fixtures import OCS_OPTIONS, SFB_OPTIONS, compliant, desired, drifted, trunk


def items_by_id(wanted):
    return {item['id']: item for item in wanted['items']}


def one(settings_trunk, platform, **options):
    return ms.desired([gateway.settings(settings_trunk)], platform, dict({'host': 'med01.contoso.example'}, **options))


# ---- every neutral setting, every platform -------------------------------------------------

SRTP_CASES = [   # (trunk, neutral srtp mode)
    (trunk('t', 'public'), 'required'),
    (trunk('t', 'vpn', srtp_mode='optional') | {'vpn': {'proposal': 'aes256gcm16-prfsha384-ecp384'}}, 'optional'),
    (trunk('t', 'private', tls=False, srtp=False, opportunistic=False), 'disabled'),
]


@pytest.mark.parametrize('data, neutral', SRTP_CASES, ids=[c[1] for c in SRTP_CASES])
def test_srtp_mode_on_skype_for_business(data, neutral):
    assert gateway.settings(data)['srtp_mode'] == neutral
    item = items_by_id(one(data, 'skype_for_business'))['srtp_mode@PstnGateway:sbc.contoso.example']
    expected = {'required': 'Required', 'optional': 'Optional', 'disabled': 'NotSupported'}[neutral]
    assert item['after'] == expected
    assert item['command'] == "Set-CsTrunkConfiguration -Identity 'PstnGateway:sbc.contoso.example' -SRTPMode '%s'" % expected
    assert item['read'] == {'cmdlet': 'Get-CsTrunkConfiguration', 'identity': 'PstnGateway:sbc.contoso.example',
                            'property': 'SRTPMode'}


@pytest.mark.parametrize('data, neutral', SRTP_CASES, ids=[c[1] for c in SRTP_CASES])
def test_srtp_mode_on_ocs(data, neutral):
    item = items_by_id(one(data, 'ocs2007r2'))['GatewayEncryptionLevel@MSFT_SIPMediationServerConfigSetting']
    assert item['after'] == {'required': 'RequireEncryption', 'optional': 'SupportEncryption',
                             'disabled': 'DoNotSupportEncryption'}[neutral]
    custom = one(data, 'ocs2007r2', encryption_levels={'required': 'Required', 'optional': 'Supported', 'disabled': 'None'})
    assert items_by_id(custom)['GatewayEncryptionLevel@MSFT_SIPMediationServerConfigSetting']['after'] == \
        {'required': 'Required', 'optional': 'Supported', 'disabled': 'None'}[neutral]


@pytest.mark.parametrize('tls, transport, port, parameter', [
    (True, 'TLS', 5067, 'SipClientTlsPort'),
    (False, 'TCP', 5068, 'SipClientTcpPort'),
])
def test_transport_and_listen_port_on_skype_for_business(tls, transport, port, parameter):
    data = trunk('t', 'private' if not tls else 'public', tls=tls, srtp=tls, opportunistic=tls)
    wanted = items_by_id(one(data, 'skype_for_business'))
    check = wanted['transport@PstnGateway:sbc.contoso.example']
    assert check['kind'] == 'check' and check['after'] == transport
    assert 'Topology Builder' in check['remedy'] and "'SIP Transport Protocol' %s" % transport in check['remedy']
    ports = wanted['%s@MediationServer:med01.contoso.example' % parameter]
    assert ports['after'] == port
    assert ports['command'] == "Set-CsMediationServer -Identity 'MediationServer:med01.contoso.example' -%s %d" % (parameter, port)
    other = 'SipClientTcpPort' if tls else 'SipClientTlsPort'
    assert '%s@MediationServer:med01.contoso.example' % other not in wanted


def test_ports_follow_the_trunk_and_can_be_left_alone():
    data = trunk('t', tls_port=5071)
    assert items_by_id(one(data, 'skype_for_business'))['SipClientTlsPort@MediationServer:med01.contoso.example']['after'] == 5071
    assert not [i for i in one(data, 'skype_for_business', manage_ports=False)['items'] if i['setting'].startswith('SipClient')]


@pytest.mark.parametrize('tls', [True, False])
def test_every_neutral_setting_on_ocs(tls):
    data = trunk('t', 'public' if tls else 'private', tls=tls, srtp=tls, opportunistic=tls)
    s = gateway.settings(data)
    wanted = {i['setting']: i['after'] for i in one(data, 'ocs2007r2')['items'] if i['kind'] == 'cim'}
    assert wanted == {
        'GatewayTransportType': 'TLS' if tls else 'TCP',
        'GatewayListeningAddress': s['listen']['address'],
        'GatewayListeningPort': s['listen']['port'],
        'GatewayNextHopAddress': s['next_hop']['address'],
        'GatewayNextHopPort': s['next_hop']['port'],
        'GatewayEncryptionLevel': 'RequireEncryption' if tls else 'DoNotSupportEncryption',
    }
    assert (s['listen']['port'], s['next_hop']['port']) == ((5067, 5061) if tls else (5068, 5060))
    custom = one(data, 'ocs2007r2', transport_values={'tls': 'Tls', 'tcp': 'Tcp'})
    assert items_by_id(custom)['GatewayTransportType@MSFT_SIPMediationServerConfigSetting']['after'] == ('Tls' if tls else 'Tcp')
    port = items_by_id(custom)['GatewayListeningPort@MSFT_SIPMediationServerConfigSetting']
    assert port['command'] == ('$instance = Set-CimInstance -InputObject $instance -Property @{ GatewayListeningPort = '
                               '[uint32]%d } -PassThru' % s['listen']['port'])


@pytest.mark.parametrize('platform, setting', [('skype_for_business', 'certificate@Default'),
                                               ('ocs2007r2', 'certificate@Cert:\\LocalMachine\\My')])
def test_certificate_checked_only_where_tls_needs_it(platform, setting):
    assert items_by_id(one(trunk('t'), platform, certificate_expiry_warn_days=45))[setting]['warn_days'] == 45
    plain = trunk('t', 'private', tls=False, srtp=False, opportunistic=False)
    assert setting not in items_by_id(one(plain, platform))


def test_media_encryption_and_bypass_agree_with_each_srtp_mode():
    wanted = items_by_id(desired('skype_for_business'))
    assert wanted['media_bypass@PstnGateway:sbc.contoso.example']['compatible'] == ['RequireEncryption', 'SupportEncryption']
    assert wanted['media_bypass@PstnGateway:192.0.2.30']['compatible'] == ['SupportEncryption', 'DoNotSupportEncryption']
    assert wanted['media_bypass@site:London']['compatible'] == list(ms.MEDIA_ENCRYPTION_LEVELS)
    assert wanted['media_encryption@Global']['compatible'] == ['SupportEncryption']


def test_scopes_come_from_the_role_variable_or_default_to_the_provider():
    wanted = desired('skype_for_business')
    assert {t['name']: (t['scope'], t['trunk']) for t in wanted['trunks']} == {
        'public': ('PstnGateway:sbc.contoso.example', 'PstnGateway:sbc.contoso.example'),
        'migrating': ('site:London', 'PstnGateway:sbc2.fabrikam.example'),
        'plain': ('PstnGateway:192.0.2.30', 'PstnGateway:192.0.2.30'),
    }
    assert any('over TCP' in note for note in wanted['notes'])


def test_trunks_sharing_a_scope_share_an_item_or_conflict():
    both = [gateway.settings(trunk('a')), gateway.settings(trunk('b', address='sbc9.example'))]
    shared = ms.desired(both, 'skype_for_business', {'host': 'm', 'trunks': {'a': 'Global', 'b': 'Global'}})
    assert items_by_id(shared)['srtp_mode@Global']['trunks'] == ['a', 'b']
    plain = gateway.settings(trunk('b', 'private', tls=False, srtp=False, opportunistic=False, address='sbc9.example'))
    with pytest.raises(ms.MediationServerError, match='share that scope'):
        ms.desired([both[0], plain], 'skype_for_business', {'host': 'm', 'trunks': {'a': 'Global', 'b': 'Global'}})
    different_ports = [both[0], gateway.settings(trunk('b', address='sbc9.example', tls_port=5099))]
    with pytest.raises(ms.MediationServerError, match='SipClientTlsPort'):
        ms.desired(different_ports, 'skype_for_business', {'host': 'm'})


@pytest.mark.parametrize('options, message', [
    ({'trunks': {'nope': 'Global'}}, 'does not have: nope'),
    ({'trunks': {'t': "site:O'Brien"}}, 'cannot be written into a PowerShell script'),
    ({'host': 'med`01'}, 'cannot be written'),
    ({'module': 'Lync\nRemove-Item'}, 'cannot be written'),
    ({'typo': 1}, 'unknown option'),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(ms.MediationServerError, match=message):
        ms.desired([gateway.settings(trunk('t'))], 'skype_for_business', dict({'host': 'm'}, **options))


def test_ocs_has_one_gateway_side_and_known_value_spellings():
    two = [gateway.settings(trunk('a')), gateway.settings(trunk('b', address='x.example'))]
    with pytest.raises(ms.MediationServerError, match='one gateway side'):
        ms.desired(two, 'ocs2007r2', {'host': 'm'})
    with pytest.raises(ms.MediationServerError, match='has no value for'):
        ms.desired(two[:1], 'ocs2007r2', {'host': 'm', 'transport_values': {'tcp': 'TCP'}})
    with pytest.raises(ms.MediationServerError, match='platform'):
        ms.desired(two[:1], 'teams', {'host': 'm'})


@pytest.mark.parametrize('before, after, expected', [
    (None, 'Required', True), ('Required', 'Required', False), ('required', 'Required', False),
    ('NotSupported', 'Required', True), ('5067', 5067, False), (5061, 5067, True), ('x', 5067, True),
])
def test_differs_compares_as_powershell_ne_does(before, after, expected):
    assert ms.differs(before, after) is expected


# ---- the plan ------------------------------------------------------------------------------

@pytest.mark.parametrize('platform', ['skype_for_business', 'ocs2007r2'])
def test_a_compliant_server_needs_nothing(platform):
    result = ms.plan(desired(platform), json.dumps(compliant(platform)))
    assert result['observed'] and not result['changed']
    assert result['changes'] == [] and result['findings'] == []
    assert all(line.endswith(')') and ': compliant (' in line for line in result['report'])


def test_skype_for_business_needs_changes_and_reports_what_it_cannot_change():
    result = ms.plan(desired('skype_for_business'), drifted('skype_for_business'))
    assert result['changed']
    assert [(c['id'], c['before'], c['after'], c['status']) for c in result['changes']] == [
        ('srtp_mode@PstnGateway:sbc.contoso.example', 'NotSupported', 'Required', 'changed'),
        ('SipClientTlsPort@MediationServer:med01.contoso.example', 5061, 5067, 'changed'),
    ]
    found = {(f['id'], f['status']) for f in result['findings']}
    assert found == {('srtp_mode@PstnGateway:192.0.2.30', 'missing'), ('transport@PstnGateway:192.0.2.30', 'drift'),
                     ('media_bypass@PstnGateway:192.0.2.30', 'conflict'), ('media_encryption@Global', 'warning'),
                     ('certificate@Default', 'expiring')}
    missing = next(f for f in result['findings'] if f['status'] == 'missing')
    assert missing['remedy'] == "New-CsTrunkConfiguration -Identity 'PstnGateway:192.0.2.30' -SRTPMode 'NotSupported'"
    assert [c['id'] for c in result['trunks']['public']['changes']] == [
        'srtp_mode@PstnGateway:sbc.contoso.example', 'SipClientTlsPort@MediationServer:med01.contoso.example']
    assert result['trunks']['migrating'] == {'changes': [], 'findings': [
        f for f in result['findings'] if f['id'] == 'media_encryption@Global']}


def test_check_mode_reports_what_would_change():
    result = ms.plan(desired('ocs2007r2'), drifted('ocs2007r2'), check_mode=True)
    assert {c['setting']: (c['before'], c['after'], c['status']) for c in result['changes']} == {
        'GatewayTransportType': ('TCP', 'TLS', 'would_change'),
        'GatewayListeningPort': (5068, 5067, 'would_change'),
        'GatewayEncryptionLevel': ('DoNotSupportEncryption', 'RequireEncryption', 'would_change'),
    }
    assert [f['status'] for f in result['findings']] == ['expired']
    assert result['report'][-1] == 'check mode: nothing was set'


def test_nothing_observed_leaves_every_setting_pending():
    result = ms.plan(desired('skype_for_business'), None)
    assert not result['observed'] and not result['changed'] and result['findings'] == []
    assert {c['status'] for c in result['changes']} == {'pending'}
    assert 'run drift.ps1' in result['report'][-1]


def test_a_partial_observation_reports_what_it_lacks():
    seen = {'observed': {'srtp_mode@PstnGateway:sbc.contoso.example': 'NotSupported'}}
    result = ms.plan(desired('skype_for_business'), seen, check_mode=True)
    assert [c['id'] for c in result['changes']] == ['srtp_mode@PstnGateway:sbc.contoso.example']
    statuses = {f['id']: f['status'] for f in result['findings']}
    assert statuses['SipClientTlsPort@MediationServer:med01.contoso.example'] == 'missing'
    assert statuses['transport@PstnGateway:sbc.contoso.example'] == 'unknown'
    assert statuses['certificate@Default'] == 'missing'


def test_unreadable_values_and_bad_observations():
    seen = compliant('ocs2007r2')
    seen['errors'] = {'MSFT_SIPMediationServerConfigSetting': 'Invalid class'}
    result = ms.plan(desired('ocs2007r2'), seen)
    assert {f['status'] for f in result['findings']} == {'unreadable'} and result['changes'] == []
    for bad in ('not json', json.dumps([1]), json.dumps({'observed': 3})):
        with pytest.raises(ms.MediationServerError):
            ms.plan(desired('ocs2007r2'), bad)


@pytest.mark.parametrize('cert, statuses', [
    (None, ['missing']), ({'days_left': 31}, []), ({'days_left': 30}, ['expiring']), ({'days_left': -1}, ['expired']),
    ({'days_left': 100, 'has_private_key': False}, ['no-private-key']), ({'days_left': None}, ['unknown']),
])
def test_certificate_findings(cert, statuses):
    seen = compliant('skype_for_business')
    seen['observed']['certificate@Default'] = None if cert is None else dict(seen['observed']['certificate@Default'], **cert)
    result = ms.plan(desired('skype_for_business'), seen)
    assert [f['status'] for f in result['findings']] == statuses


def test_options_fixtures_are_the_integration_inventorys():
    assert SFB_OPTIONS['trunks']['migrating']['scope'] == 'site:London' and OCS_OPTIONS['host'].startswith('med02')
