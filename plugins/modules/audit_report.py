#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: audit_report
short_description: Write the trunk security audit (self-contained HTML, JSON and JUnit XML) on the controller
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Joins, per host and trunk, the policy assessment (the JSON report of C(playbooks/assess.yml)), the trunk
    model, the configuration drift of a check-mode run of C(playbooks/enforce.yml) and the live findings of the
    verification, and writes one audit in three forms on the controller.
  - "The HTML page is self-contained: its style and a small optional script are inlined, and a
    Content-Security-Policy lets nothing else load or run (the script is allowed by its hash); nothing is fetched.
    It opens on the summary: the counts by status, by rule (with each rule's kind) and by host. Then every trunk,
    non-compliant first, each folded in its own section: its status and why, the decision and the reasons in the
    rules' own words, the network path as a diagram (gateway side, mediation subnet, private link, VPN tunnel with
    its proposal or internet, each listed segment, provider) with every exposed point marked in colour and
    labelled C(EXPOSED) and one band per leg saying what it really gets (C(SRTP required, provider cannot) for a
    blocker, and, since a blocked trunk is not configured, the other leg held, never the protected band), its
    drift, the live findings with the catalogue's remediation, and the commands that check it again (which write
    their reports to C(reports/recheck), never over the estate's). Then the drift of each host that has some, once per host, its diffs folded with
    unchanged context trimmed and each hunk named by the trunk it belongs to."
  - "The page's script only filters the list of trunks by status, rule, host and text; without it the filter is
    hidden and everything else is there. At phone width the page does not scroll sideways and the diagrams stack
    from top to bottom. Printed, the summary comes first, the filter is left out and every section is unfolded:
    by the style sheet in Chromium 131 and later (also C(chromium --headless --print-to-pdf)), by the script
    elsewhere (other browsers print the folded sections as their summaries when the script is off)."
  - "Each trunk gets one status, the first that applies: C(blocked) (invalid, or a blocker such as a provider
    without SRTP), C(failing) (a live finding of severity C(fail)), C(drifted) (the check-mode run would change
    this trunk's section of the configuration or what the host's trunks share, or it failed or could not reach
    the host), C(compliant) (none of these). The four counts add up to the number of trunks."
  - "Drift is attributed per trunk: the gateway's configurations mark each trunk's section (C(#@trunk NAME) ...
    C(#@end)) and the C(voip.trunk_security.trunk_drift) callback names, in each hunk's header, the trunks whose
    section it changes (C(@@ -41,7 +41,7 @@ trunk lon-public-primary)) or C(host-wide); a diff without that
    annotation is placed by the markers inside its hunks. A hunk in one trunk's section drifts that trunk alone;
    a host-wide hunk, a change of another file, a change without a diff it can be placed by, or the section of a
    trunk the host no longer has (listed under C(unmatched.drift_trunks)) drifts every trunk of the host."
  - A check-mode run stopped on purpose by a trunk's blocker (the assessment task, C(fail_on=blockers)) leaves the
    host's other trunks C(not-confirmed) (not confirmed, the host's run stopped by trunk X's blocker), not drifted;
    they are counted under C(summary.not_checked.drift), and the hosts under C(summary.hosts_stopped_by_blockers).
  - A source that was not given is reported as not run (in C(sources), in C(summary.not_checked) and on the page);
    it never makes a trunk count as checked. A trunk whose checks were not run can still be C(compliant), so read
    C(summary.not_checked) beside the counts.
  - "JUnit XML: a test suite per host, a test case per trunk; C(blocked), C(failing) and C(drifted) trunks are
    failures (the failure's type is the status): a drifted trunk runs a configuration other than the enforced one.
    Warnings and the checks not run go to C(system-out)."
  - The reports carry a C(generated) timestamp, the time their content last changed. With the same inputs the
    previous timestamp is kept, so a rerun rewrites nothing and returns C(changed=false).
  - Runs on the controller (an action plugin) in one task; call it once, with C(run_once=true).
  - A file is rewritten only when its content changes, atomically.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - voip.trunk_security.controller_action
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written; C(changed) tells whether a report would change.
options:
  assessment:
    description:
      - The assessment report, as written by C(playbooks/assess.yml) or M(voip.trunk_security.trunk_report)
        (C({summary, hosts, skipped})).
      - Exactly one of O(assessment) and O(assessment_file) is required.
    type: dict
  assessment_file:
    description:
      - Path, on the controller, of the assessment report (JSON). It must exist.
      - Relative paths are relative to the current directory, like O(dest_dir).
    type: path
  drift:
    description:
      - "The drift of a check-mode run of C(playbooks/enforce.yml) with C(--check --diff), as the
        C(voip.trunk_security.trunk_drift) callback writes it:
        C({check_mode, hosts: {HOST: {changes: [{task, action, role, path, item, diff}], failures: [{task, action,
        message, trunks}], unreachable}}}); a failure's C(trunks) names the trunks whose blocker stopped the run."
      - Each change's hunks are attributed to the trunks whose section they change, or to the whole host (see above).
      - When neither O(drift) nor O(drift_file) is given, drift is reported as not run.
    type: dict
  drift_file:
    description: Path, on the controller, of the drift (JSON). A missing file is an error unless O(skip_missing=true).
    type: path
  verify:
    description:
      - "The live verification, as C(playbooks/verify.yml) writes it:
        C({generated, cert_expiry_days, hosts: {HOST: {trunks: {TRUNK: {settings, targets, findings}}}}})."
      - Each finding's title, rationale and remediation come from the catalogue of finding ids.
      - When neither O(verify) nor O(verify_file) is given, live checks are reported as not run.
    type: dict
  verify_file:
    description: Path, on the controller, of the live verification (JSON). A missing file is an error unless O(skip_missing=true).
    type: path
  skip_missing:
    description:
      - When true, a O(drift_file) or O(verify_file) that does not exist is treated as not given and reported as not run.
      - The assessment is always required.
    type: bool
    default: false
  trunks:
    description:
      - Host name to its list of trunks (the trunk model), from which the path diagrams are drawn.
      - "Default: for each host of the assessment, its C(sip_trunks), or its C(trunk_security_source) mapped by
        C(trunk_security_query), read from hostvars. A host without them, or a trunk whose model does not parse, gets
        a diagram drawn from the assessment alone (its exposed points, no addresses); an invalid trunk gets none."
    type: dict
  dest_dir:
    description: Directory, on the controller, for the reports; created when missing.
    type: path
    required: true
  html_name:
    description: File name of the HTML report.
    type: str
    default: trunk-audit.html
  json_name:
    description: File name of the JSON report.
    type: str
    default: trunk-audit.json
  junit_name:
    description: File name of the JUnit XML report.
    type: str
    default: trunk-audit.junit.xml
  title:
    description: Title of the HTML page.
    type: str
    default: Trunk security audit
  generated:
    description:
      - The timestamp to put in the reports, as text. Default is the time the content last changed (see above).
    type: str
seealso:
  - module: voip.trunk_security.trunk_report
  - module: voip.trunk_security.trunk_policy
'''

EXAMPLES = r'''
- name: Write the audit from the reports of earlier runs
  voip.trunk_security.audit_report:
    assessment_file: reports/trunk-security.json
    drift_file: reports/trunk-drift.json
    verify_file: reports/trunk-verify.json
    skip_missing: true
    dest_dir: reports
  run_once: true
  check_mode: false
  register: audit

- name: Show the counts
  ansible.builtin.debug:
    msg: >-
      {{ audit.summary.compliant }} compliant, {{ audit.summary.drifted }} drifted,
      {{ audit.summary.blocked }} blocked, {{ audit.summary.failing }} failing live checks
  run_once: true
'''

RETURN = r'''
summary:
  description:
    - Counts over every trunk. C(compliant), C(drifted), C(blocked) and C(failing) add up to C(trunks).
    - C(warnings) counts the trunks with a policy warning or a live warning; C(policy_warnings), C(live_warnings) and
      C(live_failures) count the items. C(not_checked) counts the trunks without drift data (not run, or not confirmed
      because a trunk's blocker stopped their host's run) and without live data.
    - C(rules) counts, for every rule and live finding id that fired, the trunks it fired on, by status; C(kind) is
      C(invalid), C(blocker), C(live-fail), C(live-warn), C(warning), C(requires) or C(allows).
  returned: always
  type: dict
  sample:
    hosts: 3
    trunks: 9
    compliant: 2
    drifted: 2
    blocked: 1
    failing: 4
    warnings: 2
    policy_warnings: 1
    live_warnings: 3
    live_failures: 11
    hosts_drifted: 1
    hosts_check_failed: 1
    hosts_stopped_by_blockers: 0
    skipped_hosts: 0
    not_checked: {drift: 0, live: 0}
    rules:
      - {rule: provider-lacks-srtp, kind: blocker, trunks: 1, statuses: {blocked: 1, failing: 0, drifted: 0, compliant: 0}}
sources:
  description: Which inputs were given (C(present)); C(drift) and C(verify) missing mean those checks were not run.
  returned: always
  type: dict
  sample:
    assessment: {present: true}
    trunks: {present: true, hosts: [med-lon-01, med-par-01]}
    drift: {present: true, check_mode: true}
    verify: {present: false, generated: null, cert_expiry_days: null}
generated:
  description: The timestamp in the reports.
  returned: always
  type: str
  sample: '2025-05-01T09:30:00Z'
files:
  description: The report files, absolute paths on the controller.
  returned: always
  type: list
  elements: str
notes:
  description: Hosts whose trunk model could not be read from hostvars, and why (their diagrams come from the assessment alone).
  returned: always
  type: list
  elements: str
'''
