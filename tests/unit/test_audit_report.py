# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit report: statuses by precedence, counts, drift attribution, the path, escaping, JUnit and JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, audit_report
from ansible_collections.voip.trunk_security.plugins.module_utils.audit_report import AuditInputError, build, render_html, render_junit
from ansible_collections.voip.trunk_security.plugins.module_utils.verify import CATALOGUE

SUBNET = {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'}
BOTH = {'name': 'Northwind', 'tls': True, 'srtp': True, 'address': 'sbc.northwind.example', 'port': 5061}
PUBLIC = {'name': 'pub', 'connection': 'public', 'provider': BOTH, 'mediation_subnet': SUBNET}
PRIVATE = {'name': 'priv', 'connection': 'private', 'provider': BOTH, 'mediation_subnet': SUBNET}
NOSRTP = {'name': 'nosrtp', 'connection': 'public', 'provider': {'tls': True, 'srtp': False}, 'mediation_subnet': SUBNET}
VPN = {'name': 'vpn', 'connection': 'vpn', 'provider': BOTH, 'mediation_subnet': {'cidr': '10.0.1.0/28', 'audience': 'shared'},
       'vpn': {'proposal': '3des-sha1-modp1024', 'transport': 'tcp'},
       'segments': [{'name': 'meet-me-room', 'audience': 'public'}, {'name': 'cage', 'audience': 'authorized_it'},
                    {'name': 'cross-connect', 'audience': 'shared', 'inside_vpn': True}]}
BROKEN = {'name': 'broken', 'connection': 'mpls'}


def assess(trunks_by_host):
    return assessment.build_report(dict((host, assessment.assess_host(list(trunks))) for host, trunks in trunks_by_host.items()))


def fail(finding_id='tls-not-offered', severity=None):
    return {'id': finding_id, 'severity': severity or CATALOGUE[finding_id]['severity'], 'target': 'gateway',
            'endpoint': '127.0.0.10:5067', 'message': 'seen: %s' % finding_id}


def verify_of(findings_by_trunk, host='h1'):
    return {'generated': '2025-05-01T09:30:00Z', 'cert_expiry_days': 30,
            'hosts': {host: {'trunks': dict((name, {'targets': [], 'findings': findings})
                                            for name, findings in findings_by_trunk.items())}}}


def drift_of(**hosts):
    return {'check_mode': True, 'hosts': hosts}


CHANGE = {'task': 'Install the Kamailio config', 'action': 'ansible.builtin.template',
          'path': '/etc/kamailio/gateway/kamailio.cfg', 'diff': '--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n'}


def statuses(doc):
    return dict(((host, trunk['label']), trunk['status']) for host, data in doc['hosts'].items() for trunk in data['trunks'])


# --------------------------------------------------------------------------- statuses and counts

def test_status_precedence_blocked_failing_drifted_compliant():
    trunks = {'h1': [NOSRTP, PUBLIC, PRIVATE, BROKEN], 'h2': [dict(PRIVATE)]}
    findings = {'nosrtp': [fail()], 'pub': [fail('cert-expired')], 'priv': [fail('cert-expiring')], 'broken': [fail()]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}, h2={'changes': []}),
                verify=verify_of(findings))
    assert statuses(doc) == {
        ('h1', 'nosrtp'): 'blocked',      # blocker beats the failed check and the drift
        ('h1', 'broken'): 'blocked',      # invalid
        ('h1', 'pub'): 'failing',         # a fail finding beats the drift
        ('h1', 'priv'): 'drifted',        # a warn finding fails nothing
        ('h2', 'priv'): 'compliant',
    }
    summary = doc['summary']
    assert (summary['blocked'], summary['failing'], summary['drifted'], summary['compliant']) == (2, 1, 1, 1)
    assert summary['trunks'] == 5 and summary['live_failures'] == 3 and summary['live_warnings'] == 1
    assert summary['hosts_drifted'] == 1
    why = doc['hosts']['h1']['trunks'][0]['why']
    assert any(line.startswith('blocker provider-lacks-srtp') for line in why)
    assert any('live check(s) failed: tls-not-offered' in line for line in why)
    assert any('would change 1 task(s): Install the Kamailio config' in line for line in why)


def test_drift_is_attributed_to_every_trunk_of_the_host_only():
    trunks = {'h1': [PUBLIC, PRIVATE], 'h2': [PUBLIC]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}, h2={}))
    assert statuses(doc) == {('h1', 'pub'): 'drifted', ('h1', 'priv'): 'drifted', ('h2', 'pub'): 'compliant'}
    assert doc['hosts']['h1']['drift']['state'] == 'changes'
    assert doc['hosts']['h1']['drift']['changes'][0]['path'] == '/etc/kamailio/gateway/kamailio.cfg'
    assert doc['hosts']['h2']['drift']['state'] == 'clean'
    doc = build(assess(trunks), drift=drift_of(h1={'changes': [dict(CHANGE, role='voip.trunk_security.mediation_gateway', item='tls')]}))
    change = doc['hosts']['h1']['drift']['changes'][0]
    assert (change['role'], change['item']) == ('voip.trunk_security.mediation_gateway', 'tls')
    assert 'voip.trunk_security.mediation_gateway &middot; ansible.builtin.template' in render_html(doc)


@pytest.mark.parametrize('host_drift, state', [
    ({'failures': [{'task': 'Validate', 'message': 'kamailio -c refused it'}]}, 'failed'),
    ({'unreachable': True}, 'unreachable'),
    ({'changes': [CHANGE], 'failures': [{'task': 'Validate', 'message': 'refused'}]}, 'failed'),
])
def test_a_check_mode_run_that_did_not_complete_counts_as_drifted(host_drift, state):
    trunks = {'h1': [PUBLIC]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1=host_drift))
    assert doc['hosts']['h1']['drift']['state'] == state
    assert statuses(doc) == {('h1', 'pub'): 'drifted'}
    assert doc['summary']['hosts_check_failed'] == 1
    html = render_html(doc)
    assert ('UNREACHABLE' if state == 'unreachable' else 'FAILED') in html


def test_missing_sources_are_reported_as_not_run_never_as_passed():
    trunks = {'h1': [PUBLIC, PRIVATE]}
    doc = build(assess(trunks))
    assert doc['sources']['drift'] == {'present': False, 'check_mode': None}
    assert doc['sources']['verify']['present'] is False
    assert doc['sources']['trunks']['present'] is False
    assert doc['summary']['not_checked'] == {'drift': 2, 'live': 2}
    for trunk in doc['hosts']['h1']['trunks']:
        assert trunk['checks'] == {'policy': 'pass', 'drift': 'not-run', 'live': 'not-run'}
        assert 'live checks not run for this trunk' in trunk['why']
    html = render_html(doc)
    assert '<b>Configuration drift</b>: not run' in html and '<b>Live checks</b>: not run' in html
    junit = ET.fromstring(render_junit(doc))
    assert all('not run' in case.find('system-out').text for case in junit.iter('testcase'))


def test_present_sources_without_the_host_or_trunk_say_not_run_for_it():
    trunks = {'h1': [PUBLIC, PRIVATE]}
    doc = build(assess(trunks), drift=drift_of(other={'changes': [CHANGE]}), verify=verify_of({'pub': []}))
    assert doc['summary']['not_checked'] == {'drift': 2, 'live': 1}
    assert doc['unmatched']['drift_hosts'] == ['other']
    pub, priv = doc['hosts']['h1']['trunks']
    assert pub['checks']['live'] == 'pass' and priv['checks']['live'] == 'not-run'
    assert 'this host is not in the check-mode run' in render_html(doc)


def test_unmatched_live_results_are_listed():
    doc = build(assess({'h1': [PUBLIC]}), verify=verify_of({'pub': [], 'gone': [fail()]}))
    assert doc['unmatched']['verify_trunks'] == [{'host': 'h1', 'trunk': 'gone'}]
    assert 'Not matched to the assessment' in render_html(doc)


status_mixes = st.lists(st.tuples(st.sampled_from([PUBLIC, PRIVATE, NOSRTP, BROKEN]), st.sampled_from([None, 'warn', 'fail'])),
                        min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(mix=status_mixes, drifted_hosts=st.sets(st.sampled_from(['h0', 'h1', 'h2'])), with_verify=st.booleans())
def test_status_counts_add_up_and_follow_precedence(mix, drifted_hosts, with_verify):
    trunks, findings = {}, {}
    for position, (template, severity) in enumerate(mix):
        host = 'h%d' % (position % 3)
        trunk = dict(template, name='t%d' % position)
        trunks.setdefault(host, []).append(trunk)
        if severity:
            findings.setdefault(host, {})['t%d' % position] = {'findings': [fail('cert-expiring' if severity == 'warn' else 'listener-down')]}
    verify = {'hosts': dict((h, {'trunks': f}) for h, f in findings.items())} if with_verify else None
    drift = drift_of(**dict((h, {'changes': [CHANGE]} if h in drifted_hosts else {}) for h in trunks))
    doc = build(assess(trunks), trunks=trunks, drift=drift, verify=verify)
    summary = doc['summary']
    assert sum(summary[status] for status in audit_report.STATUSES) == summary['trunks'] == len(mix)
    for position, (template, severity) in enumerate(mix):
        host = 'h%d' % (position % 3)
        status = statuses(doc)[(host, 't%d' % position)]
        if template in (NOSRTP, BROKEN):
            assert status == 'blocked'
        elif severity == 'fail' and with_verify:
            assert status == 'failing'
        elif host in drifted_hosts:
            assert status == 'drifted'
        else:
            assert status == 'compliant'
    html = render_html(doc)
    for status in ('compliant', 'drifted', 'blocked', 'failing'):
        assert re.search(r'data-count="%s">(\d+)<' % status, html).group(1) == str(summary[status])
    assert len(re.findall(r'<section class="trunk" ', html)) == len(mix)
    junit = ET.fromstring(render_junit(doc))
    assert int(junit.get('tests')) == len(mix)
    assert int(junit.get('failures')) == len(mix) - summary['compliant']


# --------------------------------------------------------------------------- the path

def test_path_has_every_point_in_order_and_marks_the_exposed_ones():
    trunks = {'h1': [VPN]}
    doc = build(assess(trunks), trunks=trunks)
    trunk = doc['hosts']['h1']['trunks'][0]
    assert set(trunk['exposed']) == {'mediation-subnet', 'vpn-transit', 'meet-me-room', 'cross-connect'}
    path = trunk['path']
    assert path['complete'] is True and path['signalling'] == 'TLS' and path['media'] == 'SRTP'
    assert [(p['kind'], p['id'], p['exposed']) for p in path['points']] == [
        ('gateway', None, False), ('subnet', 'mediation-subnet', True), ('link', 'vpn-transit', True),
        ('segment', 'meet-me-room', True), ('segment', 'cage', False), ('segment', 'cross-connect', True),
        ('provider', None, False)]
    link = path['points'][2]
    assert link['label'] == 'VPN tunnel' and link['details'] == ['3des-sha1-modp1024', 'over TCP']
    assert path['points'][-1]['details'] == ['sbc.northwind.example:5061', 'TLS yes, SRTP yes']


def exposed_groups(html, label):
    """The SVG groups of one trunk's diagram marked exposed: {point id: group markup}."""
    section = re.search(r'<section class="trunk"[^>]*data-trunk="%s".*?</section>' % re.escape(label), html, re.S).group(0)
    svg = re.search(r'<svg.*?</svg>', section, re.S).group(0)
    groups = re.findall(r'<g class="point exposed"([^>]*)>(.*?)</g></g>', svg, re.S)
    return dict((re.search(r'data-point="([^"]*)"', attributes).group(1), body) for attributes, body in groups), svg


@pytest.mark.parametrize('trunk', [PUBLIC, VPN, dict(PRIVATE, mediation_subnet={'audience': 'public'})], ids=['public', 'vpn', 'private'])
def test_every_exposed_point_carries_a_text_label_not_colour_alone(trunk):
    trunks = {'h1': [trunk]}
    doc = build(assess(trunks), trunks=trunks)
    entry = doc['hosts']['h1']['trunks'][0]
    groups, svg = exposed_groups(render_html(doc), entry['label'])
    assert sorted(groups) == sorted(entry['exposed']) and entry['exposed']
    for body in groups.values():
        assert '>EXPOSED</text>' in body and 'stroke-dasharray' in body
    assert svg.count('>EXPOSED</text>') == len(entry['exposed'])
    assert 'data-exposed="true"' in svg and '(EXPOSED)' in svg  # the <desc> says it in words too


def test_without_the_model_the_path_comes_from_the_assessment():
    doc = build(assess({'h1': [VPN]}))
    path = doc['hosts']['h1']['trunks'][0]
    assert path['path']['complete'] is False and 'assessment alone' in path['path_note']
    assert [p['id'] for p in path['path']['points'] if p['exposed']] == ['mediation-subnet', 'vpn-transit', 'meet-me-room',
                                                                         'cross-connect']


def test_an_invalid_trunk_gets_no_diagram_but_a_note_and_its_problems():
    trunks = {'h1': [BROKEN, PUBLIC]}
    doc = build(assess(trunks), trunks=trunks)
    broken = doc['hosts']['h1']['trunks'][0]
    assert broken['path'] is None and 'invalid' in broken['path_note']
    assert broken['status'] == 'blocked' and broken['checks']['policy'] == 'invalid'
    html = render_html(doc)
    assert "&#x27;mpls&#x27; is not an allowed value" in html
    assert doc['hosts']['h1']['trunks'][1]['path']['complete'] is True


def test_a_model_that_does_not_match_the_entry_falls_back_to_the_assessment():
    trunks = {'h1': [PUBLIC]}
    doc = build(assess(trunks), trunks={'h1': [dict(PRIVATE, name='other')]})
    assert doc['hosts']['h1']['trunks'][0]['path']['complete'] is False


# --------------------------------------------------------------------------- findings and drift

def test_findings_carry_the_catalogue_and_unknown_ids_survive():
    findings = [dict(fail(finding_id), found='x', expected='y') for finding_id in sorted(CATALOGUE)]
    findings.append({'id': 'brand-new-check', 'target': 'provider', 'endpoint': 'sbc:5061', 'message': 'odd'})
    doc = build(assess({'h1': [PUBLIC]}), verify=verify_of({'pub': findings}))
    shown = doc['hosts']['h1']['trunks'][0]['findings']
    for finding in shown[:-1]:
        entry = CATALOGUE[finding['id']]
        assert (finding['title'], finding['remediation'], finding['severity']) == (entry['title'], entry['remediation'], entry['severity'])
        assert finding['catalogued'] is True and finding['found'] == 'x'
    assert shown[-1]['catalogued'] is False and shown[-1]['severity'] == 'fail' and shown[-1]['remediation'] is None
    html = render_html(doc)
    for finding_id, entry in CATALOGUE.items():
        assert 'data-finding="%s"' % finding_id in html
        assert audit_report._h(entry['remediation']) in html


def test_probe_facts_and_settings_are_summarised():
    verify = verify_of({})
    verify['hosts']['h1']['trunks']['pub'] = {
        'settings': {'listen': {'address': '127.0.0.10', 'port': 5067, 'transport': 'tls'}, 'srtp_mode': 'required',
                     'certificate': {'needed': True, 'mutual_tls': True}},
        'targets': [{'target': 'gateway', 'endpoint': '127.0.0.10:5067',
                     'probe': {'tls': {'negotiated': {'version': 'TLSv1.3', 'suite': 'TLS_AES_256_GCM_SHA384'}},
                               'certificate': {'days_left': 80}, 'options': {'status_line': 'SIP/2.0 200 OK'}, 'raw': 'x'}}],
        'findings': []}
    trunk = build(assess({'h1': [PUBLIC]}), verify=verify)['hosts']['h1']['trunks'][0]
    assert trunk['targets'][0]['facts'] == [['TLS', 'TLSv1.3'], ['suite', 'TLS_AES_256_GCM_SHA384'],
                                            ['certificate days left', '80'], ['OPTIONS', 'SIP/2.0 200 OK']]
    assert trunk['settings'] == [['listener', 'tls 127.0.0.10:5067'], ['SRTP mode', 'required'], ['mutual TLS', 'yes']]
    verify['hosts']['h1']['trunks']['pub']['targets'] = [
        {'target': 'gateway', 'endpoint': '127.0.0.10:5067',
         'probe': {'reachable': False, 'error': {'kind': 'refused', 'message': 'connection refused'},
                   'options': {'error': {'kind': 'deadline', 'message': 'not sent'}}}},
        {'target': 'provider', 'endpoint': 'sbc:5061', 'probe': {'reachable': False, 'error': None}}]
    targets = build(assess({'h1': [PUBLIC]}), verify=verify)['hosts']['h1']['trunks'][0]['targets']
    assert targets[0]['facts'] == [['OPTIONS error', 'not sent (deadline)'], ['error', 'connection refused (refused)']]
    assert targets[1]['facts'] == [['reachable', 'no']]
    assert trunk['checks']['live'] == 'pass' and trunk['status'] == 'compliant'


def test_diff_lines_are_classed_and_a_before_after_diff_is_turned_into_text():
    change = {'task': 'Install', 'diff': {'before': 'a\nold\n', 'after': 'a\nnew\n', 'before_header': 'x.cfg'}}
    doc = build(assess({'h1': [PUBLIC]}), drift=drift_of(h1={'changes': [change, CHANGE]}))
    first = doc['hosts']['h1']['drift']['changes'][0]['diff']
    assert '-old' in first and '+new' in first and '--- x.cfg' in first
    html = render_html(doc)
    assert '<span class="del">-old</span>' in html and '<span class="add">+new</span>' in html
    assert '<span class="hunk">@@ -1 +1 @@</span>' in html


def test_a_long_diff_is_cut_in_the_html_but_kept_in_the_json():
    diff = '\n'.join('+line %d' % n for n in range(audit_report.HTML_DIFF_LINES + 50))
    doc = build(assess({'h1': [PUBLIC]}), drift=drift_of(h1={'changes': [{'task': 'Install', 'diff': diff}]}))
    assert doc['hosts']['h1']['drift']['changes'][0]['diff'] == diff
    assert '50 more line(s): see the JSON report' in render_html(doc)


@pytest.mark.parametrize('kwargs, message', [
    ({'assessment': []}, 'assessment must be a mapping'),
    ({'assessment': {'summary': {}}}, 'assessment.hosts must be a mapping'),
    ({'assessment': {'hosts': {'h1': {'trunks': 'x'}}}}, 'assessment.hosts.h1.trunks must be a list'),
    ({'assessment': {'hosts': {}}, 'drift': {'hosts': []}}, 'drift.hosts must be a mapping'),
    ({'assessment': {'hosts': {'h1': {'trunks': []}}}, 'drift': {'hosts': {'h1': {'changes': 'x'}}}}, 'changes and failures must be lists'),
    ({'assessment': {'hosts': {}}, 'verify': 'x'}, 'verify must be a mapping'),
    ({'assessment': {'hosts': {'h1': {'trunks': []}}}, 'trunks': {'h1': 'x'}}, "trunks.h1 must be a list"),
])
def test_malformed_inputs_are_named(kwargs, message):
    assessment_input = kwargs.pop('assessment')
    with pytest.raises(AuditInputError, match=re.escape(message)):
        build(assessment_input, **kwargs)


# --------------------------------------------------------------------------- escaping, self-containment

class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.data, self.attributes = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.data.append(data)


ALLOWED_TAGS = {'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'div', 'h1', 'h2', 'h3', 'h4', 'p', 'ul', 'li', 'b',
                'strong', 'main', 'section', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code', 'pre', 'footer',
                'svg', 'desc', 'g', 'line', 'rect', 'text'}
HOSTILE = '<script>alert("x")</script>\'"&<img src=x onerror=alert(1)>'


def hostile_doc(text):
    entry = {'name': text, 'index': 0, 'valid': False, 'decision': 'invalid', 'compliant': False, 'error': 'bad ' + text,
             'problems': [{'field': text, 'message': text}]}
    good = assessment.assess_host([PUBLIC])['trunks'][0]
    good['reasons'][0]['message'] = text
    report = {'hosts': {text: {'trunks': [entry, good]}, 'h1': {'trunks': [dict(good)]}}, 'skipped': {text: text}}
    drift = drift_of(**{text: {'changes': [{'task': text, 'action': text, 'path': text, 'diff': '+' + text}],
                               'failures': [{'task': text, 'message': text}]}})
    verify = {'generated': text, 'hosts': {text: {'trunks': {'pub': {'findings': [
        {'id': text, 'severity': 'fail', 'target': text, 'endpoint': text, 'message': text, 'found': text}],
        'targets': [{'target': text, 'endpoint': text, 'probe': {'error': text}}]}}}}}
    return build(report, drift=drift, verify=verify, generated=text)


def test_hostile_names_and_messages_are_escaped():
    html = render_html(hostile_doc(HOSTILE))
    collector = TagCollector()
    collector.feed(html)
    assert set(collector.tags) <= ALLOWED_TAGS
    assert 'script' not in collector.tags and 'img' not in collector.tags
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&quot;&amp;&lt;img' in html
    assert ('data-host', HOSTILE) in collector.attributes and ('data-trunk', HOSTILE) in collector.attributes
    assert not any(attribute[0].startswith('on') for attribute in collector.attributes)


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_is_escaped(text):
    html = render_html(hostile_doc(text))
    collector = TagCollector()
    collector.feed(html)
    assert set(collector.tags) <= ALLOWED_TAGS
    assert not any(attribute[0].startswith('on') for attribute in collector.attributes)
    shown = audit_report._CONTROL.sub(lambda m: '\\x%02x' % ord(m.group()), text)
    assert ('data-trunk', shown) in collector.attributes
    assert any(shown in data for data in collector.data)
    ET.fromstring(render_junit(hostile_doc(text)))


def test_the_page_is_self_contained():
    trunks = {'h1': [PUBLIC, VPN, PRIVATE]}
    html = render_html(build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}),
                             verify=verify_of({'pub': [fail()]}), generated='2025-05-01T10:00:00Z'))
    assert '<script' not in html.lower()
    for pattern in (r'\bsrc\s*=', r'url\(', r'@import', r'<link\b', r'href="(?!#)', r'https?://(?!www\.w3\.org/2000/svg")'):
        assert not re.search(pattern, html), pattern
    assert html.startswith('<!DOCTYPE html>') and '<meta charset="utf-8">' in html


# --------------------------------------------------------------------------- JUnit and JSON

def test_junit_is_valid_and_fails_blocked_failing_and_drifted_trunks():
    trunks = {'h1': [NOSRTP, PUBLIC, PRIVATE], 'h2': [PRIVATE]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}, h2={}),
                verify=verify_of({'pub': [fail('cert-expired'), fail('cert-expiring')]}), generated='2025-05-01T10:00:00Z')
    root = ET.fromstring(render_junit(doc))
    assert (root.get('tests'), root.get('failures'), root.get('errors')) == ('4', '3', '0')
    cases = dict(((case.get('classname'), case.get('name')), case) for case in root.iter('testcase'))
    kinds = dict((key, case.find('failure').get('type') if case.find('failure') is not None else None) for key, case in cases.items())
    assert kinds == {('trunk-audit.h1', 'nosrtp'): 'blocked', ('trunk-audit.h1', 'pub'): 'failing',
                     ('trunk-audit.h1', 'priv'): 'drifted', ('trunk-audit.h2', 'priv'): None}
    pub = cases[('trunk-audit.h1', 'pub')]
    assert 'FAIL cert-expired' in pub.find('failure').text
    assert 'live warning cert-expiring' in pub.find('system-out').text
    assert [suite.get('timestamp') for suite in root.iter('testsuite')] == ['2025-05-01T10:00:00Z'] * 2


def test_json_round_trip_is_lossless():
    trunks = {'h1': [NOSRTP, PUBLIC, VPN, BROKEN]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}),
                verify=verify_of({'pub': [fail()]}), generated='2025-05-01T10:00:00Z')
    assert json.loads(json.dumps(doc)) == doc
    assert render_html(json.loads(json.dumps(doc))) == render_html(doc)


def test_the_same_inputs_render_the_same_bytes():
    trunks = {'h1': [PUBLIC, VPN]}
    first = build(assess(trunks), trunks=trunks, generated='t')
    second = build(assess(trunks), trunks=trunks, generated='t')
    assert (render_html(first), render_junit(first)) == (render_html(second), render_junit(second))


def test_a_trunk_verify_could_not_probe_is_not_run_with_its_reason_never_a_pass():
    report = assess({'h1': [dict(PUBLIC, name='t1')]})
    verify = {'hosts': {'h1': {'trunks': {'t1': {'skipped': "trunk 't1': gateway.address: is required",
                                                 'targets': [], 'findings': []}}}}}
    doc = build(report, verify=verify, generated='2026-01-01T00:00:00Z')
    entry = doc['hosts']['h1']['trunks'][0]
    assert entry['checks']['live'] == 'not-run'
    assert doc['summary']['not_checked']['live'] == 1
    assert any('gateway.address: is required' in why for why in entry['why'])
    assert 'Not run for this trunk: trunk &#x27;t1&#x27;: gateway.address: is required' in render_html(doc)
