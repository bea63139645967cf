# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bounded fuzz campaign against the policy engine, and tests of the fuzzer itself.

The campaign (tests/fuzz/trunkfuzz.py, ``./run fuzz N`` for a longer one) runs 20,000
generated trunks: every input gives a result or a ``TrunkInputError``, results and errors
are JSON with bounded messages in plain words, a bad trunk hides no other, accepted values
keep the grammar of the configuration files, weakening a VPN never lowers the decision,
and Ansible's tagged values change nothing. The tests below it plant faults in the engine
and check that the fuzzer reports each one.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'fuzz'))
import trunkfuzz  # noqa: E402  (tests/fuzz)

from ansible_collections.voip.trunk_security.plugins.module_utils import strength  # noqa: E402
from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp  # noqa: E402
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError  # noqa: E402

TRUNKS = 20000
SEED = trunkfuzz.DEFAULT_SEED
TIME_LIMIT_S = 60.0

STRONG_VPN = {'name': 'strong', 'connection': 'vpn', 'provider': {'tls': True, 'srtp': True},
              'mediation_subnet': {'cidr': '10.20.0.0/28', 'audience': 'authorized_it'},
              'vpn': {'encryption': 'aes-256-gcm', 'integrity': 'sha256', 'key_exchange': 'ecp384'}}


@pytest.fixture(scope='module')
def campaign():
    engine = trunkfuzz.Engine()
    stats, failures, seconds = trunkfuzz.campaign(TRUNKS, SEED, engine)
    return engine, stats, failures, seconds


def test_the_engine_keeps_the_contract_on_every_generated_trunk(campaign):
    engine, stats, failures, seconds = campaign
    report = trunkfuzz.summary(stats, failures, seconds)
    if failures:
        report += trunkfuzz.describe_failures(failures, engine, examples=2)[:200]
    assert not failures, '\n'.join(report)


def test_the_campaign_tries_every_kind_of_hostile_input(campaign):
    stats = campaign[1]
    assert stats.trunks >= TRUNKS
    for kind in trunkfuzz.MUTATIONS + ('valid', 'duplicate_name', 'tagged'):
        assert stats.kinds[kind] >= 100, (kind, stats.kinds)
    assert stats.kinds['host_not_list'] >= 20
    assert stats.tagged >= 500
    assert min(stats.outcomes['required'], stats.outcomes['optional'], stats.outcomes['invalid']) >= 1000, stats.outcomes
    assert stats.weakened['checked'] >= 20000
    assert stats.oracle >= 1000
    assert stats.settings['given'] >= 1000
    for spelling in ('strong', 'weak', 'odd', 'composed', 'mutated'):
        assert stats.spellings['proposal ' + spelling] >= 300, stats.spellings
    for spelling in ('strong', 'weak', 'odd', 'ladder', 'mutated'):
        assert stats.spellings['encryption ' + spelling] >= 100, stats.spellings


def test_the_campaign_runs_within_a_minute(campaign):
    assert campaign[3] < TIME_LIMIT_S


# --------------------------------------------------------------------------- the generator

def _walk(value, depth=0, seen=None):
    """Every (key or value, nesting depth) of a case, bounded: deep chains are measured, not walked."""
    seen = seen if seen is not None else set()
    if isinstance(value, (dict, list)):
        if id(value) in seen or depth > 12:
            yield ('deep', trunkfuzz._depth_of(value))
            return
        seen = seen | {id(value)}
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(value, dict):
                yield ('key', key)
            yield from _walk(item, depth + 1, seen)
    else:
        yield ('value', value)


@pytest.fixture(scope='module')
def generated():
    found = {'key': [], 'value': [], 'deep': []}
    for index in range(3000):
        for what, item in _walk(trunkfuzz.make_case(SEED, index).trunks):
            found[what].append(item)
    return found


def _huge(value):
    return isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14300   # > 4,300 digits


def test_the_generator_makes_the_inputs_it_promises(generated):
    values, keys = generated['value'], generated['key']
    strings = [v for v in values if isinstance(v, str)]
    assert any('1' * 5000 in s and s.startswith('modp') for s in strings)
    assert any('9' * 5000 in s and s.startswith('aes') for s in strings)
    assert any(s.startswith('group') and '1' * 5000 in s for s in strings)
    assert max(generated['deep']) >= 2000
    assert any(_huge(v) for v in values)
    assert any(_huge(k) for k in keys)
    assert any(isinstance(v, float) and math.isnan(v) for v in values)
    assert any(isinstance(v, float) and math.isinf(v) for v in values)
    assert any('\u2028' in s for s in strings) and any('\u0301' in s for s in strings)
    assert any(any(ord(c) > 0xffff for c in s) for s in strings)
    assert any(len(s) >= 10240 for s in strings)
    assert any('\n' in s and '"' in s for s in strings)
    assert {None, True, False} <= set(v for v in values if v is None or isinstance(v, bool))


def test_a_case_is_the_same_for_the_same_seed_and_index():
    for index in (0, 1, 17, 999, 123456):
        first, again = trunkfuzz.make_case(SEED, index), trunkfuzz.make_case(SEED, index)
        assert trunkfuzz.short(first.trunks, 10000) == trunkfuzz.short(again.trunks, 10000)
        assert first.kinds == again.kinds and first.tagged == again.tagged
    assert trunkfuzz.short(trunkfuzz.make_case(SEED, 5).trunks) != trunkfuzz.short(trunkfuzz.make_case(SEED + 1, 5).trunks)


def test_a_case_does_not_depend_on_the_cases_made_before_it():
    before = [trunkfuzz.short(trunkfuzz.make_case(SEED, index).trunks, 10000) for index in range(40)]
    for index in range(3000):
        trunkfuzz.check_case(trunkfuzz.make_case(SEED + 1, index), trunkfuzz.Engine(), monotonicity=False)
    assert [trunkfuzz.short(trunkfuzz.make_case(SEED, index).trunks, 10000) for index in range(40)] == before


def test_tagged_values_are_the_classes_ansible_hands_to_plugins():
    tagged = trunkfuzz.tag({'name': 'x', 'port': 5061, 'segments': [{'audience': 'shared'}], 'ratio': 1.5})
    assert type(tagged).__name__ == '_AnsibleTaggedDict'
    assert type(tagged['name']).__name__ == '_AnsibleTaggedStr' and tagged['name'] == 'x'
    assert type(tagged['port']).__name__ == '_AnsibleTaggedInt'
    assert type(tagged['segments']).__name__ == '_AnsibleTaggedList'
    assert type(tagged['segments'][0]['audience']).__name__ == '_AnsibleTaggedStr'
    assert type(tagged['ratio']).__name__ == '_AnsibleTaggedFloat'


def test_short_describes_what_repr_cannot_print():
    assert trunkfuzz.short(1 << 20000) == '<int of 20001 bits>'
    assert trunkfuzz.short('x' * 10240) == "'%s'...<10240 chars>" % ('x' * 80)
    assert trunkfuzz.short(trunkfuzz.deep_list(2000)) == '[[[[[[[<list nested 1993 deep>]]]]]]]'
    loop = []
    loop.append(loop)
    assert trunkfuzz.short(loop) == '[<loop>]'


# --------------------------------------------------------------------------- the oracles

def test_grammar_faults_name_every_value_outside_the_grammar():
    trunk = {'name': 'a b', 'provider': {'address': 'sbc.example\nlisten=udp:0.0.0.0:5060', 'port': '5061',
                                         'server_name': '*.example', 'name': 'Contoso\u2028'},
             'gateway': {'address': 'fe80::1%eth0\nx', 'tls_port': True}, 'segments': [{'name': 'x' * 129}]}
    assert trunkfuzz.grammar_faults(trunk) == [
        "name accepted as 'a b'",
        "provider.address accepted as 'sbc.example\\nlisten=udp:0.0.0.0:5060'",
        "gateway.address accepted as 'fe80::1%eth0\\nx'",
        "provider.port accepted as '5061'",
        'gateway.tls_port accepted as True',
        "provider.name accepted as 'Contoso\\u2028'",
        "segments.0.name accepted as '%s'...<129 chars>" % ('x' * 30),
    ]
    good = {'name': 'ok-1', 'provider': {'address': '2001:db8::1', 'server_name': '*.sbc.example', 'port': 5061,
                                         'name': "O'Brien Telecom"},
            'gateway': {'address': 'fe80::1%eth0', 'tls_port': 5067}, 'segments': [{'name': 'colo cross-connect'}]}
    assert trunkfuzz.grammar_faults(good) == []


@pytest.mark.parametrize('value, ip, host', [
    ('192.0.2.1', True, True), ('2001:db8::1', True, False), ('192.0.2.1\n', False, False),
    ('fe80::1%eth0', True, False), ('fe80::1%a\nb', False, False), ('sbc-1.example', False, True),
    ('-sbc.example', False, False), ('a' * 64 + '.example', False, False), ('sbc_1.example', False, False),
    ('\uff53bc.example', False, False), (3232235777, False, False),
])
def test_ip_literals_and_host_names(value, ip, host):
    assert trunkfuzz.is_ip_literal(value) is ip
    assert trunkfuzz.is_host_name(value) is host


def test_message_faults_catch_python_words():
    assert trunkfuzz.message_faults("provider: must be a mapping, found a string 'x'") == []
    assert trunkfuzz.message_faults('found _AnsibleTaggedStr') == ["contains '_Ansible'", "contains 'Tagged'"]
    assert trunkfuzz.message_faults('found null null') == ["contains 'null null'"]
    assert trunkfuzz.message_faults("found a str 'x'") == ["names a Python type: 'a str'"]
    assert trunkfuzz.message_faults('x' * 2000) == ['is 2000 characters long (limit 2000)']
    assert trunkfuzz.message_faults(None) == ['is NoneType, not a string']


def test_weakenings_move_each_vpn_parameter_down_its_ladder():
    labels = [pair[0] for pair in trunkfuzz.weakenings(STRONG_VPN)]
    assert labels == [
        'encryption aes-128-gcm', 'encryption 3des', 'encryption des', 'encryption null',
        'integrity sha1', 'integrity md5', 'integrity none',
        'key_exchange modp3072', 'key_exchange modp2048', 'key_exchange modp1024', 'key_exchange modp768',
        'transport tcp', 'mediation_subnet.audience limited_non_it', 'mediation_subnet.audience shared',
        'mediation_subnet.audience public', 'an added public segment']
    proposal = dict(STRONG_VPN, vpn={'proposal': 'aes256gcm16-prfsha384-ecp384', 'transport': 'tcp'})
    weaker = dict(trunkfuzz.weakenings(proposal))
    assert weaker['proposal + ",3des-sha1-modp1024"']['vpn'] == {
        'proposal': 'aes256gcm16-prfsha384-ecp384,3des-sha1-modp1024', 'transport': 'tcp'}
    assert 'transport tcp' not in weaker
    assert STRONG_VPN['vpn']['encryption'] == 'aes-256-gcm'   # the original is left alone


# --------------------------------------------------------------------------- planted faults are reported

def _case(*trunks, tagged=False):
    return trunkfuzz.Case(SEED, 0, list(trunks), [['valid']] * len(trunks), tagged)


def _checks(failures):
    return sorted({(f.check, f.detail) for f in failures})


def test_the_unchanged_engine_passes_a_strong_vpn():
    assert trunkfuzz.check_case(_case(STRONG_VPN, tagged=True), trunkfuzz.Engine()) == []


def test_an_exception_other_than_trunk_input_error_is_reported(monkeypatch):
    real = strength.lookup

    def crashing(kind, name):
        if 'ecp384' in str(name):
            raise KeyError('planted')
        return real(kind, name)
    monkeypatch.setattr(strength, 'lookup', crashing)
    checks = _checks(trunkfuzz.check_case(_case(STRONG_VPN), trunkfuzz.Engine()))
    assert ('evaluate', "raised KeyError: 'planted'") in checks
    assert ('assess', "raised KeyError: 'planted'") in checks
    assert ('settings', "raised KeyError: 'planted'") in checks


def test_a_decision_lowered_by_a_weaker_vpn_is_reported(monkeypatch):
    real = tp.evaluate

    def lenient(data, *args, **kwargs):
        result = real(data, *args, **kwargs)
        if data.get('vpn', {}).get('key_exchange') == 'modp1024':
            return dict(result, decision='optional')
        return result
    monkeypatch.setattr(tp, 'evaluate', lenient)
    base = dict(STRONG_VPN, mediation_subnet={'audience': 'public'})
    failures = trunkfuzz.check_case(_case(base), trunkfuzz.Engine())
    assert ('monotonicity', 'key_exchange modp1024 lowers the decision from required to optional') in _checks(failures)


def test_a_leaked_class_name_and_a_long_message_are_reported(monkeypatch):
    real = tp.parse

    def leaky(data, *args, **kwargs):
        if data.get('name') == 'leak':
            raise TrunkInputError("trunk 'leak'", [tp.InputProblem('name', 'found _AnsibleTaggedStr ' + 'x' * 3000)])
        return real(data, *args, **kwargs)
    monkeypatch.setattr(tp, 'parse', leaky)
    failures = trunkfuzz.check_case(_case(dict(STRONG_VPN, name='leak')), trunkfuzz.Engine())
    details = [f.detail for f in failures if f.check == 'evaluate']
    assert 'evaluate: problem message contains \'_Ansible\'' in details
    assert 'evaluate: problem message is 3024 characters long (limit 2000)' in details


def test_a_result_that_is_not_json_is_reported(monkeypatch):
    real = tp.evaluate

    def with_nan(data, *args, **kwargs):
        result = real(data, *args, **kwargs)
        result['reasons'][0]['found'] = float('nan')
        return result
    monkeypatch.setattr(tp, 'evaluate', with_nan)
    failures = trunkfuzz.check_case(_case(STRONG_VPN), trunkfuzz.Engine(), monotonicity=False)
    assert ('result', 'result is not JSON: ValueError: Out of range float values are not JSON compliant') in _checks(failures)
    assert ('assess_host', 'assess_host output is not JSON: ValueError: Out of range float values are not JSON '
            'compliant') in _checks(failures)


def test_a_bad_trunk_hiding_a_good_one_is_reported(monkeypatch):
    real = tp.assess

    def all_or_nothing(trunks):
        outcomes = real(trunks)
        bad = [o for o in outcomes if not o['valid']]
        if bad:
            return [dict(o, valid=False, name=None, error=bad[0]['error']) if o['valid'] else o for o in outcomes]
        return outcomes
    monkeypatch.setattr(tp, 'assess', all_or_nothing)
    failures = trunkfuzz.check_case(_case(STRONG_VPN, {'name': 'bad'}), trunkfuzz.Engine())
    assert [f.check for f in failures if f.position == 0] == ['isolation']
    assert failures[0].detail.startswith("valid alone, invalid beside the others: trunk 'bad'")


def test_a_weak_spelling_judged_strong_is_reported(monkeypatch):
    real = strength.lookup

    def ecb_is_fine(kind, name):
        return real(kind, 'aes-256-gcm' if name == 'aes-256-ecb' else name)
    monkeypatch.setattr(strength, 'lookup', ecb_is_fine)
    ecb = dict(STRONG_VPN, vpn=dict(STRONG_VPN['vpn'], encryption='aes-256-ecb'))
    failures = trunkfuzz.check_case(_case(ecb), trunkfuzz.Engine(), monotonicity=False)
    assert _checks(failures) == [('weak spelling passed', "encryption 'aes-256-ecb' is weak but the decision is optional")]


def test_a_difference_made_by_ansible_s_tags_is_reported(monkeypatch):
    real = tp.parse

    def class_sensitive(data, *args, **kwargs):
        if data.get('name').__class__ is not str:
            raise TrunkInputError("trunk 'strong'", [tp.InputProblem('name', 'must be a string')])
        return real(data, *args, **kwargs)
    monkeypatch.setattr(tp, 'parse', class_sensitive)
    failures = trunkfuzz.check_case(_case(STRONG_VPN, tagged=True), trunkfuzz.Engine(), monotonicity=False)
    assert [f.check for f in failures] == ['tagged assess_host']
    assert failures[0].detail == 'differs from the untagged output: $.trunks[0].blockers present on one side only'


def test_a_failure_shrinks_to_the_trunk_and_keys_that_cause_it(monkeypatch):
    real = strength.lookup

    def crashing(kind, name):
        if name == 'modp1024':
            raise OverflowError('planted')
        return real(kind, name)
    monkeypatch.setattr(strength, 'lookup', crashing)
    engine = trunkfuzz.Engine()
    weak = dict(STRONG_VPN, name='weak', vpn=dict(STRONG_VPN['vpn'], key_exchange='modp1024'))
    case = _case(dict(STRONG_VPN, name='other'), weak)
    failure = next(f for f in trunkfuzz.check_case(case, engine) if f.check == 'evaluate')
    assert failure.position == 1
    assert trunkfuzz.shrink(case, failure, engine) == [
        {'name': 'weak', 'connection': 'vpn', 'vpn': {'encryption': 'aes-256-gcm', 'key_exchange': 'modp1024'}}]


def test_a_result_breaking_the_contract_s_invariants_is_reported():
    result = tp.evaluate(STRONG_VPN)
    assert trunkfuzz._result_faults(result, STRONG_VPN, tp.RULES) == []
    broken = dict(result, tls={'required': False, 'enable': False}, exposed=['mediation-subnet'],
                  reasons=[{'rule': 'vpn-connection', 'message': 'the VPN is fine'}])
    assert trunkfuzz._result_faults(broken, STRONG_VPN, tp.RULES) == [
        "exposed ['mediation-subnet'] with decision optional",
        'finding vpn-connection: message does not name the trunk',
        'tls.enable is False, the contract says True',
    ]
    settings = {'transport': 'tcp', 'listen': {'transport': 'tcp'}, 'next_hop': {'transport': 'tls'},
                'plaintext_listener': True, 'srtp_mode': 'optional'}
    assert trunkfuzz._settings_agree(settings, result) == [
        "transport is 'tcp' while TLS is enabled", "listen.transport is 'tcp' while TLS is enabled",
        'plaintext_listener is True while TLS is enabled',
    ]


def test_a_trunk_without_a_name_placed_by_a_0_based_index_is_reported():
    error = TrunkInputError('trunk #1', [tp.InputProblem('name', 'is required')])
    outcome = {'valid': False, 'index': 1, 'name': None, 'error': error}
    failures = trunkfuzz._outcome_faults(outcome, 1, 3, {'connection': 'public'}, None, error, {})
    assert [(f.check, f.detail) for f in failures] == [
        ('position', "a trunk without a name is labelled 'trunk #1', not by its 1-based position 2 of 3")]
    assert trunkfuzz.message_faults("trunk 'a' is invalid: name: also used by #1") == [
        "places a trunk by '#1', not by name or 1-based position"]
