# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Inventory data of another shape (a CMDB or NetBox export) mapped onto the trunk model
with a JMESPath expression: one implementation for every plugin that reads trunks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail

from ansible_collections.voip.trunk_security.plugins.module_utils import describe

try:
    import jmespath
    HAS_JMESPATH = True
except ImportError:
    HAS_JMESPATH = False


def query(source, expression):
    """The trunks ``expression`` selects in ``source``: a list (one mapping becomes a list of one)."""
    if not HAS_JMESPATH:
        raise AnsibleActionFail('query needs the jmespath Python library on the controller: pip install jmespath')
    if not isinstance(expression, str):
        raise AnsibleActionFail('query must be a JMESPath expression (a string), found %s' % describe.found(expression))
    shown = describe.quote(expression)
    try:
        compiled = jmespath.compile(str(expression))
    except jmespath.exceptions.JMESPathError as error:
        raise AnsibleActionFail('query %s is not a valid JMESPath expression: %s' % (shown, _one_line(error)))
    try:
        found = compiled.search(source)
    except jmespath.exceptions.JMESPathError as error:
        # the expression parses; it failed on this data (a function given the wrong type, say)
        raise AnsibleActionFail('query %s failed on the source data: %s' % (shown, _one_line(error)))
    if found is None:
        raise AnsibleActionFail('query %s matched nothing in source: check the expression against the data' % shown)
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list):
        raise AnsibleActionFail('query %s must give a list of trunks, it gave %s' % (shown, describe.found(found)))
    return found


def _one_line(error):
    return ' '.join(str(error).split())
