#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: sbc_drift
short_description: Show, per trunk, what differs between a session border controller and its desired settings
version_added: 1.1.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Compares the desired state of P(voip.trunk_security.sbc_desired#filter) with the device's configuration as
    text (an AudioCodes Mediant's full ini file, a Cisco CUBE's C(show running-config)), on the controller, the
    way P(voip.trunk_security.sbc_drift#filter) does.
  - Reports C(changed) when anything differs, and with C(--diff) the difference, each trunk's part marked, so
    that the M(voip.trunk_security.audit_report) and the C(voip.trunk_security.trunk_drift) callback attribute it
    to its trunk. It sends nothing to the device and changes nothing; the role's platform tasks send the
    returned RV(lines) (the exact change) when not in check mode.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - voip.trunk_security.controller_action
attributes:
  check_mode:
    support: full
    details: It changes nothing in any mode; C(changed) says whether the device differs from the desired settings.
  diff_mode:
    support: full
    details: The device's trunk objects and the desired ones, as the platform writes them, each trunk's part marked.
options:
  desired:
    description: The result of P(voip.trunk_security.sbc_desired#filter) for the host.
    type: dict
    required: true
  running:
    description: The device's configuration, as text.
    type: str
    required: true
  device:
    description: How the diff's headers name the device (default the inventory host name and the platform).
    type: str
seealso:
  - plugin: voip.trunk_security.sbc_desired
    plugin_type: filter
  - plugin: voip.trunk_security.sbc_drift
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Read the SBC's configuration
  cisco.ios.ios_command:
    commands: [show running-config]
  register: running
  check_mode: false

- name: Show what differs from the desired settings
  voip.trunk_security.sbc_drift:
    desired: "{{ mediation_gateway_settings | voip.trunk_security.sbc_desired('cisco_cube', {}) }}"
    running: "{{ running.stdout[0] }}"
  register: drift
'''

RETURN = r'''
trunks:
  description:
    - One entry per trunk - C(name), C(status) (V(unchanged), V(drifted) or V(missing)), C(differences)
      (C(object), C(setting), C(before), C(after)) and C(lines), the lines that put the trunk right.
  returned: always
  type: list
  elements: dict
drifted:
  description: The names of the trunks that are not unchanged.
  returned: always
  type: list
  elements: str
host_wide:
  description: The differences and lines of the device's settings that every trunk shares.
  returned: always
  type: dict
lines:
  description:
    - The whole change, in the order the device must take it (an incremental ini, configuration lines).
    - The values of the device's secret columns (an AudioCodes IP Group's passwords) are hidden here, as in
      RV(trunks) and the diff; take the lines to send from P(voip.trunk_security.sbc_drift#filter) in a task
      with C(no_log).
  returned: always
  type: list
  elements: str
'''
