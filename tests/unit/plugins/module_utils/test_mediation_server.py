# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Microsoft Mediation Server mapping: every neutral setting to every platform's value, and the plan."""

from __future__ import annotations

import json

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import microsoft as ms
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
    # migrating is a TCP trunk: its configured Optional is NotSupported in effect, and bypass is judged on that
    assert wanted['media_bypass@site:London']['after'] == 'NotSupported'
    assert wanted['media_bypass@site:London']['compatible'] == ['SupportEncryption', 'DoNotSupportEncryption']
    assert wanted['media_encryption@Global']['after'] == 'NotSupported, Required'
    assert wanted['media_encryption@Global']['compatible'] == ['SupportEncryption']


def test_scopes_come_from_the_role_variable_or_default_to_the_provider():
    wanted = desired('skype_for_business')
    assert {t['name']: (t['scope'], t['trunk']) for t in wanted['trunks']} == {
        'public': ('PstnGateway:sbc.contoso.example', 'PstnGateway:sbc.contoso.example'),
        'migrating': ('site:London', 'PstnGateway:sbc2.fabrikam.example'),
        'plain': ('PstnGateway:192.0.2.30', 'PstnGateway:192.0.2.30'),
    }
    assert {t['name']: (t['srtp_mode'], t['effective_srtp_mode']) for t in wanted['trunks']} == {
        'public': ('Required', 'Required'), 'migrating': ('Optional', 'NotSupported'), 'plain': ('NotSupported', 'NotSupported')}


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

def test_a_compliant_server_needs_nothing():
    result = ms.plan(desired('ocs2007r2'), json.dumps(compliant('ocs2007r2')))
    assert result['observed'] and not result['changed']
    assert result['changes'] == [] and result['findings'] == []
    assert result['report'][0] == ('public: compliant (srtp RequireEncryption, transport TLS, port 5067, next hop '
                                   'sbc.contoso.example:5061)')
    assert result['report'][1].startswith("public: note: the gateway's certificate name (sbc.contoso.example)")
    assert result['trunks']['public']['notes'] == [result['report'][1][len('public: note: '):]]


def test_a_compliant_skype_for_business_server_still_reports_srtp_on_a_tcp_trunk():
    result = ms.plan(desired('skype_for_business'), json.dumps(compliant('skype_for_business')))
    assert result['observed'] and not result['changed'] and result['changes'] == []
    assert [(f['id'], f['status'], f['trunks']) for f in result['findings']] == [
        ('srtp_mode@site:London', 'ineffective', ['migrating'])]
    assert result['report'][0].startswith('public: compliant (') and result['report'][2].startswith('plain: compliant (')
    assert result['report'][1].startswith('migrating: ineffective srtp_mode at site:London: SRTP mode Optional cannot be '
                                          'in effect on a TCP trunk')


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
                     ('certificate@Default', 'expiring'), ('srtp_mode@site:London', 'ineffective')}
    missing = next(f for f in result['findings'] if f['status'] == 'missing')
    assert missing['remedy'] == "New-CsTrunkConfiguration -Identity 'PstnGateway:192.0.2.30' -SRTPMode 'NotSupported'"
    assert [c['id'] for c in result['trunks']['public']['changes']] == [
        'srtp_mode@PstnGateway:sbc.contoso.example', 'SipClientTlsPort@MediationServer:med01.contoso.example']
    assert result['trunks']['migrating'] == {'changes': [], 'notes': [], 'findings': [
        f for f in result['findings'] if f['id'] in ('media_encryption@Global', 'srtp_mode@site:London')]}


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
    assert not result['observed'] and not result['changed']
    assert [f['status'] for f in result['findings']] == ['ineffective']     # known without observing anything
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
    assert [f['status'] for f in result['findings'] if f['setting'] == 'certificate'] == statuses


def test_options_fixtures_are_the_integration_inventorys():
    assert SFB_OPTIONS['trunks']['migrating']['scope'] == 'site:London' and OCS_OPTIONS['host'].startswith('med02')


# ---- SRTP on a TCP trunk: configured, but not in effect ------------------------------------------

TCP_SRTP = trunk('tcp-srtp', 'private', tls=False, srtp=True, opportunistic=True)   # provider without TLS, with SRTP


def test_srtp_required_on_a_tcp_trunk_is_not_in_effect():
    assert gateway.settings(TCP_SRTP)['srtp_mode'] == 'required' and gateway.settings(TCP_SRTP)['transport'] == 'tcp'
    wanted = one(TCP_SRTP, 'skype_for_business')
    assert wanted['trunks'][0]['srtp_mode'] == 'Required' and wanted['trunks'][0]['effective_srtp_mode'] == 'NotSupported'
    items = items_by_id(wanted)
    # the configured value is still what the policy says; what is judged against the clients is the mode in effect
    assert items['srtp_mode@PstnGateway:sbc.contoso.example']['after'] == 'Required'
    assert items['media_bypass@PstnGateway:sbc.contoso.example']['after'] == 'NotSupported'
    assert items['media_bypass@PstnGateway:sbc.contoso.example']['compatible'] == ['SupportEncryption', 'DoNotSupportEncryption']
    assert items['media_encryption@Global']['compatible'] == ['SupportEncryption', 'DoNotSupportEncryption']


@pytest.mark.parametrize('observed', [None, 'compliant'])
def test_srtp_on_a_tcp_trunk_is_never_reported_compliant(observed):
    wanted = one(TCP_SRTP, 'skype_for_business')
    seen = None
    if observed:
        seen = {'observed': {item['id']: item['after'] for item in wanted['items'] if item['kind'] in ('set', 'check')}}
    result = ms.plan(wanted, seen)
    ineffective = [f for f in result['findings'] if f['status'] == 'ineffective']
    assert len(ineffective) == 1 and result['trunks']['tcp-srtp']['findings'].count(ineffective[0]) == 1
    finding = ineffective[0]
    assert (finding['setting'], finding['scope'], finding['after'], finding['effective']) == (
        'srtp_mode', 'PstnGateway:sbc.contoso.example', 'Required', 'NotSupported')
    assert 'cannot be in effect on a TCP trunk' in finding['message']
    assert 'provider.tls' in finding['remedy'] and "'SIP Transport Protocol' TLS" in finding['remedy']
    assert not any(': compliant (' in line for line in result['report'])
    assert any(line.startswith('tcp-srtp: ineffective srtp_mode at PstnGateway:sbc.contoso.example: SRTP mode Required '
                               'cannot be in effect on a TCP trunk') for line in result['report'])


@pytest.mark.parametrize('level, conflict', [('DoNotSupportEncryption', False), ('SupportEncryption', False),
                                             ('RequireEncryption', True)])
def test_media_bypass_on_a_tcp_trunk_is_judged_on_the_mode_in_effect(level, conflict):
    wanted = one(TCP_SRTP, 'skype_for_business')
    seen = {'observed': {'media_bypass@PstnGateway:sbc.contoso.example': True, 'media_encryption@Global': level}}
    statuses = {f['id']: f['status'] for f in ms.plan(wanted, seen)['findings']}
    assert (statuses.get('media_bypass@PstnGateway:sbc.contoso.example') == 'conflict') is conflict
    assert (statuses.get('media_encryption@Global') == 'warning') is conflict


def test_a_tls_and_a_tcp_trunk_sharing_a_scope_judge_bypass_on_both_modes():
    tcp = trunk('b', 'private', tls=False, srtp=True, opportunistic=True, address='sbc9.example')
    both = [gateway.settings(trunk('a')), gateway.settings(tcp)]
    bypass = items_by_id(ms.desired(both, 'skype_for_business', {'host': 'm', 'trunks': {'a': 'Global', 'b': 'Global'}}))[
        'media_bypass@Global']
    assert bypass['trunks'] == ['a', 'b'] and bypass['after'] == 'NotSupported, Required'
    assert bypass['compatible'] == ['SupportEncryption']


def test_ocs_and_tls_trunks_have_no_ineffective_finding():
    assert ms.plan(one(trunk('t'), 'skype_for_business'), None)['findings'] == []
    assert ms.plan(one(TCP_SRTP, 'ocs2007r2'), None)['findings'] == []


def test_the_settings_notes_reach_the_plan_per_trunk():
    noted = trunk('n', 'private', tls=False, srtp=False, opportunistic=False, srtp_mode='required')
    note = gateway.settings(noted)['notes'][0]
    result = ms.plan(one(noted, 'skype_for_business'), None)
    assert result['trunks']['n']['notes'] == [note]
    assert 'n: note: %s' % note in result['report']


# ---- what may be written into a script ------------------------------------------------------------

@pytest.mark.parametrize('options, message', [
    ({'trunks': {'t': 'site:X\n'}}, 'cannot be written'),
    ({'trunks': {'t': {'scope': 'Global', 'trunk': 'PstnGateway:sbc.contoso.example\n'}}}, 'cannot be written'),
    ({'host': 'med01\n'}, 'cannot be written'),
    ({'trunks': {'t': 'site:*'}}, 'wildcard'),
    ({'trunks': {'t': {'scope': 'Global', 'trunk': 'PstnGateway:*'}}}, 'wildcard'),
    ({'media_configuration': '*'}, 'wildcard'),
    ({'mediation_server': 'med*'}, 'wildcard'),
])
def test_identities_are_exact_and_single_line(options, message):
    with pytest.raises(ms.MediationServerError, match=message):
        ms.desired([gateway.settings(trunk('t'))], 'skype_for_business', dict({'host': 'm'}, **options))


@pytest.mark.parametrize('value', ['site:X\n', 'a\nb', '\nGlobal', 'x\r', ''])
def test_ps_quote_refuses_line_breaks_anywhere(value):
    with pytest.raises(ms.MediationServerError):
        ms.ps_quote(value)


def test_a_wildcard_certificate_name_is_a_value_not_an_identity():
    wanted = one(trunk('t'), 'ocs2007r2', certificate_names=['*.contoso.example'])
    assert items_by_id(wanted)['certificate@Cert:\\LocalMachine\\My']['names'] == ['*.contoso.example']


@pytest.mark.parametrize('platform', ['skype_for_business', 'ocs2007r2'])
@pytest.mark.parametrize('name', ['evil\n', 'evil\nRemove-Item C:\\', "o'brien"])
def test_a_trunk_name_that_cannot_stand_in_a_comment_is_refused(platform, name):
    settings_ = dict(gateway.settings(trunk('t')), name=name)
    with pytest.raises(ms.MediationServerError, match='cannot be written'):
        ms.desired([settings_], platform, {'host': 'm'})


# ---- no plaintext listener toward TLS-only trunks -------------------------------------------------

def test_a_tls_only_server_is_checked_for_a_tcp_port():
    wanted = one(trunk('t'), 'skype_for_business')
    listener = items_by_id(wanted)['plaintext_listener@MediationServer:med01.contoso.example']
    assert listener['kind'] == 'listener' and listener['read']['property'] == 'SipClientTcpPort'
    assert 'Topology Builder' in listener['remedy'] and 'clear its TCP port' in listener['remedy']
    assert 'plaintext_listener@MediationServer:m' not in items_by_id(
        ms.desired([gateway.settings(trunk('t')), gateway.settings(dict(TCP_SRTP, provider=dict(
            TCP_SRTP['provider'], address='sbc9.example')))], 'skype_for_business', {'host': 'm'}))
    for port, found in ((None, []), (0, []), (5068, ['drift'])):
        seen = {'observed': {'plaintext_listener@MediationServer:med01.contoso.example': port}}
        assert [f['status'] for f in ms.plan(wanted, seen)['findings'] if f['setting'] == 'plaintext_listener'] == found
