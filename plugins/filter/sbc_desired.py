# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: sbc_desired
short_description: What a session border controller must hold for a host's trunks
version_added: 1.1.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Turns a host's neutral gateway-side settings (P(voip.trunk_security.gateway_settings#filter)) into the
    objects a session border controller must hold for them, in the device's own terms.
  - "V(audiocodes): AudioCodes Mediant SBC (firmware 7.2 and later) - per trunk a TLS Context, a SIP Interface,
    a Proxy Set and its Proxy IP, an IP Profile and an IP Group (C(docs/platforms/audiocodes.md))."
  - "V(cisco_cube): Cisco Unified Border Element on IOS XE - per trunk a TLS profile, SRTP crypto suites, the
    dial peers and, where the trunk needs its own listener, a tenant (C(docs/platforms/cisco_cube.md))."
  - What a platform or its release cannot hold, and any value that cannot be written safely in the device's
    language, is an error naming the trunk or the option and the value; nothing is rendered weaker.
options:
  _input:
    description: The host's list of neutral settings.
    type: list
    elements: dict
    required: true
  platform:
    description: The SBC platform.
    type: str
    choices: [audiocodes, cisco_cube]
    required: true
  options:
    description:
      - The platform's options, the role P(voip.trunk_security.mediation_gateway#role)'s inputs
        C(mediation_gateway_audiocodes_*) or C(mediation_gateway_cube_*) without that prefix; an unknown option is an error.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: What the AudioCodes SBC must hold for this host's trunks
  ansible.builtin.debug:
    msg: "{{ sip_trunks | voip.trunk_security.gateway_settings
             | voip.trunk_security.sbc_desired('audiocodes', {'host': inventory_hostname}) }}"
'''

RETURN = r'''
_value:
  description:
    - The platform, the host, per trunk the objects the device must hold, the host-wide settings, and notes.
    - Its exact shape is the platform's own (see C(docs/platforms/)); P(voip.trunk_security.sbc_drift#filter)
      compares it with the device's configuration.
  type: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils import platforms
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError


def sbc_desired(settings_list, platform, options=None):
    try:
        return platforms.sbc(platform).desired(settings_list, options or {})
    except (platforms.PlatformError, QuoteError) as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'sbc_desired': sbc_desired}
