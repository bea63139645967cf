#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: merge_reports
short_description: Merge the report directories of a sliced run into one set of reports
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - A sliced job (AWX or Automation Platform job slicing) runs the playbooks once per slice
    of the inventory, each slice writing its reports into a directory of its own. This merges
    those directories (the O(parts)) into the one set a run over the whole inventory writes, in
    O(dest_dir) - C(trunk-security.json) and C(trunk-security.junit.xml), C(trunk-drift.json) and
    C(trunk-verify.json) when the parts have them, and the audit report C(trunk-audit.html),
    C(trunk-audit.json) and C(trunk-audit.junit.xml) - identical to that run's, timestamps aside.
  - Every host belongs to one slice. A host found in more than one part is an error that names
    each such host and the parts (and files) it is in; so is a part that does not exist or has no
    C(trunk-security.json), and parts whose live verification used different certificate-expiry
    thresholds.
  - A drift or verification file that only some parts have is handled as O(partial_sources) says;
    by default it is merged from the parts that have it, and the audit reports the hosts of the
    other parts as not run for that source (never as passed); the result's RV(notes) name them.
  - The merged verification carries the oldest of the parts' timestamps, so it never looks fresher
    than its oldest part. The merged drift is a check-mode run only when every part was one.
  - The audit is built from the merged files, as M(voip.trunk_security.audit_report) would build it
    from O(dest_dir). Its diagrams are drawn from each host's trunk model, read from hostvars
    (C(sip_trunks), or C(trunk_security_source) mapped by C(trunk_security_query)), or given as
    O(trunks). So run the merge against the same inventory as the slices.
  - A C(trunk-drift.json) or C(trunk-verify.json) left in O(dest_dir) by an earlier merge is removed
    when no part has that source, so the directory never mixes two runs.
  - Runs on the controller (an action plugin); call it once, with C(run_once=true). A file is
    rewritten only when its content changes, atomically.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - voip.trunk_security.controller_action
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written or removed; C(changed) tells whether anything would be.
options:
  parts:
    description:
      - The report directories of the slices, on the controller, in any order.
      - An entry holding V(*), V(?) or V([) is a glob pattern; it expands to the directories it
        matches, and matching none is an error.
    type: list
    elements: str
    required: true
  hosts:
    description:
      - The hosts the parts must cover between them, such as the play's hosts over the whole inventory
        (C(ansible_play_hosts_all)). A host in none of the parts is an error naming it - the reports of a
        slice are missing - as a run over the whole inventory reports every host, assessed or skipped.
      - When not given, the parts are not checked against any host list.
    type: list
    elements: str
  dest_dir:
    description: Directory, on the controller, for the merged reports; created when missing. It must not be one of O(parts).
    type: path
    required: true
  partial_sources:
    description:
      - What to do when some parts have a drift (or verification) file and others do not.
      - V(not_run) merges the file from the parts that have it; the audit reports the other parts'
        hosts as not run for it.
      - V(fail) makes it an error naming the parts.
    type: str
    choices: [not_run, fail]
    default: not_run
  audit:
    description: Write the audit report as well.
    type: bool
    default: true
  trunks:
    description:
      - Host name to the host's trunks (its C(sip_trunks)), the model the audit's diagrams are drawn from.
      - When not given, each merged host's model is read from hostvars.
    type: dict
  title:
    description: The audit page's title.
    type: str
    default: Trunk security audit
seealso:
  - module: voip.trunk_security.trunk_report
  - module: voip.trunk_security.audit_report
'''

EXAMPLES = r'''
- name: Merge the slices' reports into reports/all
  voip.trunk_security.merge_reports:
    parts:
      - /shared/trunk-security/slice-1
      - /shared/trunk-security/slice-2
    dest_dir: /shared/trunk-security/all
  run_once: true
  register: merged

- name: Merge every slice directory under one run's directory, failing when a source is partial
  voip.trunk_security.merge_reports:
    parts: /shared/trunk-security/run-42/slice-*
    dest_dir: /shared/trunk-security/run-42/all
    partial_sources: fail
  run_once: true

- name: Show the merged table
  ansible.builtin.debug:
    msg: "{{ merged.table + merged.notes }}"
  run_once: true
'''

RETURN = r'''
parts:
  description: The part directories merged, absolute, in the order merged.
  returned: always
  type: list
  elements: str
files:
  description: The merged report files, absolute paths on the controller.
  returned: always
  type: list
  elements: str
removed:
  description: Files of an earlier merge removed from O(dest_dir) because no part has their source.
  returned: always
  type: list
  elements: str
notes:
  description: What the merged reports do not cover, in words (parts without a source, hosts without a trunk model).
  returned: always
  type: list
  elements: str
summary:
  description: Totals of the merged assessment, as M(voip.trunk_security.trunk_report) returns them.
  returned: always
  type: dict
  sample: {hosts: 3, trunks: 9, required: 5, optional: 4, blockers: 1, invalid: 0, compliant: 8, warnings: 1}
skipped_hosts:
  description: Host name to why it was not assessed.
  returned: always
  type: dict
table:
  description: The compact table of the merged assessment, one line per trunk, then a summary line.
  returned: always
  type: list
  elements: str
sources:
  description: For C(drift) and C(verify), whether the merged reports have it (C(present)) and the
    parts that lack it (C(missing_from)) while others have it.
  returned: always
  type: dict
  sample: {drift: {present: true, missing_from: []}, verify: {present: false, missing_from: []}}
audit_summary:
  description: The audit's summary (statuses, not-checked counts); null when O(audit=false).
  returned: always
  type: dict
generated:
  description: The audit's timestamp; null when O(audit=false).
  returned: always
  type: str
'''
