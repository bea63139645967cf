# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.module_utils import describe
from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import (
    FAIL_ON,
    assess_host,
    failures,
    stopped_by,
)
from ansible_collections.voip.trunk_security.plugins.plugin_utils import trunk_source


ARGUMENT_SPEC = {
    # raw, not list: Ansible would turn a scalar into a list of one string, hiding the mistake
    'trunks': {'type': 'raw'},
    'source': {'type': 'raw'},
    'query': {'type': 'str'},
    'fail_on': {'type': 'str', 'choices': list(FAIL_ON), 'default': 'blockers'},
    'no_trunks': {'type': 'str', 'choices': ['fail', 'skip'], 'default': 'fail'},
}


class ActionModule(ActionBase):
    """Assess the host's trunks on the controller; never changes anything."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        validation, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=[('trunks', 'source')],
            required_together=[('source', 'query')],
        )
        del validation
        trunks = self._trunks(args, task_vars or {})
        if trunks is None:
            if args['no_trunks'] == 'skip':
                result.update(skipped=True, changed=False, msg='no trunks on this host')
                return result
            raise AnsibleActionFail('no trunks to assess: set the host variable sip_trunks (or trunk_security_source '
                                    'and trunk_security_query), or give trunks, or source and query')
        assessment = assess_host(trunks)
        result.update(assessment)
        result['changed'] = False
        reasons = failures(assessment['trunks'], args['fail_on'])
        if reasons:
            result['failed'] = True
            result['stopped_by'] = stopped_by(assessment['trunks'], args['fail_on'])
            result['msg'] = '%d problem(s) on this host\'s trunks (fail_on=%s): %s' % (
                len(reasons), args['fail_on'], ' | '.join(reasons))
        else:
            counts = assessment['counts']
            result['msg'] = '%d trunk(s): %d required, %d optional, %d with blockers, %d invalid' % (
                counts['trunks'], counts['required'], counts['optional'], counts['blockers'], counts['invalid'])
        return result

    def _trunks(self, args, task_vars):
        """The trunks to assess, from the arguments or else the host's variables; None when there are none."""
        if args.get('source') is not None:
            return trunk_source.query(args['source'], args['query'])
        if args.get('query') is not None:
            raise AnsibleActionFail('query needs source: the data the JMESPath expression applies to')
        if args.get('trunks') is not None:
            return _trunk_list(args['trunks'], 'trunks')
        if 'sip_trunks' in task_vars:
            return _trunk_list(self._templar.template(task_vars['sip_trunks']), 'sip_trunks')
        if 'trunk_security_source' in task_vars:
            if 'trunk_security_query' not in task_vars:
                raise AnsibleActionFail('trunk_security_source is set but trunk_security_query is not: give the JMESPath '
                                        'expression that maps it onto the trunk model')
            return trunk_source.query(self._templar.template(task_vars['trunk_security_source']),
                                      self._templar.template(task_vars['trunk_security_query']))
        return None


def _trunk_list(trunks, what):
    if not isinstance(trunks, (list, tuple)):
        raise AnsibleActionFail('%s must be a list of trunks, found %s' % (what, describe.found(trunks)))
    return list(trunks)
