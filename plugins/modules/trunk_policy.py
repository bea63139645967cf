#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: trunk_policy
short_description: Assess a host's SIP trunks against the TLS/SRTP policy
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Decides, for every SIP trunk of a host, whether TLS (signalling) and SRTP (media) are
    required on the gateway side, the side of the Mediation Server facing the trunk.
  - TLS and SRTP are required when some point of the network path to the provider is
    accessible to more than a limited set of non-IT personnel. A dedicated private link,
    or a VPN at AES-128 strength or better, with a private mediation subnet, does not
    require them; a public path does.
  - Runs on the controller (an action plugin); nothing is sent to the host, so it is fast
    at thousands of trunks and needs no connection.
  - An invalid trunk is reported as invalid beside the others' results; it never hides them.
    Trunks sharing a name on one host are all invalid.
  - Never reports C(changed).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - voip.trunk_security.controller_action
attributes:
  check_mode:
    support: full
    details: Read-only; check mode gives the same result.
options:
  trunks:
    description:
      - The host's trunks, in the model of C(docs/policy.md).
      - When neither O(trunks) nor O(source) is given, the host variable C(sip_trunks) is used,
        or else the host variables C(trunk_security_source) and C(trunk_security_query) (the
        same as O(source) and O(query)).
      - Mutually exclusive with O(source).
      - A list; anything else (a number, a string, a mapping) fails the task with a message saying what it is.
    type: raw
  source:
    description:
      - Inventory data of another shape (a CMDB or NetBox export, say) that O(query) maps
        onto the trunk model.
      - Mutually exclusive with O(trunks).
    type: raw
  query:
    description:
      - A JMESPath expression applied to O(source); it must give a list of trunks (a single
        mapping is taken as a list of one).
      - Requires the C(jmespath) Python library on the controller.
    type: str
  fail_on:
    description:
      - V(blockers) fails the task when any trunk has a blocker or is invalid.
      - V(invalid) fails it only when a trunk is invalid.
      - V(never) only reports; the counts and results tell the rest.
      - The failure message lists every trunk at fault and why; results are returned either way.
    type: str
    choices: [blockers, invalid, never]
    default: blockers
  no_trunks:
    description:
      - What to do on a host with no trunks at all (no argument, and none of the host
        variables above).
      - V(fail) fails the task with a message saying what to set; V(skip) reports the task
        as skipped, as the playbook C(voip.trunk_security.assess) does for hosts without trunks.
    type: str
    choices: [fail, skip]
    default: fail
requirements:
  - jmespath (only with O(query))
notes:
  - The filter P(voip.trunk_security.tls_srtp_policy#filter) runs the same engine on a single
    trunk or list inside a template.
seealso:
  - plugin: voip.trunk_security.tls_srtp_policy
    plugin_type: filter
'''

EXAMPLES = r'''
- name: Assess the host's sip_trunks; fail on blockers and invalid trunks
  voip.trunk_security.trunk_policy:

- name: Only report
  voip.trunk_security.trunk_policy:
    fail_on: never
  register: assessment

- name: Act on the result
  ansible.builtin.debug:
    msg: "{{ item.name }} needs TLS and SRTP"
  loop: "{{ assessment.trunks | selectattr('valid') | selectattr('decision', '==', 'required') }}"

- name: Map a CMDB export onto the trunk model with JMESPath
  voip.trunk_security.trunk_policy:
    source: "{{ cmdb_export }}"
    query: >-
      circuits[?service=='sip-trunk'].{
        name: circuit_id, connection: kind,
        provider: {name: carrier, tls: carrier_tls, srtp: carrier_srtp},
        mediation_subnet: {cidr: lan.prefix, audience: lan.visibility}}
'''

RETURN = r'''
trunks:
  description:
    - One entry per trunk, in order.
    - A valid trunk's entry is its policy result plus C(valid=true) and C(index).
    - An invalid trunk's entry has C(valid=false), C(decision=invalid), C(compliant=false),
      C(error) (the whole message) and C(problems) (each C({field, message, value, allowed})).
  returned: always
  type: list
  elements: dict
  sample:
    - name: contoso-primary
      index: 0
      valid: true
      connection: vpn
      decision: optional
      tls: {required: false, enable: true}
      srtp: {required: false, enable: true}
      exposed: []
      reasons:
        - rule: vpn-connection
          message: "trunk 'contoso-primary': the VPN encrypts at AES-128 strength or better ..."
      warnings: []
      blockers: []
      compliant: true
counts:
  description: How many of the host's trunks are in each state.
  returned: always
  type: dict
  contains:
    trunks:
      description: All trunks, valid or not.
      type: int
    required:
      description: Valid trunks whose policy requires TLS and SRTP.
      type: int
    optional:
      description: Valid trunks where TLS and SRTP are optional.
      type: int
    blockers:
      description: Valid trunks with at least one blocker.
      type: int
    invalid:
      description: Invalid trunks.
      type: int
    compliant:
      description: Valid trunks without blockers.
      type: int
    warnings:
      description: Valid trunks with at least one warning.
      type: int
  sample: {trunks: 3, required: 2, optional: 1, blockers: 1, invalid: 0, compliant: 2, warnings: 1}
stopped_by:
  description:
    - When the task fails on O(fail_on), the trunks whose blocker or invalid data made it fail, by name (or by place,
      C((2 of 5)), for a trunk without a usable name). The C(voip.trunk_security.trunk_drift) callback records them,
      and the audit report shows the host's other trunks as not confirmed rather than drifted.
  returned: when the task fails on O(fail_on)
  type: list
  elements: str
  sample: [lon-public-nosrtp]
'''
