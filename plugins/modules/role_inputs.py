#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: role_inputs
short_description: Check the inputs of one of the collection's roles before it changes anything
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - The first task of the roles P(voip.trunk_security.mediation_gateway#role), P(voip.trunk_security.media_relay#role),
    P(voip.trunk_security.sip_endpoint#role) and P(voip.trunk_security.service_instance#role), right after Ansible's own
    check of their C(meta/argument_specs.yml) (types, choices, required inputs).
  - Checks the form of every input that reaches a configuration file or a command line - IP literals, host names
    per RFC 1123, ports 1-65535, absolute paths of safe characters, instance names, SIP addresses of record,
    display names, cipher lists, SRTP suites, rtpengine flags, option names and values, Microsoft identities - and
    fails, naming each variable, its value as YAML shows it and the allowed form, when one is outside its grammar.
    The roles' C(README.md) list the forms.
  - Refuses a baresip control socket (C(sip_endpoint_control_listen)) on an address other than loopback, since
    C(ctrl_tcp) has no authentication, unless C(sip_endpoint_control_allow_remote=true); then it warns.
  - Warns about every variable that starts with the role's prefix (C(mediation_gateway_), C(media_relay_),
    C(sip_endpoint_), C(service_instance_)) but is none of its inputs, naming the closest input
    (C(mediation_gateway_platfrom is not an input of voip.trunk_security.mediation_gateway (did you mean
    mediation_gateway_platform?))). The variables a role sets itself (C(mediation_gateway_settings),
    C(sip_endpoint_decided), ...) are not warned about.
  - Runs on the controller (an action plugin) and needs no connection; never reports C(changed).
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
  role:
    description: The role whose inputs are checked.
    type: str
    required: true
    choices: [mediation_gateway, media_relay, sip_endpoint, service_instance]
  values:
    description:
      - The inputs to check, variable name to value.
      - Default every input of the role's argument spec that is defined for the task, read (and templated) from
        the task's variables.
    type: dict
  warn_unknown:
    description: Warn about the task's variables that carry the role's prefix but are none of its inputs.
    type: bool
    default: true
seealso:
  - name: The roles' argument specs
    description: Types, choices and required inputs, which Ansible checks before this module runs.
    link: https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_reuse_roles.html#role-argument-validation
'''

EXAMPLES = r'''
- name: Check the endpoint's inputs before anything changes (the role's first task)
  voip.trunk_security.role_inputs:
    role: sip_endpoint

- name: Check one value alone, without warnings about other variables
  voip.trunk_security.role_inputs:
    role: sip_endpoint
    values:
      sip_endpoint_control_listen: 127.0.0.1:4444
    warn_unknown: false
'''

RETURN = r'''
problems:
  description:
    - One entry per value outside its form (empty when the task succeeds). C(field) is the role variable,
      C(message) names the value (as YAML shows it) and the allowed form, C(value) is the value at fault
      (or its description when it is too large to return).
  returned: always
  type: list
  elements: dict
  sample: [{field: sip_endpoint_control_listen, value: "0.0.0.0:4444",
            message: "'0.0.0.0:4444' is not a loopback address (127.0.0.0/8 or [::1]): ..."}]
unknown:
  description: The variables with the role's prefix that are none of its inputs, with the closest input (or null).
  returned: always
  type: list
  elements: dict
  sample: [{name: mediation_gateway_platfrom, suggestion: mediation_gateway_platform,
            message: "mediation_gateway_platfrom is not an input of voip.trunk_security.mediation_gateway (did you mean
                      mediation_gateway_platform?)"}]
checked:
  description: The names of the inputs checked.
  returned: always
  type: list
  elements: str
  sample: [sip_endpoint_aor, sip_endpoint_control_listen]
'''
