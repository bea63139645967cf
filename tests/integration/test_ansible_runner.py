# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The playbooks run the way AWX / Automation Platform runs them: ``ansible-runner run``.

Each job gets a private data dir of its own, laid out as AWX lays it out on an execution node:
``project/`` (a playbook that imports the collection's), ``inventory/hosts`` (an executable
script printing the inventory as JSON, as AWX writes it), ``env/extravars`` (the job
template's and the survey's variables), ``env/envvars`` (``ANSIBLE_COLLECTIONS_PATH`` as AWX
sets it, and the drift callback) and ``env/settings``. The collection comes from a build of
the checkout installed with ``ansible-galaxy collection install -r collections/requirements.yml``,
into ``project/collections`` (found next to the playbook) or into the job's
``requirements_collections`` (where AWX's project sync installs it); ``ANSIBLE_COLLECTIONS_PATH``
never names the checkout. The assertions read what AWX reads: the job events of
``artifacts/<ident>/job_events``, and the artifact's ``rc`` and ``status``.

One inventory serves every job template, examples/inventory (three Mediation Servers) and
the Kamailio gateways of tests/integration/runner/gateways.yml; enforce and verify run with
the limit ``gateways``, whose every address is on loopback.
"""

from __future__ import annotations

import datetime
import json
import os
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jmespath
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID

from playbook_runner import ansible_bin
from sip_tls_server import SipTlsServer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / 'runner'
EXAMPLES = REPO / 'examples' / 'inventory'

ASSESS_TASK = "Assess the host's trunks"
ENFORCE_ASSESS_TASK = "Assess the host's trunks; blockers stop the run unless explicitly allowed"
REPORT_TASK = 'Write the reports on the controller'
PROBE_TASK = "Probe each trunk's listener (and provider)"
TLS_ADDRESS = '127.0.0.71'
TLS_NAME = 'gw-a.runner.test'
GATEWAYS = ('gw-runner-a', 'gw-runner-b')


# --------------------------------------------------------------------------- the inventory

def load_inventory(state_dir: Path, tls_port: int) -> dict:
    """Group -> {hosts: {HOST: hostvars}, vars}: examples/inventory and the gateways fixture."""
    examples = yaml.safe_load((EXAMPLES / 'hosts.yml').read_text())
    groups = {}
    for name, group in examples.items():
        groups[name] = {'hosts': {host: yaml.safe_load((EXAMPLES / 'host_vars' / ('%s.yml' % host)).read_text())
                                  for host in group['hosts']}, 'vars': {}}
    for name, group in yaml.safe_load((FIXTURES / 'gateways.yml').read_text()).items():
        groups[name] = {'hosts': group['hosts'],
                        'vars': dict(group.get('vars') or {}, runner_state_dir=str(state_dir), runner_tls_port=tls_port)}
    return groups


def awx_inventory_script(groups: dict) -> str:
    """The inventory as AWX writes it into a job's private data dir (inventory/hosts, mode 0700):
    a script that prints the whole inventory, every host's variables under _meta.hostvars."""
    data = {'all': {'children': sorted(groups) + ['ungrouped']}, 'ungrouped': {'hosts': []}, '_meta': {'hostvars': {}}}
    for name, group in groups.items():
        data[name] = {'hosts': sorted(group['hosts']), 'vars': group['vars']}
        data['_meta']['hostvars'].update(group['hosts'])
    return '#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n' % json.dumps(data)


def trunks_of(hostvars: dict) -> list:
    """A host's trunks as the assessment reads them: sip_trunks, or trunk_security_query over the
    variable trunk_security_source names."""
    if 'sip_trunks' in hostvars:
        return hostvars['sip_trunks']
    source = hostvars[hostvars['trunk_security_source'].strip('{} ')]
    return jmespath.search(hostvars['trunk_security_query'], source)


# --------------------------------------------------------------------------- a TLS listener

class TLSListener:
    """The listener of gw-runner-a's public trunk: TLS 1.2+, ECDHE AEAD suites, a P-256 certificate
    naming TLS_NAME (its own trust anchor), answering SIP OPTIONS with 200."""

    def __init__(self, directory: Path):
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, TLS_NAME)])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(71).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=300))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(TLS_NAME)]), critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        self.cert = directory / 'listener.pem'
        keyfile = directory / 'listener.key'
        self.cert.write_bytes(cert.public_bytes(Encoding.PEM))
        keyfile.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.context.set_ciphers('ECDHE+AESGCM:ECDHE+CHACHA20')
        self.context.load_cert_chain(str(self.cert), str(keyfile))
        self.server = SipTlsServer(self.context, TLS_ADDRESS)
        self.port = self.server.port

    @property
    def connections(self):
        return self.server.connections

    def close(self):
        self.server.close()


# --------------------------------------------------------------------------- jobs

@dataclass(repr=False)
class Job:
    private_data_dir: Path
    ident: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def artifacts(self) -> Path:
        return self.private_data_dir / 'artifacts' / self.ident

    @property
    def rc(self) -> int:
        return int((self.artifacts / 'rc').read_text())

    @property
    def status(self) -> str:
        return (self.artifacts / 'status').read_text()

    @property
    def events(self) -> list:
        events = [json.loads(path.read_text()) for path in (self.artifacts / 'job_events').glob('*.json')]
        # what the job printed outside Ansible's callbacks (a Python warning at start-up, say) comes as 'verbose'
        # events without event_data, in AWX as here: the assertions are on the playbook's own events
        return sorted((event for event in events if 'event_data' in event), key=lambda event: event['counter'])

    def task_events(self, task: str, *kinds: str) -> list:
        return [e for e in self.events if e['event_data'].get('task') == task and (not kinds or e['event'] in kinds)]

    def host_results(self, task: str) -> dict:
        """Host -> the kinds of its final events for that task (one per host when all is well)."""
        out = {}
        for e in self.task_events(task, 'runner_on_ok', 'runner_on_failed', 'runner_on_skipped', 'runner_on_unreachable'):
            out.setdefault(e['event_data']['host'], []).append(e['event'])
        return out

    @property
    def stats(self) -> dict:
        (stats,) = [e for e in self.events if e['event'] == 'playbook_on_stats']
        return stats['event_data']

    def __repr__(self) -> str:
        failed = [e['event_data'].get('task', '') + ': ' + json.dumps(e['event_data'].get('res', {}).get('msg'))[:800]
                  for e in self.events if e['event'] == 'runner_on_failed']
        stdout = self.artifacts / 'stdout'
        return 'job %s rc=%d %s\n--- stdout\n%s\n--- stderr\n%s' % (
            self.ident, self.returncode, ' | '.join(failed), stdout.read_text()[-5000:] if stdout.exists() else self.stdout,
            self.stderr[-3000:])


class Jobs:
    """Private data dirs built as AWX builds them, and ansible-runner run on each."""

    def __init__(self, base: Path, inventory: dict, tarball: Path, env: dict):
        self.base, self.inventory, self.tarball, self.env = base, inventory, tarball, env
        self.job_id = 100

    def run(self, template, playbook, extravars, cmdline=None, collections='project', envvars=None) -> Job:
        """Run one job of the job template ``template``; as AWX does, the job's id is its ident
        (artifacts/<id>) and names its private data dir, and AWX's own variables join the extra vars."""
        self.job_id += 1
        ident = str(self.job_id)
        pdd = self.base / ('awx_%s_%s' % (ident, playbook))
        extravars = dict(extravars, awx_job_id=self.job_id, awx_job_template_name=template)
        project = pdd / 'project'
        for sub in ('project/collections', 'inventory', 'env'):
            (pdd / sub).mkdir(parents=True)
        # the project checkout: a playbook per job template, and the requirements AWX's project sync installs
        (project / ('%s.yml' % playbook)).write_text('---\n- ansible.builtin.import_playbook: voip.trunk_security.%s\n'
                                                     % playbook)
        requirements = project / 'collections' / 'requirements.yml'
        requirements.write_text(yaml.safe_dump({'collections': [{'name': str(self.tarball), 'type': 'file'}]}))
        dest = project / 'collections' if collections == 'project' else pdd / 'requirements_collections'
        # the dependencies (community.general, community.crypto, ansible.windows) come with the
        # ansible package here, as they come with the execution environment under AWX
        subprocess.run([ansible_bin('ansible-galaxy'), 'collection', 'install', '-r', str(requirements), '-p', str(dest),
                        '--no-deps', '--offline'], env=self.env, check=True, capture_output=True, text=True, timeout=60)
        script = pdd / 'inventory' / 'hosts'
        script.write_text(awx_inventory_script(self.inventory))
        script.chmod(0o700)
        (pdd / 'env' / 'extravars').write_text(yaml.safe_dump(extravars))
        # what AWX's RunJob.build_env sets: its requirements_collections first, then the defaults
        (pdd / 'env' / 'envvars').write_text(yaml.safe_dump(dict({
            'ANSIBLE_COLLECTIONS_PATH': ':'.join([str(pdd / 'requirements_collections'), '~/.ansible/collections',
                                                  '/usr/share/ansible/collections']),
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
        }, **(envvars or {}))))
        (pdd / 'env' / 'settings').write_text(yaml.safe_dump({'suppress_ansible_output': True, 'job_timeout': 120}))
        command = [ansible_bin('ansible-runner'), 'run', str(pdd), '-p', '%s.yml' % playbook, '--ident', ident]
        if cmdline:
            command += ['--cmdline', cmdline]
        started = time.monotonic()
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=150, check=False)
        return Job(pdd, ident, done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@pytest.fixture(scope='module')
def runner_jobs(tmp_path_factory):
    """assess, enforce --check --diff, verify and audit_report, one after the other, as job templates
    sharing one inventory and one persistent report directory."""
    if ansible_bin('ansible-runner') is None:
        pytest.skip('ansible-runner is not installed (tests/requirements.txt)')
    base = tmp_path_factory.mktemp('awx')
    state, reports = base / 'state', base / 'reports'
    state.mkdir()
    env = dict(os.environ)
    # the checkout must not be on the collections path: the jobs find the collection as AWX does, or not at all
    for name in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG', 'ANSIBLE_CALLBACKS_ENABLED'):
        env.pop(name, None)
    env.update(PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get('PATH', '')]),
               ANSIBLE_HOME=str(base / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(base / 'ansible-local'),
               ANSIBLE_REMOTE_TEMP=str(base / 'ansible-remote'), ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='0')
    # the collection as a release ships it, which a project sync installs
    subprocess.run([ansible_bin('ansible-galaxy'), 'collection', 'build', str(REPO), '--output-path', str(base / 'build')],
                   env=env, capture_output=True, text=True, timeout=60, check=True)
    tarball = next((base / 'build').glob('voip-trunk_security-*.tar.gz'))
    listener = TLSListener(base)
    inventory = load_inventory(state, listener.port)
    jobs = Jobs(base, inventory, tarball, env)
    reports_dir = {'trunk_security_report_dir': str(reports)}
    try:
        done = {
            'assess': jobs.run('trunk security: assess', 'assess', dict(reports_dir, trunk_security_fail_on='never')),
            # the job type "Check" and "Show changes" of a job template: --check --diff; its limit: gateways
            'enforce': jobs.run('trunk security: audit', 'enforce', reports_dir, cmdline='--check --diff --limit gateways',
                                envvars={'ANSIBLE_CALLBACKS_ENABLED': 'voip.trunk_security.trunk_drift',
                                         'TRUNK_SECURITY_DRIFT_FILE': str(reports / 'trunk-drift.json')}),
            'verify': jobs.run('trunk security: verify', 'verify',
                               dict(reports_dir, trunk_security_verify_ca_path=str(listener.cert)),
                               cmdline='--limit gateways', collections='requirements'),
            'audit': jobs.run('trunk security: report', 'audit_report', reports_dir),
        }
    finally:
        listener.close()
    return {'jobs': done, 'inventory': inventory, 'state': state, 'reports': reports,
            'listener_connections': listener.connections}


# --------------------------------------------------------------------------- the tests

def all_hosts(inventory):
    return {host: hostvars for group in inventory.values() for host, hostvars in group['hosts'].items()}


def test_each_job_finds_the_collection_where_awx_installs_it_and_never_the_checkout(runner_jobs):
    for name in ('assess', 'enforce', 'verify', 'audit'):
        job = runner_jobs['jobs'][name]
        where = (job.private_data_dir / ('requirements_collections' if name == 'verify' else 'project/collections')
                 / 'ansible_collections' / 'voip' / 'trunk_security')
        assert (where / 'MANIFEST.json').is_file(), 'installed from the build, as a project sync installs it'
        command = json.loads((job.artifacts / 'command').read_text())
        assert command['cwd'] == str(job.private_data_dir / 'project')
        assert str(REPO) not in command['env']['ANSIBLE_COLLECTIONS_PATH']
        task_paths = {e['event_data']['task_path'].rsplit(':', 1)[0] for e in job.events if e['event_data'].get('task_path')}
        assert task_paths, job
        assert all(path.startswith(str(where)) for path in task_paths), (task_paths, job)


def test_assess_job_events_the_report_and_the_stats(runner_jobs):
    job, inventory, reports = runner_jobs['jobs']['assess'], runner_jobs['inventory'], runner_jobs['reports']
    hosts = all_hosts(inventory)
    assert job.returncode == 0 and job.rc == 0 and job.status == 'successful', job
    # exactly one result per host for the assessment: the module reports, it never fails (fail_on: never)
    assert job.host_results(ASSESS_TASK) == {host: ['runner_on_ok'] for host in hosts}, job
    expected_trunks = {host: len(trunks_of(hostvars)) for host, hostvars in hosts.items()}
    for event in job.task_events(ASSESS_TASK, 'runner_on_ok'):
        assert len(event['event_data']['res']['trunks']) == expected_trunks[event['event_data']['host']]

    (report,) = job.task_events(REPORT_TASK, 'runner_on_ok')
    summary = report['event_data']['res']['summary']
    assert summary['hosts'] == len(hosts) == 5
    assert summary['trunks'] == sum(expected_trunks.values()) == 13
    assert summary['blockers'] == 2     # lon-public-nosrtp, runner-b-nosrtp
    assert summary['invalid'] == 1      # runner-b-satellite
    assert summary['required'] + summary['optional'] + summary['invalid'] == summary['trunks']
    assert sorted(report['event_data']['res']['files']) == [str(reports / 'trunk-security.json'),
                                                            str(reports / 'trunk-security.junit.xml')]

    stats = job.stats
    assert stats['failures'] == {} and stats['dark'] == {}
    assert set(stats['processed']) == set(hosts)
    assert stats['changed'] == {report['event_data']['host']: 1}, 'only the report task changes anything'

    written = json.loads((reports / 'trunk-security.json').read_text())
    assert written['summary'] == summary
    assert {host: len(entry['trunks']) for host, entry in written['hosts'].items()} == expected_trunks
    blocked = sorted(t['name'] for entry in written['hosts'].values() for t in entry['trunks'] if t.get('blockers'))
    assert blocked == ['lon-public-nosrtp', 'runner-b-nosrtp']
    assert [t['name'] for t in written['hosts']['gw-runner-b']['trunks'] if not t['valid']] == ['runner-b-satellite']
    assert (reports / 'trunk-security.junit.xml').read_text().count('<testcase') == 13


def test_enforce_check_job_refuses_the_blocked_host_and_records_the_drift_without_writing(runner_jobs):
    job, state, reports = runner_jobs['jobs']['enforce'], runner_jobs['state'], runner_jobs['reports']
    command = json.loads((job.artifacts / 'command').read_text())['command']
    assert command[1:5] == ['--check', '--diff', '--limit', 'gateways'], command
    # a host refused: the job fails, as an AWX job does
    assert job.returncode != 0 and job.rc == 2 and job.status == 'failed', job
    assert job.host_results(ENFORCE_ASSESS_TASK) == {'gw-runner-a': ['runner_on_ok'], 'gw-runner-b': ['runner_on_failed']}
    (refusal,) = job.task_events(ENFORCE_ASSESS_TASK, 'runner_on_failed')
    assert 'runner-b-nosrtp' in refusal['event_data']['res']['msg'], refusal['event_data']['res']
    assert 'runner-b-satellite' in refusal['event_data']['res']['msg'], refusal['event_data']['res']

    stats = job.stats
    assert stats['failures'] == {'gw-runner-b': 1} and stats['dark'] == {}
    assert set(stats['processed']) == set(GATEWAYS)
    assert stats['changed'].get('gw-runner-a', 0) > 0 and 'gw-runner-b' not in stats['changed']

    # check mode from a fresh state: Kamailio is never asked (no validation, no reload) and nothing starts,
    # so the preview needs no kamailio binary on the host; and nothing is written
    for task in ('Validate the candidate before it lands',
                 'Reload the TLS profiles without dropping calls (only tls.cfg changed, or comments of kamailio.cfg)',
                 "Wait for every trunk's listener", 'Start supervisord', 'Load the program into supervisor',
                 'Restart the instance (its configuration changed)', 'Keep it running'):
        assert job.host_results(task) == {'gw-runner-a': ['runner_on_skipped']}, (task, job)
    ran = [e['event_data']['task'] for e in job.events if e['event'] == 'runner_on_ok'
           and e['event_data']['resolved_action'] in ('ansible.builtin.command', 'ansible.builtin.shell')]
    assert ran == [], 'no command ran on the gateway'
    assert not list(state.rglob('*')), "check mode wrote under the gateway's directories"
    # AWX shows a job's diffs from these events
    diffs = job.task_events('Install the configuration (the previous one is kept as a backup)', 'runner_on_file_diff')
    assert len(diffs) == 2

    drift = json.loads((reports / 'trunk-drift.json').read_text())
    assert drift['check_mode'] is True
    assert set(drift['hosts']) == set(GATEWAYS)
    a, b = drift['hosts']['gw-runner-a'], drift['hosts']['gw-runner-b']
    assert a['failures'] == [] and a['unreachable'] is False
    role = 'voip.trunk_security.mediation_gateway : '
    installed = {c['item']: c['diff'] for c in a['changes']
                 if c['task'] == role + 'Install the configuration (the previous one is kept as a backup)'}
    assert set(installed) == {'kamailio.cfg', 'tls.cfg'}, a['changes']
    port = runner_jobs['inventory']['gateways']['vars']['runner_tls_port']
    assert '+listen=tls:%s:%d\n' % (TLS_ADDRESS, port) in installed['kamailio.cfg']
    assert '+listen=tcp:127.0.0.72:5068\n' in installed['kamailio.cfg']
    config_dir = state / 'etc' / 'kamailio' / 'runner-a'
    directories = [c['path'] for c in a['changes'] if c['task'] == role + "Create the instance's directories"]
    assert directories == [str(config_dir), str(config_dir / 'candidate'), str(config_dir / 'tls')]
    tasks = {c['task'].split(' : ', 1)[-1] for c in a['changes']}
    assert {'Render the candidate configuration', 'Say the lab certificates would be created',
            'Create the runtime directory', 'Describe the instance to supervisor'} <= tasks, tasks
    assert not tasks & {'Validate the candidate before it lands', 'Read the installed configuration'}
    assert b['changes'] == [] and b['unreachable'] is False
    assert [f['task'] for f in b['failures']] == [ENFORCE_ASSESS_TASK]
    assert 'runner-b-nosrtp' in b['failures'][0]['message']


def test_verify_job_probes_loopback_only_and_writes_the_findings(runner_jobs):
    job, reports = runner_jobs['jobs']['verify'], runner_jobs['reports']
    assert job.returncode == 0 and job.rc == 0 and job.status == 'successful', job
    assert job.host_results(PROBE_TASK) == {host: ['runner_on_ok'] for host in GATEWAYS}, job
    items = job.task_events(PROBE_TASK, 'runner_item_on_ok')
    addresses = {e['event_data']['res']['probe_target']['address'] for e in items}
    assert addresses == {'127.0.0.71', '127.0.0.72', '127.0.0.74'}, 'one probe per valid trunk, all on loopback'
    assert {e['event_data']['res']['_ansible_delegated_vars']['ansible_host'] for e in items} == {'localhost'}
    assert runner_jobs['listener_connections'] > 0, 'the probe reached the TLS listener'

    verified = json.loads((reports / 'trunk-verify.json').read_text())
    assert set(verified['hosts']) == set(GATEWAYS)
    found = {trunk: sorted(f['id'] for f in entry['findings'])
             for host in GATEWAYS for trunk, entry in verified['hosts'][host]['trunks'].items()}
    assert found == {
        'runner-a-public': [],                   # TLS 1.2+, AEAD, trusted, the right name: nothing to say
        'runner-a-private': ['listener-down'],   # its plain listener: nothing listens
        'runner-b-nosrtp': ['tls-not-offered'],  # nothing listens on 127.0.0.74:5067
        'runner-b-satellite': [],
    }, verified
    assert 'skipped' in verified['hosts']['gw-runner-b']['trunks']['runner-b-satellite']
    port = runner_jobs['inventory']['gateways']['vars']['runner_tls_port']
    assert verified['hosts']['gw-runner-a']['trunks']['runner-a-public']['targets'][0]['endpoint'] == \
        '%s:%d' % (TLS_ADDRESS, port)
    assert set(job.stats['processed']) == set(GATEWAYS) and job.stats['failures'] == {}


def test_audit_report_job_reads_the_three_reports_of_the_earlier_jobs(runner_jobs):
    job, reports = runner_jobs['jobs']['audit'], runner_jobs['reports']
    assert job.returncode == 0 and job.rc == 0 and job.status == 'successful', job
    audit = json.loads((reports / 'trunk-audit.json').read_text())
    assert audit['sources']['assessment']['present'] is True
    assert audit['sources']['drift'] == {'present': True, 'check_mode': True}
    assert audit['sources']['verify']['present'] is True
    status = {trunk['name']: (trunk['status'], trunk['checks'])
              for host in GATEWAYS for trunk in audit['hosts'][host]['trunks']}
    assert status == {
        'runner-a-public': ('drifted', {'policy': 'pass', 'drift': 'changes', 'live': 'pass'}),
        'runner-a-private': ('failing', {'policy': 'pass', 'drift': 'changes', 'live': 'fail'}),
        # runner-b's check-mode run stopped on these two trunks' own blockers: not confirmed, not drift
        'runner-b-nosrtp': ('blocked', {'policy': 'blocked', 'drift': 'not-confirmed', 'live': 'fail'}),
        'runner-b-satellite': ('blocked', {'policy': 'invalid', 'drift': 'not-confirmed', 'live': 'not-run'}),
    }, status
    failure = audit['hosts']['gw-runner-b']['drift']['failures'][0]
    assert failure['blocked_by'] == ['runner-b-nosrtp', 'runner-b-satellite'], failure
    assert audit['summary']['trunks'] == 13 and audit['summary']['hosts'] == 5
    # the Mediation Servers were neither enforced nor verified (the limit), and runner-b's two trunks were
    # not confirmed: said, never passed
    assert audit['summary']['not_checked'] == {'drift': 9 + 2, 'live': 10}
    assert audit['summary']['hosts_stopped_by_blockers'] == 1
    # the callback named the trunks that stopped runner-b's run
    drift = json.loads((reports / 'trunk-drift.json').read_text())
    assert drift['hosts']['gw-runner-b']['failures'][0]['trunks'] == ['runner-b-nosrtp', 'runner-b-satellite']
    assert (reports / 'trunk-audit.html').is_file() and (reports / 'trunk-audit.junit.xml').is_file()


def test_the_four_jobs_stay_within_the_budget_of_this_suite(runner_jobs):
    seconds = {name: round(job.seconds, 1) for name, job in runner_jobs['jobs'].items()}
    assert sum(seconds.values()) < 80, seconds
