# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit report's HTML in a real browser, at desktop and phone width, with and without its
script, and printed to PDF: it loads cleanly, fetches nothing, and shows what the JSON says.

The report is built from the example inventory's assessment and trunk model plus the drift and
live findings under fixtures/: the live findings hold every finding id of the catalogue; the drift
(written by hand in the callback's format) holds a run stopped by one trunk's blocker (med-lon-01),
two trunks' own sections changed (med-par-01) and a refused candidate (med-nyc-01).
Screenshots and the PDF go to tests/output/.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jmespath
import pytest
import yaml
from chromium import CHROMIUM, CHROMIUM_ARGUMENTS, need

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, audit_report
from ansible_collections.voip.trunk_security.plugins.module_utils.verify import CATALOGUE
from ansible_collections.voip.trunk_security.plugins.plugin_utils.audit_html import render_html

FIXTURES = Path(__file__).resolve().parent / 'fixtures'
OUTPUT = Path(__file__).resolve().parents[1] / 'output'
STATUSES = ('blocked', 'failing', 'drifted', 'compliant')


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
    doc = audit_report.build(assessed, trunks=trunks, drift=drift, verify=verify, generated='2025-05-01T10:00:00Z',
                             inventory='examples/inventory')
    # the JSON the browser's DOM is compared with is the JSON report itself, after a round trip
    doc = json.loads(json.dumps(doc))
    page = tmp_path_factory.mktemp('audit') / 'trunk-audit.html'
    page.write_text(render_html(doc), encoding='utf-8')
    return doc, page


def trunks_of(doc):
    return [(host, trunk) for host, data in sorted(doc['hosts'].items()) for trunk in data['trunks']]


def trunk_list(doc):
    return [trunk for data in doc['hosts'].values() for trunk in data['trunks']]


def load(browser, page, width=1280):
    browser.set_window_size(width, 900)
    browser.get('about:blank')
    browser.get_log('browser')
    browser.get_log('performance')
    browser.get(page.as_uri())
    assert browser.execute_script('return document.readyState') == 'complete'
    return browser.get_log('browser'), browser.get_log('performance')


@pytest.fixture(scope='module')
def loaded(browser, report):
    doc, page = report
    console, performance = load(browser, page)
    return doc, page, console, performance


def open_all(browser):
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")


def section(browser, label):
    """The <details> of one trunk, found by the name in its summary."""
    for element in browser.find_elements('css selector', 'details.trunk'):
        if element.find_element('css selector', 'summary b').get_attribute('textContent') == label:
            return element
    raise AssertionError('no section for trunk %s' % label)


# --------------------------------------------------------------------------- loads, alone

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


# --------------------------------------------------------------------------- what the JSON says

def test_one_folded_section_per_trunk_non_compliant_first(loaded, browser):
    doc = loaded[0]
    sections = browser.find_elements('css selector', 'details.trunk')
    assert len(sections) == doc['summary']['trunks'] == len(trunks_of(doc)) == 9
    assert not any(s.get_attribute('open') for s in sections), 'every trunk is folded'
    shown = [(s.find_element('css selector', 'summary > span:nth-of-type(1)').text, s.find_element('css selector', 'summary b').text,
              s.get_attribute('data-status')) for s in sections]
    assert sorted(shown) == sorted((host, trunk['label'], trunk['status']) for host, trunk in trunks_of(doc))
    ranks = [STATUSES.index(row[2]) for row in shown]
    assert ranks == sorted(ranks)


def test_the_counts_in_the_page_equal_the_json(loaded, browser):
    doc = loaded[0]
    summary = doc['summary']
    for status in STATUSES:
        element = browser.find_element('css selector', '[data-count="%s"]' % status)
        assert element.is_displayed()
        assert int(element.text) == summary[status], status
        assert len(browser.find_elements('css selector', 'details.trunk[data-status="%s"]' % status)) == summary[status]
    assert sum(summary[s] for s in STATUSES) == summary['trunks']
    # every status occurs in the fixtures, so each count is really exercised
    assert (summary['blocked'], summary['failing'], summary['drifted'], summary['compliant']) == (1, 4, 2, 2)
    rows = browser.find_elements('css selector', '#by-rule tbody tr')
    assert [r.get_attribute('data-rule') for r in rows] == [r['rule'] for r in summary['rules']]
    for row, rule in zip(rows, summary['rules']):
        cells = [c.text for c in row.find_elements('css selector', 'td')]
        assert int(cells[2]) == rule['trunks'] and [int(c or 0) for c in cells[3:]] == [rule['statuses'][s] for s in STATUSES]
    for row in browser.find_elements('css selector', '#by-host tbody tr'):
        host = doc['hosts'][row.get_attribute('data-host')]
        cells = [c.text for c in row.find_elements('css selector', 'td')]
        assert [int(c or 0) for c in cells[2:]] == [host['counts'][s] for s in STATUSES]


def test_every_exposed_point_is_labelled(loaded, browser):
    doc = loaded[0]
    open_all(browser)
    for host, trunk in trunks_of(doc):
        element = section(browser, trunk['label'])
        exposed = element.find_elements('css selector', 'figure li.exposed')
        assert [point.get_attribute('data-point') for point in exposed] == trunk['exposed'], trunk['label']
        for point in exposed:
            tag = point.find_element('css selector', 'em')
            assert tag.text == 'EXPOSED' and tag.is_displayed()
    public = section(browser, 'lon-public-primary')
    assert [p.get_attribute('data-point') for p in public.find_elements('css selector', 'li.exposed')] == ['internet']
    private = section(browser, 'par-mpls-private')
    assert 'EXPOSED' not in private.find_element('css selector', 'figure').text


def test_every_blocked_trunk_s_band_states_its_blocker(loaded, browser):
    doc = loaded[0]
    open_all(browser)
    blocked = [t for t in trunk_list(doc) if t['status'] == 'blocked' and t['valid']]
    assert blocked
    for trunk in blocked:
        bands = [(b.get_attribute('class'), b.text)
                 for b in section(browser, trunk['label']).find_elements('css selector', 'figure .band')]
        for rule, leg, word in (('provider-lacks-tls', 'Signalling', 'TLS'), ('provider-lacks-srtp', 'Media', 'SRTP')):
            if rule in [b['rule'] for b in trunk['blockers']]:
                assert any(css == 'band blocked' and '%s: %s required, provider cannot' % (leg, word) in text
                           for css, text in bands), (trunk['label'], bands)
        assert not all('protected' in css for css, text in bands), 'never the green protected band alone'
    nosrtp = section(browser, 'lon-public-nosrtp')
    colour = nosrtp.find_element('css selector', '.band.blocked').value_of_css_property('color')
    assert colour == nosrtp.find_element('css selector', 'summary > i').value_of_css_property('color'), 'the blocker colour'


def test_the_sibling_blocker_case_is_not_confirmed_not_drift(loaded, browser):
    doc = loaded[0]
    primary = [t for h, t in trunks_of(doc) if t['label'] == 'lon-public-primary'][0]
    assert primary['status'] != 'drifted' and primary['checks']['drift'] == 'not-confirmed'
    element = section(browser, 'lon-public-primary')
    assert element.get_attribute('data-status') != 'drifted'
    text = element.find_element('css selector', 'p.check').get_attribute('textContent')
    assert 'not confirmed' in text and 'stopped by the blocker of trunk lon-public-nosrtp' in text
    # a trunk whose own section changed is drifted; its sibling whose section did not is not
    assert section(browser, 'par-vpn-strong').get_attribute('data-status') == 'drifted'
    assert section(browser, 'par-mpls-private').get_attribute('data-status') == 'compliant'


def test_the_diff_is_shown_once_per_host_with_its_hunks_named(loaded, browser):
    hosts = browser.find_elements('css selector', '#drift details.host')
    assert sorted(h.get_attribute('data-host') for h in hosts) == ['med-lon-01', 'med-nyc-01', 'med-par-01']
    par = [h for h in hosts if h.get_attribute('data-host') == 'med-par-01'][0]
    headers = [s.get_attribute('textContent') for s in par.find_elements('css selector', 'pre.diff .hunk')]
    assert any(h.endswith('@@ trunk par-vpn-tcp') for h in headers) and any(h.endswith('@@ trunk par-vpn-strong') for h in headers)
    assert len(browser.find_elements('css selector', 'pre.diff')) == 2, 'each diff once, not per trunk'


def test_no_label_that_decides_a_verdict_is_cut(loaded, browser):
    doc = loaded[0]
    open_all(browser)
    for trunk in trunk_list(doc):
        if trunk['path'] is None:
            continue
        boxes = section(browser, trunk['label']).find_elements('css selector', 'figure li')
        assert len(boxes) == len(trunk['path']['points'])
        for box, point in zip(boxes, trunk['path']['points']):
            text = box.get_attribute('textContent')
            for words in [point['label']] + point['details']:
                assert words in text or point['kind'] == 'gateway', (trunk['label'], words)
            assert browser.execute_script('return arguments[0].scrollWidth <= arguments[0].clientWidth + 1', box), (
                trunk['label'], point['label'])
    assert 'aes256gcm16-prfsha384-ecp384' in browser.find_element('css selector', '#trunks').get_attribute('textContent')


def test_every_finding_is_shown_with_its_remediation_and_the_command_that_checks_it_again(loaded, browser):
    open_all(browser)
    shown = browser.find_elements('css selector', 'li.finding')
    assert sorted(set(item.get_attribute('data-finding') for item in shown)) == sorted(CATALOGUE)
    for item in shown:
        assert CATALOGUE[item.get_attribute('data-finding')]['remediation'] in item.text
        trunk = item.find_element('xpath', './ancestor::details[1]')
        commands = trunk.find_element('css selector', 'pre.cmd').text.splitlines()
        host = trunk.find_element('css selector', 'summary > span:nth-of-type(1)').text
        assert ('ansible-playbook -i examples/inventory voip.trunk_security.verify -e trunk_security_report_dir=reports/recheck '
                '--limit %s' % host) in commands


# --------------------------------------------------------------------------- the filter, with and without the script

def visible_trunks(browser):
    return [(s.find_element('css selector', 'summary > span:nth-of-type(1)').get_attribute('textContent'),
             s.find_element('css selector', 'summary b').get_attribute('textContent'))
            for s in browser.find_elements('css selector', 'details.trunk') if s.is_displayed()]


def set_filter(browser, **values):
    for name in ('status', 'rule', 'host', 'text'):
        browser.execute_script(
            "var e = document.querySelector('#filter [name=' + arguments[0] + ']'); e.value = arguments[1];"
            "e.dispatchEvent(new Event('input', {bubbles: true}));", name, values.get(name, ''))


@pytest.mark.parametrize('values, expected', [
    ({'status': 'failing'}, lambda h, t: t['status'] == 'failing'),
    ({'status': 'non-compliant'}, lambda h, t: t['status'] != 'compliant'),
    ({'rule': 'mtls-not-enforced'}, lambda h, t: 'mtls-not-enforced' in t['rules']),
    ({'rule': 'public-connection', 'status': 'compliant'}, lambda h, t: 'public-connection' in t['rules'] and t['status'] == 'compliant'),
    ({'host': 'MED-PAR'}, lambda h, t: h == 'med-par-01'),
    ({'text': 'legacy-3des'}, lambda h, t: t['label'] == 'par-vpn-legacy-3des'),
    ({'text': 'Fabrikam'}, lambda h, t: t['label'] == 'lon-public-nosrtp'),
    ({'host': 'med-nyc', 'status': 'drifted'}, lambda h, t: h == 'med-nyc-01' and t['status'] == 'drifted'),
    ({'text': 'no such trunk anywhere'}, lambda h, t: False),
], ids=['status', 'non-compliant', 'rule', 'rule and status', 'host', 'text', 'text in the detail', 'host and status', 'nothing'])
def test_the_filter_narrows_the_list(loaded, browser, values, expected):
    doc = loaded[0]
    assert browser.find_element('css selector', '#filter').is_displayed(), 'the script shows the form'
    set_filter(browser, **values)
    want = [(h, t['label']) for h, t in trunks_of(doc) if expected(h, t)]
    assert sorted(visible_trunks(browser)) == sorted(want)
    words = browser.find_element('css selector', '#shown').text
    assert words == ('(%d)' % len(trunks_of(doc)) if len(want) == len(trunks_of(doc)) else '(%d of %d shown)' % (len(want), len(trunks_of(doc))))
    set_filter(browser)
    assert len(visible_trunks(browser)) == len(trunks_of(doc))


def test_without_the_script_everything_is_reachable(report, browser_without_script):
    doc, page = report
    browser = browser_without_script
    console = load(browser, page)[0]
    assert [entry for entry in console if entry['level'] == 'SEVERE'] == []
    assert not browser.find_element('css selector', '#filter').is_displayed(), 'no form that cannot work'
    assert browser.find_element('css selector', '#shown').text == ''
    assert len(visible_trunks(browser)) == len(trunks_of(doc))
    element = section(browser, 'par-vpn-tcp')
    element.find_element('css selector', 'summary').click()
    assert element.get_attribute('open') is not None
    assert element.find_element('css selector', 'figure').is_displayed()
    element.find_element('css selector', 'p.check a').click()
    assert browser.execute_script('return location.hash') == '#' + browser.find_element(
        'css selector', '#drift details.host[data-host="med-par-01"]').get_attribute('id')


# --------------------------------------------------------------------------- phone width

def test_at_phone_width_nothing_scrolls_sideways_and_the_diagrams_stack(report, browser):
    doc, page = report
    load(browser, page, width=414)
    open_all(browser)
    width = browser.execute_script('return document.documentElement.clientWidth')
    assert width <= 414
    assert browser.execute_script('return document.documentElement.scrollWidth') <= width
    wide = browser.execute_script("""
        var out = [];
        document.querySelectorAll('body *').forEach(function (e) {
          if (e.closest('.scroll') || e.closest('pre')) { return; }
          var r = e.getBoundingClientRect();
          if (r.width && r.right > document.documentElement.clientWidth + 1) { out.push(e.tagName + '.' + e.className); }
        });
        return out;""")
    assert wide == []
    for figure in browser.find_elements('css selector', 'figure'):
        boxes = figure.find_elements('css selector', 'li')
        lefts = set(round(b.rect['x']) for b in boxes)
        assert len(lefts) == 1, 'the boxes stack from top to bottom'
        tops = [b.rect['y'] for b in boxes]
        assert tops == sorted(tops)
        for box in boxes:
            assert float(box.value_of_css_property('font-size')[:-2]) >= 12
    OUTPUT.mkdir(exist_ok=True)
    section(browser, 'lon-public-nosrtp').find_element('css selector', 'summary').location_once_scrolled_into_view
    browser.set_window_size(414, 1400)
    assert browser.save_screenshot(str(OUTPUT / 'audit-report-phone.png'))


def test_desktop_screenshot(report, browser):
    doc, page = report
    load(browser, page, width=1280)
    for label in ('lon-public-nosrtp', 'lon-public-primary'):
        browser.execute_script('arguments[0].open = true', section(browser, label))
    browser.set_window_size(1280, 2200)
    OUTPUT.mkdir(exist_ok=True)
    target = OUTPUT / 'audit-report-desktop.png'
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 10000


# --------------------------------------------------------------------------- paper

def test_the_printed_pdf_has_the_summary_first_and_every_trunk_in_full(report, tmp_path):
    need(tools=('pdftotext', 'pdftoppm'))
    doc, page = report
    OUTPUT.mkdir(exist_ok=True)
    pdf = OUTPUT / 'audit-report.pdf'
    pdf.unlink(missing_ok=True)
    command = [str(CHROMIUM)] + list(CHROMIUM_ARGUMENTS) + [
        '--user-data-dir=%s' % (tmp_path / 'profile'), '--no-pdf-header-footer', '--print-to-pdf=%s' % pdf, page.as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert pdf.read_bytes().startswith(b'%PDF')
    text = subprocess.run(['pdftotext', '-layout', str(pdf), '-'], check=True, capture_output=True, text=True, timeout=60).stdout
    words = re.sub(r'-\s+', '-', ' '.join(text.split()))  # names broken at a hyphen at the end of a line, joined
    for trunk in trunk_list(doc):
        assert trunk['label'] in words, trunk['label']
    pages = text.split('\f')
    assert 'Summary: 9 trunk(s)' in pages[0]
    # folded sections print unfolded: the details of every trunk are on paper
    for finding in CATALOGUE.values():
        assert ' '.join(finding['title'].split()[:4]) in words, finding['title']
    assert 'stopped by the blocker of trunk lon-public-nosrtp' in words
    # no interactive chrome
    assert 'Rule any' not in words and 'Text' not in pages[0].split('By rule')[0]
    subprocess.run(['pdftoppm', '-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', str(pdf),
                    str(OUTPUT / 'audit-report-pdf-page1')], check=True, timeout=60)
    assert (OUTPUT / 'audit-report-pdf-page1.png').stat().st_size > 5000
