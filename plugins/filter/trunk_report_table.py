# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: trunk_report_table
short_description: Render a trunk security report as a compact text table
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - One line per trunk with host, trunk, connection, decision, TLS, SRTP and the ids of its
    blockers and warnings, then a summary line.
  - TLS and SRTP read V(required) (the policy requires it), V(on) (enabled opportunistically)
    or V(off).
options:
  _input:
    description: A report from P(voip.trunk_security.trunk_report#filter).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Show the table
  ansible.builtin.debug:
    msg: "{{ report | voip.trunk_security.trunk_report_table }}"
  run_once: true
'''

RETURN = r'''
_value:
  description: The table, a list of lines.
  type: list
  elements: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import table


def trunk_report_table(report):
    try:
        return table(report)
    except (KeyError, TypeError, AttributeError) as error:
        raise AnsibleFilterError('trunk_report_table expects a report from voip.trunk_security.trunk_report: %s' % error)


class FilterModule(object):
    def filters(self):
        return {'trunk_report_table': trunk_report_table}
