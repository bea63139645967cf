# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/audit_report.yml and the audit_report module on the example inventory: check mode, idempotence, sources."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playbook_runner import ansible_bin

FIXTURES = Path(__file__).resolve().parents[1] / 'browser' / 'fixtures'
NAMES = ('trunk-audit.html', 'trunk-audit.json', 'trunk-audit.junit.xml')


@pytest.fixture(scope='module')
def assessed(repo_root, tmp_path_factory, ansible_env):
    """A reports directory holding the example inventory's assessment (one assess.yml run)."""
    from playbook_runner import run_playbook
    cwd = tmp_path_factory.mktemp('audit')
    run = run_playbook(ansible_env, repo_root / 'playbooks' / 'assess.yml', inventory=repo_root / 'examples' / 'inventory',
                       cwd=cwd, timeout=300, extra_vars={'trunk_security_fail_on': 'never'})
    assert run.rc == 0, run
    return cwd / 'reports'


def audit(run_playbook, repo_root, reports, *args):
    return run_playbook(repo_root / 'playbooks' / 'audit_report.yml', *args, inventory=repo_root / 'examples' / 'inventory',
                        extra_vars={'trunk_security_report_dir': str(reports)})


def test_a_run_writes_then_a_rerun_changes_nothing(run_playbook, repo_root, assessed, tmp_path):
    reports = tmp_path / 'reports'
    shutil.copytree(assessed, reports)
    first = audit(run_playbook, repo_root, reports)
    assert first.rc == 0, first
    assert first.recap['med-lon-01']['changed'] == 1, first
    assert '9 trunk(s): 8 compliant, 0 drifted, 1 blocked, 0 failing live checks' in first.stdout, first
    assert 'drift: not run; live checks: not run' in first.stdout, first
    written = dict((name, (reports / name).read_bytes()) for name in NAMES)
    doc = json.loads(written['trunk-audit.json'])
    assert doc['sources']['trunks']['hosts'] == ['med-lon-01', 'med-nyc-01', 'med-par-01']  # the JMESPath host too
    assert all(t['path']['complete'] for h in doc['hosts'].values() for t in h['trunks'])

    # like assess.yml, the playbook writes its reports under --check too
    again = audit(run_playbook, repo_root, reports, '--check')
    assert again.rc == 0 and again.recap['med-lon-01']['changed'] == 0, again
    assert dict((name, (reports / name).read_bytes()) for name in NAMES) == written  # the timestamp included


def test_module_check_mode_writes_nothing(ansible_env, assessed, tmp_path):
    args = {'assessment_file': str(assessed / 'trunk-security.json'), 'dest_dir': str(tmp_path / 'out')}
    done = adhoc(ansible_env, tmp_path, args, '--check')
    assert done.returncode == 0 and '"changed": true' in done.stdout, done.stdout
    assert not (tmp_path / 'out').exists()
    done = adhoc(ansible_env, tmp_path, args)
    assert done.returncode == 0 and '"changed": true' in done.stdout, done.stdout
    assert sorted(p.name for p in (tmp_path / 'out').iterdir()) == sorted(NAMES)
    for check in ([], ['--check']):
        done = adhoc(ansible_env, tmp_path, args, *check)
        assert done.returncode == 0 and '"changed": false' in done.stdout, done.stdout


def test_drift_and_verify_are_used_when_present(run_playbook, repo_root, assessed, tmp_path):
    reports = tmp_path / 'reports'
    shutil.copytree(assessed, reports)
    first = audit(run_playbook, repo_root, reports)
    assert first.rc == 0, first
    generated = json.loads((reports / 'trunk-audit.json').read_text())['generated']
    for name in ('trunk-drift.json', 'trunk-verify.json'):
        shutil.copy(FIXTURES / name, reports / name)
    run = audit(run_playbook, repo_root, reports)
    assert run.rc == 0 and run.recap['med-lon-01']['changed'] == 1, run
    assert '9 trunk(s): 2 compliant, 2 drifted, 1 blocked, 4 failing live checks' in run.stdout, run
    doc = json.loads((reports / 'trunk-audit.json').read_text())
    assert doc['sources']['drift']['present'] and doc['sources']['verify']['present']
    assert doc['generated'] >= generated
    junit = ET.parse(str(reports / 'trunk-audit.junit.xml')).getroot()
    assert (junit.get('tests'), junit.get('failures')) == ('9', '7')


def adhoc(ansible_env, cwd, args, *options):
    command = [ansible_bin('ansible') or 'ansible', 'localhost', '-c', 'local', '-m', 'voip.trunk_security.audit_report',
               '-a', json.dumps(args)] + list(options)
    return subprocess.run(command, cwd=str(cwd), env=ansible_env, capture_output=True, text=True, timeout=300, check=False)


def test_a_missing_file_given_explicitly_is_an_error(ansible_env, assessed, tmp_path):
    done = adhoc(ansible_env, tmp_path, {'assessment_file': str(assessed / 'trunk-security.json'),
                                         'drift_file': str(tmp_path / 'nowhere.json'), 'dest_dir': str(tmp_path / 'out')})
    assert done.returncode == 2, done.stdout
    assert 'drift_file %s does not exist' % (tmp_path / 'nowhere.json') in done.stdout
    assert not (tmp_path / 'out').exists()
    done = adhoc(ansible_env, tmp_path, {'assessment_file': str(tmp_path / 'none.json'), 'dest_dir': str(tmp_path / 'out')})
    assert done.returncode == 2 and 'run playbooks/assess.yml first' in done.stdout, done.stdout


def test_a_file_that_is_not_json_is_named(ansible_env, assessed, tmp_path):
    (tmp_path / 'verify.json').write_text('{not json')
    done = adhoc(ansible_env, tmp_path, {'assessment_file': str(assessed / 'trunk-security.json'),
                                         'verify_file': str(tmp_path / 'verify.json'), 'dest_dir': str(tmp_path / 'out')})
    assert done.returncode == 2 and 'verify.json is not valid JSON' in done.stdout, done.stdout
