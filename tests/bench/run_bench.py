#!/usr/bin/env python
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of the collection: the policy engine, the filter against plain Ansible
tasks, the assess playbook against a no-op play, the live-verification judgement and the
audit report of a generated estate (built and written as the audit_report action does,
then loaded in headless Chromium), the controller's CPU per gateway host of
enforce.yml --check, and what an SBC platform costs per device (its desired state and
its drift against the device's configuration).

    python tests/bench/run_bench.py [--quick] [--only engine|filter|assess|audit|controller|sbc]

Prints a table and writes the figures to tests/output/bench.json. Not a pytest test:
nothing here is collected. See tests/bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
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
import estategen  # noqa: E402  (beside this file)
import gatewaygen  # noqa: E402  (beside this file)
import trunkgen  # noqa: E402  (beside this file)

SIZES = {
    # engine: trunks; filter: trunks for (a); hand_probe: trunks (b) runs on first;
    # hand_limit_s: how long (b) may take over all trunks: the probe's linear guess must be
    #   under it, and the full run is stopped at it (--hand-limit overrides);
    # hosts: inventory hosts (2 trunks each) for assess.yml; repeats: runs of each play;
    # audit: estates (trunks, hosts) whose audit report is built, written and loaded in Chromium,
    #   each in a process of its own; the probes judged are one per trunk of the largest;
    # controller_hosts: gateway inventories enforce.yml --check runs over, at controller_forks;
    #   the largest also at controller_more_forks.
    'full': {'engine': 10000, 'engine_runs': 5, 'filter': 10000, 'hand_probe': 1000, 'hand_limit_s': 180.0,
             'hosts': 1000, 'repeats': 2, 'audit': [(1000, 200, 'typical'), (10000, 2000, 'typical'), (10000, 2000, 'stress')],
             'controller_hosts': [20, 100], 'controller_forks': 5, 'controller_more_forks': 10,
             'sbc_trunks': [10, 100], 'sbc_runs': 5},
    'quick': {'engine': 2000, 'engine_runs': 5, 'filter': 2000, 'hand_probe': 200, 'hand_limit_s': 20.0,
              'hosts': 200, 'repeats': 2, 'audit': [(200, 40, 'typical'), (2000, 400, 'typical'), (2000, 400, 'stress')],
              'controller_hosts': [5, 20], 'controller_forks': 5, 'controller_more_forks': 10,
              'sbc_trunks': [10, 50], 'sbc_runs': 3},
}
# audit_*: upper bounds at 10,000 trunks on 2,000 hosts (AUDIT_GOAL_TRUNKS), checked at every size
GOALS = {'engine_trunks_per_s': 50000.0, 'assess_ratio': 1.5, 'judge_probes_per_s': 10000.0,
         'audit_html_mb': 12.0, 'audit_build_write_s': 3.0, 'audit_load_s': 3.0,
         'controller_cpu_per_host_s': 3.0, 'controller_growth': 1.1, 'sbc_device_s': 1.0}
TRUNKS_PER_HOST = 2
PLAYBOOK_TIMEOUT_S = 3600
SECTIONS = ('engine', 'filter', 'assess', 'audit', 'controller', 'sbc')


class BenchError(RuntimeError):
    """A benchmark could not run, or its result failed a check."""


class PlaybookTimeout(Exception):
    """An ansible-playbook run was stopped at its time limit."""


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


def run_playbook(ctx: dict, args: list, log_name: str, extra_env: dict | None = None,
                 timeout: float = PLAYBOOK_TIMEOUT_S, command: list | None = None) -> float:
    """Run ansible-playbook (cwd: the work dir), output to a log; return the wall time in seconds.

    ``command`` replaces the ansible-playbook executable (cpu_split.py runs the same code).
    At ``timeout`` the run (ansible-playbook and its workers) is
    stopped and :class:`PlaybookTimeout` raised."""
    env = dict(ctx['env'], **(extra_env or {}))
    log = ctx['work'] / log_name
    with open(log, 'wb') as out:
        start = time.perf_counter()
        proc = subprocess.Popen((command or [ctx['ansible_playbook']]) + args, cwd=ctx['work'], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_tree(proc)
            raise PlaybookTimeout('ansible-playbook %s stopped after %.0f s' % (' '.join(args), timeout))
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        tail = log.read_text(errors='replace').splitlines()[-25:]
        raise BenchError('ansible-playbook %s failed (rc=%d); end of %s:\n%s'
                         % (' '.join(args), proc.returncode, log, '\n'.join(tail)))
    return wall


def _children(pid: int) -> list:
    """Child process ids of ``pid`` (Linux /proc)."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def stop_tree(proc: subprocess.Popen) -> None:
    """Kill a run we started and its descendants: Ansible's workers call setsid(), so
    they leave our process group and must be found by parentage."""
    pids, queue = [], [proc.pid]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        queue.extend(_children(pid))
    for pid in pids:
        try:
            os.kill(pid, signal.SIGSTOP)  # stop first, so no one forks while we collect
        except ProcessLookupError:
            pass
    for pid in pids[1:]:
        queue.extend(child for child in _children(pid) if child not in pids)
    pids.extend(queue)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


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
    for _run in range(runs):
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

def _filter_run(ctx: dict, inventory: Path, hand_count: int, tag: str, timeout: float = PLAYBOOK_TIMEOUT_S) -> dict:
    out = ctx['work'] / ('filter-%s.json' % tag)
    extra = write_json(ctx['work'] / ('filter-%s-vars.json' % tag), {
        'bench_hand_count': hand_count,
        'bench_out': str(out),
        'bench_weak_ciphers': list(trunkgen.WEAK_CIPHERS),
        'bench_weak_key_exchanges': list(trunkgen.WEAK_KEY_EXCHANGES),
        'bench_weak_integrities': list(trunkgen.WEAK_INTEGRITIES),
        'bench_weak_proposal_tokens': list(trunkgen.WEAK_PROPOSAL_TOKENS),
    })
    wall = run_playbook(ctx, ['-i', str(inventory), str(PLAYBOOKS / 'filter_vs_tasks.yml'), '-e', '@%s' % extra],
                        'filter-%s.log' % tag, timeout=timeout)
    data = json.loads(out.read_text())
    data['playbook_wall_s'] = wall
    return data


def bench_filter(ctx: dict) -> dict:
    sizes = ctx['sizes']
    size, probe = sizes['filter'], min(sizes['hand_probe'], sizes['filter'])
    trunks = trunkgen.trunks(size)
    inventory = write_json(ctx['work'] / 'filter-inventory.json', {'all': {'hosts': {'localhost': {
        'ansible_connection': 'local',
        # the copy task that writes the timings runs on this controller, with this Python
        'ansible_python_interpreter': sys.executable,
        'bench_trunks': trunks,
    }}}})

    limit = ctx['hand_limit_s']
    progress('filter: (a) filter over %d trunks, (b) hand-written tasks over %d' % (size, probe))
    probe_run = _filter_run(ctx, inventory, probe, 'probe')
    predicted = probe_run['hand_s'] * size / probe
    full_run, stopped = None, None
    if probe < size and predicted <= limit:
        # (b) grows faster than linearly, so the prediction is only a first filter: the
        # full run gets `limit` seconds for (b), beside what the rest of the play took.
        rest = probe_run['playbook_wall_s'] - probe_run['hand_s']
        progress('filter: (b) over all %d trunks (linear guess %.0f s; stopped if over %.0f s)'
                 % (size, predicted, limit))
        try:
            full_run = _filter_run(ctx, inventory, size, 'full', timeout=limit + rest * 1.2 + 5)
        except PlaybookTimeout:
            stopped = limit
            progress('filter: (b) over %d trunks took over %.0f s: using the %d-trunk run, scaled' % (size, limit, probe))

    if full_run is not None or probe == size:
        run = full_run or probe_run
        hand_s, scaled = run['hand_s'], False
    else:
        run = probe_run
        hand_s, scaled = probe_run['hand_s'] * size / probe, True
    for checked in (probe_run, full_run):
        if checked is not None and checked['hand_required'] != checked['filter_required_hand_slice']:
            raise BenchError('the hand-written tasks found %d required trunks, the filter %d, over the same %d trunks'
                             % (checked['hand_required'], checked['filter_required_hand_slice'], checked['hand_trunks']))
    from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy
    engine_required = sum(1 for r in trunk_policy.evaluate_all(trunks) if r['decision'] == 'required')
    if run['filter_required'] != engine_required:
        raise BenchError('the filter in ansible-playbook found %d required trunks, the engine in Python %d'
                         % (run['filter_required'], engine_required))
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
        'hand_limit_s': limit,
        'hand_full_run_stopped_after_s': stopped,
        'hand_ms_per_trunk': round(run['hand_s'] / run['hand_trunks'] * 1e3, 3),
        'ratio_hand_over_filter': round(hand_s / filter_s, 1),
        'empty_task_s': round(run['empty_task_s'], 4),
        'required': {'filter_all_trunks': run['filter_required'],
                     'filter_over_hand_trunks': run['filter_required_hand_slice'],
                     'hand': run['hand_required']},
        'agree': True,  # checked above, and asserted by the play
        'playbook_wall_s': round(run['playbook_wall_s'], 2),
        'probe': {k: (round(v, 4) if isinstance(v, float) else v) for k, v in probe_run.items()},
        'note': _filter_note(scaled, probe, size, limit, predicted, stopped),
    }


def _filter_note(scaled: bool, probe: int, size: int, limit: float, predicted: float, stopped) -> str:
    if not scaled:
        return '(b) measured over all %d trunks' % size
    why = ('a run over all of them was stopped after %.0f s' % stopped if stopped is not None
           else 'the %d-trunk run predicts %.0f s for all, over the %.0f s limit' % (probe, predicted, limit))
    return ('(b) measured on %d of %d trunks and scaled linearly (%s); each step appends to a growing list, '
            'so linear scaling flatters (b), and the true ratio is higher' % (probe, size, why))


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
        progress('assess: run %d/%d of assess.yml over %d hosts x %d trunks'
                 % (attempt + 1, repeats, hosts, TRUNKS_PER_HOST))
        report_dir = ctx['work'] / ('report-%d' % attempt)
        times['assess'].append(run_playbook(
            ctx, ['-i', str(inventory), str(REPO / 'playbooks' / 'assess.yml'),
                  '-e', 'trunk_security_report_dir=%s' % report_dir, '-e', 'trunk_security_fail_on=never'],
            'assess-%d.log' % attempt))
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
    if not result['meets_goal'] or ctx['profile']:
        progress('assess: ratio %.2f%s; profiling both plays with ansible.posix.profile_tasks'
                 % (ratio, '' if result['meets_goal'] else ' misses the goal'))
        profile_dir = ctx['work'] / 'report-profile'
        result['profile'] = {
            'assess': profile_tasks(ctx, ['-i', str(inventory), str(REPO / 'playbooks' / 'assess.yml'),
                                          '-e', 'trunk_security_report_dir=%s' % profile_dir,
                                          '-e', 'trunk_security_fail_on=never'], 'assess'),
            'noop': profile_tasks(ctx, noop_args, 'noop'),
        }
    return result


# --- output ---------------------------------------------------------------------------

# --- 4. live-verification judgement and the audit report of an estate -------------------

#: Debian's Chromium and chromedriver (apt-get install chromium chromium-driver), as tests/browser uses them
CHROMIUM = Path('/usr/bin/chromium')
CHROMEDRIVER = Path('/usr/bin/chromedriver')
#: the estate size the audit goals are set at
AUDIT_GOAL_TRUNKS = 10000
#: loads of the HTML in Chromium per size; the figure is their median
AUDIT_LOADS = 3
AUDIT_WORKER_TIMEOUT_S = 1800
AUDIT_LOAD_TIMEOUT_S = 600


def _judge(size: int) -> dict:
    """verify.verify_host over one generated probe result per trunk of an estate of ``size`` trunks, best of 3."""
    import random

    from ansible_collections.voip.trunk_security.plugins.module_utils import verify

    by_host = estategen.models(size, max(1, size // 5), mix='stress')
    plans = estategen.plans(by_host)
    probes = estategen.probes(plans, random.Random(estategen.SEED))
    targets = sum(len(p['targets']) for p in plans.values())
    progress('audit: judge %d probes (verify.verify_host), best of 3' % targets)
    times, findings = [], 0
    for _run in range(3):
        start = time.perf_counter()
        verified = {host: verify.verify_host(plans[host], probes[host]) for host in by_host}
        times.append(time.perf_counter() - start)
        findings = sum(len(t['findings']) for trunks in verified.values() for t in trunks.values())
    best = min(times)
    return {'trunks': size, 'probes': targets, 'findings': findings, 'judge_s': round(best, 4),
            'judge_probes_per_s': round(targets / best, 1)}


def _rss_bytes() -> int:
    """This process's resident memory now (Linux /proc)."""
    with open('/proc/self/statm') as handle:
        return int(handle.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def _maxrss_bytes() -> int:
    """This process's peak RSS: the kernel's high-water mark of its memory, VmHWM. ru_maxrss
    reports the same mark, but also the peak of the process it was forked from, carried
    across exec (the benchmark's own, larger than a small report's), so it is the fallback."""
    try:
        with open('/proc/self/status') as handle:
            for line in handle:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _reset_maxrss() -> bool:
    """Bring this process's peak RSS down to its RSS now (Linux 4.0+), so that a peak
    reached before, while the inputs were read, does not hide the next step's; what malloc
    holds free goes back to the system first (glibc), so that the step's growth shows."""
    try:
        import ctypes

        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open('/proc/self/clear_refs', 'w') as handle:
            handle.write('5')
        return True
    except OSError:
        return False


def _read_json(path: Path):
    with open(path, 'rb') as stream:
        return json.loads(stream.read().decode('utf-8'))


def audit_worker(spec: dict) -> dict:
    """In a process of its own: read an estate's inputs as the voip.trunk_security.audit_report
    action reads them, then build and write the audit reports as it does, and measure that step."""
    import gc
    import tracemalloc

    from ansible_collections.voip.trunk_security.plugins.action import audit_report as action
    from ansible_collections.voip.trunk_security.plugins.plugin_utils import report_files

    trunks, hosts, inputs, out = spec['trunks'], spec['hosts'], Path(spec['inputs']), Path(spec['dir'])
    names = {kind: action.ARGUMENT_SPEC['%s_name' % kind]['default'] for kind in ('html', 'json', 'junit')}
    title = action.ARGUMENT_SPEC['title']['default']
    start = time.perf_counter()
    assessment = _read_json(inputs / estategen.INPUTS['assessment'])
    drift = _read_json(inputs / estategen.INPUTS['drift'])
    verified = _read_json(inputs / estategen.INPUTS['verify'])
    read_s = time.perf_counter() - start
    # the trunk model comes from hostvars: the inventory's sip_trunks
    models = {host: data['sip_trunks']
              for host, data in _read_json(inputs / estategen.INPUTS['inventory'])['all']['hosts'].items()}

    def build_and_write(dest: Path, generated) -> tuple:
        """What the action's run() does once its inputs are read: audit_files, then each file
        whose content differs, written whole."""
        paths = {kind: str(dest / names[kind]) for kind in names}
        files = action.audit_files(assessment, models, drift, verified, paths, title, generated)
        changed = [path for path, content in files.items() if report_files.differs(path, content)]
        os.makedirs(str(dest), exist_ok=True)
        for path in changed:
            report_files.write(path, files[path])
        return paths, files

    gc.collect()
    reset = _reset_maxrss()
    rss_before, maxrss_before = _rss_bytes(), _maxrss_bytes()
    progress('audit: build and write the reports of %d trunks' % trunks)
    start = time.perf_counter()
    paths, files = build_and_write(out, estategen.GENERATED)
    build_write_s = time.perf_counter() - start
    maxrss_after = _maxrss_bytes()
    start = time.perf_counter()
    summary = json.loads(files[paths['json']])['summary']  # the action reads its summary back from the JSON
    summary_parse_s = time.perf_counter() - start
    del files
    gc.collect()

    # memory in a second pass: tracing slows the step down several times
    traced = out.parent / (out.name + '-traced')
    tracemalloc.start()
    build_and_write(traced, estategen.GENERATED)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    shutil.rmtree(traced, ignore_errors=True)
    gc.collect()

    # as playbooks/audit_report.yml calls the action, without `generated`: audit_files then
    # chooses the timestamp itself, against the previous report (none here: an empty directory)
    untimed = out.parent / (out.name + '-playbook')
    start = time.perf_counter()
    build_and_write(untimed, None)
    playbook_s = time.perf_counter() - start
    shutil.rmtree(untimed, ignore_errors=True)

    counted = sum(summary[k] for k in ('compliant', 'drifted', 'blocked', 'failing'))
    if counted != trunks or summary['trunks'] != trunks:
        raise BenchError('the audit of %d trunks counts %d (%s)' % (trunks, counted, summary))
    return {
        'trunks': trunks, 'hosts': hosts, 'mix': spec.get('mix', 'typical'), 'generate_s': spec.get('generate_s'),
        'read_inputs_s': round(read_s, 2),
        'input_bytes': {kind: os.path.getsize(inputs / name) for kind, name in estategen.INPUTS.items()},
        'build_write_s': round(build_write_s, 3),
        'summary_parse_s': round(summary_parse_s, 3),
        'playbook_build_write_s': round(playbook_s, 3),
        'files': {kind: paths[kind] for kind in names},
        'bytes': {kind: os.path.getsize(paths[kind]) for kind in names},
        'traced_peak_mb': round(peak / 1e6, 1),
        'maxrss_growth_mb': round((maxrss_after - maxrss_before) / 1e6, 1),
        # False: the peak could not be reset once the inputs were read, and the growth may read low
        'maxrss_reset': reset,
        'rss_before_mb': round(rss_before / 1e6, 1),
        'drift_hosts': dict(sorted(estategen.kinds(drift).items())),
        'summary': {k: summary[k] for k in ('compliant', 'drifted', 'blocked', 'failing')},
        'findings': {k: summary.get(k) for k in ('live_failures', 'live_warnings')},
    }


def _audit_run(ctx: dict, trunks: int, hosts: int, mix: str) -> dict:
    """estategen.py writes the estate's inputs (not timed); then :func:`audit_worker`, in a fresh
    Python that holds only those inputs, builds and writes the reports: its memory is theirs alone."""
    base = ctx['work'] / ('audit-%d-%s' % (trunks, mix))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ctx['work'])] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]))
    progress('audit: generate a %s estate of %d trunks on %d hosts (not timed)' % (mix, trunks, hosts))
    start = time.perf_counter()
    _audit_process([str(BENCH / 'estategen.py'), '--trunks', str(trunks), '--hosts', str(hosts),
                    '--seed', str(estategen.SEED), '--mix', mix, '--out', str(base / 'inputs')], env,
                   'generating the estate of %d trunks on %d hosts' % (trunks, hosts))
    spec = {'trunks': trunks, 'hosts': hosts, 'mix': mix, 'inputs': str(base / 'inputs'), 'dir': str(base / 'reports'),
            'generate_s': round(time.perf_counter() - start, 2)}
    output = _audit_process([str(Path(__file__).resolve()), '--audit-worker', json.dumps(spec)], env,
                            'the audit of %d trunks on %d hosts' % (trunks, hosts))
    return json.loads(output.strip().splitlines()[-1])


def _audit_process(args: list, env: dict, what: str) -> str:
    """Run this Python on ``args``; its standard output (its standard error goes through)."""
    try:
        proc = subprocess.run([sys.executable] + args, env=env, stdout=subprocess.PIPE, text=True,
                              timeout=AUDIT_WORKER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise BenchError('%s took over %d s' % (what, AUDIT_WORKER_TIMEOUT_S))
    if proc.returncode != 0 or not proc.stdout.strip():
        raise BenchError('%s failed (rc=%d); its output is above' % (what, proc.returncode))
    return proc.stdout


def _browser_missing() -> list:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    try:
        import selenium  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        missing.append('the selenium Python package')
    return missing


def _chromium(ctx: dict):
    """Headless Chromium as tests/browser/conftest.py starts it (an explicit Service: selenium-manager
    never looks for or downloads a driver), without its logging; host names resolve to nothing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = ctx['work'] / 'chromium-profile'
    profile.mkdir(exist_ok=True)
    for argument in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
                     '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
                     '--user-data-dir=%s' % profile, '--window-size=1280,900', '--host-resolver-rules=MAP * ~NOTFOUND'):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(AUDIT_LOAD_TIMEOUT_S)
    return driver


_NAVIGATION = ("var n = performance.getEntriesByType('navigation')[0];"
               "return n ? [n.loadEventEnd, n.domContentLoadedEventEnd] : null;")


def _load(driver, path: str) -> dict:
    """Navigate from about:blank to the file; the navigation entry's load event end (ms from its start)."""
    driver.get('about:blank')
    driver.get(Path(path).resolve().as_uri())
    deadline = time.monotonic() + AUDIT_LOAD_TIMEOUT_S
    while True:
        entry = driver.execute_script(_NAVIGATION)
        if entry and entry[0] and entry[0] > 0:
            return {'load_event_ms': round(entry[0], 1), 'dom_content_loaded_ms': round(entry[1], 1)}
        if time.monotonic() > deadline:
            raise BenchError('Chromium did not finish loading %s in %d s' % (path, AUDIT_LOAD_TIMEOUT_S))
        time.sleep(0.05)


def _median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _browser_loads(ctx: dict, runs: list) -> dict:
    """Each run's HTML loaded AUDIT_LOADS times; sets run['browser']. Returns what was measured with."""
    missing = _browser_missing()
    if missing:
        reason = 'not measured: %s missing (apt-get install chromium chromium-driver; pip install selenium)' % (
            ', '.join(missing))
        for run in runs:
            run['browser'] = {'measured': False, 'reason': reason}
        return {'measured': False, 'reason': reason}
    try:
        driver = _chromium(ctx)
    except Exception as error:  # pylint: disable=broad-except  # no browser must not cost the other figures
        reason = 'not measured: Chromium did not start (%s)' % str(error).strip().splitlines()[0]
        for run in runs:
            run['browser'] = {'measured': False, 'reason': reason}
        return {'measured': False, 'reason': reason}
    try:
        version = driver.capabilities.get('browserVersion')
        for run in runs:
            progress('audit: load the HTML of %d trunks (%.1f MB) in Chromium, %d times'
                     % (run['trunks'], run['bytes']['html'] / 1e6, AUDIT_LOADS))
            try:
                loads = [_load(driver, run['files']['html']) for _load_number in range(AUDIT_LOADS)]
            except Exception as error:  # pylint: disable=broad-except  # e.g. the renderer's timeout
                run['browser'] = {'measured': False,
                                  'reason': 'not measured: %s' % str(error).strip().splitlines()[0]}
                continue
            run['browser'] = {
                'measured': True,
                'load_event_ms': [load['load_event_ms'] for load in loads],
                'dom_content_loaded_ms': [load['dom_content_loaded_ms'] for load in loads],
                'median_load_event_ms': _median([load['load_event_ms'] for load in loads]),
                'median_dom_content_loaded_ms': _median([load['dom_content_loaded_ms'] for load in loads]),
            }
    finally:
        driver.quit()
    return {'measured': True, 'chromium': version}


def _audit_meets(run: dict) -> dict:
    browser = run['browser']
    return {
        'html': run['bytes']['html'] <= GOALS['audit_html_mb'] * 1e6,
        'build_write': run['build_write_s'] <= GOALS['audit_build_write_s'],
        'load': (browser['median_load_event_ms'] <= GOALS['audit_load_s'] * 1e3) if browser['measured'] else None,
    }


def bench_audit(ctx: dict) -> dict:
    """Judge one probe per trunk; then, per estate size and in a process of its own, build and write
    the audit report as an operator gets it, and load its HTML in headless Chromium."""
    sizes = ctx['sizes']['audit']
    judge = _judge(max(trunks for trunks, _hosts, _mix in sizes))
    runs = [_audit_run(ctx, trunks, hosts, mix) for trunks, hosts, mix in sizes]
    browser = _browser_loads(ctx, runs)
    for run in runs:
        run['meets'] = _audit_meets(run)
        del run['files']  # in the temp dir, which goes (--keep-temp keeps it)
    at_goal = [run for run in runs if run['trunks'] == AUDIT_GOAL_TRUNKS and run['mix'] == 'typical']
    meets = None
    if at_goal:
        meets = all(value is not False for value in at_goal[0]['meets'].values())
    return {
        'probes': judge['probes'], 'judge': judge,
        'judge_probes_per_s': judge['judge_probes_per_s'],
        'goal_judge_probes_per_s': GOALS['judge_probes_per_s'],
        'meets_judge_goal': judge['judge_probes_per_s'] >= GOALS['judge_probes_per_s'],
        'runs': runs, 'browser': browser,
        'goal_trunks': AUDIT_GOAL_TRUNKS,
        'goals': {'html_mb': GOALS['audit_html_mb'], 'build_write_s': GOALS['audit_build_write_s'],
                  'load_event_s': GOALS['audit_load_s']},
        # at the goal size; None when this run did not measure it (--quick)
        'meets_goal': meets,
    }


# --- 5. enforce.yml --check: the controller's CPU per gateway host ----------------------

_RECAP_HOST = re.compile(r'^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                         r'\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)')
#: tasks that run a Kamailio or rtpengine binary: check mode must skip them on every host
_BINARY_TASKS = ('Validate the candidate before it lands', 'Reload the TLS profiles without dropping calls',
                 'Wait for the ng control socket to answer a ping')


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _recap(log: Path) -> dict:
    hosts = {}
    for line in log.read_text(errors='replace').splitlines():
        match = _RECAP_HOST.match(line)
        if match:
            hosts[match.group('host')] = {k: int(v) for k, v in match.groupdict().items() if k != 'host'}
    return hosts


def _controller_run(ctx: dict, hosts: int, forks: int) -> dict:
    """One enforce.yml --check run over ``hosts`` fresh gateway hosts at ``forks``; its CPU, split."""
    tag = '%d-f%d' % (hosts, forks)
    base = ctx['work'] / ('gateways-%s' % tag)
    inventory = write_json(ctx['work'] / ('gateways-%s.json' % tag), gatewaygen.inventory(hosts, str(base)))
    split = ctx['work'] / ('cpu-%s.jsonl' % tag)
    progress('controller: enforce.yml --check over %d gateway hosts, forks=%d' % (hosts, forks))
    before = _cpu_children()
    wall = run_playbook(ctx, ['-i', str(inventory), str(REPO / 'playbooks' / 'enforce.yml'), '--check',
                              '-f', str(forks)], 'controller-%s.log' % tag,
                        {'BENCH_CPU_SPLIT_FILE': str(split)}, command=[sys.executable, str(BENCH / 'cpu_split.py')])
    total = _cpu_children() - before

    recap = _recap(ctx['work'] / ('controller-%s.log' % tag))
    bad = {h: r for h, r in recap.items() if r['failed'] or r['unreachable'] or not r['changed']}
    if len(recap) != hosts or bad:
        raise BenchError('enforce.yml --check over %d hosts: %d hosts in the recap, these failed, were unreachable '
                         'or would change nothing: %s' % (hosts, len(recap), bad))
    if base.exists():
        raise BenchError('enforce.yml --check wrote into %s: check mode must write nothing' % base)
    records = [json.loads(line) for line in split.read_text().splitlines()]
    main_rec = [r for r in records if r.get('main')]
    workers = [r for r in records if not r.get('main')]
    ran = sorted({r['task'] for r in workers if r['modules_s'] > 0 and r['task'].split(' : ')[-1].startswith(_BINARY_TASKS)})
    if ran:
        raise BenchError('check mode ran a module for %s: it must skip what runs Kamailio or rtpengine' % ran)
    main_s = main_rec[0]['self_s'] if main_rec else None
    modules_s = sum(r['modules_s'] for r in workers)
    worker_s = sum(r['worker_s'] for r in workers)
    per_task: dict = {}
    for record in workers:
        entry = per_task.setdefault(record['task'], [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += record['worker_s']
        entry[2] += record['modules_s']
    top = sorted(per_task.items(), key=lambda item: -(item[1][1] + item[1][2]))[:15]
    return {
        'hosts': hosts, 'forks': forks, 'wall_s': round(wall, 2),
        'cpu_s': round(total, 2), 'cpu_per_host_s': round(total / hosts, 3),
        'main_s': None if main_s is None else round(main_s, 2),
        'workers_s': round(worker_s, 2),
        'modules_s': round(modules_s, 2), 'modules_per_host_s': round(modules_s / hosts, 3),
        'controller_per_host_s': round((total - modules_s) / hosts, 3),
        'worker_runs_per_host': round(len(workers) / hosts, 1),
        'module_tasks_per_host': round(sum(1 for r in workers if r['modules_s'] > 0) / hosts, 1),
        'changed_per_host': sorted({r['changed'] for r in recap.values()}),
        'top_tasks_per_host': [{'task': name, 'runs': count / hosts, 'worker_s': round(w / hosts, 3),
                                'modules_s': round(m / hosts, 3)} for name, (count, w, m) in top],
    }


def bench_controller(ctx: dict) -> dict:
    """enforce.yml --check from a fresh state over generated Kamailio gateway inventories."""
    sizes = ctx['sizes']
    forks, more = sizes['controller_forks'], sizes['controller_more_forks']
    runs = [_controller_run(ctx, hosts, forks) for hosts in sizes['controller_hosts']]
    more_run = _controller_run(ctx, sizes['controller_hosts'][-1], more) if more and more != forks else None
    small, large = runs[0], runs[-1]
    growth = large['cpu_per_host_s'] / small['cpu_per_host_s']
    goal, flat = GOALS['controller_cpu_per_host_s'], GOALS['controller_growth']
    return {
        'trunks_per_host': gatewaygen.TRUNKS_PER_HOST,
        # whether this machine has it: check mode runs none of its tasks either way (checked per run)
        'kamailio_binary': shutil.which('kamailio', path=os.environ.get('PATH', '') + ':/usr/sbin:/usr/local/sbin'),
        'runs': runs,
        'more_forks': more_run,
        'growth_per_host': round(growth, 3),
        'controller_growth_per_host': round(large['controller_per_host_s'] / small['controller_per_host_s'], 3),
        'goal_cpu_per_host_s': goal, 'goal_growth': flat,
        'meets_goal': max(r['cpu_per_host_s'] for r in runs) <= goal and growth <= flat,
        'meets_goal_without_modules': (max(r['controller_per_host_s'] for r in runs) <= goal
                                       and large['controller_per_host_s'] / small['controller_per_host_s'] <= flat),
    }


# --- 6. an SBC per device --------------------------------------------------------------

def _sbc_trunks(count: int) -> list:
    """``count`` public trunks (TLS and SRTP required), each with a provider and a listen address of its own."""
    return [{'name': 't%04d' % n, 'connection': 'public',
             'provider': {'name': 'Provider %d' % n, 'tls': True, 'srtp': True, 'address': 'sbc%d.provider.example' % n},
             'mediation_subnet': {'cidr': '10.20.0.0/28', 'audience': 'authorized_it'},
             'gateway': {'address': '10.50.%d.%d' % (n // 250, n % 250 + 1), 'tls_port': 5061}}
            for n in range(count)]


def _sbc_options(platform: str, settings: list) -> dict:
    addresses = [s['listen']['address'] for s in settings]
    if platform == 'audiocodes':
        return {'host': 'sbc-bench', 'network_interfaces': dict((a, 'WAN') for a in addresses)}
    return {'host': 'cube-bench', 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
            'interfaces': dict((a, 'GigabitEthernet0/0/%d' % (i % 8)) for i, a in enumerate(addresses))}


def _sbc_device_text(platform: str, module, desired: dict) -> str:
    """The device's configuration as the role would leave it: the rendered state, parsed back as the device's."""
    if platform == 'audiocodes':
        return '\n'.join(module.ini_lines(desired['ini'])) + '\n'
    return module.config_text(desired)


def bench_sbc(ctx: dict) -> dict:
    """For each SBC platform and size: sbc_desired over the device's trunks, then sbc_drift against the device's
    configuration unchanged and with one trunk drifted (the time a host of that platform spends on the controller
    before anything is sent)."""
    from ansible_collections.voip.trunk_security.plugins.module_utils import gateway, platforms

    runs = ctx['sizes']['sbc_runs']
    found = []
    for platform in platforms.SBC_PLATFORMS:
        module = platforms.sbc(platform)
        for count in ctx['sizes']['sbc_trunks']:
            progress('sbc: %s, %d trunks on one device, %d runs' % (platform, count, runs))
            settings = gateway.settings_all(_sbc_trunks(count))
            options = _sbc_options(platform, settings)
            timings = {'desired': [], 'drift_unchanged': [], 'drift_one_trunk': []}
            for _run in range(runs):
                start = time.perf_counter()
                desired = module.desired(settings, options)
                timings['desired'].append(time.perf_counter() - start)
                text = _sbc_device_text(platform, module, desired)
                # one trunk's setting changed on the device: mutual TLS off (AudioCodes), SRTP fallback (CUBE)
                drifted = (text.replace('"t0000", 1, ', '"t0000", 0, ', 1) if platform == 'audiocodes'
                           else text.replace('\n srtp\n', '\n srtp fallback\n', 1))
                for name, device in (('drift_unchanged', text), ('drift_one_trunk', drifted)):
                    start = time.perf_counter()
                    result = module.drift(desired, device)
                    timings[name].append(time.perf_counter() - start)
                    changed = [t['name'] for t in result['trunks'] if t['status'] != 'unchanged']
                    if name == 'drift_unchanged' and (result['changed'] or changed):
                        raise BenchError('%s: the rendered state drifts from itself: %s' % (platform, changed))
                    if name == 'drift_one_trunk' and len(changed) != 1:
                        raise BenchError('%s: one changed line drifted %s' % (platform, changed or 'nothing'))
            medians = dict((name, round(_median(values), 6)) for name, values in timings.items())
            per_device = medians['desired'] + medians['drift_one_trunk']
            found.append({'platform': platform, 'trunks': count, 'config_lines': text.count('\n'),
                          'median_s': medians, 'per_device_s': round(per_device, 6),
                          'meets_goal': per_device <= GOALS['sbc_device_s']})
    return {'runs': found, 'goal_device_s': GOALS['sbc_device_s'], 'runs_per_size': runs}


def _status(ok: bool | None) -> str:
    return '-' if ok is None else ('ok' if ok else 'MISSED')


def _audit_rows(audit: dict) -> list:
    goals = audit['goals']
    rows = [('4. judge %d probes (verify.verify_host, best of 3)' % audit['probes'],
             '%.0f probes/s' % audit['judge_probes_per_s'], '>= %.0f probes/s' % audit['goal_judge_probes_per_s'],
             _status(audit['meets_judge_goal']))]
    for run in audit['runs']:
        sizes, browser, meets = run['bytes'], run['browser'], run['meets']
        size = '%s trunks on %s hosts (%s)' % (format(run['trunks'], ','), format(run['hosts'], ','), run['mix'])
        rows.append(('   audit of %s: audit_files + write' % size,
                     '%.2f s' % run['build_write_s'], '<= %.1f s' % goals['build_write_s'],
                     _status(meets['build_write'])))
        rows.append(('     HTML file (JSON / JUnit)', '%.1f MB (%.1f / %.1f MB)' % (
            sizes['html'] / 1e6, sizes['json'] / 1e6, sizes['junit'] / 1e6), '<= %.0f MB' % goals['html_mb'],
            _status(meets['html'])))
        if browser['measured']:
            rows.append(('     Chromium load event (median of %d)' % len(browser['load_event_ms']),
                         '%.2f s' % (browser['median_load_event_ms'] / 1e3), '<= %.1f s' % goals['load_event_s'],
                         _status(meets['load'])))
        else:
            rows.append(('     Chromium load event', 'not measured', '<= %.1f s' % goals['load_event_s'], '-'))
        rows.append(('     peak memory: traced / max RSS growth', '%.0f / %.0f MB' % (
            run['traced_peak_mb'], run['maxrss_growth_mb']), '', ''))
        rows.append(('     the same without generated, as audit_report.yml calls it',
                     '%.2f s' % run['playbook_build_write_s'], '', ''))
    return rows


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
        scaled = ' (scaled from %d)' % filt['hand_trunks_measured'] if filt['hand_scaled_linearly'] else ''
        rows.append(('2b. set_fact loop + when, %d trunks%s' % (filt['trunks'], scaled),
                     '%.1f s' % filt['hand_s'], '', ''))
        rows.append(('   ratio (b)/(a)', '%.0fx' % filt['ratio_hand_over_filter'], '', ''))
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
    audit = results.get('audit')
    if audit:
        rows.extend(_audit_rows(audit))
    ctl = results.get('controller')
    if ctl:
        goal = ctl['goal_cpu_per_host_s']
        for run in ctl['runs'] + ([ctl['more_forks']] if ctl['more_forks'] else []):
            first = run is ctl['runs'][0]
            rows.append(('%s %d hosts x %d trunks, forks=%d: CPU per host' % (
                '5. enforce.yml --check,' if first else '  ', run['hosts'], ctl['trunks_per_host'], run['forks']),
                '%.2f s' % run['cpu_per_host_s'], '<= %.1f s' % goal, _status(run['cpu_per_host_s'] <= goal)))
            rows.append(('     of it module processes / the rest (controller proper)',
                         '%.2f / %.2f s' % (run['modules_per_host_s'], run['controller_per_host_s']),
                         '<= %.1f s' % goal, _status(run['controller_per_host_s'] <= goal)))
        rows.append(('   growth per host, %d -> %d hosts (all / without modules)' % (
            ctl['runs'][0]['hosts'], ctl['runs'][-1]['hosts']),
            '%.2fx / %.2fx' % (ctl['growth_per_host'], ctl['controller_growth_per_host']),
            '<= %.1fx' % ctl['goal_growth'], _status(ctl['growth_per_host'] <= ctl['goal_growth'])))
    sbc = results.get('sbc')
    if sbc:
        for run in sbc['runs']:
            first = run is sbc['runs'][0]
            rows.append(('%s %s, %d trunks on one device (%d config lines): desired + drift' % (
                '6.' if first else '  ', run['platform'], run['trunks'], run['config_lines']),
                '%.3f s' % run['per_device_s'], '<= %.1f s' % sbc['goal_device_s'], _status(run['meets_goal'])))
            rows.append(('     desired / drift unchanged / drift one trunk (medians of %d)' % sbc['runs_per_size'],
                         '%.3f / %.3f / %.3f s' % (run['median_s']['desired'], run['median_s']['drift_unchanged'],
                                                   run['median_s']['drift_one_trunk']), '', ''))
    header = ('figure', 'measured', 'goal', 'status')
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)]
    fmt = '  '.join('%%-%ds' % w for w in widths)
    lines = [fmt % header, fmt % tuple('-' * w for w in widths)] + [fmt % row for row in rows]
    if filt:
        lines.append('')
        req = filt['required']
        lines.append('2: %s.' % filt['note'])
        lines.append('   Both agree: of the %d trunks (b) decided, %d required by the filter and %d by hand '
                     '(the play asserts it); %d of all %d by the filter.'
                     % (filt['hand_trunks_measured'], req['filter_over_hand_trunks'], req['hand'],
                        req['filter_all_trunks'], filt['trunks']))
        lines.append('   (a) and (b) each include their own task overhead; one empty task costs %.3f s.'
                     % filt['empty_task_s'])
    if assess and assess.get('profile'):
        lines.append('')
        lines.append('3: where the time goes (ansible.posix.profile_tasks, one extra run each):')
        for name in ('assess', 'noop'):
            for task in assess['profile'][name]:
                lines.append('   %-7s %-58s %7.2f s' % (name, task['task'], task['s']))
            if not assess['profile'][name]:
                lines.append('   %-7s (no TASKS RECAP: is the ansible.posix collection installed?)' % name)
    if audit:
        lines.append('')
        largest = audit['runs'][-1]
        lines.append('4: the estate of %s trunks (estategen.py): drift per host %s; trunks %s.' % (
            format(largest['trunks'], ','), ', '.join('%s %d' % item for item in largest['drift_hosts'].items()),
            ', '.join('%s %d' % item for item in largest['summary'].items())))
        lines.append('   Chromium: %s' % (audit['browser'].get('chromium') or audit['browser'].get('reason')))
    if ctl:
        large = ctl['runs'][-1]
        lines.append('')
        lines.append('5: %d hosts, forks=%d: %.1f s wall; main process %.1f s, workers %.1f s, module processes %.1f s; '
                     '%.0f worker forks per host, %.0f of them run a module; kamailio here: %s'
                     % (large['hosts'], large['forks'], large['wall_s'], large['main_s'] or 0, large['workers_s'],
                        large['modules_s'], large['worker_runs_per_host'], large['module_tasks_per_host'],
                        ctl['kamailio_binary'] or 'not installed'))
        lines.append('   CPU per host by task (worker + module processes), the %d-host run:' % large['hosts'])
        for task in large['top_tasks_per_host']:
            lines.append('   %-78s %4.1fx %6.3f + %6.3f s'
                         % (task['task'][:78], task['runs'], task['worker_s'], task['modules_s']))
    return '\n'.join(l.rstrip() for l in lines)


def cpu_snapshot() -> tuple:
    """(wall clock, busy CPU seconds of the whole machine, CPU seconds of this process and its children)."""
    busy = None
    try:
        with open('/proc/stat') as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal: all but idle and iowait are busy
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError):
        pass
    ours = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ('ru_utime', 'ru_stime'))
    return time.monotonic(), busy, ours


def others_cpu_share(start: tuple, end: tuple) -> float | None:
    """Share of the machine's CPUs that other processes used between two snapshots."""
    if start[1] is None or end[1] is None or end[0] <= start[0]:
        return None
    others = max(0.0, (end[1] - start[1]) - (end[2] - start[2]))
    return others / ((end[0] - start[0]) * (os.cpu_count() or 1))


def source_digest() -> str:
    """A digest of the code being measured (plugins, roles, assess.yml, enforce.yml), to tell whether it
    changed mid-run."""
    digest = hashlib.sha256()
    measured = ([p for p in (REPO / 'plugins').rglob('*.py') if p.is_file()]
                + [p for p in (REPO / 'roles').rglob('*') if p.is_file()]
                + [REPO / 'playbooks' / 'assess.yml', REPO / 'playbooks' / 'enforce.yml'])
    for path in sorted(p for p in measured if p.is_file()):
        digest.update(str(path.relative_to(REPO)).encode() + b'\0' + path.read_bytes() + b'\0')
    return digest.hexdigest()[:16]


def git_commit() -> str | None:
    """HEAD of the checkout (read-only), or None when git is unavailable."""
    try:
        proc = subprocess.run(['git', '-C', str(REPO), 'rev-parse', '--short=12', 'HEAD'], capture_output=True,
                              text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None


def ansible_version(ctx: dict) -> str:
    proc = subprocess.run([ctx['ansible_playbook'], '--version'], capture_output=True, text=True, env=ctx['env'],
                          check=False)
    first = proc.stdout.splitlines()[0] if proc.stdout else ''
    return first.replace('ansible-playbook', '').strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='smaller sizes, for a quick look')
    parser.add_argument('--only', choices=SECTIONS, action='append',
                        help='run only this benchmark (may be repeated)')
    parser.add_argument('--hand-limit', type=float, metavar='SECONDS',
                        help='longest (b) may run over all trunks before the benchmark falls back to '
                             'a slice, scaled (default: 180, 20 with --quick)')
    parser.add_argument('--profile', action='store_true',
                        help='profile assess.yml and the no-op play per task even when the goal is met')
    parser.add_argument('--keep-temp', action='store_true', help='keep the temp dir (logs, inventory, reports)')
    # one size of figure 4, in a process of its own (bench_audit starts it): JSON spec in, JSON figures out
    parser.add_argument('--audit-worker', metavar='SPEC', help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.audit_worker:
        print(json.dumps(audit_worker(json.loads(options.audit_worker))))
        return 0
    sections = options.only or list(SECTIONS)
    mode = 'quick' if options.quick else 'full'

    work = Path(tempfile.mkdtemp(prefix='voip-trunk-bench-'))
    ctx = {'work': work, 'sizes': SIZES[mode], 'profile': options.profile}
    ctx['hand_limit_s'] = options.hand_limit if options.hand_limit is not None else ctx['sizes']['hand_limit_s']
    make_collections_path(work)
    sys.path.insert(0, str(work))
    ctx['env'] = ansible_env(work)
    needs_ansible = any(s in sections for s in ('filter', 'assess', 'controller'))
    if needs_ansible:
        ctx['ansible_playbook'] = find_ansible_playbook()

    meta = {
        'started': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'git_head': git_commit(),
        'code_digest_start': source_digest(),
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
    cpu_start = cpu_snapshot()
    try:
        for section in SECTIONS:
            if section in sections:
                results[section] = {'engine': bench_engine, 'filter': bench_filter, 'assess': bench_assess,
                                    'audit': bench_audit, 'controller': bench_controller,
                                    'sbc': bench_sbc}[section](ctx)
    except (BenchError, PlaybookTimeout) as error:
        failed = str(error)
    finally:
        meta['loadavg_end'] = os.getloadavg()
        share = others_cpu_share(cpu_start, cpu_snapshot())
        meta['others_cpu_share'] = None if share is None else round(share, 3)
        meta['code_digest_end'] = source_digest()
        if options.keep_temp or failed:
            meta['temp_dir'] = str(work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    if results:
        print(table(results))
    if meta['others_cpu_share'] is not None and meta['others_cpu_share'] > 0.1:
        print('\nnote: other processes used %.0f%% of the %d CPUs while the benchmark ran; the figures are noisy'
              % (meta['others_cpu_share'] * 100, meta['cpus']))
    if meta['code_digest_end'] != meta['code_digest_start']:
        print('\nWARNING: plugins/, roles/, playbooks/assess.yml or playbooks/enforce.yml changed while the '
              'benchmark ran: the figures mix two versions; run it again')
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
