# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: verify_findings
short_description: Judge probe results against each trunk's policy, as findings with stable ids
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Takes the plan of P(voip.trunk_security.verify_plan#filter) and the results of
    M(voip.trunk_security.sip_tls_probe) for its targets, in the same order (a registered
    loop's C(results) will do), and returns per trunk the settings, the evidence and the
    findings.
  - "Each finding is data: C(id), C(severity) (V(fail) or V(warn)), C(target) (V(gateway)
    or V(provider)), C(endpoint), C(message), and C(found) / C(expected) where they apply.
    The ids are stable: C(tls-not-offered), C(listener-down), C(plaintext-open),
    C(protocol-below-1.2), C(suite-not-forward-secret), C(suite-not-aead), C(cert-expired),
    C(cert-expiring), C(cert-name-mismatch), C(cert-untrusted), C(cert-weak-key),
    C(cert-weak-signature), C(mtls-not-enforced), C(options-failed); the README gives the
    rationale and the remediation of each."
options:
  _input:
    description: The plan (the output of P(voip.trunk_security.verify_plan#filter)).
    type: dict
    required: true
  probes:
    description: The probe results, one per target of the plan, in order.
    type: list
    elements: dict
    required: true
  expiry_days:
    description: C(cert-expiring) is raised for certificates that expire within this many days.
    type: int
    default: 30
'''

EXAMPLES = r'''
- name: Judge the probes
  ansible.builtin.set_fact:
    verified: "{{ probe_plan | voip.trunk_security.verify_findings(probes.results, expiry_days=45) }}"

- name: Fail on any finding of severity fail
  ansible.builtin.assert:
    that: verified.values() | map(attribute='findings') | flatten | selectattr('severity', '==', 'fail') | length == 0
'''

RETURN = r'''
_value:
  description: Trunk name to C(settings), C(targets) (each with C(target), C(endpoint), C(probe)) and
    C(findings); a trunk that could not be probed has C(skipped) with the reason instead of settings.
  type: dict
  sample:
    lab-public:
      settings: {transport: tls}
      targets: [{target: gateway, endpoint: 127.0.0.10:5067, probe: {tls: {accepted_versions: [TLSv1.2, TLSv1.3]}}}]
      findings:
        - id: plaintext-open
          severity: fail
          target: gateway
          endpoint: 127.0.0.10:5067
          message: plaintext SIP port 5060/tcp on 127.0.0.10 accepts TCP connections beside the TLS listener
          found: 5060/tcp open
          expected: closed
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.verify import DEFAULT_EXPIRY_DAYS, verify_host

# what a registered loop adds to each module result, and is not evidence
_TASK_KEYS = ('changed', 'failed', 'invocation', 'item', 'ansible_loop_var', 'ansible_index_var', '_ansible_no_log',
              '_ansible_item_label', '_ansible_item_result', '_ansible_ignore_errors', 'skipped', 'warnings',
              'deprecations')


def _evidence(probe):
    """A registered loop result without what Ansible adds: its own keys and the loop variables."""
    added = set(_TASK_KEYS) | {probe.get('ansible_loop_var'), probe.get('ansible_index_var'), 'ansible_loop'}
    return dict((key, value) for key, value in probe.items() if key not in added)


def verify_findings(plan, probes, expiry_days=DEFAULT_EXPIRY_DAYS):
    if not isinstance(plan, dict) or 'targets' not in plan:
        raise AnsibleFilterError('verify_findings expects the output of voip.trunk_security.verify_plan')
    probes = list(probes or [])
    if len(probes) != len(plan['targets']):
        raise AnsibleFilterError('verify_findings: %d probe result(s) for %d target(s); pass the results of a loop '
                                 'over the plan\'s targets, in order' % (len(probes), len(plan['targets'])))
    failed = [probe for probe in probes if probe.get('failed')]
    if failed:
        raise AnsibleFilterError('verify_findings: a probe failed: %s' % failed[0].get('msg', failed[0]))
    evidence = [_evidence(probe) for probe in probes]
    return verify_host(plan, evidence, int(expiry_days))


class FilterModule(object):
    def filters(self):
        return {'verify_findings': verify_findings}
