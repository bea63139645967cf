# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: trunk_drift
type: aggregate
short_description: Record what a check-mode run would change, per host, as JSON
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Writes, at the end of the run, one JSON file with every host's drift - the tasks that
    report C(changed) while running in check mode, with their diffs as unified text - and
    the tasks that failed and the hosts that were unreachable.
  - Each hunk header of a diff the callback builds from a module's before and after texts names,
    after its second C(@@), whose lines the hunk changes - C(@@ -41,7 +41,7 @@ trunk lon-public-primary),
    C(@@ -1,4 +1,4 @@ host-wide), or several, host-wide first - from the C(#@trunk NAME) / C(#@end)
    comments that mark each trunk's section of the gateway's configurations; lines outside any
    section are host-wide. A diff a module hands over ready-made is kept as it is.
  - Each failure records the task's action; a failure of the assessment task (M(voip.trunk_security.trunk_policy)
    failing on its C(fail_on)) also names, in its C(trunks), the trunks whose blocker or invalid data stopped the
    run (the module's C(stopped_by)), so that the audit report shows the host's other trunks as not confirmed
    rather than drifted.
  - Meant for C(ansible-playbook voip.trunk_security.enforce --check --diff) (the compliance
    audit); the audit report (M(voip.trunk_security.audit_report)) reads the file.
  - Tasks that run for real inside a check-mode run (C(check_mode=false), such as writing
    reports) are not drift and are left out.
  - Enable it with C(ANSIBLE_CALLBACKS_ENABLED=voip.trunk_security.trunk_drift).
requirements:
  - enabled in the configuration or with ANSIBLE_CALLBACKS_ENABLED
options:
  path:
    description: The JSON file to write (its directory is created).
    type: path
    default: reports/trunk-drift.json
    env:
      - name: TRUNK_SECURITY_DRIFT_FILE
    ini:
      - section: callback_trunk_drift
        key: path
'''

import json
import os

from ansible import context
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.callback import CallbackBase
from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections


def _field(result, name):
    """ansible-core 2.19 exposes host/task/result; older releases only the private names."""
    value = getattr(result, name, None)
    if value is None or callable(value):
        value = getattr(result, '_' + name, None)
    return value


def _scratch_path(path):
    return '/ansible-local-' in path or '/.ansible/tmp/' in path


def unified(diff, path=None):
    """A module's diff (one dict or a list of them) as unified diff text, each hunk header naming
    the trunks (or host-wide lines) it changes (config_sections.unified); ``path`` names the file
    when the module's headers do not."""
    parts = diff if isinstance(diff, list) else [diff]
    texts = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        if part.get('prepared'):
            texts.append(to_text(part['prepared']))
            continue
        if 'before' not in part and 'after' not in part:
            continue
        before, after = part.get('before', ''), part.get('after', '')
        if not isinstance(before, str) or not isinstance(after, str):
            before = json.dumps(before, indent=2, sort_keys=True, default=str) + '\n'
            after = json.dumps(after, indent=2, sort_keys=True, default=str) + '\n'
        before_header = to_text(part.get('before_header') or path or 'before')
        after_header = to_text(part.get('after_header') or 'after')
        if _scratch_path(after_header) or (path and after_header == 'after'):
            # a template's diff names the controller's scratch copy: name the file it would become
            after_header = '%s (would be)' % before_header
        texts.append(config_sections.unified(before, after, before_header, after_header))
    return ''.join(texts)


def _blocking_trunks(data):
    """The trunks whose blocker or invalid data failed the task, when the task is the assessment
    (voip.trunk_security.trunk_policy names them in ``stopped_by``); else None."""
    names = data.get('stopped_by')
    if data.get('_ansible_no_log') or not isinstance(names, list):
        return None
    return [to_text(name) for name in names]


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'voip.trunk_security.trunk_drift'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.hosts = {}

    def _host(self, name):
        return self.hosts.setdefault(name, {'changes': [], 'failures': [], 'unreachable': False})

    def _record(self, result):
        task = _field(result, 'task')
        host = _field(result, 'host')
        data = _field(result, 'result') or {}
        changes = self._host(host.get_name())['changes']
        # a task that runs for real inside a check-mode run (reports, probes) is not drift
        if getattr(task, 'check_mode', None) is False:
            return
        entries = data.get('results') if isinstance(data.get('results'), list) else [data]
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get('changed'):
                continue
            change = {'task': task.get_name(), 'action': task.action}
            role = getattr(task, '_role', None)
            if role is not None:
                change['role'] = role.get_name()
            path = entry.get('dest') or entry.get('path')
            if not isinstance(path, str):
                # a template or copy that would create a file, in check mode, names it only in its arguments
                arguments = (entry.get('invocation') or {}).get('module_args') or {}
                path = arguments.get('dest') or arguments.get('path')
            if isinstance(path, str):
                change['path'] = path
            if entry.get('_ansible_item_label') is not None and entry is not data:
                change['item'] = to_text(entry['_ansible_item_label'])
            change['diff'] = ''
            if entry.get('diff') and not entry.get('_ansible_no_log'):
                change['diff'] = unified(entry['diff'], change.get('path') or change.get('item'))
            changes.append(change)

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if ignore_errors:
            return
        task, host, data = _field(result, 'task'), _field(result, 'host'), _field(result, 'result') or {}
        message = data.get('msg') or data.get('stderr') or 'failed'
        if data.get('_ansible_no_log'):
            message = 'failed (output hidden: no_log)'
        failure = {'task': task.get_name(), 'action': task.action, 'message': to_text(message)[:2000]}
        blocking = _blocking_trunks(data)
        if blocking is not None:
            failure['trunks'] = blocking
        self._host(host.get_name())['failures'].append(failure)

    def v2_runner_on_unreachable(self, result):
        host = _field(result, 'host')
        self._host(host.get_name())['unreachable'] = True

    def v2_playbook_on_stats(self, stats):
        del stats
        path = self.get_option('path')
        document = {'check_mode': bool(context.CLIARGS.get('check')), 'hosts': self.hosts}
        directory = os.path.dirname(os.path.abspath(path))
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory)
            with open(path, 'w') as handle:
                json.dump(document, handle, indent=2, sort_keys=True)
                handle.write('\n')
        except (IOError, OSError) as error:
            self._display.warning('trunk_drift: cannot write %s: %s' % (path, error))
