# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The trunk policy, rule by rule, and its bad-input errors (docs/policy.md)."""

from __future__ import annotations

import copy
import ipaddress
import json

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError, evaluate
from result_invariants import check_result

# --------------------------------------------------------------------------- builders

STRONG_VPN = {'encryption': 'aes-256-gcm', 'integrity': 'sha256', 'key_exchange': 'ecp384', 'transport': 'udp'}


def private_trunk(**changes):
    data = {
        'name': 'acme-private',
        'connection': 'private',
        'provider': {'name': 'Acme Telecom', 'tls': True, 'srtp': True},
        'mediation_subnet': {'cidr': '10.20.0.0/28', 'audience': 'authorized_it'},
    }
    return merge(data, changes)


def vpn_trunk(**changes):
    data = {
        'name': 'contoso-vpn',
        'connection': 'vpn',
        'provider': {'name': 'Contoso Telecom', 'tls': True, 'srtp': True},
        'mediation_subnet': {'cidr': '10.30.0.0/28', 'audience': 'authorized_it'},
        'vpn': dict(STRONG_VPN),
    }
    return merge(data, changes)


def public_trunk(**changes):
    data = {
        'name': 'northwind-public',
        'connection': 'public',
        'provider': {'name': 'Northwind Voice', 'tls': True, 'srtp': True},
        'mediation_subnet': {'cidr': '10.10.5.0/28', 'audience': 'authorized_it'},
    }
    return merge(data, changes)


_DELETE = object()


def merge(data, changes):
    """Apply ``changes`` to a copy; a dict value replaces the whole sub-dict, _DELETE removes the key."""
    data = copy.deepcopy(data)
    for key, value in changes.items():
        if value is _DELETE:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def rules(findings):
    return [f['rule'] for f in findings]


def finding(result, rule):
    for key in ('reasons', 'warnings', 'blockers'):
        for item in result[key]:
            if item['rule'] == rule:
                return item
    raise AssertionError('rule %s did not fire: %r' % (rule, result))


def fired(result):
    return set(rules(result['reasons']) + rules(result['warnings']) + rules(result['blockers']))


def error(data, index=None):
    with pytest.raises(TrunkInputError) as info:
        evaluate(data, index)
    return info.value


def problem(err, field):
    for item in err.problems:
        if item.field == field:
            return item
    raise AssertionError('no problem for field %s in %s' % (field, err))


# --------------------------------------------------------------------------- the result

def test_result_shape():
    result = evaluate(public_trunk())
    assert set(result) == {'name', 'connection', 'decision', 'tls', 'srtp', 'exposed', 'reasons', 'warnings',
                           'blockers', 'compliant'}
    assert result['name'] == 'northwind-public'
    assert result['connection'] == 'public'
    assert result['tls'] == {'required': True, 'enable': True}
    assert result['srtp'] == {'required': True, 'enable': True}
    assert result['exposed'] == ['internet']
    assert rules(result['reasons']) == ['public-connection']
    assert result['warnings'] == [] and result['blockers'] == []
    assert result['compliant'] is True
    check_result(result)


def test_the_contract_example_round_trip():
    """The model's example, with a weak subnet: required, and the SRTP blocker."""
    data = {
        'name': 'contoso-primary', 'connection': 'vpn',
        'provider': {'name': 'Contoso Telecom', 'tls': True, 'srtp': False},
        'mediation_subnet': {'cidr': '10.20.0.0/28', 'audience': 'shared'},
        'vpn': {'proposal': 'aes256gcm16-prfsha384-ecp384', 'transport': 'udp'},
        'segments': [{'name': 'carrier-meet-me-room', 'audience': 'limited_non_it', 'inside_vpn': False}],
        'opportunistic': True,
    }
    result = evaluate(data)
    assert result['decision'] == 'required'
    assert result['exposed'] == ['mediation-subnet']
    assert rules(result['reasons']) == ['subnet-exposed']
    assert rules(result['blockers']) == ['provider-lacks-srtp']
    assert result['compliant'] is False
    check_result(result)


def test_rule_table_is_the_contracts_plus_segment_audience_unknown():
    assert tp.RULES == {
        'public-connection': 'requires', 'subnet-exposed': 'requires', 'subnet-audience-unknown': 'warning',
        'subnet-routable': 'warning', 'vpn-weak-encryption': 'requires', 'vpn-weak-key-exchange': 'requires',
        'vpn-key-exchange-below-128': 'warning', 'udp-over-tcp': 'warning', 'segment-exposed': 'requires',
        'segment-audience-unknown': 'warning', 'private-connection': 'allows', 'vpn-connection': 'allows',
        'provider-lacks-tls': 'blocker', 'provider-lacks-srtp': 'blocker',
    }


# --------------------------------------------------------------------------- public-connection

def test_public_connection_fires():
    result = evaluate(public_trunk())
    item = finding(result, 'public-connection')
    assert item['point'] == 'internet' and item['found'] == 'public'
    assert "trunk 'northwind-public'" in item['message'] and 'public' in item['message']
    assert result['decision'] == 'required'


@pytest.mark.parametrize('make', [private_trunk, vpn_trunk])
def test_public_connection_does_not_fire_elsewhere(make):
    result = evaluate(make())
    assert 'public-connection' not in fired(result)
    assert 'internet' not in result['exposed']
    assert result['decision'] == 'optional'


def test_public_connection_with_only_private_points_is_still_required():
    result = evaluate(public_trunk(segments=[{'name': 'cage', 'audience': 'authorized_it'}]))
    assert result['decision'] == 'required'
    assert rules(result['reasons']) == ['public-connection']


# --------------------------------------------------------------------------- mediation subnet audiences

@pytest.mark.parametrize('audience', ['authorized_it', 'limited_non_it'])
@pytest.mark.parametrize('make', [private_trunk, vpn_trunk])
def test_private_subnet_audiences_are_not_exposed(make, audience):
    result = evaluate(make(mediation_subnet={'cidr': '10.1.2.0/24', 'audience': audience}))
    assert 'subnet-exposed' not in fired(result)
    assert 'subnet-audience-unknown' not in fired(result)
    assert 'mediation-subnet' not in result['exposed']
    assert result['decision'] == 'optional'
    check_result(result)


@pytest.mark.parametrize('audience', ['shared', 'public'])
@pytest.mark.parametrize('make', [private_trunk, vpn_trunk, public_trunk])
def test_exposed_subnet_audiences_require(make, audience):
    result = evaluate(make(mediation_subnet={'cidr': '10.1.2.0/24', 'audience': audience}))
    item = finding(result, 'subnet-exposed')
    assert item['point'] == 'mediation-subnet'
    assert item['found'] == audience
    assert audience in item['message'] and '10.1.2.0/24' in item['message']
    assert "trunk '%s'" % result['name'] in item['message']
    assert 'mediation-subnet' in result['exposed']
    assert result['decision'] == 'required'
    assert 'subnet-audience-unknown' not in fired(result)
    check_result(result)


@pytest.mark.parametrize('subnet', [
    _DELETE,                                           # no mediation_subnet at all
    {'cidr': '10.1.2.0/24'},                           # no audience
    {'cidr': '10.1.2.0/24', 'audience': 'unknown'},    # explicitly unknown
    {'cidr': '10.1.2.0/24', 'audience': None},         # null audience
    {},                                                # empty mapping
    {'audience': 'unknown'},
])
@pytest.mark.parametrize('make', [private_trunk, vpn_trunk])
def test_unknown_subnet_audience_counts_as_shared(make, subnet):
    result = evaluate(make(mediation_subnet=subnet))
    warning = finding(result, 'subnet-audience-unknown')
    assert warning['point'] == 'mediation-subnet'
    assert "trunk '%s'" % result['name'] in warning['message']
    assert 'shared' in warning['message']
    reason = finding(result, 'subnet-exposed')
    assert reason['found'] == 'shared'
    assert result['exposed'][0] == 'mediation-subnet'
    assert result['decision'] == 'required'
    assert not ({'private-connection', 'vpn-connection'} & fired(result))
    check_result(result)


# --------------------------------------------------------------------------- subnet-routable

@pytest.mark.parametrize('cidr', ['8.8.8.0/24', '1.1.1.0/28', '2606:4700::/32'])
@pytest.mark.parametrize('audience', ['authorized_it', 'limited_non_it'])
def test_globally_routable_subnet_declared_private_warns(cidr, audience):
    result = evaluate(private_trunk(mediation_subnet={'cidr': cidr, 'audience': audience}))
    item = finding(result, 'subnet-routable')
    assert item['point'] == 'mediation-subnet'
    assert item['found'] == str(ipaddress.ip_network(cidr))
    assert item['found'] in item['message'] and audience in item['message']
    assert "trunk 'acme-private'" in item['message']
    # a warning only: the decision stays optional
    assert result['decision'] == 'optional'
    assert rules(result['reasons']) == ['private-connection']


@pytest.mark.parametrize('cidr', ['10.0.0.0/8', '172.16.4.0/22', '192.168.1.0/24', 'fd00:1234::/64', '10.20.0.5/28'])
def test_rfc1918_and_ula_do_not_warn(cidr):
    result = evaluate(private_trunk(mediation_subnet={'cidr': cidr, 'audience': 'authorized_it'}))
    assert 'subnet-routable' not in fired(result)
    assert result['warnings'] == []


def test_routable_does_not_warn_without_cidr():
    result = evaluate(private_trunk(mediation_subnet={'audience': 'authorized_it'}))
    assert result['warnings'] == []
    assert result['decision'] == 'optional'


@pytest.mark.parametrize('audience', ['shared', 'public'])
def test_routable_does_not_warn_when_already_exposed(audience):
    result = evaluate(private_trunk(mediation_subnet={'cidr': '8.8.8.0/24', 'audience': audience}))
    assert 'subnet-routable' not in fired(result)
    assert 'subnet-exposed' in fired(result)


def test_cidr_host_bits_are_accepted_and_normalised():
    result = evaluate(private_trunk(mediation_subnet={'cidr': ' 8.8.8.7/24 ', 'audience': 'authorized_it'}))
    assert finding(result, 'subnet-routable')['found'] == '8.8.8.0/24'


# --------------------------------------------------------------------------- VPN strength

@pytest.mark.parametrize('cipher', ['aes128', 'AES-128-GCM', 'aes-256-gcm', 'AES_192_CBC', 'camellia128',
                                    'ChaCha20-Poly1305', 'GCMAES256'])
def test_vpn_encryption_at_or_above_128_passes(cipher):
    result = evaluate(vpn_trunk(vpn={'encryption': cipher}))
    assert result['decision'] == 'optional'
    assert rules(result['reasons']) == ['vpn-connection']
    assert 'vpn-transit' not in result['exposed']
    assert result['warnings'] == []


@pytest.mark.parametrize('cipher, name, bits', [
    ('3des', '3des', 112), ('DES-EDE3-CBC', '3des', 112), ('des', 'des', 56), ('DES-EDE', '3des-2key', 80),
    ('rc4', 'rc4', 0), ('BF-CBC', 'blowfish', 64), ('null', 'null', 0),
])
def test_vpn_encryption_below_128_fails(cipher, name, bits):
    result = evaluate(vpn_trunk(vpn={'encryption': cipher}))
    item = finding(result, 'vpn-weak-encryption')
    assert item['point'] == 'vpn-transit'
    assert item['found'] == name
    assert name in item['message'] and '%d-bit' % bits in item['message']
    assert "trunk 'contoso-vpn'" in item['message']
    assert result['decision'] == 'required'
    assert 'vpn-transit' in result['exposed']
    assert 'vpn-connection' not in fired(result)
    check_result(result)


@pytest.mark.parametrize('cipher', ['rot13', 'serpent-256', 'twofish', 'aes256gmac'])
def test_vpn_unrecognised_encryption_counts_as_weak(cipher):
    result = evaluate(vpn_trunk(vpn={'encryption': cipher}))
    item = finding(result, 'vpn-weak-encryption')
    assert repr(cipher) in item['message']
    assert 'not a recognised' in item['message']
    assert item['found'] == cipher
    assert result['decision'] == 'required'
    assert 'vpn-transit' in result['exposed']


@pytest.mark.parametrize('field, value, name, bits', [
    ('key_exchange', 'modp2048', 'modp2048', 112), ('key_exchange', 'group14', 'modp2048', 112),
    ('key_exchange', 14, 'modp2048', 112), ('key_exchange', 'DHGroup24', 'modp2048s256', 112),
    ('key_exchange', 'ecp224', 'ecp224', 112),
])
def test_vpn_key_exchange_112_to_127_passes_with_warning(field, value, name, bits):
    result = evaluate(vpn_trunk(vpn=dict(STRONG_VPN, **{field: value})))
    assert result['decision'] == 'optional'
    assert rules(result['reasons']) == ['vpn-connection']
    item = finding(result, 'vpn-key-exchange-below-128')
    assert item['found'] == name and name in item['message'] and '%d-bit' % bits in item['message']
    assert "trunk 'contoso-vpn'" in item['message']
    assert item['point'] == 'vpn-transit'


@pytest.mark.parametrize('field, value', [
    ('key_exchange', 'modp3072'), ('key_exchange', 'ecp256'), ('key_exchange', 'x25519'), ('key_exchange', 15),
    ('key_exchange', 'curve448'), ('integrity', 'sha1'), ('integrity', 'sha256'), ('integrity', 'HMAC-SHA-512'),
])
def test_vpn_key_exchange_and_integrity_at_128_or_more_do_not_warn(field, value):
    result = evaluate(vpn_trunk(vpn=dict(STRONG_VPN, **{field: value})))
    assert result['decision'] == 'optional'
    assert result['warnings'] == []


@pytest.mark.parametrize('field, value, name, bits, what', [
    ('key_exchange', 'modp1024', 'modp1024', 80, 'key exchange'),
    ('key_exchange', 'group2', 'modp1024', 80, 'key exchange'),
    ('key_exchange', 5, 'modp1536', 96, 'key exchange'),
    ('key_exchange', 'modp768', 'modp768', 64, 'key exchange'),
    ('key_exchange', 'ecp192', 'ecp192', 96, 'key exchange'),
    ('integrity', 'md5', 'md5', 64, 'integrity'),
    ('integrity', 'HMAC-MD5', 'md5', 64, 'integrity'),
])
def test_vpn_key_exchange_or_integrity_below_112_fails(field, value, name, bits, what):
    result = evaluate(vpn_trunk(vpn=dict(STRONG_VPN, **{field: value})))
    item = finding(result, 'vpn-weak-key-exchange')
    assert item['found'] == name
    assert name in item['message'] and '%d-bit' % bits in item['message'] and what in item['message']
    assert "trunk 'contoso-vpn'" in item['message']
    assert result['decision'] == 'required'
    assert 'vpn-transit' in result['exposed']
    assert 'vpn-weak-encryption' not in fired(result)


@pytest.mark.parametrize('field, value', [('key_exchange', 'modp9999'), ('integrity', 'crc32'),
                                          ('key_exchange', 'prime-curve'), ('integrity', 99)])
def test_vpn_unrecognised_key_exchange_or_integrity_counts_as_weak(field, value):
    result = evaluate(vpn_trunk(vpn=dict(STRONG_VPN, **{field: value})))
    item = finding(result, 'vpn-weak-key-exchange')
    assert repr(str(value)) in item['message']
    assert result['decision'] == 'required'


def test_vpn_with_only_encryption_passes():
    result = evaluate(vpn_trunk(vpn={'encryption': 'aes-128-gcm'}))
    assert result['decision'] == 'optional'
    assert result['warnings'] == []


@pytest.mark.parametrize('proposal', ['aes256gcm16-prfsha384-ecp384', 'wireguard', 'AES-256-GCM', 'CHACHA20-POLY1305',
                                      'aes128-sha1-modp3072', 'aes256-sha256-ecp384,aes128gcm16-prfsha256-x25519',
                                      'camellia256-sha512-curve448'])
def test_vpn_proposals_that_pass(proposal):
    result = evaluate(vpn_trunk(vpn={'proposal': proposal}))
    assert result['decision'] == 'optional', result
    assert rules(result['reasons']) == ['vpn-connection']
    assert result['warnings'] == []


def test_vpn_proposal_with_modp2048_warns():
    result = evaluate(vpn_trunk(vpn={'proposal': 'aes256-sha256-modp2048'}))
    assert result['decision'] == 'optional'
    assert rules(result['warnings']) == ['vpn-key-exchange-below-128']


@pytest.mark.parametrize('proposal, rule, found', [
    ('3des-sha1-modp1024', 'vpn-weak-encryption', '3des'),
    ('3des-sha1-modp1024', 'vpn-weak-key-exchange', 'modp1024'),
    ('BF-CBC', 'vpn-weak-encryption', 'blowfish'),
    ('DES-EDE3-CBC', 'vpn-weak-encryption', '3des'),
    ('aes256-md5-ecp384', 'vpn-weak-key-exchange', 'md5'),
    # several proposals: the weakest decides
    ('aes256gcm16-prfsha384-ecp384,3des-sha1-modp2048', 'vpn-weak-encryption', '3des'),
    ('aes256gcm16-prfsha384-ecp384,aes128-sha256-modp1024', 'vpn-weak-key-exchange', 'modp1024'),
    ('wireguard,des-sha256-ecp256', 'vpn-weak-encryption', 'des'),
    # several algorithms in one proposal: the weakest decides
    ('aes256-3des-sha256-ecp384', 'vpn-weak-encryption', '3des'),
    ('aes256-sha256-md5-ecp384', 'vpn-weak-key-exchange', 'md5'),
    ('aes256-sha256-ecp384-modp1536', 'vpn-weak-key-exchange', 'modp1536'),
])
def test_vpn_proposals_that_fail(proposal, rule, found):
    result = evaluate(vpn_trunk(vpn={'proposal': proposal}))
    item = finding(result, rule)
    assert item['found'] == found and found in item['message']
    assert result['decision'] == 'required'
    assert 'vpn-transit' in result['exposed']
    assert 'vpn-connection' not in fired(result)


@pytest.mark.parametrize('proposal, token', [
    ('rot13-sha256-ecp384', 'rot13'), ('foo', 'foo'), ('aes256gcm16-prfsha384-ecp384,quantum-ecp384', 'quantum'),
    ('serpent-sha256', 'serpent'),
])
def test_vpn_proposal_with_unrecognised_token_fires_weak_encryption(proposal, token):
    result = evaluate(vpn_trunk(vpn={'proposal': proposal}))
    item = finding(result, 'vpn-weak-encryption')
    assert repr(token) in item['message']
    assert item['found'] == proposal
    assert result['decision'] == 'required'


@pytest.mark.parametrize('proposal', ['aes256-sha256-mopd1024', 'aes256-sha1-modp768-foo',
                                      'chacha20poly1305-sha256-ecp385'])
def test_vpn_proposal_unrecognised_token_next_to_aes_fires_weak_encryption(proposal):
    result = evaluate(vpn_trunk(vpn={'proposal': proposal}))
    assert 'vpn-weak-encryption' in fired(result)
    assert result['decision'] == 'required'


@pytest.mark.parametrize('proposal', ['sha256-modp2048', 'esp', 'aes256gmac-ecp256', ','])
def test_vpn_proposal_without_cipher_fires_weak_encryption(proposal):
    result = evaluate(vpn_trunk(vpn={'proposal': proposal}))
    item = finding(result, 'vpn-weak-encryption')
    assert 'no cipher' in item['message']
    assert result['decision'] == 'required'


@pytest.mark.parametrize('vpn', [{'encryption': None}, {'encryption': None, 'integrity': 'sha256'},
                                 {'encryption': None, 'proposal': None, 'transport': 'udp'}])
def test_vpn_with_null_encryption_does_not_pass(vpn):
    try:
        result = evaluate(vpn_trunk(vpn=vpn))
    except TrunkInputError as err:
        assert 'vpn.encryption' in str(err)
        return
    assert result['decision'] == 'required'
    assert 'vpn-weak-encryption' in fired(result)


# --------------------------------------------------------------------------- udp-over-tcp

def test_udp_over_tcp_warns_but_does_not_require():
    result = evaluate(vpn_trunk(vpn=dict(STRONG_VPN, transport='tcp')))
    item = finding(result, 'udp-over-tcp')
    assert item['found'] == 'tcp' and item['expected'] == 'udp' and item['point'] == 'vpn-transit'
    assert 'TCP' in item['message'] and "trunk 'contoso-vpn'" in item['message']
    assert result['decision'] == 'optional'
    assert rules(result['reasons']) == ['vpn-connection']


@pytest.mark.parametrize('vpn', [dict(STRONG_VPN, transport='udp'), {'encryption': 'aes256'},
                                 {'encryption': 'aes256', 'transport': None}])
def test_udp_transport_does_not_warn(vpn):
    assert 'udp-over-tcp' not in fired(evaluate(vpn_trunk(vpn=vpn)))


def test_udp_over_tcp_with_proposal_and_failing_vpn():
    result = evaluate(vpn_trunk(vpn={'proposal': '3des-sha1-modp1024', 'transport': 'tcp'}))
    assert {'udp-over-tcp', 'vpn-weak-encryption', 'vpn-weak-key-exchange'} <= fired(result)


# --------------------------------------------------------------------------- segments

@pytest.mark.parametrize('audience', ['shared', 'public'])
@pytest.mark.parametrize('make', [private_trunk, vpn_trunk])
def test_exposed_segment_requires(make, audience):
    result = evaluate(make(segments=[{'name': 'meet-me-room', 'audience': audience}]))
    item = finding(result, 'segment-exposed')
    assert item['point'] == 'meet-me-room' and item['found'] == audience
    assert "segment 'meet-me-room'" in item['message'] and audience in item['message']
    assert "trunk '%s'" % result['name'] in item['message']
    assert result['exposed'] == ['meet-me-room']
    assert result['decision'] == 'required'
    assert not ({'private-connection', 'vpn-connection'} & fired(result))
    check_result(result)


@pytest.mark.parametrize('audience', ['authorized_it', 'limited_non_it'])
@pytest.mark.parametrize('make', [private_trunk, vpn_trunk])
def test_private_segment_does_not_require(make, audience):
    result = evaluate(make(segments=[{'name': 'cage', 'audience': audience, 'inside_vpn': False}]))
    assert 'segment-exposed' not in fired(result)
    assert result['decision'] == 'optional'
    assert result['exposed'] == []


@pytest.mark.parametrize('segment', [{'name': 'dc-lan'}, {'name': 'dc-lan', 'audience': 'unknown'},
                                     {'name': 'dc-lan', 'audience': None}])
def test_segment_without_audience_counts_as_shared(segment):
    result = evaluate(private_trunk(segments=[segment]))
    warning = finding(result, 'segment-audience-unknown')
    assert warning['point'] == 'dc-lan' and "segment 'dc-lan'" in warning['message']
    assert "trunk 'acme-private'" in warning['message']
    reason = finding(result, 'segment-exposed')
    assert reason['found'] == 'shared'
    assert result['decision'] == 'required'


@pytest.mark.parametrize('audience', ['shared', 'public', None])
def test_inside_a_passing_vpn_a_segment_is_protected(audience):
    segment = {'name': 'carrier-core', 'inside_vpn': True}
    if audience:
        segment['audience'] = audience
    result = evaluate(vpn_trunk(segments=[segment]))
    assert 'segment-exposed' not in fired(result)
    assert result['decision'] == 'optional'
    assert rules(result['reasons']) == ['vpn-connection']
    assert result['exposed'] == []


@pytest.mark.parametrize('weak_vpn', [{'encryption': '3des'}, {'encryption': 'aes256', 'key_exchange': 'modp1024'},
                                      {'proposal': 'rot13'}])
def test_inside_a_failing_vpn_a_segment_is_exposed(weak_vpn):
    result = evaluate(vpn_trunk(vpn=weak_vpn, segments=[{'name': 'carrier-core', 'audience': 'public',
                                                         'inside_vpn': True}]))
    item = finding(result, 'segment-exposed')
    assert 'the VPN does not pass' in item['message']
    assert 'carrier-core' in result['exposed'] and 'vpn-transit' in result['exposed']
    assert result['decision'] == 'required'


def test_inside_vpn_private_segment_is_not_exposed_even_if_vpn_fails():
    result = evaluate(vpn_trunk(vpn={'encryption': 'des'},
                                segments=[{'name': 'cage', 'audience': 'authorized_it', 'inside_vpn': True}]))
    assert 'segment-exposed' not in fired(result)
    assert result['exposed'] == ['vpn-transit']


def test_every_exposed_segment_is_listed_in_order():
    result = evaluate(private_trunk(segments=[
        {'name': 'a', 'audience': 'public'}, {'name': 'b', 'audience': 'authorized_it'}, {'name': 'c', 'audience': 'shared'},
    ]))
    assert result['exposed'] == ['a', 'c']
    assert [r['point'] for r in result['reasons']] == ['a', 'c']


def test_exposed_points_accumulate():
    result = evaluate(vpn_trunk(mediation_subnet={'audience': 'shared'}, vpn={'encryption': 'des'},
                                segments=[{'name': 'isp', 'audience': 'public'}]))
    assert result['exposed'] == ['mediation-subnet', 'vpn-transit', 'isp']
    assert rules(result['reasons']) == ['subnet-exposed', 'vpn-weak-encryption', 'segment-exposed']


# --------------------------------------------------------------------------- allows

def test_private_connection_allows():
    result = evaluate(private_trunk())
    assert rules(result['reasons']) == ['private-connection']
    assert "trunk 'acme-private'" in result['reasons'][0]['message']
    assert 'private' in result['reasons'][0]['message']
    assert result['decision'] == 'optional'
    assert result['exposed'] == []
    check_result(result)


def test_vpn_connection_allows():
    result = evaluate(vpn_trunk())
    assert rules(result['reasons']) == ['vpn-connection']
    assert "trunk 'contoso-vpn'" in result['reasons'][0]['message']
    assert 'VPN' in result['reasons'][0]['message']
    assert result['decision'] == 'optional'
    check_result(result)


@pytest.mark.parametrize('trunk', [
    private_trunk(mediation_subnet={'audience': 'shared'}),
    private_trunk(segments=[{'name': 's', 'audience': 'public'}]),
    private_trunk(mediation_subnet=_DELETE),
    vpn_trunk(mediation_subnet={'audience': 'public'}),
    vpn_trunk(vpn={'encryption': 'des'}),
    vpn_trunk(segments=[{'name': 's', 'audience': 'shared'}]),
])
def test_allows_only_when_no_requires_rule_fired(trunk):
    result = evaluate(trunk)
    assert not ({'private-connection', 'vpn-connection'} & fired(result))
    assert result['decision'] == 'required'
    check_result(result)


def test_public_never_allows():
    assert not ({'private-connection', 'vpn-connection'} & fired(evaluate(public_trunk())))


# --------------------------------------------------------------------------- blockers, compliant, enable

@pytest.mark.parametrize('tls, srtp, expected', [
    (True, True, []),
    (False, True, ['provider-lacks-tls']),
    (True, False, ['provider-lacks-srtp']),
    (False, False, ['provider-lacks-tls', 'provider-lacks-srtp']),
])
def test_blockers_when_required(tls, srtp, expected):
    result = evaluate(public_trunk(provider={'name': 'Fabrikam Carrier', 'tls': tls, 'srtp': srtp}))
    assert rules(result['blockers']) == expected
    assert result['compliant'] is (not expected)
    # a blocker never turns the requirement off
    assert result['decision'] == 'required'
    assert result['tls'] == {'required': True, 'enable': True}
    assert result['srtp'] == {'required': True, 'enable': True}
    for item in result['blockers']:
        assert "trunk 'northwind-public'" in item['message']
        assert "'Fabrikam Carrier'" in item['message']
        assert item['found'] is False and item['expected'] is True
    if not tls:
        assert 'provider.tls is false' in finding(result, 'provider-lacks-tls')['message']
    if not srtp:
        assert 'provider.srtp is false' in finding(result, 'provider-lacks-srtp')['message']


@pytest.mark.parametrize('provider', [_DELETE, {}, {'name': 'X'}, {'tls': None, 'srtp': None}])
def test_missing_provider_support_is_no_support(provider):
    result = evaluate(public_trunk(provider=provider))
    assert rules(result['blockers']) == ['provider-lacks-tls', 'provider-lacks-srtp']
    assert result['compliant'] is False


@pytest.mark.parametrize('tls, srtp', [(False, False), (True, False), (False, True)])
def test_no_blockers_when_optional(tls, srtp):
    result = evaluate(private_trunk(provider={'tls': tls, 'srtp': srtp}))
    assert result['blockers'] == []
    assert result['compliant'] is True


@pytest.mark.parametrize('make', [private_trunk, public_trunk])
@pytest.mark.parametrize('opportunistic', [True, False, None, _DELETE])
@pytest.mark.parametrize('tls', [True, False])
@pytest.mark.parametrize('srtp', [True, False])
def test_enable_is_required_or_opportunistic_and_supported(make, opportunistic, tls, srtp):
    changes = {'provider': {'tls': tls, 'srtp': srtp}}
    if opportunistic is not _DELETE:
        changes['opportunistic'] = opportunistic
    result = evaluate(make(**changes))
    required = result['decision'] == 'required'
    assert required is (make is public_trunk)
    effective = opportunistic is not False      # default true; null means the default
    assert result['tls']['enable'] is (required or (effective and tls))
    assert result['srtp']['enable'] is (required or (effective and srtp))
    assert result['tls']['required'] is required and result['srtp']['required'] is required


def test_non_opportunistic_private_trunk_leaves_both_off():
    result = evaluate(private_trunk(opportunistic=False))
    assert result['tls'] == {'required': False, 'enable': False}
    assert result['srtp'] == {'required': False, 'enable': False}


def test_provider_name_is_optional_in_blocker_messages():
    result = evaluate(public_trunk(provider={'tls': False, 'srtp': True}))
    message = finding(result, 'provider-lacks-tls')['message']
    assert message.startswith("trunk 'northwind-public': TLS is required but the provider does not support it")


# --------------------------------------------------------------------------- decision

@pytest.mark.parametrize('trunk, decision', [
    (private_trunk(), 'optional'),
    (vpn_trunk(), 'optional'),
    (vpn_trunk(vpn=dict(STRONG_VPN, transport='tcp', key_exchange='modp2048')), 'optional'),
    (private_trunk(mediation_subnet={'cidr': '8.8.8.0/24', 'audience': 'authorized_it'}), 'optional'),
    (public_trunk(), 'required'),
    (private_trunk(mediation_subnet={'audience': 'limited_non_it'}, segments=[{'name': 'x', 'audience': 'shared'}]),
     'required'),
    (vpn_trunk(vpn={'proposal': '3des-sha1-modp1024'}), 'required'),
])
def test_decision_is_required_iff_a_requires_rule_fired(trunk, decision):
    result = evaluate(trunk)
    assert result['decision'] == decision
    check_result(result)


def test_warnings_alone_never_require():
    result = evaluate(vpn_trunk(mediation_subnet={'cidr': '8.8.8.0/24', 'audience': 'authorized_it'},
                                vpn=dict(STRONG_VPN, transport='tcp', key_exchange='group14'),
                                segments=[{'name': 'core', 'inside_vpn': True}]))
    assert fired(result) == {'subnet-routable', 'vpn-key-exchange-below-128', 'udp-over-tcp',
                             'segment-audience-unknown', 'vpn-connection'}
    assert result['decision'] == 'optional'


def test_deployment_wiring_is_ignored_by_the_policy():
    plain = evaluate(private_trunk())
    wired = evaluate(private_trunk(
        gateway={'address': '192.0.2.10', 'tls_port': 5067, 'tcp_port': 5068, 'srtp_mode': 'optional'},
        provider={'name': 'Acme Telecom', 'tls': True, 'srtp': True, 'address': 'sbc.acme.example', 'port': 5061,
                  'server_name': 'sbc.acme.example'}))
    assert plain == wired


@pytest.mark.parametrize('mode', ['required', 'optional', None])
def test_gateway_srtp_mode_values(mode):
    assert evaluate(private_trunk(gateway={'srtp_mode': mode}))['decision'] == 'optional'


# --------------------------------------------------------------------------- bad input

def test_missing_name():
    err = error({'connection': 'public'}, 4)
    assert 'the trunk at position 5' in str(err)
    assert problem(err, 'name').message == 'is required'


def test_a_name_with_a_trailing_newline_is_refused():
    # names go into configuration files and scripts: a line break must never pass
    err = error({'name': 'x1\n', 'connection': 'public'})
    assert problem(err, 'name').message == '"x1\\n" is not a name of letters, digits, ".", "_" and "-", at most 64 characters'


def test_missing_name_without_index():
    err = error({'connection': 'public'})
    assert str(err).startswith('the trunk is invalid: name: is required')


def test_missing_connection():
    err = error({'name': 'x1'})
    item = problem(err, 'connection')
    assert "trunk 'x1'" in str(err)
    assert 'is required' in item.message
    assert 'private, vpn, public' in item.message
    assert list(item.allowed) == ['private', 'vpn', 'public']


@pytest.mark.parametrize('value, suggestion', [('VPN', None), ('pubic', 'public'), ('privat', 'private'),
                                               ('mpls', None), (1, None), (None, None), (['vpn'], None)])
def test_unknown_connection(value, suggestion):
    err = error({'name': 'x1', 'connection': value}, 2)
    item = problem(err, 'connection')
    assert "trunk 'x1' (position 3)" in str(err)
    if value is None:
        assert 'connection: is required (found null)' in str(err)
    elif isinstance(value, str):
        assert "connection: '%s' is not an allowed value" % value in str(err)
    else:
        assert 'connection: a%s %s is not an allowed value' % ('n integer' if value == 1 else ' list', value) in str(err)
    assert 'allowed values: private, vpn, public' in item.message
    if suggestion:
        assert "did you mean '%s'?" % suggestion in item.message
    assert item.as_dict()['value'] == (value if not isinstance(value, list) else repr(value))


@pytest.mark.parametrize('where, field', [('subnet', 'mediation_subnet.audience'),
                                          ('segment', 'segments[0].audience')])
@pytest.mark.parametrize('value, suggestion', [('everyone', None), ('sharde', 'shared'), ('authorised_it', 'authorized_it'),
                                               ('Public', 'public'), (True, None), (3, None)])
def test_unknown_audience(where, field, value, suggestion):
    if where == 'subnet':
        data = private_trunk(mediation_subnet={'audience': value})
    else:
        data = private_trunk(segments=[{'name': 'seg', 'audience': value}])
    err = error(data)
    item = problem(err, field)
    assert "trunk 'acme-private'" in str(err)
    assert field in str(err)
    assert (repr(value) if not isinstance(value, bool) else 'true') in item.message
    assert 'allowed values: authorized_it, limited_non_it, shared, public, unknown' in item.message
    if suggestion:
        assert "did you mean '%s'?" % suggestion in item.message


@pytest.mark.parametrize('make, connection', [(private_trunk, 'private'), (public_trunk, 'public')])
def test_vpn_on_a_non_vpn_trunk(make, connection):
    err = error(make(vpn=dict(STRONG_VPN)))
    item = problem(err, 'vpn')
    assert "trunk '%s'" % make()['name'] in str(err)
    assert "connection is '%s'" % connection in item.message
    assert 'vpn' in item.message


@pytest.mark.parametrize('make', [private_trunk, public_trunk])
def test_inside_vpn_on_a_non_vpn_trunk(make):
    err = error(make(segments=[{'name': 's', 'audience': 'shared', 'inside_vpn': True}]))
    item = problem(err, 'segments[0].inside_vpn')
    assert "connection is '%s'" % make()['connection'] in item.message
    assert "trunk '%s'" % make()['name'] in str(err)


def test_inside_vpn_false_is_fine_on_a_non_vpn_trunk():
    assert evaluate(private_trunk(segments=[{'name': 's', 'audience': 'limited_non_it', 'inside_vpn': False}]))


@pytest.mark.parametrize('vpn', [_DELETE, None])
def test_missing_vpn_on_a_vpn_trunk(vpn):
    err = error(vpn_trunk(vpn=vpn))
    item = problem(err, 'vpn')
    assert "trunk 'contoso-vpn'" in str(err)
    assert "is required when connection is 'vpn'" in item.message


@pytest.mark.parametrize('vpn', [{}, {'transport': 'udp'}, {'integrity': 'sha256', 'key_exchange': 'ecp384'}])
def test_vpn_without_encryption_or_proposal(vpn):
    err = error(vpn_trunk(vpn=vpn))
    assert 'is required' in problem(err, 'vpn.encryption').message


def test_vpn_proposal_and_settings_together():
    err = error(vpn_trunk(vpn={'proposal': 'wireguard', 'encryption': 'aes256'}))
    item = problem(err, 'vpn.proposal')
    assert 'not both' in item.message
    assert item.value == 'wireguard'
    assert "trunk 'contoso-vpn'" in str(err)


@pytest.mark.parametrize('cidr', ['10.0.0.0/33', '10.0.0.256/24', 'not-a-network', '10.0.0.0/8/8', '::g/64', '1.2.3'])
def test_unparseable_cidr(cidr):
    err = error(private_trunk(mediation_subnet={'cidr': cidr, 'audience': 'authorized_it'}), 0)
    item = problem(err, 'mediation_subnet.cidr')
    assert "trunk 'acme-private' (position 1)" in str(err)
    assert repr(cidr) in item.message
    assert item.value == cidr


# every field, with a value of the wrong type
WRONG_TYPES = [
    # (changes builder, field, bad value shown, allowed list shown or None)
    (lambda t: t.update(name=42), 'name', '42', None),
    (lambda t: t.update(name=''), 'name', "''", None),
    (lambda t: t.update(name='has space'), 'name', "'has space'", None),
    (lambda t: t.update(connection=['vpn']), 'connection', "['vpn']", 'private, vpn, public'),
    (lambda t: t.update(opportunistic='yes'), 'opportunistic', "'yes'", None),
    (lambda t: t.update(opportunistic=1), 'opportunistic', '1', None),
    (lambda t: t.update(provider='Acme'), 'provider', "'Acme'", None),
    (lambda t: t.update(provider=['Acme']), 'provider', "['Acme']", None),
    (lambda t: t['provider'].update(name=7), 'provider.name', '7', None),
    (lambda t: t['provider'].update(tls='true'), 'provider.tls', "'true'", None),
    (lambda t: t['provider'].update(srtp=1), 'provider.srtp', '1', None),
    (lambda t: t['provider'].update(address=['a']), 'provider.address', "['a']", None),
    (lambda t: t['provider'].update(server_name=3), 'provider.server_name', '3', None),
    (lambda t: t['provider'].update(port='5061'), 'provider.port', "'5061'", None),
    (lambda t: t.update(mediation_subnet='10.0.0.0/8'), 'mediation_subnet', "'10.0.0.0/8'", None),
    (lambda t: t['mediation_subnet'].update(cidr=10), 'mediation_subnet.cidr', '10', None),
    (lambda t: t['mediation_subnet'].update(cidr=''), 'mediation_subnet.cidr', "''", None),
    (lambda t: t['mediation_subnet'].update(audience=['shared']), 'mediation_subnet.audience', "['shared']",
     'authorized_it, limited_non_it, shared, public, unknown'),
    (lambda t: t.update(segments={'name': 's'}), 'segments', '{name: ' + "'s'}", None),
    (lambda t: t.update(segments='s'), 'segments', "'s'", None),
    (lambda t: t.update(segments=['s']), 'segments[0]', "'s'", None),
    (lambda t: t.update(segments=[{'name': 5, 'audience': 'shared'}]), 'segments[0].name', '5', None),
    (lambda t: t.update(segments=[{'audience': 'shared'}]), 'segments[0].name', None, None),
    (lambda t: t.update(segments=[{'name': 's', 'inside_vpn': 'no'}]), 'segments[0].inside_vpn', "'no'", None),
    (lambda t: t.update(gateway='192.0.2.1'), 'gateway', "'192.0.2.1'", None),
    (lambda t: t.update(gateway={'address': 1}), 'gateway.address', '1', None),
    (lambda t: t.update(gateway={'srtp_mode': False}), 'gateway.srtp_mode', 'false', 'required, optional'),
]

VPN_WRONG_TYPES = [
    (lambda t: t.update(vpn='aes256'), 'vpn', "'aes256'", None),
    (lambda t: t.update(vpn=['aes256']), 'vpn', "['aes256']", None),
    (lambda t: t['vpn'].update(encryption=256), 'vpn.encryption', '256', None),
    (lambda t: t['vpn'].update(encryption=''), 'vpn.encryption', "''", None),
    (lambda t: t['vpn'].update(integrity=['sha256']), 'vpn.integrity', "['sha256']", None),
    (lambda t: t['vpn'].update(key_exchange={'group': 14}), 'vpn.key_exchange', '{group: 14}', None),
    (lambda t: t['vpn'].update(key_exchange=True), 'vpn.key_exchange', 'true', None),
    (lambda t: t['vpn'].update(transport=17), 'vpn.transport', '17', 'udp, tcp'),
    (lambda t: t['vpn'].update(transport='UDP'), 'vpn.transport', "'UDP'", 'udp, tcp'),
    (lambda t: t['vpn'].update(transport='quic'), 'vpn.transport', "'quic'", 'udp, tcp'),
    (lambda t: t.update(vpn={'proposal': 5}), 'vpn.proposal', '5', None),
    (lambda t: t.update(vpn={'proposal': '  '}), 'vpn.proposal', "'  '", None),
]


def _apply(make, mutate):
    data = make()
    mutate(data)
    return data


@pytest.mark.parametrize('make, mutate, field, shown, allowed',
                         [(private_trunk,) + case for case in WRONG_TYPES] + [(vpn_trunk,) + case for case in VPN_WRONG_TYPES])
def test_wrong_types_name_trunk_field_value_and_allowed(make, mutate, field, shown, allowed):
    data = _apply(make, mutate)
    err = error(data, 3)
    text = str(err)
    item = problem(err, field)
    name = data.get('name')
    if isinstance(name, str) and name:
        assert text.startswith("trunk '%s' (position 4) is invalid" % name)
    else:
        assert text.startswith('the trunk at position 4 is invalid')
    assert field + ':' in text
    if shown is not None:
        assert shown in item.message
    if allowed is not None:
        assert allowed in item.message
    # the problem serialises
    json.dumps(err.as_dict())
    assert err.as_dict()['trunk'] == text.split(' is invalid', maxsplit=1)[0]


@pytest.mark.parametrize('field, value', [
    ('opportunistic', 'must be true or false'), ('provider.tls', 'must be true or false'),
    ('segments[0].inside_vpn', 'must be true or false'),
])
def test_boolean_errors_say_true_or_false(field, value):
    data = private_trunk(opportunistic='yes', provider={'tls': 'yes'}, segments=[{'name': 's', 'inside_vpn': 'yes'}])
    assert value in problem(error(data), field).message


@pytest.mark.parametrize('field', ['provider.port', 'gateway.tls_port', 'gateway.tcp_port'])
@pytest.mark.parametrize('port', [0, -1, 65536, 100000, True, '5061', 5061.0, None])
def test_bad_ports(field, port):
    section, key = field.split('.')
    data = private_trunk()
    data.setdefault(section, {})[key] = port
    if port is None:
        assert evaluate(data)['decision'] == 'optional'    # null means the default
        return
    err = error(data)
    item = problem(err, field)
    assert 'from 1 to 65535' in item.message
    assert ('true' if port is True else repr(port)) in item.message
    assert field in str(err)


@pytest.mark.parametrize('field', ['provider.port', 'gateway.tls_port', 'gateway.tcp_port'])
@pytest.mark.parametrize('port', [1, 5060, 5061, 65535])
def test_good_ports(field, port):
    section, key = field.split('.')
    data = private_trunk()
    data.setdefault(section, {})[key] = port
    assert evaluate(data)['decision'] == 'optional'


@pytest.mark.parametrize('mode, suggestion', [('optinal', 'optional'), ('require', 'required'), ('disabled', None),
                                              ('Required', 'required'), (1, None)])
def test_bad_gateway_srtp_mode(mode, suggestion):
    err = error(private_trunk(gateway={'srtp_mode': mode}))
    item = problem(err, 'gateway.srtp_mode')
    assert repr(mode) in item.message
    assert 'allowed values: required, optional' in item.message
    assert list(item.allowed) == ['required', 'optional']
    if suggestion:
        assert "did you mean '%s'?" % suggestion in item.message


UNKNOWN_KEYS = [
    # (where to put it, key, field reported, suggestion)
    ((), 'oportunistic', 'oportunistic', 'opportunistic'),
    ((), 'conection', 'conection', 'connection'),
    ((), 'segment', 'segment', 'segments'),
    ((), 'mediation_subnett', 'mediation_subnett', 'mediation_subnet'),
    ((), 'colour', 'colour', None),
    (('provider',), 'tsl', 'provider.tsl', 'tls'),
    (('provider',), 'srpt', 'provider.srpt', 'srtp'),
    (('provider',), 'servername', 'provider.servername', 'server_name'),
    (('mediation_subnet',), 'cdir', 'mediation_subnet.cdir', 'cidr'),
    (('mediation_subnet',), 'audiance', 'mediation_subnet.audiance', 'audience'),
    (('vpn',), 'encrytion', 'vpn.encrytion', 'encryption'),
    (('vpn',), 'keyexchange', 'vpn.keyexchange', 'key_exchange'),
    (('vpn',), 'proposals', 'vpn.proposals', 'proposal'),
    (('segments', 0), 'audiance', 'segments[0].audiance', 'audience'),
    (('segments', 0), 'inside_vnp', 'segments[0].inside_vnp', 'inside_vpn'),
    (('gateway',), 'tls_prot', 'gateway.tls_prot', 'tls_port'),
    (('gateway',), 'adress', 'gateway.adress', 'address'),
    (('gateway',), 'srtp', 'gateway.srtp', 'srtp_mode'),
    (('gateway',), 'vlan', 'gateway.vlan', None),
    (('segments', 0), 'owner', 'segments[0].owner', None),
]


@pytest.mark.parametrize('where, key, field, suggestion', UNKNOWN_KEYS)
def test_unknown_keys_at_every_level(where, key, field, suggestion):
    data = vpn_trunk(segments=[{'name': 'core', 'audience': 'authorized_it'}],
                     gateway={'address': '192.0.2.10'})
    target = data
    for step in where:
        target = target[step]
    target[key] = True
    err = error(data, 1)
    item = problem(err, field)
    assert "trunk 'contoso-vpn' (position 2)" in str(err)
    assert field + ': unknown key' in str(err)
    assert 'allowed keys:' in item.message
    assert item.value == key
    if suggestion:
        assert "(did you mean '%s'?)" % suggestion in item.message
    else:
        assert 'did you mean' not in item.message


def test_oportunistic_typo_does_not_pass_silently():
    err = error(private_trunk(oportunistic=False))
    assert str(err) == ("trunk 'acme-private' is invalid: oportunistic: unknown key (did you mean 'opportunistic'?); "
                        'allowed keys: name, connection, provider, mediation_subnet, vpn, segments, opportunistic, '
                        'gateway')


def test_every_problem_is_reported_at_once():
    err = error({'name': 'multi', 'connection': 'vpn', 'oportunistic': 1, 'provider': {'tls': 'y'},
                 'mediation_subnet': {'cidr': 'x', 'audience': 'nobody'}, 'gateway': {'tls_port': 0}}, 5)
    fields = [p.field for p in err.problems]
    assert fields == ['oportunistic', 'provider.tls', 'mediation_subnet.audience', 'mediation_subnet.cidr', 'vpn',
                      'gateway.tls_port']
    assert str(err).startswith("trunk 'multi' (position 6) is invalid: ")


@pytest.mark.parametrize('data', [None, 'trunk', 42, ['name', 'x'], True])
def test_a_trunk_that_is_not_a_mapping(data):
    err = error(data, 2)
    assert str(err).startswith('the trunk at position 3 is invalid: trunk: must be a mapping')
    assert problem(err, 'trunk').value == data


def test_input_error_is_a_value_error_with_structured_problems():
    err = error({'name': 'x', 'connection': 'nope'})
    assert isinstance(err, ValueError)
    data = err.as_dict()
    assert data['trunk'] == "trunk 'x'"
    assert data['problems'] == [{'field': 'connection', 'value': 'nope', 'allowed': ['private', 'vpn', 'public'],
                                 'message': "'nope' is not an allowed value; allowed values: private, vpn, public"}]


@pytest.mark.parametrize('mutate', [
    lambda t: t['provider'].update(port=10 ** 5000),
    lambda t: t.update(name=10 ** 5000),
    lambda t: t['vpn'].update(key_exchange=10 ** 5000),
], ids=['provider.port', 'name', 'vpn.key_exchange'])
def test_huge_integers_are_input_errors(mutate):
    data = _apply(vpn_trunk, mutate)
    with pytest.raises(TrunkInputError):
        evaluate(data)


@pytest.mark.parametrize('vpn', [{'encryption': 'aes256', 'key_exchange': '\u00b2'},
                                 {'proposal': 'aes256-sha256-\u00b2'},
                                 {'encryption': 'aes256', 'key_exchange': 'group\u00b9\u2074'}],
                         ids=['key_exchange', 'proposal', 'group-superscript'])
def test_unicode_digit_key_exchange_counts_as_weak(vpn):
    result = evaluate(vpn_trunk(vpn=vpn))
    assert result['decision'] == 'required'
    assert {'vpn-weak-key-exchange', 'vpn-weak-encryption'} & fired(result)


# --------------------------------------------------------------------------- several trunks: assess / evaluate_all

def test_assess_keeps_good_trunks_beside_bad_ones():
    outcomes = tp.assess([private_trunk(), {'name': 'broken', 'connection': 'mpls'}, public_trunk(), 'garbage'])
    assert [o['valid'] for o in outcomes] == [True, False, True, False]
    assert [o['index'] for o in outcomes] == [0, 1, 2, 3]
    assert outcomes[0]['result'] == evaluate(private_trunk())
    assert outcomes[2]['result']['decision'] == 'required'
    assert outcomes[1]['name'] == 'broken'
    assert isinstance(outcomes[1]['error'], TrunkInputError)
    assert str(outcomes[1]['error']).startswith("trunk 'broken' (2 of 4) is invalid: connection:")
    assert outcomes[3]['name'] is None
    assert str(outcomes[3]['error']).startswith('trunk 4 of 4 is invalid')


def test_assess_names_a_nameless_trunk_by_index():
    outcomes = tp.assess([private_trunk(), {'connection': 'public'}])
    # counted from 1, with the length of the list: the second of two
    assert str(outcomes[1]['error']) == 'trunk 2 of 2 is invalid: name: is required'


def test_duplicate_names_make_every_sharer_invalid():
    trunks = [private_trunk(), public_trunk(), private_trunk(connection='public'), private_trunk(opportunistic=False)]
    outcomes = tp.assess(trunks)
    assert [o['valid'] for o in outcomes] == [False, True, False, False]
    for index, others in ((0, 'trunk 3 of 4, trunk 4 of 4'), (2, 'trunk 1 of 4, trunk 4 of 4'),
                          (3, 'trunk 1 of 4, trunk 3 of 4')):
        err = outcomes[index]['error']
        assert outcomes[index]['name'] == 'acme-private'
        assert str(err).startswith("trunk 'acme-private' (%d of 4) is invalid" % (index + 1))
        item = problem(err, 'name')
        assert "'acme-private' is used by more than one trunk" in item.message
        assert '(also %s)' % others in item.message


def test_duplicate_name_on_an_invalid_trunk_keeps_both_problems():
    outcomes = tp.assess([private_trunk(), private_trunk(connection='bogus')])
    fields = [p.field for p in outcomes[1]['error'].problems]
    assert fields == ['name', 'connection']
    assert [p.field for p in outcomes[0]['error'].problems] == ['name']


def test_evaluate_all_returns_results_in_order():
    results = tp.evaluate_all([private_trunk(), vpn_trunk(), public_trunk()])
    assert [r['name'] for r in results] == ['acme-private', 'contoso-vpn', 'northwind-public']
    assert [r['decision'] for r in results] == ['optional', 'optional', 'required']
    assert tp.evaluate_all([]) == []


def test_evaluate_all_raises_on_duplicates():
    with pytest.raises(TrunkInputError) as info:
        tp.evaluate_all([public_trunk(), private_trunk(name='northwind-public')])
    assert "trunk 'northwind-public' (1 of 2)" in str(info.value)
    assert 'used by more than one trunk' in str(info.value)


def test_evaluate_all_raises_the_first_bad_trunk():
    with pytest.raises(TrunkInputError) as info:
        tp.evaluate_all([public_trunk(), {'name': 'b1', 'connection': 'x'}, {'name': 'b2'}])
    assert str(info.value).startswith("trunk 'b1' (2 of 3) is invalid")


@pytest.mark.parametrize('trunks', [None, {'name': 'x'}, 'x', 3])
def test_trunks_must_be_a_list(trunks):
    for call in (tp.assess, tp.evaluate_all):
        with pytest.raises(TrunkInputError) as info:
            call(trunks)
        assert 'must be a list of trunks' in str(info.value)


def test_assess_accepts_a_tuple():
    assert [o['valid'] for o in tp.assess((private_trunk(), public_trunk()))] == [True, True]
