# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: gateway_settings
short_description: The neutral gateway-side settings of a SIP trunk, from its policy
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Turns a trunk (or a host's list of trunks) into the settings the gateway side facing
    it must have, whatever the platform - transport, listener, plaintext listener present
    or absent, next hop, certificate needs, SRTP mode - from the trunk's policy
    (P(voip.trunk_security.tls_srtp_policy#filter)) and its wiring (C(gateway),
    C(provider.address), C(provider.port), C(provider.server_name)).
  - TLS is the transport when the policy enables it; then there is no plaintext listener
    toward the trunk, the next hop is reached with TLS and its certificate is verified
    against C(server_name) (default the provider's address), and mutual TLS is on unless
    C(gateway.mutual_tls=false).
  - The SRTP mode is V(required) whenever the policy enables SRTP, V(optional) only where
    C(gateway.srtp_mode) asks for it and the policy does not require SRTP, else V(disabled).
  - A trunk without C(gateway.address) or C(provider.address) cannot be configured, and raises an error.
options:
  _input:
    description: A trunk, or a list of trunks (names unique).
    type: raw
    required: true
'''

EXAMPLES = r'''
- name: Listeners the gateway needs
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.listen.transport }}:{{ item.listen.address }}:{{ item.listen.port }}"
  loop: "{{ sip_trunks | voip.trunk_security.gateway_settings }}"
'''

RETURN = r'''
_value:
  description: For a trunk, its settings; for a list, the list of settings.
  type: raw
  sample:
    name: lab-public
    decision: required
    compliant: true
    tls_required: true
    srtp_required: true
    transport: tls
    listen: {address: 127.0.0.10, port: 5067, transport: tls}
    plaintext_listener: false
    next_hop: {address: 127.0.0.20, port: 5061, transport: tls, server_name: sbc.provider.test, verify_certificate: true}
    certificate: {needed: true, mutual_tls: true}
    srtp_mode: required
    notes: []
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.gateway import settings, settings_all
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError


def gateway_settings(trunks):
    try:
        if isinstance(trunks, dict):
            return settings(trunks)
        return settings_all(trunks)
    except TrunkInputError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'gateway_settings': gateway_settings}
