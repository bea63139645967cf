# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: sbc_drift
short_description: What differs, per trunk, between a session border controller's configuration and its desired settings
version_added: 1.1.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Compares what P(voip.trunk_security.sbc_desired#filter) says a device must hold with the device's current
    configuration as text - the full ini file of an AudioCodes Mediant (C(GET /api/v1/files/ini)), the
    C(show running-config) of a Cisco CUBE - and returns, per trunk, whether it is unchanged, drifted or
    missing, each setting that differs (before and after), and the exact lines that would put it right.
  - The module M(voip.trunk_security.sbc_drift) does the same as a task, so that C(--check --diff) and the audit
    report show it.
options:
  _input:
    description: The result of P(voip.trunk_security.sbc_desired#filter).
    type: dict
    required: true
  running:
    description: The device's configuration, as text.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Which trunks have drifted on the CUBE
  ansible.builtin.debug:
    msg: "{{ (desired | voip.trunk_security.sbc_drift(running_config)).trunks | selectattr('status', '!=', 'unchanged')
             | map(attribute='name') }}"
'''

RETURN = r'''
_value:
  description: The comparison.
  type: dict
  contains:
    changed:
      description: Whether anything differs.
      type: bool
    trunks:
      description:
        - One entry per trunk - C(name), C(status) (V(unchanged), V(drifted) or V(missing)), C(differences)
          (C(object), C(setting), C(before), C(after)) and C(lines), the lines that put the trunk right.
      type: list
      elements: dict
    host_wide:
      description: The differences and lines of the device's settings that every trunk shares.
      type: dict
    lines:
      description: The whole change, in the order the device must take it.
      type: list
      elements: str
    before:
      description: The device's configuration as the desired state is written, each trunk's part between C(#@trunk NAME) and C(#@end) lines.
      type: str
    after:
      description: The desired state, written the same way.
      type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils import platforms
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError


def sbc_drift(desired, running):
    if not isinstance(desired, dict) or 'platform' not in desired:
        raise AnsibleFilterError('sbc_drift takes the result of voip.trunk_security.sbc_desired')
    try:
        return platforms.sbc(desired['platform']).drift(desired, running or '')
    except (platforms.PlatformError, QuoteError) as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'sbc_drift': sbc_drift}
