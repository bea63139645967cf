# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/assess.yml on the bundled example inventory and on bad inventories."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from playbook_runner import run_playbook as run_playbook_once

EXPECTED = {
    # host, trunk: (decision, tls enable, srtp enable, blockers, warnings)
    ('med-lon-01', 'lon-public-primary'): ('required', True, True, [], []),
    ('med-lon-01', 'lon-public-nosrtp'): ('required', True, True, ['provider-lacks-srtp'], []),
    ('med-par-01', 'par-mpls-private'): ('optional', False, False, [], []),
    ('med-par-01', 'par-mpls-office-lan'): ('required', True, True, [], []),
    ('med-par-01', 'par-vpn-strong'): ('optional', True, True, [], []),
    ('med-par-01', 'par-vpn-legacy-3des'): ('required', True, True, [], []),
    ('med-par-01', 'par-vpn-tcp'): ('optional', False, False, [], ['udp-over-tcp']),
    ('med-nyc-01', 'nyc-wg-tunnel'): ('optional', True, True, [], []),
    ('med-nyc-01', 'nyc-internet-backup'): ('required', True, True, [], []),
}


@pytest.fixture(scope='module')
def example_run(repo_root, tmp_path_factory, ansible_env):
    """One assess.yml run on the example inventory, from a scratch working directory."""
    cwd = tmp_path_factory.mktemp('assess')
    run = run_playbook_once(ansible_env, repo_root / 'playbooks' / 'assess.yml',
                            inventory=repo_root / 'examples' / 'inventory', cwd=cwd, timeout=300)
    return cwd, run


def test_example_reports_are_written_under_reports_of_the_current_directory(example_run):
    cwd, done = example_run
    # one example trunk has a blocker: the run fails by default, after the reports and the table
    assert done.rc == 2, done
    assert (cwd / 'reports' / 'trunk-security.json').is_file()
    assert (cwd / 'reports' / 'trunk-security.junit.xml').is_file()
    assert str(cwd / 'reports' / 'trunk-security.json') in done.stdout


def test_example_json_report_has_every_trunk_decided(example_run):
    cwd = example_run[0]
    report = json.loads((cwd / 'reports' / 'trunk-security.json').read_text())
    found = {}
    for host, data in report['hosts'].items():
        for trunk in data['trunks']:
            found[(host, trunk['name'])] = (trunk['decision'], trunk['tls']['enable'], trunk['srtp']['enable'],
                                            [b['rule'] for b in trunk['blockers']],
                                            [w['rule'] for w in trunk['warnings']])
    assert found == EXPECTED
    assert report['summary'] == {'trunks': 9, 'required': 5, 'optional': 4, 'blockers': 1, 'invalid': 0,
                                 'compliant': 8, 'warnings': 1, 'hosts': 3}
    assert report['skipped'] == {}


def test_example_junit_has_a_case_per_trunk_and_fails_the_blocked_one(example_run):
    cwd = example_run[0]
    root = ET.parse(str(cwd / 'reports' / 'trunk-security.junit.xml')).getroot()
    assert root.tag == 'testsuites'
    assert (root.get('tests'), root.get('failures')) == ('9', '1')
    cases = {(c.get('classname'), c.get('name')): c for c in root.iter('testcase')}
    assert len(cases) == 9
    failed = [key for key, case in cases.items() if case.find('failure') is not None]
    assert failed == [('trunk-security.med-lon-01', 'lon-public-nosrtp')]
    assert cases[failed[0]].find('failure').get('type') == 'provider-lacks-srtp'
    assert 'decision: optional (TLS off, SRTP off)' in cases[('trunk-security.med-par-01', 'par-mpls-private')].findtext(
        'system-out')


def test_example_table_is_printed(example_run):
    done = example_run[1]
    assert 'HOST        TRUNK                CONNECTION  DECISION  TLS       SRTP      BLOCKERS / WARNINGS' in done.stdout
    assert ('med-lon-01  lon-public-nosrtp    public      required  required  required  BLOCKER provider-lacks-srtp'
            in done.stdout)
    assert 'med-par-01  par-vpn-tcp          vpn         optional  off       off       warn udp-over-tcp' in done.stdout
    assert '3 host(s), 9 trunk(s): 5 required, 4 optional, 1 with blockers, 0 invalid' in done.stdout


def write_inventory(path, hosts):
    path.write_text(yaml.safe_dump({'all': {'hosts': hosts}}))
    return path


def test_by_default_blockers_fail_the_run_after_the_reports_and_the_table(example_run):
    cwd, run = example_run
    assert run.rc == 2, run
    assert run.stdout.index('3 host(s), 9 trunk(s)') < run.stdout.index('1 trunk(s) with blockers and 0 invalid trunk(s)')
    assert 'trunk_security_fail_on=never only reports' in run.stdout, run
    assert (cwd / 'reports' / 'trunk-security.junit.xml').is_file()
    assert run.recap['med-lon-01']['failed'] == 1, run.recap


@pytest.mark.parametrize('fail_on, rc', [('blockers', 2), ('never', 0), ('invalid', 0)])
def test_fail_on_decides_the_exit_code(run_playbook, repo_root, tmp_path, fail_on, rc):
    run = run_playbook(repo_root / 'playbooks' / 'assess.yml', inventory=repo_root / 'examples' / 'inventory',
                       extra_vars={'trunk_security_fail_on': fail_on, 'trunk_security_report_dir': str(tmp_path / 'r')})
    assert run.rc == rc, run
    assert ('1 trunk(s) with blockers and 0 invalid trunk(s)' in run.stdout) is (rc != 0), run
    assert '3 host(s), 9 trunk(s)' in run.stdout
    assert (tmp_path / 'r' / 'trunk-security.junit.xml').is_file()


def test_an_unknown_fail_on_is_refused(run_playbook, repo_root, tmp_path):
    run = run_playbook(repo_root / 'playbooks' / 'assess.yml', inventory=repo_root / 'examples' / 'inventory',
                       extra_vars={'trunk_security_fail_on': 'sometimes', 'trunk_security_report_dir': str(tmp_path / 'r')})
    assert run.rc == 2, run
    assert 'trunk_security_fail_on is "sometimes": use blockers (the default), invalid or never' in run.stdout, run


def test_check_mode_still_writes_the_reports(run_playbook, repo_root, tmp_path):
    run = run_playbook(repo_root / 'playbooks' / 'assess.yml', '--check', inventory=repo_root / 'examples' / 'inventory',
                       extra_vars={'trunk_security_report_dir': str(tmp_path / 'r')})
    assert run.rc == 2, run  # the example's blocker fails the check run too
    assert json.loads((tmp_path / 'r' / 'trunk-security.json').read_text())['summary']['trunks'] == 9


def test_invalid_trunk_and_host_without_trunks_are_reported(run_playbook, repo_root, tmp_path):
    inventory = write_inventory(tmp_path / 'inv.yml', {
        'good': {'sip_trunks': [{'name': 'a', 'connection': 'public', 'provider': {'tls': True, 'srtp': True}}]},
        'bad': {'sip_trunks': [
            {'name': 'b1', 'connection': 'private', 'mediation_subnet': {'audience': 'authorized_it'}},
            {'name': 'b2', 'connection': 'vpn', 'mediation_subnet': {'cidr': '10.0.0.0/33'}},
        ]},
        'empty': {},
    })
    run = run_playbook(repo_root / 'playbooks' / 'assess.yml', inventory=inventory,
                       extra_vars={'trunk_security_report_dir': str(tmp_path / 'r'), 'trunk_security_fail_on': 'invalid'})
    assert run.rc == 2, run
    report = json.loads((tmp_path / 'r' / 'trunk-security.json').read_text())
    assert report['summary']['invalid'] == 1
    b2 = report['hosts']['bad']['trunks'][1]
    assert b2['valid'] is False
    assert {p['field'] for p in b2['problems']} == {'vpn', 'mediation_subnet.cidr'}
    assert report['hosts']['bad']['trunks'][0]['decision'] == 'optional'
    assert 'empty' in report['skipped']
    assert 'bad   b2     ?           invalid   -         -         INVALID: mediation_subnet.cidr; vpn' in run.stdout, run
    assert 'not assessed: empty (no trunks: neither sip_trunks nor trunk_security_source is set)' in run.stdout
    junit = ET.parse(str(tmp_path / 'r' / 'trunk-security.junit.xml')).getroot()
    assert [c.get('name') for c in junit.iter('testcase') if c.find('failure') is not None] == ['b2']


def test_trunk_security_hosts_limits_the_assessment(run_playbook, repo_root, tmp_path):
    run = run_playbook(repo_root / 'playbooks' / 'assess.yml', inventory=repo_root / 'examples' / 'inventory',
                       extra_vars={'trunk_security_report_dir': str(tmp_path / 'r'), 'trunk_security_hosts': 'med-par-01'})
    assert run.rc == 0, run
    report = json.loads((tmp_path / 'r' / 'trunk-security.json').read_text())
    assert list(report['hosts']) == ['med-par-01']


def test_reports_are_rewritten_only_when_they_change(run_playbook, repo_root, tmp_path):
    args = dict(inventory=repo_root / 'examples' / 'inventory',
                extra_vars={'trunk_security_report_dir': str(tmp_path / 'r'), 'trunk_security_fail_on': 'never'})
    first = run_playbook(repo_root / 'playbooks' / 'assess.yml', **args)
    assert first.rc == 0, first
    written = (tmp_path / 'r' / 'trunk-security.json').stat().st_mtime_ns
    second = run_playbook(repo_root / 'playbooks' / 'assess.yml', **args)
    assert second.rc == 0, second
    assert all(host['changed'] == 0 for host in second.recap.values()), second
    assert (tmp_path / 'r' / 'trunk-security.json').stat().st_mtime_ns == written


def test_enforce_refuses_a_host_whose_trunks_have_blockers(run_playbook, repo_root):
    run = run_playbook(repo_root / 'playbooks' / 'enforce.yml', '--check', '--limit', 'med-lon-01',
                       inventory=repo_root / 'examples' / 'inventory')
    assert run.rc == 2, run
    assert "trunk 'lon-public-nosrtp': SRTP is required but the provider" in run.stdout, run
    assert 'mediation_gateway' not in run.stdout, run  # the role never started
