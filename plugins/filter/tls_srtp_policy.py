# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: tls_srtp_policy
short_description: Decide whether a SIP trunk needs TLS and SRTP on the gateway side
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Applies the trunk security policy to one trunk (a dict) or to a host's list of trunks.
  - TLS and SRTP are required when some point of the network path between the Mediation
    Server and the provider is accessible to more than a limited set of non-IT personnel
    (a public connection, an exposed mediation subnet, a VPN weaker than AES-128, or an
    exposed segment).
  - The same engine as the M(voip.trunk_security.trunk_policy) module; the model, the rule
    ids and the result are documented in the collection's C(docs/policy.md).
  - A malformed trunk (unknown key, unknown value, wrong type, duplicate name in a list)
    raises an error that names the trunk, the field, the value and the allowed values.
    Use the module when one bad trunk must not stop the others being assessed.
options:
  _input:
    description:
      - A trunk (a dict with C(name), C(connection) and optionally C(provider),
        C(mediation_subnet), C(vpn), C(segments), C(opportunistic), C(gateway)),
        or a list of trunks.
    type: raw
    required: true
seealso:
  - module: voip.trunk_security.trunk_policy
'''

EXAMPLES = r'''
- name: Fail when the public trunk would go out without TLS
  ansible.builtin.assert:
    that: (sip_trunks[0] | voip.trunk_security.tls_srtp_policy).tls.enable

- name: Configure SRTP only on trunks whose policy enables it
  ansible.builtin.debug:
    msg: "SRTP on {{ item.name }}"
  loop: "{{ sip_trunks | voip.trunk_security.tls_srtp_policy }}"
  when: item.srtp.enable

- name: Warn about trunks that a weak VPN made required
  ansible.builtin.debug:
    msg: "{{ item.name }} needs TLS/SRTP: its VPN is too weak"
  loop: "{{ sip_trunks | voip.trunk_security.tls_srtp_policy }}"
  when: "'vpn-weak-encryption' in item.reasons | map(attribute='rule')"

- name: Trunks that cannot be made compliant as the provider stands
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.blockers | map(attribute='message') | join('; ') }}"
  loop: "{{ sip_trunks | voip.trunk_security.tls_srtp_policy | rejectattr('compliant') }}"
'''

RETURN = r'''
_value:
  description:
    - For a trunk, its result; for a list, the list of results in the same order.
    - "Each result: C(name), C(connection), C(decision) (V(required) or V(optional)),
      C(tls) and C(srtp) (each C({required, enable})), C(exposed) (names of the exposed
      points), C(reasons), C(warnings), C(blockers) (each a list of C({rule, message}) with
      C(point), C(found), C(expected) where they apply) and C(compliant)."
  type: raw
  sample:
    name: contoso-primary
    connection: public
    decision: required
    tls: {required: true, enable: true}
    srtp: {required: true, enable: true}
    exposed: [internet]
    reasons:
      - rule: public-connection
        message: "trunk 'contoso-primary': the connection is public: ..."
        point: internet
        found: public
    warnings: []
    blockers: []
    compliant: true
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import (
    TrunkInputError,
    evaluate,
    evaluate_all,
)


def tls_srtp_policy(trunks):
    """A trunk gives its result; a list of trunks gives the list of results."""
    try:
        if isinstance(trunks, dict):
            return evaluate(trunks)
        return evaluate_all(trunks)
    except TrunkInputError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'tls_srtp_policy': tls_srtp_policy}
