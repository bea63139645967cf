#!/usr/bin/env python
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-playbook, run in this process, telling where its CPU time goes.

    BENCH_CPU_SPLIT_FILE=cpu.jsonl python tests/bench/cpu_split.py ANSIBLE-PLAYBOOK-ARGS...

Runs ``ansible.cli.playbook.main`` exactly as the ``ansible-playbook`` script does, and
appends one JSON line per finished worker process to the file: the host, the task, the
worker's own CPU seconds (task executor, templating, action plugin) and the CPU seconds of
the processes it waited for (with ``ansible_connection: local``, the module runs: the
shell and the Python that runs each module). Ansible forks one worker per host and task,
so this is the CPU of each task on each host. The last line is the main process's own CPU
(strategy, variable manager, callbacks, results), marked ``"main": true``.
"""

from __future__ import annotations

import json
import os
import resource
import sys

_FILE = os.environ.get('BENCH_CPU_SPLIT_FILE')


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _append(record: dict) -> None:
    # one write on an O_APPEND descriptor: lines of concurrent workers never interleave
    fd = os.open(_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(record) + '\n').encode())
    finally:
        os.close(fd)


def _install() -> None:
    from ansible.executor.process import worker

    original = worker.WorkerProcess._run

    def _run(self):
        try:
            return original(self)
        finally:
            try:
                role = self._task._role.get_name() if self._task._role else ''
                _append({'host': self._host.name, 'task': self._task.get_name(), 'role': role,
                         'action': self._task.action, 'worker_s': _cpu(resource.RUSAGE_SELF),
                         'modules_s': _cpu(resource.RUSAGE_CHILDREN)})
            except Exception:  # pylint: disable=broad-except  # a record lost must not fail the task
                pass

    worker.WorkerProcess._run = _run


def main() -> int:
    if _FILE:
        _install()
    from ansible.cli.playbook import main as playbook_main

    sys.argv[0] = 'ansible-playbook'
    try:
        return playbook_main()
    finally:
        if _FILE:
            _append({'main': True, 'self_s': _cpu(resource.RUSAGE_SELF), 'children_s': _cpu(resource.RUSAGE_CHILDREN)})


if __name__ == '__main__':
    sys.exit(main())
