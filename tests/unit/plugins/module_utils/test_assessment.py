# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A host's assessment: counts, failures, the many-host report, JUnit XML and the text table."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment
from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp

SUBNET = {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'}

PRIVATE_OK = {'name': 'priv-ok', 'connection': 'private', 'provider': {'tls': True, 'srtp': True},
              'mediation_subnet': SUBNET}
PRIVATE_PLAIN = {'name': 'priv-plain', 'connection': 'private', 'mediation_subnet': SUBNET, 'opportunistic': False}
PUBLIC_OK = {'name': 'pub-ok', 'connection': 'public', 'provider': {'name': 'Northwind', 'tls': True, 'srtp': True},
             'mediation_subnet': SUBNET}
PUBLIC_NOSRTP = {'name': 'pub-nosrtp', 'connection': 'public',
                 'provider': {'name': 'Fabrikam', 'tls': True, 'srtp': False}, 'mediation_subnet': SUBNET}
VPN_TCP = {'name': 'vpn-tcp', 'connection': 'vpn', 'provider': {'tls': True, 'srtp': False},
           'mediation_subnet': SUBNET, 'vpn': {'proposal': 'aes256gcm16-prfsha384-ecp384', 'transport': 'tcp'}}
BROKEN = {'name': 'broken', 'connection': 'mpls'}
NAMELESS = {'connection': 'public'}


def host_a():
    """Six trunks: 2 optional, 2 required (one with a blocker), 2 invalid."""
    return assessment.assess_host([PRIVATE_OK, PUBLIC_OK, PUBLIC_NOSRTP, VPN_TCP, BROKEN, NAMELESS])


def by_name(host):
    return {entry['name']: entry for entry in host['trunks']}


# --------------------------------------------------------------------------- assess_host / count

def test_assess_host_entries():
    host = host_a()
    assert [e['index'] for e in host['trunks']] == [0, 1, 2, 3, 4, 5]
    assert [e['valid'] for e in host['trunks']] == [True, True, True, True, False, False]
    entries = by_name(host)
    assert entries['priv-ok']['decision'] == 'optional'
    assert entries['pub-nosrtp']['decision'] == 'required'
    assert entries['pub-nosrtp']['compliant'] is False
    # a valid entry is the policy result plus valid and index
    assert {k: v for k, v in entries['pub-ok'].items() if k not in ('valid', 'index')} == tp.evaluate(PUBLIC_OK)
    broken = entries['broken']
    assert set(broken) == {'name', 'index', 'valid', 'decision', 'compliant', 'error', 'problems'}
    assert broken['decision'] == 'invalid' and broken['compliant'] is False and broken['index'] == 4
    assert broken['error'].startswith("trunk 'broken' (5 of 6) is invalid: connection: 'mpls' is not an allowed value")
    assert broken['problems'] == [{'field': 'connection', 'value': 'mpls', 'allowed': ['private', 'vpn', 'public'],
                                   'message': "'mpls' is not an allowed value; allowed values: private, vpn, public"}]
    nameless = host['trunks'][5]
    assert nameless['name'] is None
    assert nameless['error'] == 'trunk 6 of 6 is invalid: name: is required'
    json.dumps(host)


def test_counts():
    assert host_a()['counts'] == {'trunks': 6, 'required': 2, 'optional': 2, 'blockers': 1, 'invalid': 2,
                                  'compliant': 3, 'warnings': 1}


def test_counts_a_trunk_with_two_blockers_once():
    host = assessment.assess_host([{'name': 'x', 'connection': 'public'}])
    assert host['counts']['blockers'] == 1
    assert len(host['trunks'][0]['blockers']) == 2
    # no mediation subnet: the audience-unknown warning counts the trunk once
    assert host['counts']['warnings'] == 1


def test_counts_of_nothing():
    assert assessment.assess_host([]) == {'trunks': [], 'counts': dict.fromkeys(assessment.COUNT_KEYS, 0)}
    assert assessment.count([]) == dict.fromkeys(assessment.COUNT_KEYS, 0)


def test_duplicates_are_counted_invalid_and_others_kept():
    host = assessment.assess_host([PRIVATE_OK, dict(PUBLIC_OK, name='priv-ok'), PUBLIC_NOSRTP])
    assert [e['valid'] for e in host['trunks']] == [False, False, True]
    assert host['counts']['invalid'] == 2 and host['counts']['required'] == 1
    assert 'used by more than one trunk' in host['trunks'][0]['error']
    assert host['trunks'][1]['problems'][0]['field'] == 'name'


def test_counts_add_up():
    counts = host_a()['counts']
    assert counts['required'] + counts['optional'] + counts['invalid'] == counts['trunks']
    assert counts['blockers'] + counts['compliant'] + counts['invalid'] == counts['trunks']


def test_assess_host_refuses_a_non_list():
    with pytest.raises(tp.TrunkInputError):
        assessment.assess_host({'name': 'x'})


# --------------------------------------------------------------------------- failures

def test_fail_on_values():
    assert assessment.FAIL_ON == ('blockers', 'invalid', 'never')


def test_failures_never():
    assert assessment.failures(host_a()['trunks'], 'never') == []


def test_failures_invalid_lists_only_invalid_trunks():
    lines = assessment.failures(host_a()['trunks'], 'invalid')
    assert len(lines) == 2
    assert lines[0].startswith("trunk 'broken' (5 of 6) is invalid")
    assert lines[1] == 'trunk 6 of 6 is invalid: name: is required'


def test_failures_blockers_lists_invalid_trunks_and_blockers():
    lines = assessment.failures(host_a()['trunks'], 'blockers')
    assert len(lines) == 3
    assert lines[0].startswith("trunk 'broken' (5 of 6)")
    assert lines[1].startswith('trunk 6 of 6')
    assert lines[2].startswith("trunk 'pub-nosrtp': SRTP is required but the provider 'Fabrikam' does not support it")


@pytest.mark.parametrize('fail_on', assessment.FAIL_ON)
def test_nothing_fails_on_a_clean_host(fail_on):
    entries = assessment.assess_host([PRIVATE_OK, PUBLIC_OK, VPN_TCP])['trunks']
    assert assessment.failures(entries, fail_on) == []


def test_blockers_alone_fail_only_fail_on_blockers():
    entries = assessment.assess_host([PUBLIC_NOSRTP])['trunks']
    assert len(assessment.failures(entries, 'blockers')) == 1
    assert assessment.failures(entries, 'invalid') == []
    assert assessment.failures(entries, 'never') == []


# --------------------------------------------------------------------------- build_report

def report():
    return assessment.build_report({
        'med-nyc-01': host_a(),
        'med-lon-01': assessment.assess_host([PRIVATE_PLAIN, PUBLIC_OK]),
        'med-par-01': {'skipped': True, 'changed': False},
        'med-ber-01': {'failed': True, 'msg': 'sip_trunks is not a list'},
        'med-mad-01': None,
        'med-rom-01': {'failed': True},
    })


def test_build_report():
    data = report()
    assert sorted(data['hosts']) == ['med-lon-01', 'med-nyc-01']
    assert data['hosts']['med-nyc-01'] == {'counts': host_a()['counts'], 'trunks': host_a()['trunks']}
    assert data['summary'] == {'hosts': 2, 'trunks': 8, 'required': 3, 'optional': 3, 'blockers': 1, 'invalid': 2,
                               'compliant': 5, 'warnings': 1}
    json.loads(json.dumps(data))


def test_build_report_lists_skipped_hosts_with_a_reason():
    skipped = report()['skipped']
    assert sorted(skipped) == ['med-ber-01', 'med-mad-01', 'med-par-01', 'med-rom-01']
    assert 'sip_trunks' in skipped['med-par-01'] and 'no trunks' in skipped['med-par-01']
    assert skipped['med-ber-01'] == 'sip_trunks is not a list'
    assert skipped['med-mad-01'] == 'not assessed'
    assert skipped['med-rom-01'] == 'not assessed'


def test_build_report_of_nothing():
    data = assessment.build_report({})
    assert data == {'summary': dict(dict.fromkeys(assessment.COUNT_KEYS, 0), hosts=0), 'hosts': {}, 'skipped': {}}


# --------------------------------------------------------------------------- JUnit XML

def parse(xml_text):
    assert xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(xml_text.split('\n', 1)[1])


def test_junit_xml_structure():
    root = parse(assessment.junit_xml(report()))
    assert root.tag == 'testsuites' and root.get('name') == 'trunk-security'
    assert (root.get('tests'), root.get('failures'), root.get('errors')) == ('8', '3', '0')
    suites = root.findall('testsuite')
    assert [s.get('name') for s in suites] == ['med-lon-01', 'med-nyc-01']   # skipped hosts have no suite
    lon, nyc = suites
    assert (lon.get('tests'), lon.get('failures')) == ('2', '0')
    assert (nyc.get('tests'), nyc.get('failures')) == ('6', '3')
    names = [c.get('name') for c in nyc.findall('testcase')]
    assert names == ['priv-ok', 'pub-ok', 'pub-nosrtp', 'vpn-tcp', 'broken', '(6 of 6)']
    assert all(c.get('classname') == 'trunk-security.med-nyc-01' for c in nyc.findall('testcase'))


def test_junit_one_testcase_per_trunk_and_failures_for_blockers_and_invalid():
    root = parse(assessment.junit_xml(report()))
    cases = {c.get('name'): c for c in root.iter('testcase')}
    assert len(list(root.iter('testcase'))) == 8
    for passing in ('priv-ok', 'pub-ok', 'vpn-tcp', 'priv-plain'):
        assert cases[passing].find('failure') is None
    blocker = cases['pub-nosrtp'].find('failure')
    assert blocker.get('type') == 'provider-lacks-srtp'
    assert 'SRTP is required' in blocker.get('message')
    assert blocker.text.startswith('provider-lacks-srtp: ')
    invalid = cases['broken'].find('failure')
    assert invalid.get('type') == 'invalid'
    assert invalid.get('message').startswith("trunk 'broken' (5 of 6) is invalid")
    assert invalid.text.startswith("connection: 'mpls' is not an allowed value")
    assert cases['(6 of 6)'].find('failure').get('type') == 'invalid'
    assert cases['broken'].find('system-out') is None


def test_junit_system_out_explains_the_decision():
    root = parse(assessment.junit_xml(report()))
    cases = {c.get('name'): c for c in root.iter('testcase')}
    out = cases['vpn-tcp'].find('system-out').text.splitlines()
    assert out[0] == 'decision: optional (TLS on, SRTP off)'
    assert out[1].startswith('vpn-connection: ')
    assert out[2].startswith('warning udp-over-tcp: ')
    assert cases['pub-ok'].find('system-out').text.startswith('decision: required (TLS required, SRTP required)')
    assert cases['priv-plain'].find('system-out').text.startswith('decision: optional (TLS off, SRTP off)')


def test_junit_two_blockers_in_one_failure():
    data = assessment.build_report({'h': assessment.assess_host([{'name': 'x', 'connection': 'public'}])})
    failure = parse(assessment.junit_xml(data)).find('.//failure')
    assert failure.get('type') == 'provider-lacks-tls,provider-lacks-srtp'
    assert len(failure.text.splitlines()) == 2


def test_junit_suite_name_and_escaping():
    data = assessment.build_report({'h&<1>': assessment.assess_host([{'name': 'a<&"b', 'connection': 'public'}])})
    root = parse(assessment.junit_xml(data, suite_name='my "suite"'))
    assert root.get('name') == 'my "suite"'
    case = root.find('.//testcase')
    assert case.get('name') == 'a<&"b'
    assert case.get('classname') == 'my "suite".h&<1>'


def test_junit_of_an_empty_report():
    root = parse(assessment.junit_xml(assessment.build_report({'h': {'skipped': True}})))
    assert (root.get('tests'), root.get('failures')) == ('0', '0')
    assert root.findall('testsuite') == []


@pytest.mark.parametrize('trunk', [{'name': 'bad\x01name', 'connection': 'public'},
                                   {'name': 'ok', 'connection': 'public', 'provider': {'\x02': 1}}],
                         ids=['name', 'unknown-key'])
def test_junit_stays_well_formed_with_control_characters_in_input(trunk):
    data = assessment.build_report({'h': assessment.assess_host([PUBLIC_OK, trunk])})
    root = parse(assessment.junit_xml(data))
    assert len(list(root.iter('testcase'))) == 2


# --------------------------------------------------------------------------- table

def test_table_lines():
    lines = assessment.table(report())
    header, rule = lines[0], lines[1]
    assert header.split() == ['HOST', 'TRUNK', 'CONNECTION', 'DECISION', 'TLS', 'SRTP', 'BLOCKERS', '/', 'WARNINGS']
    assert set(rule.replace(' ', '')) == {'-'}
    rows = lines[2:10]
    assert len(lines) == 2 + 8 + 2
    cells = [row.replace('(6 of 6)', '(6-of-6)').split(None, 6) for row in rows]
    assert [c[:6] for c in cells] == [
        ['med-lon-01', 'priv-plain', 'private', 'optional', 'off', 'off'],
        ['med-lon-01', 'pub-ok', 'public', 'required', 'required', 'required'],
        ['med-nyc-01', 'priv-ok', 'private', 'optional', 'on', 'on'],
        ['med-nyc-01', 'pub-ok', 'public', 'required', 'required', 'required'],
        ['med-nyc-01', 'pub-nosrtp', 'public', 'required', 'required', 'required'],
        ['med-nyc-01', 'vpn-tcp', 'vpn', 'optional', 'on', 'off'],
        ['med-nyc-01', 'broken', '?', 'invalid', '-', '-'],
        ['med-nyc-01', '(6-of-6)', '?', 'invalid', '-', '-'],
    ]
    notes = [c[6] if len(c) > 6 else '' for c in cells]
    assert notes == ['-', '-', '-', '-', 'BLOCKER provider-lacks-srtp', 'warn udp-over-tcp', 'INVALID: connection',
                     'INVALID: name']
    assert lines[10] == '2 host(s), 8 trunk(s): 3 required, 3 optional, 1 with blockers, 2 invalid'
    assert lines[11].startswith('not assessed: ')
    for host in ('med-ber-01 (sip_trunks is not a list)', 'med-mad-01 (not assessed)', 'med-par-01 (no trunks'):
        assert host in lines[11]


def test_table_columns_line_up():
    lines = assessment.table(report())
    start = lines[0].index('DECISION')
    for line in lines[2:10]:
        assert line[start:].split()[0] in ('optional', 'required', 'invalid')
        assert line[start - 2:start] == '  '


def test_table_rows_match_table():
    data = report()
    rows = assessment.table_rows(data)
    assert len(rows) == 8
    assert all(len(row) == len(assessment.TABLE_COLUMNS) for row in rows)
    assert rows[4][6] == 'BLOCKER provider-lacks-srtp'


def test_table_notes_blockers_then_warnings():
    data = assessment.build_report({'h': assessment.assess_host([{'name': 'x', 'connection': 'public'}])})
    assert assessment.table_rows(data)[0][6] == ('BLOCKER provider-lacks-tls, BLOCKER provider-lacks-srtp, '
                                                 'warn subnet-audience-unknown')


def test_table_without_skipped_hosts_has_no_not_assessed_line():
    lines = assessment.table(assessment.build_report({'h': assessment.assess_host([PRIVATE_OK])}))
    assert len(lines) == 4
    assert lines[-1] == '1 host(s), 1 trunk(s): 0 required, 1 optional, 0 with blockers, 0 invalid'
