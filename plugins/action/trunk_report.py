# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import build_report, junit_xml, table
from ansible_collections.voip.trunk_security.plugins.plugin_utils import report_files

ARGUMENT_SPEC = {
    'assessments': {'type': 'dict'},
    'hosts': {'type': 'list', 'elements': 'str'},
    'result_var': {'type': 'str', 'default': 'trunk_security_assessment'},
    'dest_dir': {'type': 'path', 'required': True},
    'json_name': {'type': 'str', 'default': 'trunk-security.json'},
    'junit_name': {'type': 'str', 'default': 'trunk-security.junit.xml'},
}


class ActionModule(ActionBase):
    """Gather the hosts' assessments and write the reports, all on the controller."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC,
                                                       mutually_exclusive=[('assessments', 'hosts')])
        del validation
        assessments = args['assessments']
        if assessments is None:
            assessments = self._gather(task_vars, args['hosts'], args['result_var'])
        report = build_report(assessments)
        dest_dir = os.path.abspath(args['dest_dir'])
        files = {
            os.path.join(dest_dir, args['json_name']): json.dumps(report, indent=4, sort_keys=False) + '\n',
            os.path.join(dest_dir, args['junit_name']): junit_xml(report),
        }
        changed = [path for path, content in files.items() if report_files.differs(path, content)]
        if changed and not self._task.check_mode:
            try:
                os.makedirs(dest_dir, exist_ok=True)
                for path in changed:
                    report_files.write(path, files[path])
            except OSError as error:
                raise AnsibleActionFail('cannot write the reports in %s: %s' % (dest_dir, error))
        result.update(changed=bool(changed), summary=report['summary'], skipped_hosts=report['skipped'],
                      files=sorted(files), table=table(report))
        return result

    def _gather(self, task_vars, hosts, result_var):
        if hosts is None:
            hosts = task_vars.get('ansible_play_hosts_all') or []
        hostvars = task_vars.get('hostvars')
        if hostvars is None:
            raise AnsibleActionFail('hostvars are not available: give assessments instead')
        gathered = {}
        for host in hosts:
            try:
                gathered[host] = hostvars[host].get(result_var)
            except KeyError:
                gathered[host] = None
        return gathered
