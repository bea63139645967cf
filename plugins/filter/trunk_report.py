# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: trunk_report
short_description: Gather many hosts' trunk assessments into one report
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Takes a mapping of host name to the registered result of M(voip.trunk_security.trunk_policy)
    and returns one report with per-host results and totals, ready for
    P(ansible.builtin.to_nice_json#filter), P(voip.trunk_security.trunk_report_junit#filter)
    and P(voip.trunk_security.trunk_report_table#filter).
  - Hosts whose task was skipped (no trunks) are listed under C(skipped) with the reason.
options:
  _input:
    description: Host name to registered M(voip.trunk_security.trunk_policy) result.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Build the report from every host's assessment
  ansible.builtin.set_fact:
    report: >-
      {{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'assessment')))
         | voip.trunk_security.trunk_report }}
  run_once: true
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    summary:
      description: Totals over all hosts (hosts, trunks, required, optional, blockers, invalid, compliant, warnings).
      type: dict
    hosts:
      description: Host name to C({counts, trunks}), the module's per-host output.
      type: dict
    skipped:
      description: Host name to why it was not assessed.
      type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import build_report


def trunk_report(assessments):
    if not isinstance(assessments, dict):
        raise AnsibleFilterError('trunk_report expects a mapping of host name to trunk_policy result, got %s'
                                 % type(assessments).__name__)
    return build_report(assessments)


class FilterModule(object):
    def filters(self):
        return {'trunk_report': trunk_report}
