# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Merging the reports of a sliced run: any partition merges back to the unsliced reports; errors name hosts and parts."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, audit_report, report_merge
from ansible_collections.voip.trunk_security.plugins.module_utils.report_merge import MergeError, merge, render
from ansible_collections.voip.trunk_security.plugins.plugin_utils import audit_html

SUBNET = {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'}
BOTH = {'name': 'Northwind', 'tls': True, 'srtp': True, 'address': 'sbc.northwind.example', 'port': 5061}
POOL = (
    {'name': 'pub', 'connection': 'public', 'provider': BOTH, 'mediation_subnet': SUBNET,
     'gateway': {'address': '127.0.0.10', 'tls_port': 5067}},
    {'name': 'priv', 'connection': 'private', 'provider': BOTH, 'mediation_subnet': SUBNET},
    {'name': 'nosrtp', 'connection': 'public', 'provider': {'tls': True, 'srtp': False}, 'mediation_subnet': SUBNET},
    {'name': 'vpn', 'connection': 'vpn', 'provider': BOTH, 'mediation_subnet': {'cidr': '10.0.1.0/28', 'audience': 'shared'},
     'vpn': {'proposal': '3des-sha1-modp1024', 'transport': 'tcp'}, 'segments': [{'name': 'meet-me-room', 'audience': 'public'}]},
    {'name': 'broken', 'connection': 'mpls'},
    {'connection': 'public'},
)
FINDING = {'id': 'tls-not-offered', 'severity': 'fail', 'target': 'gateway', 'endpoint': '127.0.0.10:5067',
           'message': 'no TLS on 127.0.0.10:5067: connection refused', 'trunk': 'pub'}
CHANGE = {'task': 'Install the Kamailio config', 'action': 'ansible.builtin.template',
          'path': '/etc/kamailio/gateway/kamailio.cfg', 'diff': '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n'}


def roundtrip(text):
    """What the next job reads back from a file."""
    return json.loads(text)


def unsliced(inventory, drift_hosts=None, verify_hosts=None):
    """What one run over the whole inventory writes: ``{kind: document}`` as parsed from its files."""
    results = dict((host, assessment.assess_host(list(trunks)) if trunks is not None else {'skipped': True, 'msg': 'no'})
                   for host, trunks in inventory.items())
    sources = {report_merge.ASSESSMENT: roundtrip(report_merge.assessment_json(assessment.build_report(results))),
               report_merge.DRIFT: None, report_merge.VERIFY: None}
    if drift_hosts is not None:
        sources[report_merge.DRIFT] = roundtrip(report_merge.drift_json({'check_mode': True, 'hosts': drift_hosts}))
    if verify_hosts is not None:
        sources[report_merge.VERIFY] = roundtrip(report_merge.verify_json(
            {'generated': '2026-01-02T03:04:05Z', 'cert_expiry_days': 30, 'hosts': verify_hosts}))
    return sources


def sliced(inventory, slices, drift_hosts=None, verify_hosts=None, generated=None):
    """The parts a sliced run writes: one run of each playbook per slice of hosts."""
    parts = []
    for number, hosts in enumerate(slices):
        results = dict((host, assessment.assess_host(list(inventory[host])) if inventory[host] is not None
                        else {'skipped': True, 'msg': 'no'}) for host in hosts)
        part = {report_merge.ASSESSMENT: roundtrip(report_merge.assessment_json(assessment.build_report(results))),
                report_merge.DRIFT: None, report_merge.VERIFY: None}
        if drift_hosts is not None:
            part[report_merge.DRIFT] = roundtrip(report_merge.drift_json(
                {'check_mode': True, 'hosts': dict((h, d) for h, d in drift_hosts.items() if h in hosts)}))
        if verify_hosts is not None:
            part[report_merge.VERIFY] = roundtrip(report_merge.verify_json(
                {'generated': (generated or {}).get(number, '2026-01-02T03:04:05Z'), 'cert_expiry_days': 30,
                 'hosts': dict((h, d) for h, d in verify_hosts.items() if h in hosts)}))
        parts.append(('slice-%d' % number, part))
    return parts


def audit_of(sources, trunks):
    doc = audit_report.build(sources[report_merge.ASSESSMENT], trunks=trunks, drift=sources[report_merge.DRIFT],
                             verify=sources[report_merge.VERIFY], generated='T')
    return audit_html.render_html(doc), json.dumps(doc, indent=2), audit_report.render_junit(doc)


def expected_files(sources):
    files = {'trunk-security.json': report_merge.assessment_json(sources[report_merge.ASSESSMENT]),
             'trunk-security.junit.xml': assessment.junit_xml(sources[report_merge.ASSESSMENT])}
    if sources[report_merge.DRIFT] is not None:
        files['trunk-drift.json'] = report_merge.drift_json(sources[report_merge.DRIFT])
    if sources[report_merge.VERIFY] is not None:
        files['trunk-verify.json'] = report_merge.verify_json(sources[report_merge.VERIFY])
    return files


def merged_sources(merged):
    return dict((kind, roundtrip(text) if text is not None else None) for kind, text in (
        (kind, render(merged).get(report_merge.FILE_NAMES[kind])) for kind in report_merge.KINDS))


# --------------------------------------------------------------------------- the property

HOSTS = st.dictionaries(
    st.from_regex(r'\Amed-[a-z0-9]{1,6}\Z'),
    st.one_of(st.none(), st.lists(st.sampled_from(POOL), min_size=1, max_size=4)),
    min_size=1, max_size=12)


@st.composite
def partitioned(draw):
    inventory = draw(HOSTS)
    hosts = sorted(inventory)
    count = draw(st.integers(min_value=1, max_value=len(hosts)))
    slice_of = draw(st.lists(st.integers(min_value=0, max_value=count - 1), min_size=len(hosts), max_size=len(hosts)))
    order = draw(st.permutations(list(range(count))))
    slices = [[host for host, number in zip(hosts, slice_of) if number == n] for n in order]
    drift = draw(st.one_of(st.none(), st.just(dict(
        (host, {'changes': [CHANGE] if index % 2 else [], 'failures': [], 'unreachable': index % 5 == 4})
        for index, host in enumerate(hosts)))))
    verify = draw(st.one_of(st.none(), st.just(dict(
        (host, {'trunks': {'pub': {'findings': [FINDING] if index % 3 else [], 'targets': []}}})
        for index, host in enumerate(hosts)))))
    return inventory, slices, drift, verify


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitioned())
def test_any_partition_merges_back_to_the_unsliced_reports(case):
    inventory, slices, drift, verify = case
    whole = unsliced(inventory, drift, verify)
    merged = merge(sliced(inventory, slices, drift, verify))
    assert render(merged) == expected_files(whole)
    assert merged['notes'] == []
    trunks = dict((host, list(trunks)) for host, trunks in inventory.items() if trunks is not None)
    assert audit_of(merged_sources(merged), trunks) == audit_of(whole, trunks)


def test_empty_slices_and_an_all_skipped_part_merge_too():
    inventory = {'a': [POOL[0]], 'b': None, 'c': None}
    merged = merge(sliced(inventory, [['a'], ['b', 'c'], []]))
    assert render(merged) == expected_files(unsliced(inventory))
    assert merged['assessment']['skipped'] == {'b': 'no trunks: neither sip_trunks nor trunk_security_source is set',
                                               'c': 'no trunks: neither sip_trunks nor trunk_security_source is set'}


# --------------------------------------------------------------------------- errors and partial sources

def test_a_duplicated_host_names_every_host_and_part():
    inventory = {'a': [POOL[0]], 'b': [POOL[1]], 'c': None, 'd': [POOL[2]]}
    parts = sliced(inventory, [['a', 'b', 'c'], ['b', 'c'], ['a', 'd']], drift_hosts={'b': {'changes': []}})
    with pytest.raises(MergeError) as raised:
        merge(parts)
    message = str(raised.value)
    assert message.startswith('3 host(s) in more than one part')
    assert 'in slice-0 (trunk-security.json) and slice-2 (trunk-security.json): a;' in message
    assert 'in slice-0 (trunk-security.json, trunk-drift.json) and slice-1 (trunk-security.json, trunk-drift.json): b;' in message
    assert message.endswith('in slice-0 (trunk-security.json) and slice-1 (trunk-security.json): c')  # a skipped host counts
    assert [group.rsplit(': ', 1)[1] for group in message.split('; ')] == ['a', 'b', 'c']  # d is in one part only


def test_hosts_duplicated_in_the_same_parts_are_named_together():
    inventory = dict(('h%d' % n, [POOL[1]]) for n in range(5))
    with pytest.raises(MergeError) as raised:
        merge(sliced(inventory, [['h0', 'h1', 'h2'], ['h3', 'h4', 'h1', 'h2']]))
    assert str(raised.value) == ('2 host(s) in more than one part (each host belongs to one slice): '
                                 'in slice-0 (trunk-security.json) and slice-1 (trunk-security.json): h1, h2')


def test_a_host_only_in_another_parts_drift_is_a_duplicate():
    parts = sliced({'a': [POOL[0]], 'b': [POOL[1]]}, [['a'], ['b']], drift_hosts={'a': {'changes': []}})
    parts[1][1][report_merge.DRIFT]['hosts']['a'] = {'changes': []}
    with pytest.raises(MergeError, match=r'in slice-0 \(trunk-security.json, trunk-drift.json\) and slice-1 \(trunk-drift.json\): a$'):
        merge(parts)


def test_a_part_without_assessment_or_of_another_shape_is_named():
    parts = sliced({'a': [POOL[0]]}, [['a']])
    with pytest.raises(MergeError, match='part slice-9 has no trunk-security.json: run playbooks/assess.yml'):
        merge(parts + [('slice-9', {'drift': None, 'verify': None, 'assessment': None})])
    with pytest.raises(MergeError, match='slice-9/trunk-verify.json is not a report of playbooks/verify.yml'):
        merge(parts + [('slice-9', {'assessment': {'hosts': {}}, 'verify': ['x']})])
    with pytest.raises(MergeError, match='slice-9/trunk-security.json: host "z" needs "counts"'):
        merge(parts + [('slice-9', {'assessment': {'hosts': {'z': {'trunks': []}}}})])
    with pytest.raises(MergeError, match='part.s. given more than once: slice-0'):
        merge(parts + parts)
    with pytest.raises(MergeError, match='no parts to merge'):
        merge([])
    with pytest.raises(MergeError, match='partial_sources is "sometimes"'):
        merge(parts, partial_sources='sometimes')


def test_a_source_only_some_parts_have_is_not_run_for_the_others_hosts():
    inventory = {'a': [POOL[0]], 'b': [POOL[0], POOL[1]], 'c': [POOL[1]]}
    drift = {'a': {'changes': [CHANGE], 'failures': [], 'unreachable': False},
             'b': {'changes': [], 'failures': [], 'unreachable': False}}
    parts = sliced(inventory, [['a'], ['b', 'c']], drift_hosts=drift)
    parts[1][1][report_merge.DRIFT] = None
    merged = merge(parts)
    assert merged['notes'] == ['trunk-drift.json is missing from part(s) slice-1: the audit reports drift as not run '
                               'for their 2 host(s)']
    assert merged['missing'] == {'drift': ['slice-1'], 'verify': []}
    assert sorted(merged['drift']['hosts']) == ['a']
    doc = audit_report.build(merged['assessment'], drift=merged['drift'])
    assert doc['hosts']['a']['drift']['state'] == 'changes'
    assert [doc['hosts'][h]['drift']['state'] for h in ('b', 'c')] == ['not-run', 'not-run']
    assert doc['summary']['not_checked']['drift'] == 3 and (doc['summary']['drifted'], doc['summary']['compliant']) == (1, 3)
    assert all('configuration drift not checked' in ' '.join(t['why']) for h in 'bc' for t in doc['hosts'][h]['trunks'])

    with pytest.raises(MergeError, match=r'trunk-drift.json is in part\(s\) slice-0 but not in slice-1: run the trunk_drift'):
        merge(parts, partial_sources='fail')


def test_verification_keeps_the_oldest_timestamp_and_needs_one_threshold():
    inventory = {'a': [POOL[0]], 'b': [POOL[0]]}
    verify = dict((h, {'trunks': {'pub': {'findings': [], 'targets': []}}}) for h in inventory)
    parts = sliced(inventory, [['a'], ['b']], verify_hosts=verify,
                   generated={0: '2026-01-02T10:00:00Z', 1: '2026-01-02T09:00:00Z'})
    assert merge(parts)['verify']['generated'] == '2026-01-02T09:00:00Z'
    parts[1][1][report_merge.VERIFY]['cert_expiry_days'] = 14
    with pytest.raises(MergeError, match=r'different thresholds \(cert_expiry_days\): 14 in slice-1; 30 in slice-0'):
        merge(parts)


def test_drift_is_a_check_mode_run_only_when_every_part_was():
    inventory = {'a': [POOL[0]], 'b': [POOL[0]]}
    parts = sliced(inventory, [['a'], ['b']], drift_hosts=dict((h, {'changes': []}) for h in inventory))
    assert merge(parts)['drift']['check_mode'] is True
    parts[0][1][report_merge.DRIFT]['check_mode'] = False
    merged = merge(parts)
    assert merged['drift']['check_mode'] is False
    assert merged['notes'] == ['trunk-drift.json: some parts were not check-mode runs (slice-0), so the merged drift is '
                               'not marked as one']


def test_uncovered_names_the_hosts_no_part_holds():
    merged = merge(sliced({'a': [POOL[0]], 'b': None}, [['a'], ['b']]))
    assert report_merge.uncovered(merged['assessment'], ['a', 'b']) == []
    assert report_merge.uncovered(merged['assessment'], ['c', 'a', 'b', 'aa']) == ['aa', 'c']
