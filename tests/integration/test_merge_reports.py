# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/merge_reports.yml: the reports of a sliced run, merged, are those of one unsliced run (timestamps aside)."""

from __future__ import annotations

import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import report_merge

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))
import trunkgen  # noqa: E402  (tests/bench)

FIXTURES = Path(__file__).resolve().parents[1] / 'browser' / 'fixtures'
EXAMPLE_HOSTS = ('med-lon-01', 'med-par-01', 'med-nyc-01')
ASSESS_FILES = ('trunk-security.json', 'trunk-security.junit.xml')
AUDIT_FILES = ('trunk-audit.html', 'trunk-audit.json', 'trunk-audit.junit.xml')
SOURCE_FILES = ('trunk-drift.json', 'trunk-verify.json')
NEVER = {'trunk_security_fail_on': 'never'}


@pytest.fixture
def playbooks(run_playbook, repo_root):
    """run(name, *args, inventory, **extra_vars) for the collection's playbooks; runs(calls) runs them two at a time."""

    def run(name, *args, inventory, **extra_vars):
        return run_playbook(repo_root / 'playbooks' / ('%s.yml' % name), *args, inventory=inventory, extra_vars=extra_vars)

    def runs(calls):
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = list(pool.map(lambda call: run(*call[0], **call[1]), calls))
        for result in done:
            assert result.rc == 0, result
        return done

    run.many = runs
    return run


def producer_files(directory, hosts):
    """The drift and verification fixtures, cut down to ``hosts`` and written as their producers write them."""
    drift = json.loads((FIXTURES / 'trunk-drift.json').read_text())
    verify = json.loads((FIXTURES / 'trunk-verify.json').read_text())
    drift['hosts'] = dict((h, v) for h, v in drift['hosts'].items() if h in hosts)
    verify['hosts'] = dict((h, v) for h, v in verify['hosts'].items() if h in hosts)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / 'trunk-drift.json').write_text(report_merge.drift_json(drift))
    (directory / 'trunk-verify.json').write_text(report_merge.verify_json(verify))


def normalized(directory, names):
    """The files' bytes, the audit's own timestamp and the verification's replaced by a mark."""
    files = dict((name, (directory / name).read_bytes()) for name in names)
    stamps = []
    if 'trunk-audit.json' in files:
        stamps.append(json.loads(files['trunk-audit.json'])['generated'])
    if 'trunk-verify.json' in files:
        stamps.append(json.loads(files['trunk-verify.json'])['generated'])
    for stamp in filter(None, stamps):
        files = dict((name, data.replace(stamp.encode(), b'<generated>')) for name, data in files.items())
    return files


def assert_same_reports(merged, unsliced, names, compared=None):
    """``merged`` holds ``names`` and nothing else; those (or ``compared``) are the unsliced run's, timestamps aside."""
    present = sorted(p.name for p in merged.iterdir() if not p.name.startswith('.'))
    assert present == sorted(names)
    compared = names if compared is None else compared
    expected, found = normalized(unsliced, compared), normalized(merged, compared)
    for name in compared:
        assert found[name] == expected[name], '%s differs from the unsliced run' % name


def merge(playbooks, parts, dest, *args, inventory, **extra_vars):
    parts = parts if isinstance(parts, str) else ','.join(str(p) for p in parts)
    return playbooks('merge_reports', *args, inventory=inventory, trunk_security_report_parts=parts,
                     trunk_security_report_dir=str(dest), **extra_vars)


# --------------------------------------------------------------------------- (a) the example inventory in 3 slices

def test_the_example_inventory_in_three_slices_merges_to_the_unsliced_reports(playbooks, repo_root, tmp_path):
    inventory = repo_root / 'examples' / 'inventory'
    unsliced, slices = tmp_path / 'unsliced', [tmp_path / ('slice-%d' % n) for n in range(3)]
    producer_files(unsliced, EXAMPLE_HOSTS)
    for host, directory in zip(EXAMPLE_HOSTS, slices):
        producer_files(directory, [host])
    assess = [(('assess',), dict(NEVER, inventory=inventory, trunk_security_report_dir=str(unsliced)))]
    assess += [(('assess', '--limit', host), dict(NEVER, inventory=inventory, trunk_security_report_dir=str(directory)))
               for host, directory in zip(EXAMPLE_HOSTS, slices)]
    playbooks.many(assess)
    audits = [(('audit_report',), dict(inventory=inventory, trunk_security_report_dir=str(unsliced)))]
    audits += [(('audit_report', '--limit', host), dict(inventory=inventory, trunk_security_report_dir=str(directory)))
               for host, directory in zip(EXAMPLE_HOSTS, slices)]
    playbooks.many(audits)
    for host, directory in zip(EXAMPLE_HOSTS, slices):
        assert list(json.loads((directory / 'trunk-security.json').read_text())['hosts']) == [host]

    merged = tmp_path / 'merged'
    # the parts in another order than the inventory's: the merge sorts as one run does
    run = merge(playbooks, reversed(slices), merged, inventory=inventory, **NEVER)
    assert run.rc == 0, run
    assert run.recap['med-lon-01']['changed'] == 1, run
    assert '3 host(s), 9 trunk(s): 5 required, 4 optional, 1 with blockers, 0 invalid' in run.stdout, run
    assert 'drift: present; live checks: present' in run.stdout, run
    assert_same_reports(merged, unsliced, ASSESS_FILES + SOURCE_FILES + AUDIT_FILES)
    doc = json.loads((merged / 'trunk-audit.json').read_text())
    assert doc['sources']['trunks']['hosts'] == sorted(EXAMPLE_HOSTS)  # diagrams from the model, JMESPath host too
    assert all(t['path']['complete'] for h in doc['hosts'].values() for t in h['trunks'])

    written = dict((p.name, p.read_bytes()) for p in merged.iterdir())
    again = merge(playbooks, slices, merged, inventory=inventory, **NEVER)
    assert again.rc == 0 and again.recap['med-lon-01']['changed'] == 0, again
    assert dict((p.name, p.read_bytes()) for p in merged.iterdir()) == written  # the timestamp included

    # like assess.yml, the merge fails on the merged blockers unless told to only report
    gate = merge(playbooks, slices, merged, inventory=inventory)
    assert gate.rc == 2 and '1 trunk(s) with blockers and 0 invalid trunk(s): see the merged reports' in gate.stdout, gate


# --------------------------------------------------------------------------- (b) 1,000 hosts in 4 slices

def test_a_thousand_hosts_in_four_slices_merge_to_the_unsliced_reports(playbooks, tmp_path):
    hosts, per_host = 1000, 2
    trunks = trunkgen.trunks(hosts * per_host, seed=11)
    names = ['gw-%04d' % h for h in range(hosts)]
    inventory = tmp_path / 'inventory.json'
    inventory.write_text(json.dumps({'all': {'vars': {'ansible_connection': 'local'}, 'hosts': dict(
        (name, {'sip_trunks': trunks[h * per_host:(h + 1) * per_host]}) for h, name in enumerate(names))}}))
    unsliced, slices = tmp_path / 'unsliced', [tmp_path / ('slice-%d' % n) for n in range(4)]
    limits = []
    for number in range(4):
        # as AWX slices an inventory: every 4th host
        limit = tmp_path / ('slice-%d.hosts' % number)
        limit.write_text('\n'.join(names[number::4]) + '\n')
        limits.append(limit)

    started = time.monotonic()
    playbooks.many([(('assess',), dict(NEVER, inventory=inventory, trunk_security_report_dir=str(unsliced)))]
                   + [(('assess', '--limit', '@%s' % limit), dict(NEVER, inventory=inventory, trunk_security_report_dir=str(d)))
                      for limit, d in zip(limits, slices)])
    assessed = time.monotonic()
    merged = tmp_path / 'merged'
    audit, run = playbooks.many([
        (('audit_report',), dict(inventory=inventory, trunk_security_report_dir=str(unsliced))),
        (('merge_reports',), dict(NEVER, inventory=inventory, trunk_security_report_parts=str(tmp_path / 'slice-?'),
                                  trunk_security_report_dir=str(merged))),
    ])
    finished = time.monotonic()
    del audit
    assert '1000 host(s), 2000 trunk(s)' in run.stdout, run
    assert_same_reports(merged, unsliced, ASSESS_FILES + AUDIT_FILES)
    sizes = dict((p.name, p.stat().st_size) for p in sorted(merged.iterdir()))
    print('\nmerge of %d hosts, %d trunks in 4 slices: assess (unsliced + 4 slices, 2 at a time) %.1f s, '
          'audit_report + merge_reports %.1f s; merged sizes: %s'
          % (hosts, hosts * per_host, assessed - started, finished - assessed,
             ', '.join('%s %d bytes' % item for item in sizes.items())))
    assert sizes['trunk-security.json'] > 1000000


# --------------------------------------------------------------------------- (c) errors

@pytest.fixture
def example_slices(playbooks, repo_root, tmp_path):
    """Three slice directories of the example inventory (assess.yml only), one host each."""
    inventory = repo_root / 'examples' / 'inventory'
    slices = dict((host, tmp_path / host) for host in EXAMPLE_HOSTS)
    playbooks.many([(('assess', '--limit', host), dict(NEVER, inventory=inventory, trunk_security_report_dir=str(d)))
                    for host, d in slices.items()])
    return inventory, slices


def test_a_host_in_two_parts_fails_and_names_it_and_the_parts(playbooks, example_slices, tmp_path):
    inventory, slices = example_slices
    both = tmp_path / 'lon-and-par'
    assert playbooks('assess', '--limit', 'med-lon-01,med-par-01', inventory=inventory, trunk_security_report_dir=str(both),
                     **NEVER).rc == 0
    run = merge(playbooks, [both, slices['med-par-01'], slices['med-nyc-01'], slices['med-lon-01']], tmp_path / 'merged',
                inventory=inventory, **NEVER)
    assert run.rc == 2, run
    assert ('cannot merge the reports: 2 host(s) in more than one part (each host belongs to one slice): '
            'in %s (trunk-security.json) and %s (trunk-security.json): med-lon-01; '
            'in %s (trunk-security.json) and %s (trunk-security.json): med-par-01'
            % (both, slices['med-lon-01'], both, slices['med-par-01'])) in run.stdout, run
    assert not (tmp_path / 'merged').exists()


def test_a_missing_part_or_one_without_assessment_is_named(playbooks, example_slices, tmp_path):
    inventory, slices = example_slices
    nowhere, empty = tmp_path / 'nowhere', tmp_path / 'empty'
    empty.mkdir()
    run = merge(playbooks, [slices['med-lon-01'], nowhere], tmp_path / 'merged', inventory=inventory, **NEVER)
    assert run.rc == 2 and 'part %s does not exist or is not a directory' % nowhere in run.stdout, run
    run = merge(playbooks, [slices['med-lon-01'], empty], tmp_path / 'merged', inventory=inventory, **NEVER)
    assert run.rc == 2 and 'part %s has no trunk-security.json: run playbooks/assess.yml' % empty in run.stdout, run
    run = merge(playbooks, str(tmp_path / 'slice-*'), tmp_path / 'merged', inventory=inventory, **NEVER)
    assert run.rc == 2 and 'the pattern %s matches no directory' % (tmp_path / 'slice-*') in run.stdout, run
    run = merge(playbooks, list(slices.values()), slices['med-nyc-01'], inventory=inventory, **NEVER)
    assert run.rc == 2 and 'dest_dir %s is one of the parts' % slices['med-nyc-01'] in run.stdout, run
    run = playbooks('merge_reports', inventory=inventory)
    assert run.rc == 2 and 'give the report directory of every slice' in run.stdout, run
    assert not (tmp_path / 'merged').exists()


# --------------------------------------------------------------------------- (d) check mode, partial sources

def test_check_mode_writes_nothing_and_tells_what_would_change(playbooks, example_slices, tmp_path):
    inventory, slices = example_slices
    parts, merged = list(slices.values()), tmp_path / 'merged'
    run = merge(playbooks, parts, merged, '--check', inventory=inventory, **NEVER)
    assert run.rc == 0 and run.recap['med-lon-01']['changed'] == 1, run
    assert not merged.exists()
    assert merge(playbooks, parts, merged, inventory=inventory, **NEVER).rc == 0
    written = dict((p.name, p.read_bytes()) for p in merged.iterdir())
    assert sorted(written) == sorted(ASSESS_FILES + AUDIT_FILES)

    # a drift file of an earlier merge is not this run's: removed, but not under --check
    (merged / 'trunk-drift.json').write_text('{"check_mode": true, "hosts": {}}\n')
    run = merge(playbooks, parts, merged, '--check', inventory=inventory, **NEVER)
    assert run.rc == 0 and run.recap['med-lon-01']['changed'] == 1, run
    assert (merged / 'trunk-drift.json').exists()
    run = merge(playbooks, parts, merged, inventory=inventory, **NEVER)
    assert run.rc == 0 and run.recap['med-lon-01']['changed'] == 1, run
    assert dict((p.name, p.read_bytes()) for p in merged.iterdir()) == written
    run = merge(playbooks, parts, merged, '--check', inventory=inventory, **NEVER)
    assert run.rc == 0 and run.recap['med-lon-01']['changed'] == 0, run


def test_a_source_only_some_slices_have_is_reported_as_not_run_for_the_others(playbooks, example_slices, tmp_path):
    inventory, slices = example_slices
    producer_files(slices['med-lon-01'], ['med-lon-01'])
    (slices['med-lon-01'] / 'trunk-verify.json').unlink()
    parts, merged = list(slices.values()), tmp_path / 'merged'
    run = merge(playbooks, parts, merged, inventory=inventory, **NEVER)
    assert run.rc == 0, run
    assert ('trunk-drift.json is missing from part(s) %s, %s: the audit reports drift as not run for their 2 host(s)'
            % (slices['med-par-01'], slices['med-nyc-01'])) in run.stdout, run
    doc = json.loads((merged / 'trunk-audit.json').read_text())
    # med-lon-01's check-mode run was stopped by its trunk lon-public-nosrtp's blocker
    assert [doc['hosts'][h]['drift']['state'] for h in EXAMPLE_HOSTS] == ['failed', 'not-run', 'not-run']
    # not run on the other two hosts, not confirmed on med-lon-01 (stopped by that blocker)
    assert doc['summary']['not_checked']['drift'] == sum(len(doc['hosts'][h]['trunks']) for h in EXAMPLE_HOSTS)
    assert sorted(json.loads((merged / 'trunk-drift.json').read_text())['hosts']) == ['med-lon-01']

    run = merge(playbooks, parts, tmp_path / 'strict', inventory=inventory, trunk_security_partial_sources='fail', **NEVER)
    assert run.rc == 2 and 'trunk-drift.json is in part(s) %s but not in' % slices['med-lon-01'] in run.stdout, run
    assert not (tmp_path / 'strict').exists()


# --------------------------------------------------------------------------- the real producers of drift and verification

def test_drift_and_verification_written_by_their_playbooks_merge_byte_for_byte(playbooks, run_playbook, ansible_env, tmp_path):
    """enforce-like check-mode drift (the trunk_drift callback) and verify.yml on loopback, in two slices."""
    trunk = {'connection': 'public', 'provider': {'name': 'Contoso', 'tls': True, 'srtp': True, 'address': '127.0.0.1'},
             'mediation_subnet': {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'},
             'gateway': {'address': '127.0.0.1', 'tls_port': 9}}
    inventory = tmp_path / 'hosts.json'
    inventory.write_text(json.dumps({'all': {'vars': {'ansible_connection': 'local', 'drift_dir': str(tmp_path)}, 'hosts': {
        'gw-a': {'sip_trunks': [dict(trunk, name='a-public')]},
        'gw-b': {'sip_trunks': [dict(trunk, name='b-public'), dict(trunk, name='b-other', connection='private')]}}}}))
    runs = {'unsliced': [], 'gw-a': ['--limit', 'gw-a'], 'gw-b': ['--limit', 'gw-b']}
    for label, limit in runs.items():
        directory = tmp_path / label
        for name in ('assess', 'verify'):
            assert playbooks(name, *limit, inventory=inventory, trunk_security_report_dir=str(directory), **NEVER).rc == 0
        ansible_env.update(ANSIBLE_CALLBACKS_ENABLED='voip.trunk_security.trunk_drift',
                           TRUNK_SECURITY_DRIFT_FILE=str(directory / 'trunk-drift.json'))
        try:
            drift = run_playbook('drift.yml', '--check', '--diff', *limit, inventory=inventory)
        finally:
            del ansible_env['ANSIBLE_CALLBACKS_ENABLED'], ansible_env['TRUNK_SECURITY_DRIFT_FILE']
        assert drift.rc in (0, 2), drift
        assert playbooks('audit_report', *limit, inventory=inventory, trunk_security_report_dir=str(directory)).rc == 0
    verified = json.loads((tmp_path / 'unsliced' / 'trunk-verify.json').read_text())
    assert sorted(verified['hosts']['gw-b']['trunks']) == ['b-other', 'b-public']
    stamps = [json.loads((tmp_path / label / 'trunk-verify.json').read_text())['generated'] for label in ('gw-a', 'gw-b')]

    merged = tmp_path / 'merged'
    run = merge(playbooks, [tmp_path / 'gw-b', tmp_path / 'gw-a'], merged, inventory=inventory, **NEVER)
    assert run.rc == 0, run
    assert json.loads((merged / 'trunk-verify.json').read_text())['generated'] == min(stamps)
    # timings differ run to run (the timestamp, each probe's elapsed seconds): compare with them replaced
    timings = re.compile(rb'"(generated|elapsed)": [^,\n]*')
    expected = timings.sub(rb'"\1": -', (tmp_path / 'unsliced' / 'trunk-verify.json').read_bytes())
    assert timings.sub(rb'"\1": -', (merged / 'trunk-verify.json').read_bytes()) == expected
    assert_same_reports(merged, tmp_path / 'unsliced', ASSESS_FILES + SOURCE_FILES + AUDIT_FILES,
                        compared=ASSESS_FILES + ('trunk-drift.json',))
    audit, unsliced_audit = (json.loads((d / 'trunk-audit.json').read_text()) for d in (merged, tmp_path / 'unsliced'))
    for doc in (audit, unsliced_audit):
        doc['generated'] = doc['sources']['verify']['generated'] = None
    assert audit == unsliced_audit


def test_a_host_in_no_part_is_named_and_spent_parts_can_be_removed(playbooks, example_slices, tmp_path):
    inventory, slices = example_slices
    merged = tmp_path / 'merged'
    two = [slices['med-lon-01'], slices['med-par-01']]
    run = merge(playbooks, two, merged, inventory=inventory, **NEVER)
    assert run.rc == 2, run
    assert ('cannot merge the reports: 1 host(s) are in no part (the reports of a slice are missing, or the slices ran '
            'over other hosts): med-nyc-01') in run.stdout, run
    assert not merged.exists()
    run = merge(playbooks, two, merged, inventory=inventory, trunk_security_require_all_hosts=False, **NEVER)
    assert run.rc == 0 and '2 host(s), ' in run.stdout, run

    pattern = str(tmp_path / 'med-*')
    run = merge(playbooks, pattern, merged, '--check', inventory=inventory, trunk_security_report_parts_remove=True, **NEVER)
    assert run.rc == 0 and all(d.is_dir() for d in slices.values()), run
    run = merge(playbooks, pattern, merged, inventory=inventory, trunk_security_report_parts_remove=True, **NEVER)
    assert run.rc == 0 and '3 host(s), 9 trunk(s)' in run.stdout, run
    assert not any(d.exists() for d in slices.values())
    assert json.loads((merged / 'trunk-security.json').read_text())['summary']['hosts'] == 3
