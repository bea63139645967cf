# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one JUnit XML writer of the collection: the assessment and the audit hand it their
test suites as plain data, it writes the XML.

Pure Python, no I/O, no Ansible import.

A suite is ``{'name': text, 'timestamp': text or None, 'cases': [case, ...]}``; a case is
``{'name': text, 'classname': text, 'failure': None or {'type', 'message', 'text'},
'system_out': text or None}``. Counts (``tests``, ``failures``, ``errors``) are computed here,
for each suite and for the whole document. Every text goes through :func:`xml_text`: a control
character in a trunk name from an inventory must not break the report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile(u'[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def xml_text(text):
    """Text safe for XML: characters XML cannot carry are shown as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: '\\x%02x' % ord(m.group()), str(text))


def failure(kind, message, lines=()):
    """A case's failure: its ``type``, its one-line ``message`` and the lines of its text."""
    return {'type': kind, 'message': message, 'text': '\n'.join(lines)}


def render(name, suites):
    """The suites as one JUnit XML document (text, with the XML declaration)."""
    root = ET.Element('testsuites', name=xml_text(name))
    total_tests = total_failures = 0
    for suite in suites:
        element = ET.SubElement(root, 'testsuite', name=xml_text(suite['name']))
        if suite.get('timestamp'):
            element.set('timestamp', xml_text(suite['timestamp']))
        failures = 0
        for case in suite['cases']:
            case_element = ET.SubElement(element, 'testcase', classname=xml_text(case['classname']),
                                         name=xml_text(case['name']))
            if case.get('failure') is not None:
                failures += 1
                found = case['failure']
                ET.SubElement(case_element, 'failure', type=xml_text(found['type']),
                              message=xml_text(found['message'])).text = xml_text(found.get('text') or '')
            if case.get('system_out') is not None:
                ET.SubElement(case_element, 'system-out').text = xml_text(case['system_out'])
        element.set('tests', str(len(suite['cases'])))
        element.set('failures', str(failures))
        element.set('errors', '0')
        total_tests += len(suite['cases'])
        total_failures += failures
    root.set('tests', str(total_tests))
    root.set('failures', str(total_failures))
    root.set('errors', '0')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'
