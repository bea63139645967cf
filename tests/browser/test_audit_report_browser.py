# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit report's HTML in a real browser: it loads cleanly, fetches nothing, and shows what the JSON says.

The report is built from the example inventory's assessment and trunk model plus the drift and
live findings under fixtures/ (which hold every finding id of the catalogue).
"""

from __future__ import annotations

import json
from pathlib import Path

import jmespath
import pytest
import yaml

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, audit_report
from ansible_collections.voip.trunk_security.plugins.module_utils.verify import CATALOGUE

FIXTURES = Path(__file__).resolve().parent / 'fixtures'
OUTPUT = Path(__file__).resolve().parents[1] / 'output'


def example_trunks(repo_root: Path) -> dict:
    """Each example host's trunk model, read the way the assessment reads it."""
    trunks = {}
    for path in sorted((repo_root / 'examples' / 'inventory' / 'host_vars').glob('*.yml')):
        data = yaml.safe_load(path.read_text())
        if 'sip_trunks' in data:
            trunks[path.stem] = data['sip_trunks']
        else:  # trunk_security_source: "{{ cmdb_export }}", mapped by trunk_security_query
            trunks[path.stem] = jmespath.search(data['trunk_security_query'], data['cmdb_export'])
    return trunks


@pytest.fixture(scope='module')
def report(repo_root, tmp_path_factory):
    trunks = example_trunks(repo_root)
    assessed = assessment.build_report(dict((host, assessment.assess_host(list(model))) for host, model in trunks.items()))
    drift = json.loads((FIXTURES / 'trunk-drift.json').read_text())
    verify = json.loads((FIXTURES / 'trunk-verify.json').read_text())
    doc = audit_report.build(assessed, trunks=trunks, drift=drift, verify=verify, generated='2025-05-01T10:00:00Z')
    # the JSON the browser's DOM is compared with is the JSON report itself, after a round trip
    doc = json.loads(json.dumps(doc))
    page = tmp_path_factory.mktemp('audit') / 'trunk-audit.html'
    page.write_text(audit_report.render_html(doc), encoding='utf-8')
    return doc, page


@pytest.fixture(scope='module')
def loaded(browser, report):
    doc, page = report
    browser.get('about:blank')
    browser.get_log('browser')
    browser.get_log('performance')
    browser.get(page.as_uri())
    assert browser.execute_script('return document.readyState') == 'complete'
    return doc, page, browser.get_log('browser'), browser.get_log('performance')


def test_fixtures_hold_every_finding_id_of_the_catalogue():
    verify = json.loads((FIXTURES / 'trunk-verify.json').read_text())
    ids = set(finding['id'] for host in verify['hosts'].values() for trunk in host['trunks'].values()
              for finding in trunk['findings'])
    assert ids == set(CATALOGUE)


def test_page_loads_without_console_messages(loaded):
    console = loaded[2]
    assert [entry for entry in console if entry['level'] in ('SEVERE', 'WARNING')] == []


def test_page_requests_nothing_but_itself(loaded):
    page, performance = loaded[1], loaded[3]
    by_the_report, to_a_network = [], []
    for entry in performance:
        message = json.loads(entry['message'])['message']
        if message['method'] != 'Network.requestWillBeSent':
            continue
        params = message['params']
        url = params['request']['url']
        # the browser's own start page (chrome://new-tab-page...) may still be loading: only
        # the report's requests count, and no request at all may leave for a network
        if params.get('documentURL') == page.as_uri():
            by_the_report.append(url)
        if url.split(':', 1)[0].lower() in ('http', 'https', 'ws', 'wss', 'ftp'):
            to_a_network.append(url)
    assert by_the_report == [page.as_uri()]
    assert to_a_network == []


def test_one_section_per_trunk(loaded, browser):
    doc = loaded[0]
    sections = browser.find_elements('css selector', 'section.trunk')
    assert len(sections) == doc['summary']['trunks'] == sum(len(h['trunks']) for h in doc['hosts'].values()) == 9
    shown = sorted((s.get_attribute('data-host'), s.get_attribute('data-trunk'), s.get_attribute('data-status')) for s in sections)
    expected = sorted((host, trunk['label'], trunk['status']) for host, data in doc['hosts'].items() for trunk in data['trunks'])
    assert shown == expected


def test_summary_counts_in_the_page_equal_the_json(loaded, browser):
    summary = loaded[0]['summary']
    for status in ('compliant', 'drifted', 'blocked', 'failing'):
        element = browser.find_element('css selector', '[data-count="%s"]' % status)
        assert element.is_displayed()
        assert int(element.text) == summary[status], status
    assert summary['compliant'] + summary['drifted'] + summary['blocked'] + summary['failing'] == summary['trunks']
    # every status occurs in the fixtures, so each count is really exercised
    assert (summary['compliant'], summary['drifted'], summary['blocked'], summary['failing']) == (2, 2, 1, 4)


def test_exposed_point_is_labelled_in_the_diagram(loaded, browser):
    section = browser.find_element('css selector', 'section.trunk[data-trunk="lon-public-primary"]')
    exposed = section.find_elements('css selector', 'svg g[data-exposed="true"]')
    assert [point.get_attribute('data-point') for point in exposed] == ['internet']
    labels = [text.text for text in exposed[0].find_elements('css selector', 'text')]
    assert 'EXPOSED' in labels
    assert exposed[0].find_element('css selector', '.tag-text').is_displayed()
    # a trunk with no exposed point shows no such label
    private = browser.find_element('css selector', 'section.trunk[data-trunk="par-mpls-private"] svg')
    assert 'EXPOSED' not in [text.text for text in private.find_elements('css selector', 'text')]


def test_every_exposed_point_of_the_json_is_labelled(loaded, browser):
    doc = loaded[0]
    for host, data in doc['hosts'].items():
        for trunk in data['trunks']:
            selector = 'section.trunk[data-host="%s"][data-trunk="%s"] svg g[data-exposed="true"]' % (host, trunk['label'])
            shown = [point.get_attribute('data-point') for point in browser.find_elements('css selector', selector)]
            assert shown == trunk['exposed'], (host, trunk['label'])


def test_every_finding_is_shown_with_its_remediation(loaded, browser):
    shown = browser.find_elements('css selector', 'li.finding')
    assert sorted(item.get_attribute('data-finding') for item in shown) == sorted(CATALOGUE)
    for item in shown:
        assert CATALOGUE[item.get_attribute('data-finding')]['remediation'] in item.text


def test_full_page_screenshot(loaded, browser):
    height = browser.execute_script('return Math.ceil(document.documentElement.scrollHeight)')
    browser.set_window_size(1280, min(int(height) + 120, 16000))
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / 'audit-report.png'
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10000
