# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.module_utils import platforms
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError

ARGUMENT_SPEC = {
    'desired': {'type': 'dict', 'required': True},
    'running': {'type': 'str', 'required': True},
    'device': {'type': 'str'},
}


class ActionModule(ActionBase):
    """Compare a device's configuration with the desired settings, on the controller; change nothing."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        desired = args['desired']
        try:
            found = platforms.sbc(desired.get('platform')).drift(desired, args['running'])
        except (platforms.PlatformError, QuoteError) as error:
            raise AnsibleActionFail(str(error))
        device = args['device'] or '%s (%s)' % (task_vars.get('inventory_hostname', 'device'), desired['platform'])
        result.update(
            changed=bool(found['changed']),
            trunks=[_shown(trunk) for trunk in found['trunks']],
            host_wide=_shown(found['host_wide']),
            lines=found.get('shown_lines', found['lines']),
            drifted=[trunk['name'] for trunk in found['trunks'] if trunk['status'] != 'unchanged'],
        )
        if found['changed'] and self._task.diff:
            result['diff'] = {'before': found['before'], 'after': found['after'],
                              'before_header': '%s: the device now' % device,
                              'after_header': '%s: the desired settings' % device}
        return result


def _shown(part):
    """A part of the drift as a task result may show it: where the platform wrote ``shown_lines`` (the lines with
    the values of the device's secret columns hidden), those stand as its ``lines``. The lines to send are the
    filter's (voip.trunk_security.sbc_drift), taken where nothing is logged."""
    if not isinstance(part, dict) or 'shown_lines' not in part:
        return part
    shown = dict((key, value) for key, value in part.items() if key != 'shown_lines')
    shown['lines'] = part['shown_lines']
    return shown
