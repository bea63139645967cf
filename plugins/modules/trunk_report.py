#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: trunk_report
short_description: Write the trunk security reports (JSON and JUnit XML) on the controller
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Gathers the results of M(voip.trunk_security.trunk_policy) from every host of the play
    (or takes them as O(assessments)) and writes, on the controller, a JSON report of every
    result and a JUnit XML report with one test case per trunk (blockers and invalid trunks
    are failures).
  - Returns the totals and a compact table, one line per trunk.
  - Runs on the controller (an action plugin) in one task, however many hosts there are;
    call it once, with C(run_once=true).
  - A file is rewritten only when its content changes, atomically.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - voip.trunk_security.controller_action
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written; C(changed) tells whether a report would change.
options:
  assessments:
    description:
      - Host name to the registered result of M(voip.trunk_security.trunk_policy).
      - When not given, the result registered as O(result_var) is read from each of O(hosts).
    type: dict
  hosts:
    description: The hosts whose results are gathered. Default is every host of the play.
    type: list
    elements: str
  result_var:
    description: The variable the M(voip.trunk_security.trunk_policy) result was registered as.
    type: str
    default: trunk_security_assessment
  dest_dir:
    description: Directory, on the controller, for the reports; created when missing.
    type: path
    required: true
  json_name:
    description: File name of the JSON report.
    type: str
    default: trunk-security.json
  junit_name:
    description: File name of the JUnit XML report.
    type: str
    default: trunk-security.junit.xml
seealso:
  - module: voip.trunk_security.trunk_policy
  - plugin: voip.trunk_security.trunk_report
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Assess every host
  voip.trunk_security.trunk_policy:
    fail_on: never
  register: trunk_security_assessment

- name: Write the reports and show the table
  voip.trunk_security.trunk_report:
    dest_dir: reports
  run_once: true
  check_mode: false
  register: report

- name: Show the table
  ansible.builtin.debug:
    msg: "{{ report.table }}"
  run_once: true
'''

RETURN = r'''
summary:
  description: Totals over every assessed host.
  returned: always
  type: dict
  sample: {hosts: 3, trunks: 9, required: 5, optional: 4, blockers: 1, invalid: 0, compliant: 8, warnings: 1}
skipped_hosts:
  description: Host name to why it was not assessed (no trunks, say).
  returned: always
  type: dict
files:
  description: The report files, absolute paths on the controller.
  returned: always
  type: list
  elements: str
table:
  description: The compact table, one line per trunk, then a summary line.
  returned: always
  type: list
  elements: str
'''
