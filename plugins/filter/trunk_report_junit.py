# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: trunk_report_junit
short_description: Render a trunk security report as JUnit XML
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - One test suite per host and one test case per trunk, so CI pipelines show each trunk.
  - A trunk with blockers, or an invalid trunk, is a failure; the decision, reasons and
    warnings go to the test case's C(system-out).
options:
  _input:
    description: A report from P(voip.trunk_security.trunk_report#filter).
    type: dict
    required: true
  suite_name:
    description: Name of the top-level C(testsuites) element and prefix of each class name.
    type: str
    default: trunk-security
'''

EXAMPLES = r'''
- name: Write the JUnit report
  ansible.builtin.copy:
    content: "{{ report | voip.trunk_security.trunk_report_junit }}"
    dest: reports/trunk-security.junit.xml
    mode: "0644"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
_value:
  description: The JUnit XML document.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import junit_xml


def trunk_report_junit(report, suite_name='trunk-security'):
    try:
        return junit_xml(report, suite_name)
    except (KeyError, TypeError, AttributeError) as error:
        raise AnsibleFilterError('trunk_report_junit expects a report from voip.trunk_security.trunk_report: %s' % error)


class FilterModule(object):
    def filters(self):
        return {'trunk_report_junit': trunk_report_junit}
