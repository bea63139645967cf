# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Properties of the trunk policy, checked with hypothesis."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment
from ansible_collections.voip.trunk_security.plugins.module_utils import strength
from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError
from result_invariants import check_result

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text but lone surrogates, superscript digits and control characters included.
TEXT = st.text(st.characters(exclude_categories=('Cs',)), max_size=12)

RANK = {'optional': 0, 'required': 1}

# --------------------------------------------------------------------------- strategies of valid trunks

NAMES = st.text('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-', min_size=1, max_size=20)
AUDIENCE_OR_NONE = st.sampled_from(tp.AUDIENCE_VALUES + (None,))

CIPHERS = ['null', 'rc4', 'des', 'DES-EDE', 'BF-CBC', '3des', 'DES-EDE3-CBC', 'aes128', 'AES-128-GCM', 'camellia128',
           'aes192', 'AES-192-CBC', 'aes256', 'AES-256-GCM', 'aes256gcm16', 'ChaCha20-Poly1305', 'camellia256']
KEY_EXCHANGES = ['modp768', 'modp1024', 'group5', 'modp2048', 14, 'modp3072', 'ecp256', 'x25519', 'ecp384', 'curve448',
                 'ecp521', 'modp8192', 'rot13-kex']
INTEGRITIES = ['md5', 'HMAC-MD5', 'sha1', 'sha256', 'SHA-384', 'hmac-sha2-512', 'crc32']
PROPOSALS = ['aes256gcm16-prfsha384-ecp384', '3des-sha1-modp1024', 'wireguard', 'AES-256-GCM', 'BF-CBC',
             'CHACHA20-POLY1305', 'aes128-sha256-modp2048', 'aes256-sha256-ecp384,3des-sha1-modp1024', 'rot13',
             'sha256-modp2048']


def by_bits(name):
    algorithm = strength.lookup(strength.ENCRYPTION, name)
    return algorithm.bits


CIPHERS_BY_BITS = sorted(CIPHERS, key=by_bits)


@st.composite
def vpns(draw):
    if draw(st.booleans()):
        vpn = {'proposal': draw(st.sampled_from(PROPOSALS))}
    else:
        vpn = {'encryption': draw(st.sampled_from(CIPHERS))}
        if draw(st.booleans()):
            vpn['key_exchange'] = draw(st.sampled_from(KEY_EXCHANGES))
        if draw(st.booleans()):
            vpn['integrity'] = draw(st.sampled_from(INTEGRITIES))
    if draw(st.booleans()):
        vpn['transport'] = draw(st.sampled_from(['udp', 'tcp']))
    return vpn


@st.composite
def segments(draw, connection):
    result = []
    for index in range(draw(st.integers(0, 3))):
        segment = {'name': 'seg%d' % index}
        audience = draw(AUDIENCE_OR_NONE)
        if audience is not None:
            segment['audience'] = audience
        if connection == 'vpn' and draw(st.booleans()):
            segment['inside_vpn'] = draw(st.booleans())
        result.append(segment)
    return result


@st.composite
def trunks(draw, connection=None, name=None):
    connection = connection or draw(st.sampled_from(tp.CONNECTIONS))
    trunk = {'name': name or draw(NAMES), 'connection': connection}
    if draw(st.booleans()):
        provider = {}
        for key in ('tls', 'srtp'):
            if draw(st.booleans()):
                provider[key] = draw(st.booleans())
        if draw(st.booleans()):
            provider['name'] = 'Provider Co'
        trunk['provider'] = provider
    if draw(st.integers(0, 4)):
        subnet = {}
        audience = draw(AUDIENCE_OR_NONE)
        if audience is not None:
            subnet['audience'] = audience
        if draw(st.booleans()):
            subnet['cidr'] = draw(st.sampled_from(['10.0.0.0/24', '192.168.10.0/28', '8.8.8.0/24', 'fd00::/64',
                                                   '2606:4700::/32']))
        trunk['mediation_subnet'] = subnet
    if connection == 'vpn':
        trunk['vpn'] = draw(vpns())
    if draw(st.booleans()):
        trunk['segments'] = draw(segments(connection))
    if draw(st.booleans()):
        trunk['opportunistic'] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        trunk['gateway'] = {'address': '192.0.2.10', 'tls_port': draw(st.integers(1, 65535)),
                            'srtp_mode': draw(st.sampled_from(['required', 'optional']))}
    return trunk


# --------------------------------------------------------------------------- decision properties

@FAST
@given(trunks(connection='public'))
def test_a_public_connection_is_always_required(trunk):
    result = tp.evaluate(trunk)
    assert result['decision'] == 'required'
    assert 'public-connection' in [f['rule'] for f in result['reasons']]
    assert 'internet' in result['exposed']
    check_result(result, trunk)


@FAST
@given(trunks(), st.sampled_from(['shared', 'public', None]), st.data())
def test_adding_an_exposed_segment_never_lowers_the_decision(trunk, audience, data):
    before = tp.evaluate(trunk)
    segment = {'name': 'added-exposed-point'}
    if audience is not None:
        segment['audience'] = audience
    if trunk['connection'] == 'vpn':
        segment['inside_vpn'] = False
    changed = copy.deepcopy(trunk)
    position = data.draw(st.integers(0, len(changed.get('segments') or [])))
    changed.setdefault('segments', [])
    changed['segments'] = list(changed['segments'])
    changed['segments'].insert(position, segment)
    after = tp.evaluate(changed)
    assert RANK[after['decision']] >= RANK[before['decision']]
    # an exposed point outside any VPN makes it required outright
    assert after['decision'] == 'required'
    assert 'added-exposed-point' in after['exposed']
    check_result(after, changed)


@FAST
@given(trunks(), st.sampled_from(tp.AUDIENCE_VALUES + (None,)), st.booleans())
def test_adding_any_segment_never_lowers_the_decision(trunk, audience, inside):
    before = tp.evaluate(trunk)
    segment = {'name': 'added-point'}
    if audience is not None:
        segment['audience'] = audience
    if trunk['connection'] == 'vpn':
        segment['inside_vpn'] = inside
    changed = copy.deepcopy(trunk)
    changed['segments'] = list(changed.get('segments') or []) + [segment]
    after = tp.evaluate(changed)
    assert RANK[after['decision']] >= RANK[before['decision']]
    assert set(before['exposed']) <= set(after['exposed'])


@FAST
@given(trunks(connection='vpn'), st.integers(0, len(CIPHERS_BY_BITS) - 1), st.integers(0, len(CIPHERS_BY_BITS) - 1))
def test_weakening_the_vpn_cipher_never_lowers_the_decision(trunk, first, second):
    strong, weak = CIPHERS_BY_BITS[max(first, second)], CIPHERS_BY_BITS[min(first, second)]
    assert by_bits(weak) <= by_bits(strong)
    vpn = {k: v for k, v in trunk['vpn'].items() if k != 'proposal'}
    stronger = dict(trunk, vpn=dict(vpn, encryption=strong))
    weaker = dict(trunk, vpn=dict(vpn, encryption=weak))
    before, after = tp.evaluate(stronger), tp.evaluate(weaker)
    assert RANK[after['decision']] >= RANK[before['decision']]
    if by_bits(weak) < strength.MIN_ENCRYPTION_BITS:
        assert after['decision'] == 'required'
        assert 'vpn-weak-encryption' in [f['rule'] for f in after['reasons']]
    check_result(before, stronger)
    check_result(after, weaker)


@FAST
@given(trunks(connection='vpn'), st.sampled_from(CIPHERS), st.sampled_from(CIPHERS))
def test_adding_a_weaker_proposal_never_lowers_the_decision(trunk, first, second):
    """Comma-separated proposals: the weakest decides, so adding one never helps."""
    one = dict(trunk, vpn={'proposal': '%s-sha256-ecp384' % first})
    both = dict(trunk, vpn={'proposal': '%s-sha256-ecp384,%s-sha256-ecp384' % (first, second)})
    assert RANK[tp.evaluate(both)['decision']] >= RANK[tp.evaluate(one)['decision']]


@FAST
@given(trunks())
def test_valid_trunks_satisfy_every_invariant(trunk):
    result = tp.evaluate(trunk)
    check_result(result, trunk)
    assert result['name'] == trunk['name']
    assert result['connection'] == trunk['connection']
    # deterministic, and the input is left untouched
    snapshot = copy.deepcopy(trunk)
    assert tp.evaluate(trunk) == result
    assert trunk == snapshot


@FAST
@given(trunks(), st.sampled_from(['authorized_it', 'limited_non_it']))
def test_decision_is_required_iff_some_point_is_exposed(trunk, audience):
    result = tp.evaluate(trunk)
    assert (result['decision'] == 'required') is bool(result['exposed'])
    if trunk['connection'] == 'private' and (trunk.get('mediation_subnet') or {}).get('audience') == audience and all(
            s.get('audience') in ('authorized_it', 'limited_non_it') for s in trunk.get('segments') or []):
        assert result['decision'] == 'optional'
        assert [f['rule'] for f in result['reasons']] == ['private-connection']


# --------------------------------------------------------------------------- malformed input never crashes

def any_values(text):
    scalars = (st.none() | st.booleans() | st.integers(-10 ** 6, 10 ** 6) | st.floats(allow_nan=True)
               | text | st.sampled_from(['vpn', 'public', 'private', 'shared', 'unknown', 'aes256', '10.0.0.0/8',
                                         'wireguard', 'tcp', 'optional', '']))
    keys = st.sampled_from(sorted(set(tp._TRUNK_KEYS + tp._PROVIDER_KEYS + tp._SUBNET_KEYS + tp._VPN_KEYS
                                      + tp._SEGMENT_KEYS + tp._GATEWAY_KEYS))) | text
    values = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                          | st.dictionaries(keys | st.integers(0, 3), children, max_size=4), max_leaves=10)
    return keys, values


KEYS, ANY = any_values(TEXT)


def check_outcome(data, index=None):
    try:
        result = tp.evaluate(data, index)
    except TrunkInputError as err:
        assert err.problems
        text = str(err)
        assert ' is invalid: ' in text
        if index is not None:
            # a trunk is placed counting from 1: by name ('trunk 'x' (position 3)') or alone
            assert 'position %d' % (index + 1) in text
        json.dumps(err.as_dict())
        return None
    check_result(result)
    return result


@FUZZ
@given(ANY)
def test_arbitrary_values_give_a_result_or_an_input_error(data):
    check_outcome(data)


@FUZZ
@given(st.dictionaries(KEYS, ANY, max_size=8), st.integers(0, 50))
def test_arbitrary_mappings_give_a_result_or_an_input_error(data, index):
    check_outcome(data, index)


PATHS = [(), ('name',), ('connection',), ('provider',), ('provider', 'tls'), ('provider', 'srtp'), ('provider', 'port'),
         ('provider', 'name'), ('mediation_subnet',), ('mediation_subnet', 'cidr'), ('mediation_subnet', 'audience'),
         ('vpn',), ('vpn', 'encryption'), ('vpn', 'integrity'), ('vpn', 'key_exchange'), ('vpn', 'transport'),
         ('vpn', 'proposal'), ('segments',), ('segments', 0), ('segments', 0, 'audience'), ('segments', 0, 'inside_vpn'),
         ('segments', 0, 'name'), ('opportunistic',), ('gateway',), ('gateway', 'tls_port'), ('gateway', 'srtp_mode')]


@st.composite
def mutated_trunks(draw, text=TEXT, values=ANY):
    trunk = draw(trunks())
    trunk.setdefault('segments', [{'name': 'seg0', 'audience': 'shared'}])
    if not trunk['segments']:
        trunk['segments'].append({'name': 'seg0'})
    trunk.setdefault('gateway', {})
    trunk.setdefault('provider', {})
    trunk.setdefault('mediation_subnet', {})
    for _step in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent, key = trunk, None
        ok = True
        for step in path[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                ok = False
                break
        if not ok or not isinstance(parent, (dict, list)):
            continue
        action = draw(st.sampled_from(['replace', 'delete', 'add-unknown']))
        if not path:
            if action == 'add-unknown':
                trunk[draw(text.filter(bool))] = draw(values)
            continue
        key = path[-1]
        if action == 'replace':
            try:
                parent[key] = draw(values)
            except (IndexError, TypeError):
                pass
        elif action == 'delete':
            try:
                del parent[key]
            except (KeyError, IndexError, TypeError):
                pass
        elif isinstance(parent, dict) and isinstance(parent.get(key), dict):
            parent[key][draw(text.filter(bool))] = draw(values)
    return trunk


@FUZZ
@given(mutated_trunks(), st.integers(0, 9))
def test_mutated_trunks_give_a_result_or_an_input_error(data, index):
    check_outcome(data, index)


@FAST
@given(st.lists(mutated_trunks() | ANY | trunks(), max_size=5))
def test_assess_never_raises_for_a_list_and_keeps_every_trunk(items):
    outcomes = tp.assess(items)
    assert [o['index'] for o in outcomes] == list(range(len(items)))
    names = {}
    for outcome in outcomes:
        if outcome['valid']:
            check_result(outcome['result'])
            names.setdefault(outcome['result']['name'], []).append(outcome['index'])
        else:
            assert isinstance(outcome['error'], TrunkInputError)
            if outcome['name'] is not None:
                names.setdefault(outcome['name'], []).append(outcome['index'])
    for name, indexes in names.items():
        if len(indexes) > 1:
            assert not any(outcomes[i]['valid'] for i in indexes)
    # evaluate_all agrees: it raises TrunkInputError exactly when some outcome is invalid
    try:
        results = tp.evaluate_all(items)
    except TrunkInputError:
        assert not all(o['valid'] for o in outcomes)
    else:
        assert results == [o['result'] for o in outcomes]
    # the host assessment serialises whatever came in
    json.dumps(assessment.assess_host(items))


@FAST
@given(st.lists(trunks(), min_size=2, max_size=4), st.data())
def test_duplicate_names_are_always_invalid(items, data):
    first = data.draw(st.integers(0, len(items) - 1))
    second = data.draw(st.integers(0, len(items) - 1).filter(lambda index: index != first))
    items[second] = dict(items[second], name=items[first]['name'])
    outcomes = tp.assess(items)
    assert not outcomes[first]['valid'] and not outcomes[second]['valid']
    with pytest.raises(TrunkInputError):
        tp.evaluate_all(items)


@FAST
@given(st.text(st.characters(exclude_categories=('Cs', 'No')), max_size=40)
       | st.lists(st.sampled_from(['aes256', 'AES', '256', 'GCM', '3des', 'sha1', 'modp1024', 'group14', 'x25519', 'esn',
                                   'wireguard', ',', 'foo', 'prfsha384', 'ecp384', 'chacha20poly1305']), max_size=6)
       .map('-'.join))
def test_proposals_of_any_text_parse(text):
    proposal = strength.parse_proposal(text)
    for algorithm in proposal.encryption + proposal.key_exchange + proposal.integrity:
        assert isinstance(algorithm.bits, int) and algorithm.bits >= 0
    for kind in (strength.ENCRYPTION, strength.KEY_EXCHANGE, strength.INTEGRITY):
        found = strength.lookup(kind, text)
        assert found is None or found.kind == kind


@FAST
@given(st.dictionaries(st.sampled_from(['med-a', 'med-b', 'med-c']),
                       st.lists(trunks() | mutated_trunks(TEXT, ANY), max_size=4), max_size=3))
def test_reports_of_any_hosts_are_consistent(hosts):
    assessments = {host: assessment.assess_host(items) for host, items in hosts.items()}
    report = assessment.build_report(assessments)
    json.dumps(report)
    total = sum(len(items) for items in hosts.values())
    summary = report['summary']
    assert summary['trunks'] == total and summary['hosts'] == len(hosts)
    assert summary['required'] + summary['optional'] + summary['invalid'] == total
    assert summary['blockers'] + summary['compliant'] + summary['invalid'] == total
    # JUnit: one test case per trunk; a failure exactly for blockers and invalid trunks
    root = ET.fromstring(assessment.junit_xml(report).split('\n', 1)[1])
    assert int(root.get('tests')) == total == len(list(root.iter('testcase')))
    assert int(root.get('failures')) == summary['blockers'] + summary['invalid'] == len(list(root.iter('failure')))
    # table: header, rule, one line a trunk, summary
    assert len(assessment.table(report)) == total + 3
    entries = [entry for items in assessments.values() for entry in items['trunks']]
    assert (assessment.failures(entries, 'blockers') == []) is (summary['blockers'] + summary['invalid'] == 0)
    assert (assessment.failures(entries, 'invalid') == []) is (summary['invalid'] == 0)
    assert assessment.failures(entries, 'never') == []
