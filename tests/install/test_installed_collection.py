# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""assess, enforce --check, verify and the audit report from the installed collection, with ansible-core and the
declared dependencies only (see conftest.py for how it is installed)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

import jobs

# two Kamailio gateways on this machine (local connection), each its own instance and
# directories: check mode from this fresh state must write nothing and start nothing
GATEWAYS = ('gw-install-1', 'gw-install-2')


def gateway_inventory(root):
    hosts = {}
    for number, host in enumerate(GATEWAYS, start=1):
        state = root / 'state' / host
        base = '127.0.%d.' % (60 + number)
        hosts[host] = {
            'ansible_connection': 'local',
            'mediation_gateway_instance': 'install-%d' % number,
            'mediation_gateway_config_dir': str(state / 'etc'),
            'mediation_gateway_run_dir': str(state / 'run'),
            'mediation_gateway_install_packages': False,
            'mediation_gateway_service_manager': 'supervisor',
            'mediation_gateway_certificate_source': 'lab',
            'mediation_gateway_lab_ca_dir': str(state / 'lab-ca'),
            'mediation_gateway_certificate_names': ['gw%d.lab.test' % number, base + '1'],
            'mediation_gateway_internal_listen': {'address': base + '2', 'port': 5070, 'transport': 'tcp'},
            'mediation_gateway_internal_next_hop': {'address': base + '3', 'port': 5062, 'transport': 'tcp'},
            'sip_trunks': [
                {'name': 'public-%d' % number, 'connection': 'public',
                 'provider': {'name': 'Provider', 'tls': True, 'srtp': True, 'address': base + '4', 'port': 5061,
                              'server_name': 'provider.lab.test'},
                 'mediation_subnet': {'cidr': '10.99.0.0/28', 'audience': 'authorized_it'},
                 'gateway': {'address': base + '1', 'tls_port': 5067}},
                {'name': 'mpls-%d' % number, 'connection': 'private', 'opportunistic': False,
                 'provider': {'name': 'Provider', 'tls': True, 'srtp': True, 'address': base + '5'},
                 'mediation_subnet': {'cidr': '10.99.0.16/28', 'audience': 'authorized_it'},
                 'gateway': {'address': base + '1', 'tcp_port': 5068}},
            ],
        }
    path = root / 'gateways.yml'
    path.write_text(yaml.safe_dump({'all': {'hosts': hosts}}))
    return path


@pytest.fixture(scope='module')
def gateways(installed):
    return gateway_inventory(installed.root)


def test_ansible_core_is_the_jobs_version(installed):
    done = installed.run(installed.bin('ansible'), '--version')
    version = re.search(r'core ([0-9.]+)', done.stdout).group(1)
    if installed.job == 'oldest':
        assert version == jobs.declared_ansible_core()
    else:
        assert version.split('.')[:2] >= ['2', '19'], version
    done = installed.run(installed.bin('python'), '-m', 'pip', 'list', '--format', 'json')
    packages = dict((p['name'].lower(), p['version']) for p in json.loads(done.stdout))
    assert 'ansible' not in packages, 'the ansible package must not be installed: only ansible-core'
    if installed.job == 'oldest':
        assert packages['jmespath'] == jobs.declared_python('jmespath')


def test_the_artifact_and_its_dependencies_are_what_ansible_finds(installed, collection_list):
    # one voip.trunk_security, the installed one: never the checkout
    version = yaml.safe_load((jobs.REPO / 'galaxy.yml').read_text())['version']
    assert collection_list['voip.trunk_security'] == [
        {'version': version, 'path': str(installed.collections / 'ansible_collections')}]
    assert not installed.collection.is_symlink() and (installed.collection / 'MANIFEST.json').is_file()
    expected = jobs.expected_collections(installed.job)
    for name, bound in jobs.declared_collections().items():
        entries = collection_list[name]
        assert len(entries) == 1, entries
        version = entries[0]['version']
        if expected is not None:
            assert version == expected[name], (name, version)
        else:
            assert tuple(map(int, version.split('.'))) >= tuple(map(int, bound.split('.'))), (name, version, bound)
    print('\n%s job: %s' % (installed.job, ', '.join('%s %s' % (n, e[0]['version']) for n, e in sorted(collection_list.items()))))


def test_assess_runs_from_the_installed_collection(installed):
    inventory = installed.collection / 'examples' / 'inventory'
    reports = installed.root / 'reports-assess'
    done = installed.run(installed.bin('ansible-playbook'), '-i', inventory, 'voip.trunk_security.assess',
                         '-e', 'trunk_security_report_dir=%s' % reports, check=False)
    # the example inventory has a blocker: the gate fails after writing the reports
    assert done.returncode == 2, done.stdout[-4000:]
    assert '3 host(s), 9 trunk(s): 5 required, 4 optional, 1 with blockers, 0 invalid' in done.stdout
    report = json.loads((reports / 'trunk-security.json').read_text())
    assert report['summary']['trunks'] == 9 and report['summary']['blockers'] == 1
    assert (reports / 'trunk-security.junit.xml').read_text().count('<testcase ') == 9


def test_enforce_check_runs_from_the_installed_collection_and_changes_nothing(installed, gateways):
    drift = installed.root / 'reports-enforce' / 'trunk-drift.json'
    drift.parent.mkdir()
    done = installed.run(installed.bin('ansible-playbook'), '-i', gateways, 'voip.trunk_security.enforce',
                         '--check', '--diff', check=False,
                         env={'ANSIBLE_CALLBACKS_ENABLED': 'voip.trunk_security.trunk_drift',
                              'TRUNK_SECURITY_DRIFT_FILE': str(drift)})
    assert done.returncode == 0, done.stdout[-6000:]
    for host in GATEWAYS:
        assert re.search(r'^%s\s+: ok=\d+\s+changed=[1-9]\d*\s+unreachable=0\s+failed=0' % host, done.stdout, re.M), host
    # check mode from a fresh state: nothing was written on the "gateways"
    assert not (installed.root / 'state').exists()
    recorded = json.loads(drift.read_text())
    text = json.dumps(recorded)
    for host in GATEWAYS:
        assert host in text
    assert 'kamailio.cfg' in text


def test_verify_runs_from_the_installed_collection(installed, gateways):
    reports = installed.root / 'reports-verify'
    done = installed.run(installed.bin('ansible-playbook'), '-i', gateways, 'voip.trunk_security.verify',
                         '-e', 'trunk_security_report_dir=%s' % reports, check=False)
    assert done.returncode == 0, done.stdout[-6000:]
    verify = json.loads((reports / 'trunk-verify.json').read_text())
    # nothing listens on the gateways' addresses: every trunk is probed, and found failing
    found = dict(((host, trunk), sorted(f['id'] for f in entry['findings']))
                 for host, data in verify['hosts'].items() for trunk, entry in data['trunks'].items())
    assert found == {
        ('gw-install-1', 'public-1'): ['tls-not-offered'], ('gw-install-1', 'mpls-1'): ['listener-down'],
        ('gw-install-2', 'public-2'): ['tls-not-offered'], ('gw-install-2', 'mpls-2'): ['listener-down'],
    }, found


def test_the_audit_report_renders_from_the_installed_collection(installed):
    """The page's templates, style and script ship in the artifact and are found from it."""
    inventory = installed.collection / 'examples' / 'inventory'
    reports = installed.root / 'reports-audit'
    done = installed.run(installed.bin('ansible-playbook'), '-i', inventory, 'voip.trunk_security.assess',
                         '-e', 'trunk_security_report_dir=%s' % reports, '-e', 'trunk_security_fail_on=never', check=False)
    assert done.returncode == 0, done.stdout[-4000:]
    for name in ('trunk-drift.json', 'trunk-verify.json'):
        (reports / name).write_bytes((installed.collection / 'examples' / 'evidence' / name).read_bytes())
    done = installed.run(installed.bin('ansible-playbook'), '-i', inventory, 'voip.trunk_security.audit_report',
                         '-e', 'trunk_security_report_dir=%s' % reports, check=False)
    assert done.returncode == 0, done.stdout[-4000:]
    page = (reports / 'trunk-audit.html').read_text()
    assert page.count('<details class="trunk"') == 9
    assert "Content-Security-Policy\" content=\"default-src 'none'" in page and '<script>' in page
    assert 'stopped by the blocker of trunk lon-public-nosrtp' in page
    audit = json.loads((reports / 'trunk-audit.json').read_text())
    assert audit['summary']['trunks'] == 9 and audit['summary']['hosts_stopped_by_blockers'] == 1
