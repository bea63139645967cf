#!/usr/bin/env python
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of the collection: the policy engine, the filter against plain Ansible
tasks, and the assess playbook against a no-op play.

    python tests/bench/run_bench.py [--quick] [--only engine|filter|assess]

Prints a table and writes the figures to tests/output/bench.json. Not a pytest test:
nothing here is collected. See tests/bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent.parent
OUTPUT = REPO / 'tests' / 'output' / 'bench.json'
PLAYBOOKS = BENCH / 'playbooks'

sys.path.insert(0, str(BENCH))
import trunkgen  # noqa: E402  (beside this file)

SIZES = {
    # engine: trunks; filter: trunks for (a); hand_probe: trunks (b) runs on first;
    # hand_limit_s: run (b) over all trunks only if the probe predicts at most this;
    # hosts: inventory hosts (2 trunks each) for assess.yml; repeats: runs of each play.
    'full': {'engine': 10000, 'engine_runs': 5, 'filter': 10000, 'hand_probe': 1000, 'hand_limit_s': 180.0,
             'hosts': 1000, 'repeats': 2},
    'quick': {'engine': 2000, 'engine_runs': 5, 'filter': 2000, 'hand_probe': 200, 'hand_limit_s': 20.0,
              'hosts': 200, 'repeats': 2},
}
GOALS = {'engine_trunks_per_s': 50000.0, 'assess_ratio': 1.5}
TRUNKS_PER_HOST = 2
PLAYBOOK_TIMEOUT_S = 3600
SECTIONS = ('engine', 'filter', 'assess')


class BenchError(RuntimeError):
    """A benchmark could not run, or its result failed a check."""


# --- set-up ---------------------------------------------------------------------------

def make_collections_path(base: Path) -> Path:
    """base/ansible_collections/voip/trunk_security -> the checkout; importable and loadable."""
    link = base / 'ansible_collections' / 'voip' / 'trunk_security'
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO, target_is_directory=True)
    return base


def find_ansible_playbook() -> str:
    beside = Path(sys.executable).parent / 'ansible-playbook'
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which('ansible-playbook')
    if not found:
        raise BenchError('ansible-playbook not found next to %s nor on PATH' % sys.executable)
    return found


def ansible_env(work: Path) -> dict:
    """The environment of every ansible-playbook run: this checkout as voip.trunk_security,
    an empty config (no ansible.cfg or callback of the caller skews the figures)."""
    config = work / 'ansible.cfg'
    if not config.exists():
        config.write_text('# empty: defaults only\n')
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('ANSIBLE_') or k in ('ANSIBLE_HOME', 'ANSIBLE_LOCAL_TEMP', 'ANSIBLE_REMOTE_TEMP')}
    env.update({
        'ANSIBLE_CONFIG': str(config),
        'ANSIBLE_COLLECTIONS_PATH': str(work),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'PYTHONDONTWRITEBYTECODE': '1',
    })
    return env


def run_playbook(ctx: dict, args: list, log_name: str, extra_env: dict | None = None) -> float:
    """Run ansible-playbook (cwd: the work dir), output to a log; return the wall time in seconds."""
    env = dict(ctx['env'], **(extra_env or {}))
    log = ctx['work'] / log_name
    with open(log, 'wb') as out:
        start = time.perf_counter()
        proc = subprocess.run([ctx['ansible_playbook']] + args, cwd=ctx['work'], env=env, stdout=out,
                              stderr=subprocess.STDOUT, timeout=PLAYBOOK_TIMEOUT_S, check=False)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        tail = log.read_text(errors='replace').splitlines()[-25:]
        raise BenchError('ansible-playbook %s failed (rc=%d); end of %s:\n%s'
                         % (' '.join(args), proc.returncode, log, '\n'.join(tail)))
    return wall


def write_json(path: Path, data) -> Path:
    with open(path, 'w') as handle:
        json.dump(data, handle, separators=(',', ':'))
    return path


def progress(message: str) -> None:
    print('.. ' + message, file=sys.stderr, flush=True)


# --- 1. engine ------------------------------------------------------------------------

def bench_engine(ctx: dict) -> dict:
    from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy

    size, runs = ctx['sizes']['engine'], ctx['sizes']['engine_runs']
    trunks = trunkgen.trunks(size)
    progress('engine: evaluate_all over %d trunks, %d runs' % (size, runs))
    times = []
    results = None
    for _ in range(runs):
        start = time.perf_counter()
        results = trunk_policy.evaluate_all(trunks)
        times.append(time.perf_counter() - start)
    if len(results) != size:
        raise BenchError('evaluate_all returned %d results for %d trunks' % (len(results), size))
    best = min(times)
    return {
        'trunks': size,
        'runs_s': [round(t, 6) for t in times],
        'best_s': round(best, 6),
        'trunks_per_s': round(size / best, 1),
        'first_run_trunks_per_s': round(size / times[0], 1),
        'goal_trunks_per_s': GOALS['engine_trunks_per_s'],
        'meets_goal': size / best >= GOALS['engine_trunks_per_s'],
        'mix': {
            'connection': dict(Counter(t['connection'] for t in trunks)),
            'decision': dict(Counter(r['decision'] for r in results)),
            'with_blockers': sum(1 for r in results if r['blockers']),
            'with_warnings': sum(1 for r in results if r['warnings']),
        },
    }


# --- 2. filter vs plain Ansible -------------------------------------------------------

def _filter_run(ctx: dict, trunks_file: Path, hand_count: int, tag: str) -> dict:
    out = ctx['work'] / ('filter-%s.json' % tag)
    extra = write_json(ctx['work'] / ('filter-%s-vars.json' % tag), {
        'bench_trunks_file': str(trunks_file),
        'bench_hand_count': hand_count,
        'bench_out': str(out),
        'bench_weak_ciphers': list(trunkgen.WEAK_CIPHERS),
        'bench_weak_key_exchanges': list(trunkgen.WEAK_KEY_EXCHANGES),
        'bench_weak_integrities': list(trunkgen.WEAK_INTEGRITIES),
        'bench_weak_proposal_tokens': list(trunkgen.WEAK_PROPOSAL_TOKENS),
        # the copy task that writes the timings runs on this controller, with this Python
        'ansible_python_interpreter': sys.executable,
    })
    wall = run_playbook(ctx, ['-i', 'localhost,', str(PLAYBOOKS / 'filter_vs_tasks.yml'), '-e', '@%s' % extra],
                        'filter-%s.log' % tag)
    data = json.loads(out.read_text())
    data['playbook_wall_s'] = wall
    return data


def bench_filter(ctx: dict) -> dict:
    sizes = ctx['sizes']
    size, probe = sizes['filter'], min(sizes['hand_probe'], sizes['filter'])
    trunks = trunkgen.trunks(size)
    trunks_file = write_json(ctx['work'] / 'filter-trunks.json', {'bench_trunks': trunks})

    progress('filter: (a) filter over %d trunks, (b) hand-written tasks over %d' % (size, probe))
    probe_run = _filter_run(ctx, trunks_file, probe, 'probe')
    predicted = probe_run['hand_s'] * size / probe
    full_run = None
    if probe < size and predicted <= sizes['hand_limit_s']:
        progress('filter: (b) predicted %.0f s over %d trunks: running it over all of them' % (predicted, size))
        full_run = _filter_run(ctx, trunks_file, size, 'full')

    if full_run is not None or probe == size:
        run = full_run or probe_run
        hand_s, scaled = run['hand_s'], False
    else:
        run = probe_run
        hand_s, scaled = probe_run['hand_s'] * size / probe, True
    filter_s = run['filter_s']
    return {
        'trunks': size,
        'filter_s': round(filter_s, 4),
        'filter_us_per_trunk': round(filter_s / size * 1e6, 1),
        'hand_trunks_measured': run['hand_trunks'],
        'hand_measured_s': round(run['hand_s'], 3),
        'hand_s': round(hand_s, 3),
        'hand_scaled_linearly': scaled,
        'hand_predicted_s_from_probe': round(predicted, 1),
        'hand_ms_per_trunk': round(run['hand_s'] / run['hand_trunks'] * 1e3, 3),
        'ratio_hand_over_filter': round(hand_s / filter_s, 1),
        'empty_task_s': round(run['empty_task_s'], 4),
        'required': {'filter': run['filter_required'], 'hand_over_its_trunks': run['hand_required']},
        'agree': True,  # the play asserts it and fails otherwise
        'playbook_wall_s': round(run['playbook_wall_s'], 2),
        'probe': {k: (round(v, 4) if isinstance(v, float) else v) for k, v in probe_run.items()},
        'note': ('(b) ran on %d of %d trunks and was scaled linearly (predicted over %.0f s); a set_fact that '
                 'appends to a list grows with the list, so linear scaling flatters (b)'
                 % (probe, size, sizes['hand_limit_s'])) if scaled else '(b) measured over all trunks',
    }


# --- 3. assess.yml vs no-op -----------------------------------------------------------

def make_inventory(path: Path, hosts: int) -> Path:
    trunks = trunkgen.trunks(hosts * TRUNKS_PER_HOST, seed=7)
    inventory = {'all': {'vars': {'ansible_connection': 'local'}, 'hosts': {
        'med-%04d' % h: {'sip_trunks': trunks[h * TRUNKS_PER_HOST:(h + 1) * TRUNKS_PER_HOST]} for h in range(hosts)}}}
    return write_json(path, inventory)


_RECAP_LINE = re.compile(r'^(?P<task>.+?) -{3,} (?P<s>\d+(?:\.\d+)?)s\s*$')


def profile_tasks(ctx: dict, args: list, tag: str) -> list:
    """Per-task times from ansible.posix.profile_tasks, slowest first."""
    run_playbook(ctx, args, 'profile-%s.log' % tag, {'ANSIBLE_CALLBACKS_ENABLED': 'ansible.posix.profile_tasks'})
    lines = (ctx['work'] / ('profile-%s.log' % tag)).read_text(errors='replace').splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith('TASKS RECAP'))
    except StopIteration:
        return []
    tasks = []
    for line in lines[start:]:
        match = _RECAP_LINE.match(line)
        if match:
            tasks.append({'task': match.group('task').strip(), 's': float(match.group('s'))})
    return tasks


def check_report(path: Path, hosts: int) -> dict:
    if not path.is_file():
        raise BenchError('assess.yml wrote no JSON report at %s' % path)
    report = json.loads(path.read_text())
    listed = sum(len(host['trunks']) for host in report['hosts'].values())
    expected = hosts * TRUNKS_PER_HOST
    summary = report['summary']
    if listed != expected or summary['trunks'] != expected or summary['hosts'] != hosts or summary['invalid']:
        raise BenchError('the JSON report holds %d trunks on %d hosts (summary %r); expected %d trunks on %d hosts'
                         % (listed, len(report['hosts']), summary, expected, hosts))
    return {'trunks': listed, 'hosts': summary['hosts'], 'required': summary['required'],
            'optional': summary['optional'], 'blockers': summary['blockers'], 'invalid': summary['invalid']}


def bench_assess(ctx: dict) -> dict:
    sizes = ctx['sizes']
    hosts, repeats = sizes['hosts'], sizes['repeats']
    inventory = make_inventory(ctx['work'] / 'inventory.json', hosts)
    noop_args = ['-i', str(inventory), str(PLAYBOOKS / 'noop.yml')]
    times = {'noop': [], 'assess': []}
    report = None
    for attempt in range(repeats):  # interleaved, so background load falls on both alike
        progress('assess: run %d/%d of the no-op play over %d hosts' % (attempt + 1, repeats, hosts))
        times['noop'].append(run_playbook(ctx, noop_args, 'noop-%d.log' % attempt))
        progress('assess: run %d/%d of assess.yml over %d hosts x %d trunks' % (attempt + 1, repeats, hosts,
                                                                                 TRUNKS_PER_HOST))
        report_dir = ctx['work'] / ('report-%d' % attempt)
        times['assess'].append(run_playbook(
            ctx, ['-i', str(inventory), str(REPO / 'playbooks' / 'assess.yml'),
                  '-e', 'trunk_security_report_dir=%s' % report_dir], 'assess-%d.log' % attempt))
        report = check_report(report_dir / 'trunk-security.json', hosts)
    best = {name: min(values) for name, values in times.items()}
    ratio = best['assess'] / best['noop']
    result = {
        'hosts': hosts,
        'trunks': hosts * TRUNKS_PER_HOST,
        'noop_runs_s': [round(t, 2) for t in times['noop']],
        'assess_runs_s': [round(t, 2) for t in times['assess']],
        'noop_best_s': round(best['noop'], 2),
        'assess_best_s': round(best['assess'], 2),
        'ratio_assess_over_noop': round(ratio, 2),
        'goal_ratio': GOALS['assess_ratio'],
        'meets_goal': ratio <= GOALS['assess_ratio'],
        'report': report,
    }
    if not result['meets_goal']:
        progress('assess: ratio %.2f misses the goal; profiling both plays with ansible.posix.profile_tasks' % ratio)
        profile_dir = ctx['work'] / 'report-profile'
        result['profile'] = {
            'assess': profile_tasks(ctx, ['-i', str(inventory), str(REPO / 'playbooks' / 'assess.yml'),
                                          '-e', 'trunk_security_report_dir=%s' % profile_dir], 'assess'),
            'noop': profile_tasks(ctx, noop_args, 'noop'),
        }
    return result


# --- output ---------------------------------------------------------------------------

def _status(ok: bool | None) -> str:
    return '-' if ok is None else ('ok' if ok else 'MISSED')


def table(results: dict) -> str:
    rows = []
    engine = results.get('engine')
    if engine:
        rows.append(('1. engine evaluate_all, %d trunks (best of %d)' % (engine['trunks'], len(engine['runs_s'])),
                     '%.0f trunks/s' % engine['trunks_per_s'], '>= %.0f trunks/s' % engine['goal_trunks_per_s'],
                     _status(engine['meets_goal'])))
        rows.append(('   first run (cold caches)', '%.0f trunks/s' % engine['first_run_trunks_per_s'], '', ''))
    filt = results.get('filter')
    if filt:
        rows.append(('2a. filter task, %d trunks' % filt['trunks'], '%.3f s' % filt['filter_s'],
                     '', ''))
        rows.append(('2b. set_fact loop + when, %d trunks%s' % (filt['trunks'],
                                                              ' (scaled from %d)' % filt['hand_trunks_measured']
                                                              if filt['hand_scaled_linearly'] else ''),
                     '%.1f s' % filt['hand_s'], '', ''))
        rows.append(('   ratio (b)/(a)', '%.0fx' % filt['ratio_hand_over_filter'], '', ''))
        rows.append(('   one empty task, for scale', '%.3f s' % filt['empty_task_s'], '', ''))
    assess = results.get('assess')
    if assess:
        runs = len(assess['noop_runs_s'])
        rows.append(('3. no-op play, %d hosts (best of %d)' % (assess['hosts'], runs),
                     '%.2f s' % assess['noop_best_s'], '', ''))
        rows.append(('   assess.yml, %d hosts x %d trunks (best of %d)' % (assess['hosts'], TRUNKS_PER_HOST, runs),
                     '%.2f s' % assess['assess_best_s'], '', ''))
        rows.append(('   ratio assess/no-op', '%.2fx' % assess['ratio_assess_over_noop'],
                     '<= %.1fx' % assess['goal_ratio'], _status(assess['meets_goal'])))
        rows.append(('   JSON report', '%d trunks, %d hosts' % (assess['report']['trunks'], assess['report']['hosts']),
                     '%d trunks' % assess['trunks'], _status(assess['report']['trunks'] == assess['trunks'])))
    header = ('figure', 'measured', 'goal', 'status')
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)]
    fmt = '  '.join('%%-%ds' % w for w in widths)
    lines = [fmt % header, fmt % tuple('-' * w for w in widths)] + [fmt % row for row in rows]
    if filt:
        lines.append('')
        lines.append('2: ' + filt['note'] + '; both ways agree: %d required trunks by the filter, %d by hand over '
                     'the %d trunks (b) decided' % (filt['required']['filter'], filt['required']['hand_over_its_trunks'],
                                                    filt['hand_trunks_measured']))
    if assess and assess.get('profile'):
        lines.append('')
        lines.append('3: where the time goes (ansible.posix.profile_tasks, one extra run each):')
        for name in ('assess', 'noop'):
            for task in assess['profile'][name]:
                lines.append('   %-7s %-58s %7.2f s' % (name, task['task'], task['s']))
    return '\n'.join(l.rstrip() for l in lines)


def ansible_version(ctx: dict) -> str:
    proc = subprocess.run([ctx['ansible_playbook'], '--version'], capture_output=True, text=True, env=ctx['env'],
                          check=False)
    first = proc.stdout.splitlines()[0] if proc.stdout else ''
    return first.replace('ansible-playbook', '').strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='smaller sizes, for a quick look')
    parser.add_argument('--only', choices=SECTIONS, action='append',
                        help='run only this benchmark (may be repeated)')
    parser.add_argument('--keep-temp', action='store_true', help='keep the temp dir (logs, inventory, reports)')
    options = parser.parse_args(argv)
    sections = options.only or list(SECTIONS)
    mode = 'quick' if options.quick else 'full'

    work = Path(tempfile.mkdtemp(prefix='voip-trunk-bench-'))
    ctx = {'work': work, 'sizes': SIZES[mode]}
    make_collections_path(work)
    sys.path.insert(0, str(work))
    ctx['env'] = ansible_env(work)
    needs_ansible = any(s in sections for s in ('filter', 'assess'))
    if needs_ansible:
        ctx['ansible_playbook'] = find_ansible_playbook()

    meta = {
        'started': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'mode': mode,
        'sizes': ctx['sizes'],
        'python': platform.python_version(),
        'ansible_core': ansible_version(ctx) if needs_ansible else None,
        'ansible_playbook': ctx.get('ansible_playbook'),
        'cpus': os.cpu_count(),
        'loadavg_start': os.getloadavg(),
    }
    results = {}
    failed = None
    try:
        for section in SECTIONS:
            if section in sections:
                results[section] = {'engine': bench_engine, 'filter': bench_filter, 'assess': bench_assess}[section](ctx)
    except (BenchError, subprocess.TimeoutExpired) as error:
        failed = str(error)
    finally:
        meta['loadavg_end'] = os.getloadavg()
        if options.keep_temp or failed:
            meta['temp_dir'] = str(work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    if results:
        print(table(results))
    load = max(meta['loadavg_start'][0], meta['loadavg_end'][0])
    if load > (meta['cpus'] or 1):
        print('\nnote: load average %.1f on %d CPUs: other work ran beside the benchmark; figures are noisy'
              % (load, meta['cpus']))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    document = {'meta': meta, 'results': results}
    if failed:
        document['error'] = failed
    OUTPUT.write_text(json.dumps(document, indent=2, sort_keys=False) + '\n')
    print('\nfigures: %s' % OUTPUT)
    if failed:
        print('\nBENCHMARK FAILED: %s\n(temp dir kept: %s)' % (failed, work), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
