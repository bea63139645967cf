# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: mediation_server_plan
short_description: The exact changes a Mediation Server's gateway side needs, from what its drift script observed
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Compares the items of P(voip.trunk_security.mediation_server_desired#filter) with the JSON the read-only
    drift script printed (or the apply script returned), the way the scripts compare them, and returns
    each change (setting, scope, trunks, before, after, the command line) and each finding (a missing
    scope, a transport that differs in the topology, a TCP port on a Mediation Server whose trunks are
    all TLS, media bypass in conflict with the clients' encryption level, a certificate missing, without
    its private key, expired or expiring), per trunk with the trunk's notes, and as lines to read.
  - "Without an observation every setting is pending, to be set by the apply script where it differs.
    Some findings need no observation: on Skype for Business / Lync a TCP trunk whose SRTP mode is not
    NotSupported is V(ineffective) (the platform forces NotSupported on a TCP trunk; the remedy is TLS
    toward the provider)."
options:
  _input:
    description: The result of P(voip.trunk_security.mediation_server_desired#filter).
    type: dict
    required: true
  observed:
    description: The drift script's JSON output (text or parsed); empty or null when it has not run.
    type: raw
  check_mode:
    description: Report changes as V(would_change) rather than V(changed).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: What the Mediation Server would change, from the drift script's output
  ansible.builtin.debug:
    msg: "{{ (desired | voip.trunk_security.mediation_server_plan(lookup('ansible.builtin.file', 'med01-drift.json'))).report }}"
'''

RETURN = r'''
_value:
  description: The changes, the findings, the same per trunk, and report lines.
  type: dict
  sample:
    platform: skype_for_business
    host: med01.contoso.example
    observed: true
    check_mode: false
    changed: true
    changes:
      - &change
        id: srtp_mode@PstnGateway:sbc.contoso.example
        setting: srtp_mode
        scope: PstnGateway:sbc.contoso.example
        trunks: [contoso-primary]
        before: NotSupported
        after: Required
        command: Set-CsTrunkConfiguration -Identity 'PstnGateway:sbc.contoso.example' -SRTPMode 'Required'
        status: changed
    findings: []
    trunks:
      contoso-primary:
        changes: [*change]
        findings: []
        notes: []
    report:
      - "contoso-primary: set srtp_mode at PstnGateway:sbc.contoso.example to Required (now NotSupported): ..."
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.platforms.microsoft import MediationServerError, plan


def mediation_server_plan(wanted, observed=None, check_mode=False):
    try:
        return plan(wanted, observed, check_mode=bool(check_mode))
    except MediationServerError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'mediation_server_plan': mediation_server_plan}
