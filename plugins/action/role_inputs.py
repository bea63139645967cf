# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.module_utils import role_inputs


ARGUMENT_SPEC = {
    'role': {'type': 'str', 'required': True, 'choices': list(role_inputs.ROLES)},
    'values': {'type': 'dict'},
    'warn_unknown': {'type': 'bool', 'default': True},
}


class ActionModule(ActionBase):
    """Check a role's inputs on the controller, before the role changes anything; never changes anything."""

    _supports_check_mode = True
    _supports_async = False
    _requires_connection = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        role = args['role']
        inputs = role_inputs.INPUTS[role]
        problems = []
        if args['values'] is not None:
            values = dict(args['values'])
        else:
            values = {}
            for name in inputs:
                if name not in task_vars:
                    continue
                try:
                    values[name] = self._templar.template(task_vars[name])
                except AnsibleError as error:
                    problems.append({'field': name, 'message': 'cannot be resolved: %s' % _first_line(error),
                                     'value': None})
        checked = role_inputs.check(role, values)
        problems.extend(role_inputs.explain_defaults(checked['problems'], task_vars if args['values'] is None else {}))
        warnings = list(checked['warnings'])
        unknown = []
        if args['warn_unknown']:
            unknown = role_inputs.unknown_inputs(role, list(task_vars.keys()) + list(values), inputs)
            warnings.extend(item['message'] for item in unknown)
        result.update(changed=False, problems=problems, unknown=unknown, checked=sorted(values))
        if warnings:
            result['warnings'] = warnings
        if problems:
            result.update(failed=True, msg=role_inputs.refusal(role, problems))
        else:
            result['msg'] = 'the inputs of %s.%s are well formed (%d checked)' % (
                role_inputs.COLLECTION, role, len(values))
        return result


def _first_line(error):
    lines = to_text(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__
