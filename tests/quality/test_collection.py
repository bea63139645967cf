# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as a whole: ansible-test sanity, ansible-lint, changelog, docs, build and install."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail('%s is not installed: run the tests through ./run test' % name)
    return found


def run(command, cwd, env=None, timeout=1200):
    done = subprocess.run([str(c) for c in command], cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done.returncode, done.stdout + done.stderr


def project_files() -> list[str]:
    """The files that make the collection: tracked plus new, not ignored."""
    out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=str(REPO), capture_output=True,
                         check=True).stdout.decode()
    return [name for name in out.split('\0') if name and (REPO / name).is_file()]


@pytest.fixture(scope='module')
def collection_copy(tmp_path_factory) -> Path:
    """A copy of the collection at .../ansible_collections/voip/trunk_security, as ansible-test wants it."""
    target = tmp_path_factory.mktemp('sanity') / 'ansible_collections' / 'voip' / 'trunk_security'
    for name in project_files():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination)
    return target


def seed_pip_bootstrap():
    """ansible-test downloads get-pip.py from a site CI cannot reach: give it the offline stand-in."""
    import ansible_test
    source = (Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
    version = re.search(r"pip='([0-9.]+)'", source).group(1)
    cache = Path.home() / '.ansible' / 'test' / 'cache'
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / '.ci' / 'get_pip_offline.py', cache / ('get_pip_%s.py' % version.replace('.', '_')))


def test_sanity_passes_with_no_ignore_file(collection_copy):
    assert not list((REPO / 'tests').glob('sanity/ignore-*.txt')), 'sanity ignore files are not allowed'
    seed_pip_bootstrap()
    python = '%d.%d' % sys.version_info[:2]
    code, out = run([tool('ansible-test'), 'sanity', '--python', python, '--requirements', '--color', 'no'],
                    cwd=collection_copy)
    assert code == 0, out[-8000:]
    assert 'ERROR' not in out, out[-8000:]


def test_ansible_lint_production_profile(collections_dir):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_dir), NO_COLOR='1')
    code, out = run([tool('ansible-lint'), '--profile', 'production', '--offline', '--nocolor'], cwd=REPO, env=env)
    assert code == 0, out[-8000:]
    assert 'Passed' in out, out[-4000:]


def test_changelog_fragments_lint():
    code, out = run([tool('antsibull-changelog'), 'lint'], cwd=REPO)
    assert code == 0 and not out.strip(), out


def test_changelog_is_released_for_the_galaxy_version_and_generated(tmp_path):
    """galaxy.yml's version is released in changelogs/changelog.yaml (or is the next one, with
    fragments waiting for it), and CHANGELOG.rst is exactly what antsibull-changelog generates."""
    version = yaml.safe_load((REPO / 'galaxy.yml').read_text())['version']
    releases = yaml.safe_load((REPO / 'changelogs' / 'changelog.yaml').read_text())['releases'] or {}
    fragments = sorted(p.name for p in (REPO / 'changelogs' / 'fragments').glob('*.yml'))

    def key(text):
        return tuple(int(part) for part in text.split('.'))
    if version in releases:
        assert not fragments, 'fragments %s wait for the release after %s: raise galaxy.yml\'s version' % (fragments, version)
    else:
        assert fragments and all(key(v) < key(version) for v in releases), (
            'galaxy.yml says %s, unreleased: it needs fragments and must be above %s' % (version, sorted(releases)))
    copy = tmp_path / 'copy'
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns('.git', '.venv', 'tests', 'reports', '*.tar.gz'))
    code, out = run([tool('antsibull-changelog'), 'generate'], cwd=copy)
    assert code == 0, out
    assert (copy / 'CHANGELOG.rst').read_text() == (REPO / 'CHANGELOG.rst').read_text(), (
        'CHANGELOG.rst is not what antsibull-changelog generate writes')


def test_collection_docs_lint(collections_dir):
    """antsibull-docs, which builds the collection's documentation site, finds no broken markup or
    reference (a role is P(fqcn#role), never M()) and accepts docs/docsite/links.yml."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_dir), PATH='%s:%s' % (BIN, os.environ.get('PATH', '')))
    code, out = run([tool('antsibull-docs'), 'lint-collection-docs', '--plugin-docs',
                     collections_dir / 'ansible_collections' / 'voip' / 'trunk_security'], cwd=REPO, env=env)
    assert code == 0 and not out.strip(), out[-8000:]


@pytest.mark.parametrize('kind, name, expected', [
    ('filter', 'voip.trunk_security.tls_srtp_policy', 'Applies the trunk security policy'),
    ('filter', 'voip.trunk_security.trunk_report', 'returns one report with per-host results'),
    ('filter', 'voip.trunk_security.trunk_report_junit', 'JUnit XML'),
    ('filter', 'voip.trunk_security.trunk_report_table', 'One line per trunk'),
    ('module', 'voip.trunk_security.trunk_policy', 'fail_on'),
    ('module', 'voip.trunk_security.trunk_report', 'JUnit XML report with one test case per trunk'),
    ('filter', 'voip.trunk_security.gateway_settings', 'the settings the gateway side facing it must have'),
    ('module', 'voip.trunk_security.sip_tls_probe', 'as sslscan counts it'),
    ('filter', 'voip.trunk_security.verify_plan', 'the probes that show whether the gateway side really is'),
    ('filter', 'voip.trunk_security.verify_findings', 'The ids are stable'),
    ('module', 'voip.trunk_security.audit_report', 'self-contained'),
    ('module', 'voip.trunk_security.merge_reports', 'identical to that run'),
    ('filter', 'voip.trunk_security.mediation_server_desired', 'Mediation Server'),
    ('filter', 'voip.trunk_security.mediation_server_plan', 'Mediation Server'),
    ('module', 'voip.trunk_security.role_inputs', 'IP literals, host names per RFC 1123'),
    ('module', 'voip.trunk_security.sbc_drift', 'It sends nothing to the device and changes nothing'),
    ('filter', 'voip.trunk_security.sbc_desired', 'nothing is rendered weaker'),
    ('filter', 'voip.trunk_security.sbc_drift', 'the exact lines that would put it right'),
    ('filter', 'voip.trunk_security.audiocodes_quote', 'no value can add a row, a column, a table or a command'),
    ('filter', 'voip.trunk_security.ios_quote', 'IOS'),
])
def test_ansible_doc_shows_each_plugin(collections_dir, kind, name, expected):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_dir), ANSIBLE_NOCOLOR='1', PAGER='cat')
    code, out = run([tool('ansible-doc'), '-t', kind, name], cwd=REPO, env=env)
    assert code == 0, out
    assert expected in ' '.join(out.split())
    code, out = run([tool('ansible-doc'), '-t', kind, '--json', name], cwd=REPO, env=env)
    assert code == 0, out
    doc = json.loads(out)[name]
    assert doc['doc'] and doc['examples'] and doc['return'], 'DOCUMENTATION, EXAMPLES and RETURN are all needed'


def test_ansible_doc_shows_the_drift_callback(collections_dir):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_dir), ANSIBLE_NOCOLOR='1', PAGER='cat')
    code, out = run([tool('ansible-doc'), '-t', 'callback', 'voip.trunk_security.trunk_drift'], cwd=REPO, env=env)
    assert code == 0, out
    assert 'TRUNK_SECURITY_DRIFT_FILE' in out


def test_built_artifact_installs_and_runs_assess(tmp_path):
    code, out = run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', tmp_path / 'dist', REPO], cwd=tmp_path)
    assert code == 0, out
    artifact, = (tmp_path / 'dist').glob('voip-trunk_security-*.tar.gz')
    # a path of its own only: an ANSIBLE_COLLECTIONS_PATH holding the checkout would make
    # ansible-galaxy skip the install as already done
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'installed'), ANSIBLE_NOCOLOR='1')
    code, out = run([tool('ansible-galaxy'), 'collection', 'install', '--no-deps', '-p', tmp_path / 'installed',
                     artifact], cwd=tmp_path, env=env)
    assert code == 0, out
    installed = tmp_path / 'installed' / 'ansible_collections' / 'voip' / 'trunk_security'
    assert (installed / 'playbooks' / 'assess.yml').is_file()
    assert not (installed / 'tests' / 'output').exists() and not (installed / '.ci').exists()

    code, out = run([tool('ansible-playbook'), '-i', REPO / 'examples' / 'inventory', 'voip.trunk_security.assess',
                     '-e', 'trunk_security_report_dir=%s' % (tmp_path / 'reports')], cwd=tmp_path, env=env)
    # the example's blocked trunk fails the run, after the reports
    assert code == 2 and '1 trunk(s) with blockers and 0 invalid trunk(s)' in out, out[-6000:]
    report = json.loads((tmp_path / 'reports' / 'trunk-security.json').read_text())
    assert report['summary']['trunks'] == 9
    assert (tmp_path / 'reports' / 'trunk-security.junit.xml').is_file()
