# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit report: statuses by precedence, counts, per-trunk drift attribution (on real rendered
diffs), the bands, the path, escaping, JUnit and JSON; the page rendered from its templates."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, audit_report, config_sections
from ansible_collections.voip.trunk_security.plugins.module_utils.audit_report import AuditInputError, build, render_junit
from ansible_collections.voip.trunk_security.plugins.module_utils.verify import CATALOGUE
from ansible_collections.voip.trunk_security.plugins.plugin_utils import audit_html
from ansible_collections.voip.trunk_security.plugins.plugin_utils.audit_html import render_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
import template_inputs as inputs  # noqa: E402  (tests/unit/template_inputs.py: the role's variables, rendered in-process)

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
    # the change's diff names no section: it concerns everything the host's trunks share
    assert any('would change what every trunk of the host shares (1 task(s): Install the Kamailio config)' in line for line in why)


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
    assert 'voip.trunk_security.mediation_gateway · ansible.builtin.template' in render_html(doc)


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
    assert 'No host would change' not in html and 'Not run: no check-mode run was given.' in html
    junit = ET.fromstring(render_junit(doc))
    assert all('not run' in case.find('system-out').text for case in junit.iter('testcase'))


def test_present_sources_without_the_host_or_trunk_say_not_run_for_it():
    trunks = {'h1': [PUBLIC, PRIVATE]}
    doc = build(assess(trunks), drift=drift_of(other={'changes': [CHANGE]}), verify=verify_of({'pub': []}))
    assert doc['summary']['not_checked'] == {'drift': 2, 'live': 1}
    assert doc['unmatched']['drift_hosts'] == ['other']
    pub, priv = doc['hosts']['h1']['trunks']
    assert pub['checks']['live'] == 'pass' and priv['checks']['live'] == 'not-run'
    assert html_count(render_html(doc), 'no check-mode run of this host.') == 2


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
    assert len(re.findall(r'<details class="trunk" ', html)) == len(mix)
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


def trunk_section(html, label):
    """One trunk's <details> on the page."""
    for section in re.findall(r'<details class="trunk".*?</details>', html, re.S):
        if re.search(r'<summary><i>\w+</i><b>%s</b>' % re.escape(label), section):
            return section
    raise AssertionError('no section for %s' % label)


def exposed_points(html, label):
    """The points of one trunk's diagram marked exposed: {point id: its box's markup}, and the figure."""
    figure = re.search(r'<figure>.*?</figure>', trunk_section(html, label), re.S).group(0)
    points = re.findall(r'<li class="exposed[^"]*" data-point="([^"]*)">(.*?)</li>', figure, re.S)
    return dict(points), figure


def html_count(html, text):
    return html.count(text)


@pytest.mark.parametrize('trunk', [PUBLIC, VPN, dict(PRIVATE, mediation_subnet={'audience': 'public'})], ids=['public', 'vpn', 'private'])
def test_every_exposed_point_carries_a_text_label_not_colour_alone(trunk):
    trunks = {'h1': [trunk]}
    doc = build(assess(trunks), trunks=trunks)
    entry = doc['hosts']['h1']['trunks'][0]
    points, figure = exposed_points(render_html(doc), entry['label'])
    assert sorted(points) == sorted(entry['exposed']) and entry['exposed']
    for body in points.values():
        assert body.startswith('<em>EXPOSED</em>')
    assert figure.count('<em>EXPOSED</em>') == len(entry['exposed'])
    not_exposed = [p for p in entry['path']['points'] if p['kind'] not in ('gateway', 'provider') and not p['exposed']]
    assert figure.count('<li class="safe') == len(not_exposed)  # audit.css writes "not exposed" on them


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
    assert "&#39;mpls&#39; is not an allowed value" in html
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
        assert str(audit_html.markupsafe.escape(entry['remediation'])) in html


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
    assert doc['hosts']['h1']['drift']['changes'][0]['hunks'][0]['host_wide'] is True


def test_a_long_diff_is_cut_in_the_html_but_kept_in_the_json():
    diff = '\n'.join('+line %d' % n for n in range(audit_html.DIFF_LINES + 50))
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


ALLOWED_TAGS = {'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'div', 'h1', 'h2', 'h4', 'p', 'ul', 'ol', 'li', 'b',
                'strong', 'main', 'section', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code', 'pre', 'footer',
                'details', 'summary', 'figure', 'em', 'i', 'br', 'form', 'label', 'select', 'option', 'input', 'datalist',
                'script'}
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
    assert collector.tags.count('script') == 1 and 'img' not in collector.tags  # the page's own script alone
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39;&#34;&amp;&lt;img' in html
    assert ('data-host', HOSTILE) in collector.attributes  # the host's drift section
    assert not any(attribute[0].startswith('on') for attribute in collector.attributes)


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_is_escaped(text):
    html = render_html(hostile_doc(text))
    collector = TagCollector()
    collector.feed(html)
    assert set(collector.tags) <= ALLOWED_TAGS
    assert not any(attribute[0].startswith('on') for attribute in collector.attributes)
    assert collector.tags.count('script') == 1
    shown = audit_html._CONTROL.sub(lambda m: '\\x%02x' % ord(m.group()), text)
    assert ('data-host', shown) in collector.attributes
    assert any(shown in data for data in collector.data)
    ET.fromstring(render_junit(hostile_doc(text)))


def test_the_page_is_self_contained():
    trunks = {'h1': [PUBLIC, VPN, PRIVATE]}
    html = render_html(build(assess(trunks), trunks=trunks, drift=drift_of(h1={'changes': [CHANGE]}),
                             verify=verify_of({'pub': [fail()]}), generated='2025-05-01T10:00:00Z'))
    for pattern in (r'\bsrc\s*=', r'url\(', r'@import', r'<link\b', r'href="(?!#)', r'https?://', r'fetch\(',
                    r'XMLHttpRequest', r'WebSocket', r'\beval\(', r'innerHTML'):
        assert not re.search(pattern, html), pattern
    assert html.startswith('<!DOCTYPE html>') and '<meta charset="utf-8">' in html
    # one inline style and one inline script, each allowed by its hash and nothing else
    (style,) = re.findall(r'<style>(.*?)</style>', html, re.S)
    (script,) = re.findall(r'<script>(.*?)</script>', html, re.S)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html).group(1)
    assert "default-src 'none'" in policy
    assert "style-src '%s'" % audit_html._digest(style) in policy and "script-src '%s'" % audit_html._digest(script) in policy
    assert style == (Path(audit_html.TEMPLATES) / 'audit.css').read_text() and script == (Path(audit_html.TEMPLATES) / 'audit.js').read_text()


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
    assert 'for this trunk: trunk &#39;t1&#39;: gateway.address: is required.' in render_html(doc)


# --------------------------------------------------------------------------- per-trunk drift, on real rendered diffs

GW_TRUNKS = [inputs.trunk('alpha', server_name='sbc.example.net'),
             inputs.trunk('beta', address='sbc.provider.test', gateway_address='127.0.0.13'),
             inputs.trunk('gamma', 'private', tls=False, opportunistic=False, address='192.0.2.20',
                          gateway_address='127.0.0.11', srtp_mode='optional')]


def rendered(trunks, **given):
    return inputs.render_gateway(inputs.gateway_variables(dict(inputs.GATEWAY_INPUTS, **given), trunks))


def install_changes(before, after):
    """What the trunk_drift callback records for enforce.yml --check --diff: the candidate rendered
    without a diff, then the install task with the annotated diff, for each file that changes."""
    changes = []
    for name in ('kamailio.cfg', 'tls.cfg'):
        if before[name] == after[name]:
            continue
        role = 'voip.trunk_security.mediation_gateway'
        changes.append({'task': role + ' : Render the candidate configuration', 'action': 'ansible.builtin.template',
                        'role': role, 'item': name, 'diff': ''})
        changes.append({'task': role + ' : Install the configuration (the previous one is kept as a backup)',
                        'action': 'ansible.builtin.template', 'role': role, 'item': name,
                        'path': '/etc/kamailio/gw/' + name,
                        'diff': config_sections.unified(before[name], after[name], name, name + ' (would be)')})
    return changes


@pytest.fixture(scope='module')
def installed():
    return rendered(GW_TRUNKS)


def gateway_doc(changes, failures=(), trunks=None):
    models = {'gw': list(GW_TRUNKS if trunks is None else trunks)}
    return build(assess(models), trunks=models, drift=drift_of(gw={'changes': changes, 'failures': list(failures)}))


def drifts(doc):
    return dict((t['label'], (t['checks']['drift'], t['status'])) for t in doc['hosts']['gw']['trunks'])


def test_a_trunk_setting_drifts_that_trunk_alone(installed):
    changed = [dict(t) for t in GW_TRUNKS]
    changed[1] = inputs.trunk('beta', address='sbc.provider.test', gateway_address='127.0.0.13', tls_port=5069)
    changes = install_changes(installed, rendered(changed))
    assert changes, 'the setting changes the rendered configuration'
    doc = gateway_doc(changes)
    assert drifts(doc) == {'alpha': ('clean', 'compliant'), 'beta': ('changes', 'drifted'), 'gamma': ('clean', 'compliant')}
    beta = doc['hosts']['gw']['trunks'][1]
    assert beta['drift']['changes'] and not beta['drift']['host_wide'] and beta['drift']['hunks'] >= 1
    assert any("this trunk's section of kamailio.cfg" in line for line in beta['why'])
    # the candidate, rendered without a diff, concerns what the install of the same file concerns
    for change in doc['hosts']['gw']['drift']['changes']:
        assert change['trunks'] == ['beta'] and change['host_wide'] is False
    html = render_html(doc)
    assert re.search(r'<span class="hunk">@@ [^<]* @@ trunk beta</span>', html)
    assert "this trunk&#39;s section would change" in trunk_section(html, 'beta')
    assert 'no change to' not in trunk_section(html, 'alpha')


def test_a_host_setting_drifts_every_trunk_of_the_host(installed):
    doc = gateway_doc(install_changes(installed, rendered(GW_TRUNKS, mediation_gateway_children=6)))
    assert drifts(doc) == dict((name, ('changes', 'drifted')) for name in ('alpha', 'beta', 'gamma'))
    assert all(t['drift']['host_wide'] and not t['drift']['changes'] for t in doc['hosts']['gw']['trunks'])


def test_a_new_trunk_drifts_itself_and_what_the_trunks_share(installed):
    more = GW_TRUNKS + [inputs.trunk('delta', address='192.0.2.40', gateway_address='127.0.0.14')]
    doc = gateway_doc(install_changes(installed, rendered(more)), trunks=more)
    found = drifts(doc)
    assert found['delta'] == ('changes', 'drifted')
    delta = doc['hosts']['gw']['trunks'][3]['drift']
    assert delta['changes'], 'its own section is new'
    owners = set(name for change in doc['hosts']['gw']['drift']['changes'] for name in change['trunks'])
    assert 'delta' in owners


def test_a_fresh_host_drifts_every_trunk(installed):
    empty = {'kamailio.cfg': '', 'tls.cfg': ''}
    doc = gateway_doc(install_changes(empty, installed))
    assert set(drifts(doc).values()) == {('changes', 'drifted')}


def test_a_diff_from_elsewhere_without_sections_is_host_wide():
    doc = build(assess({'h1': [PUBLIC, PRIVATE]}), drift=drift_of(h1={'changes': [CHANGE]}))
    assert [t['drift']['host_wide'] for t in doc['hosts']['h1']['trunks']] == [[0], [0]]
    assert statuses(doc) == {('h1', 'pub'): 'drifted', ('h1', 'priv'): 'drifted'}


BLOCKER_STOP = {'task': "voip.trunk_security.mediation_gateway : Assess the host's trunks; blockers stop the run unless "
                        "explicitly allowed",
                'message': "1 problem(s) on this host's trunks (fail_on=blockers): trunk 'nosrtp': SRTP is required but the "
                           "provider does not support it (provider.srtp is false)"}


@pytest.mark.parametrize('failure', [BLOCKER_STOP, dict(BLOCKER_STOP, message='failed', trunks=['nosrtp'])],
                         ids=['named in the message', 'named by the callback'])
def test_a_run_stopped_by_a_siblings_blocker_leaves_the_others_not_confirmed_not_drifted(failure):
    trunks = {'h1': [NOSRTP, PUBLIC, PRIVATE]}
    doc = build(assess(trunks), trunks=trunks, drift=drift_of(h1={'failures': [failure]}),
                verify=verify_of({'pub': [], 'priv': []}))
    assert doc['hosts']['h1']['drift']['failures'][0]['blocked_by'] == ['nosrtp']
    assert statuses(doc) == {('h1', 'nosrtp'): 'blocked', ('h1', 'pub'): 'compliant', ('h1', 'priv'): 'compliant'}
    pub = doc['hosts']['h1']['trunks'][1]
    assert pub['checks']['drift'] == 'not-confirmed' and pub['drift']['stopped_by'] == ['nosrtp']
    assert "configuration not confirmed: the host's check-mode run was stopped by the blocker of trunk nosrtp" in pub['why']
    summary = doc['summary']
    assert summary['hosts_stopped_by_blockers'] == 1 and summary['hosts_check_failed'] == 0
    assert summary['not_checked']['drift'] == 3
    html = render_html(doc)
    assert "stopped by the blocker of trunk nosrtp: this trunk&#39;s configuration is not confirmed" in trunk_section(html, 'pub')
    assert 'not confirmed</span>' in trunk_section(html, 'priv')
    junit = ET.fromstring(render_junit(doc))
    failed = [case.get('name') for case in junit.iter('testcase') if case.find('failure') is not None]
    assert failed == ['nosrtp']


def test_a_failure_no_blocker_explains_still_drifts_every_trunk():
    trunks = {'h1': [NOSRTP, PUBLIC]}
    failures = [BLOCKER_STOP, {'task': 'Validate', 'message': 'kamailio -c refused the configuration'}]
    doc = build(assess(trunks), drift=drift_of(h1={'failures': failures}))
    assert statuses(doc) == {('h1', 'nosrtp'): 'blocked', ('h1', 'pub'): 'drifted'}
    # a message that names a trunk without a blocker is no blocker stop
    doc = build(assess(trunks), drift=drift_of(h1={'failures': [dict(BLOCKER_STOP, message=BLOCKER_STOP['message'].replace(
        "'nosrtp'", "'pub'"))]}))
    assert statuses(doc)[('h1', 'pub')] == 'drifted'


# --------------------------------------------------------------------------- bands, rules, re-check commands

def test_the_band_says_what_each_leg_really_gets():
    opportunistic = dict(PRIVATE, name='opp', opportunistic=True)
    plain = dict(PRIVATE, name='plain', opportunistic=False)
    trunks = {'h1': [NOSRTP, PUBLIC, plain, opportunistic, BROKEN]}
    doc = build(assess(trunks), trunks=trunks)
    bands = dict((t['label'], t['band']) for t in doc['hosts']['h1']['trunks'])
    # enforcement does not configure a blocked trunk: the other leg is held, never the protected band
    assert bands['nosrtp'] == {'signalling': {'state': 'held', 'text': 'TLS, once the trunk is no longer blocked'},
                               'media': {'state': 'blocked', 'text': 'SRTP required, provider cannot'}}
    assert bands['pub'] == {'signalling': {'state': 'protected', 'text': 'TLS'}, 'media': {'state': 'protected', 'text': 'SRTP'}}
    assert bands['plain'] == {'signalling': {'state': 'plain', 'text': 'plain SIP (not required)'},
                              'media': {'state': 'plain', 'text': 'RTP (not required)'}}
    assert bands['opp'] == {'signalling': {'state': 'protected', 'text': 'TLS (not required)'},
                            'media': {'state': 'protected', 'text': 'SRTP (not required)'}}
    assert bands['broken'] is None
    figure = exposed_points(render_html(doc), 'nosrtp')[1]
    assert '<p class="band blocked">Media: SRTP required, provider cannot</p>' in figure
    assert '<p class="band protected">Media: SRTP</p>' not in figure
    figure = exposed_points(render_html(doc), 'pub')[1]
    assert '<p class="band protected">Signalling: TLS · Media: SRTP</p>' in figure  # one band when both legs get the same


def test_rules_are_counted_by_kind_and_status():
    trunks = {'h1': [NOSRTP, PUBLIC, VPN, BROKEN]}
    doc = build(assess(trunks), verify=verify_of({'pub': [fail('cert-expired'), fail('cert-expiring')]}))
    rules = dict((r['rule'], r) for r in doc['summary']['rules'])
    assert rules['public-connection']['trunks'] == 2 and rules['public-connection']['kind'] == 'requires'
    assert rules['provider-lacks-srtp']['statuses']['blocked'] == 1 and rules['provider-lacks-srtp']['kind'] == 'blocker'
    assert rules['cert-expired']['kind'] == 'live-fail' and rules['cert-expiring']['kind'] == 'live-warn'
    assert rules['invalid']['trunks'] == 1
    kinds = [r['kind'] for r in doc['summary']['rules']]
    assert kinds == sorted(kinds, key=audit_report.RULE_KINDS.index)
    html = render_html(doc)
    assert '<tr data-rule="cert-expired">' in html and '<option>udp-over-tcp</option>' in html


def test_every_problem_comes_with_the_command_that_checks_it_again():
    host = "gw 1;rm -rf '/'"
    trunks = {host: [NOSRTP, PUBLIC]}
    doc = build(assess(trunks), drift=drift_of(**{host: {'changes': [CHANGE]}}), verify=verify_of({'pub': [fail()]}, host=host),
                inventory='inventories/prod lab.yml')
    nosrtp, pub = doc['hosts'][host]['trunks']
    assert [r['kind'] for r in nosrtp['recheck']] == ['policy', 'drift']
    assert [r['kind'] for r in pub['recheck']] == ['drift', 'live']
    # the commands write their reports apart: the estate's, which the audit was made from, stay
    assert pub['recheck'][1]['command'] == ("ansible-playbook -i 'inventories/prod lab.yml' voip.trunk_security.verify "
                                            "-e trunk_security_report_dir=reports/recheck "
                                            "--limit 'gw 1;rm -rf '\"'\"'/'\"'\"''")
    assert [r['exact'] for r in pub['recheck']] == [False, False], 'a --limit pattern, not a plain name'
    assert 'is not a plain name' in render_html(doc)
    assert pub['recheck'][0]['command'].startswith("ansible-playbook -i 'inventories/prod lab.yml' voip.trunk_security.enforce "
                                                   "--check --diff --limit ")
    compliant = build(assess({'h1': [PRIVATE]}), drift=drift_of(h1={}))['hosts']['h1']['trunks'][0]
    assert compliant['recheck'] == [] and build(assess({'h1': [NOSRTP]}))['inventory'] == 'INVENTORY'


# --------------------------------------------------------------------------- the page's arrangement

def test_diffs_keep_one_line_of_context_around_each_change():
    diff = '--- a\n+++ b\n@@ -1,9 +1,9 @@ trunk x\n' + ''.join(' same %d\n' % n for n in range(4)) + '-old\n+new\n' + ''.join(
        ' after %d\n' % n for n in range(3))
    shown = audit_html.diff_lines(diff)
    assert shown['lines'] == [('meta', '--- a'), ('meta', '+++ b'), ('hunk', '@@ -1,9 +1,9 @@ trunk x'),
                              ('skip', '3 unchanged line(s)'), ('ctx', ' same 3'), ('del', '-old'), ('add', '+new'),
                              ('ctx', ' after 0'), ('skip', '2 unchanged line(s)')]
    assert shown['more'] == 0 and shown['total'] == 12


def test_the_trunks_come_non_compliant_first_and_the_hosts_with_problems_first():
    trunks = {'a': [PRIVATE], 'b': [PUBLIC, NOSRTP], 'c': [dict(PRIVATE, name='z')]}
    doc = build(assess(trunks), drift=drift_of(a={}, b={}, c={'changes': [CHANGE]}))
    view = audit_html.view(doc)
    assert [(row['host'], row['trunk']['label'], row['trunk']['status']) for row in view['trunks']] == [
        ('b', 'nosrtp', 'blocked'), ('c', 'z', 'drifted'), ('a', 'priv', 'compliant'), ('b', 'pub', 'compliant')]
    assert [host['name'] for host in view['hosts']][:2] == ['b', 'c']
    assert [host['name'] for host in view['drift_hosts']] == ['c']
    html = render_html(doc)
    assert html.index('id="summary"') < html.index('id="by-rule"') < html.index('id="by-host"') < html.index('id="trunks"')
    assert html.count('<details class="trunk"') == 4 and '<details class="trunk" open' not in html


def test_the_section_of_a_trunk_the_host_no_longer_has_is_host_wide_drift(installed):
    """A trunk gone from the inventory whose section is still on the gateway (its listener open)."""
    kept = GW_TRUNKS[:2]
    doc = gateway_doc(install_changes(installed, rendered(kept)), trunks=kept)
    assert drifts(doc) == {'alpha': ('changes', 'drifted'), 'beta': ('changes', 'drifted')}
    assert doc['hosts']['gw']['drift']['stale_trunks'] == ['gamma']
    assert doc['unmatched']['drift_trunks'] == [{'host': 'gw', 'trunk': 'gamma'}]
    assert doc['summary']['hosts_drifted'] == 1 == doc['summary']['drifted'] // 2
    assert 'which the inventory no longer has' in render_html(doc)


def test_sections_count_only_in_the_gateway_configurations():
    marked = '--- other.conf\n+++ other.conf (would be)\n@@ -1,3 +1,3 @@ trunk pub\n #@trunk pub\n-a\n+b\n #@end\n'
    change = {'task': 'Install another file', 'path': '/etc/other.conf', 'diff': marked}
    doc = build(assess({'h1': [PUBLIC, PRIVATE]}), drift=drift_of(h1={'changes': [change]}))
    assert statuses(doc) == {('h1', 'pub'): 'drifted', ('h1', 'priv'): 'drifted'}


SBC_DRIFT = ('--- gw (audiocodes): the device now\n+++ gw (audiocodes): the desired settings\n'
             '@@ -1,4 +1,4 @@ trunk pub\n #@trunk pub\n-IpProfile.SBCMediaSecurityBehaviour = 3\n'
             '+IpProfile.SBCMediaSecurityBehaviour = 1\n #@end\n')


def test_an_sbcs_drift_from_its_own_configuration_is_its_trunks_alone():
    change = {'task': "Compare the device's configuration", 'action': 'voip.trunk_security.sbc_drift', 'diff': SBC_DRIFT}
    doc = build(assess({'h1': [PUBLIC, PRIVATE]}), drift=drift_of(h1={'changes': [change]}))
    assert statuses(doc) == {('h1', 'pub'): 'drifted', ('h1', 'priv'): 'compliant'}
    assert doc['hosts']['h1']['drift']['changes'][0]['trunks'] == ['pub']


@pytest.mark.parametrize('path', ['/srv/render/sbc1/incremental.ini', '/srv/render/sbc1/cli.txt', '/srv/render/sbc1/cube.cfg'])
def test_an_sbcs_rendered_configuration_is_sectioned(path):
    change = {'task': 'Write the configuration for review', 'path': path, 'diff': SBC_DRIFT.replace(
        'gw (audiocodes): the device now', path).replace('gw (audiocodes): the desired settings', path)}
    doc = build(assess({'h1': [PUBLIC, PRIVATE]}), drift=drift_of(h1={'changes': [change]}))
    assert statuses(doc) == {('h1', 'pub'): 'drifted', ('h1', 'priv'): 'compliant'}


@pytest.mark.parametrize('failure', [
    {'task': 'Report the refused candidate', 'action': 'ansible.builtin.fail',
     'message': "kamailio -c: 1 problem(s) on this host's trunks (fail_on=blockers): trunk 'nosrtp': quoted"},
    {'task': 'Validate', 'message': "stderr says fail_on=blockers and trunk 'nosrtp'"},
    {'task': 'Assess', 'message': "1 problem(s) on this host's trunks (fail_on=blockers): trunk 'nosrtp-2': x"},
], ids=['another action', 'not the action\'s message', 'another trunk\'s name'])
def test_only_the_assessment_s_own_stop_excuses_the_other_trunks(failure):
    trunks = {'h1': [NOSRTP, PUBLIC]}
    doc = build(assess(trunks), drift=drift_of(h1={'failures': [failure]}))
    assert doc['hosts']['h1']['drift']['failures'][0]['blocked_by'] == []
    assert statuses(doc)[('h1', 'pub')] == 'drifted'


def test_an_unnamed_trunk_s_stop_is_recognised_by_its_place():
    unnamed = {'connection': 'mpls'}
    trunks = {'h1': [PUBLIC, unnamed]}
    message = "1 problem(s) on this host's trunks (fail_on=blockers): trunk 2 of 2: connection: 'mpls' is not allowed"
    doc = build(assess(trunks), drift=drift_of(h1={'failures': [{'task': 'Assess', 'message': message}]}))
    assert doc['hosts']['h1']['drift']['failures'][0]['blocked_by'] == ['(2 of 2)']
    assert statuses(doc)[('h1', 'pub')] == 'compliant'


def test_policy_findings_show_what_was_found_and_expected():
    trunks = {'h1': [NOSRTP, dict(PUBLIC, name='shared', mediation_subnet={'cidr': '10.0.0.0/28', 'audience': 'shared'},
                                  provider={'tls': True, 'srtp': False})]}
    html = render_html(build(assess(trunks), trunks=trunks))
    section = trunk_section(html, 'nosrtp')
    assert '<code>provider-lacks-srtp</code> blocker:' in section and '(found <code>false</code>, expected <code>true</code>)' in section
    assert 'found <code>shared</code>, expected <code>authorized_it or limited_non_it</code>' in trunk_section(html, 'shared')


def test_characters_that_reorder_or_hide_text_are_shown():
    doc = hostile_doc('gw\u202eevil\u200b')
    html = render_html(doc)
    assert '\u202e' not in html and '\u200b' not in html and 'gw\\x202eevil\\x200b' in html


def test_the_commands_name_every_inventory_of_the_run():
    doc = build(assess({'h1': [NOSRTP]}), inventory=['inventories/a.yml', 'inventories/b yml'])
    assert doc['hosts']['h1']['trunks'][0]['recheck'][0]['command'] == (
        "ansible-playbook -i inventories/a.yml -i 'inventories/b yml' voip.trunk_security.assess "
        "-e trunk_security_report_dir=reports/recheck --limit h1")
    assert build(assess({'h1': [NOSRTP]}), inventory=['only.yml'])['inventory'] == 'only.yml'
