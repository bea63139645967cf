# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Inventory data of another shape (a CMDB or NetBox export) mapped onto the trunk model
with a JMESPath expression: one implementation for every plugin that reads trunks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail

try:
    import jmespath
    HAS_JMESPATH = True
except ImportError:
    HAS_JMESPATH = False


def query(source, expression):
    """The trunks ``expression`` selects in ``source``: a list (one mapping becomes a list of one)."""
    if not HAS_JMESPATH:
        raise AnsibleActionFail('query needs the jmespath Python library on the controller: pip install jmespath')
    try:
        found = jmespath.search(expression, source)
    except jmespath.exceptions.JMESPathError as error:
        raise AnsibleActionFail('query %r is not a valid JMESPath expression: %s' % (expression, error))
    if found is None:
        raise AnsibleActionFail('query %r matched nothing in source: check the expression against the data' % expression)
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list):
        raise AnsibleActionFail('query %r must give a list of trunks, it gave %s %r'
                                % (expression, type(found).__name__, found))
    return found
