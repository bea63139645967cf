# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: verify_plan
short_description: What to probe on the wire for a host's SIP trunks
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Turns a host's trunks into the probes that show whether the gateway side really is what
    each trunk's policy requires (see P(voip.trunk_security.gateway_settings#filter)).
  - For a trunk whose policy enables TLS, the gateway's TLS listener, and the plain SIP
    ports 5060, 5068 (and C(gateway.tcp_port)) on its address, TCP and UDP, which must not
    answer. For a trunk whose policy leaves TLS off, its plain TCP listener, which must.
  - With O(provider=true), also the provider's next hop of each TLS trunk.
  - Trunks that cannot be probed (invalid, or without C(gateway.address) or
    C(provider.address)) are listed in C(skipped) with the reason, never dropped silently.
  - M(voip.trunk_security.sip_tls_probe) probes each target; P(voip.trunk_security.verify_findings#filter)
    judges the results. The playbook C(voip.trunk_security.verify) ties them together.
options:
  _input:
    description:
      - The host's trunks (the model of C(docs/policy.md)).
      - V(null) with O(source) and O(query) maps inventory data of another shape onto the
        model, as M(voip.trunk_security.trunk_policy) does; V(null) without them means no trunks.
    type: list
    elements: dict
    required: true
  source:
    description: Inventory data of another shape (the host's C(trunk_security_source)), used when the input is V(null).
    type: raw
  query:
    description: The JMESPath expression mapping O(source) onto the trunk model (the host's C(trunk_security_query)).
    type: str
  provider:
    description: Probe the provider's next hop of each TLS trunk as well.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Plan the probes of the host's trunks
  ansible.builtin.set_fact:
    probe_plan: "{{ sip_trunks | voip.trunk_security.verify_plan(provider=true) }}"

- name: The same for a host whose trunks come from a CMDB export
  ansible.builtin.set_fact:
    probe_plan: "{{ none | voip.trunk_security.verify_plan(source=cmdb_export, query=trunk_security_query) }}"
'''

RETURN = r'''
_value:
  description: C(targets) to probe, C(skipped) trunks with the reason, and each trunk's C(settings).
  type: dict
  sample:
    targets:
      - trunk: lab-public
        target: gateway
        address: 127.0.0.10
        port: 5067
        server_name: null
        tls: true
        mutual_tls: true
        plaintext_ports: [{port: 5060, protocol: tcp}, {port: 5060, protocol: udp}]
        plaintext_allowed: false
    skipped: [{trunk: lon-public-primary, reason: "trunk 'lon-public-primary': gateway.address: is required ..."}]
    settings: {lab-public: {transport: tls}}
'''

from ansible.errors import AnsibleActionFail, AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.verify import plan
from ansible_collections.voip.trunk_security.plugins.plugin_utils import trunk_source


def verify_plan(trunks, provider=False, source=None, query=None):
    if trunks is None:
        if source is None:
            trunks = []
        else:
            try:
                trunks = trunk_source.query(source, query)
            except AnsibleActionFail as error:
                raise AnsibleFilterError('verify_plan: %s' % error)
    if not isinstance(trunks, list):
        raise AnsibleFilterError('verify_plan expects the list of a host\'s trunks, got %s' % type(trunks).__name__)
    return plan(trunks, provider=bool(provider))


class FilterModule(object):
    def filters(self):
        return {'verify_plan': verify_plan}
