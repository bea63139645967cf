# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""examples/sbc through enforce.yml, as its header says to run it: an AudioCodes Mediant and a Cisco CUBE in
rendered mode, from the same decision as every other platform.

* The files hold what each trunk's policy asks for: TLS only (no plaintext port) and SRTP only on the public
  trunks, plain TCP and RTP on the AudioCodes MPLS trunk, ``srtp fallback`` on the CUBE's VPN trunk whose
  provider is migrating.
* ``--check --diff`` with the drift callback writes nothing and records the drift; the audit report attributes
  each hunk of the rendered files to its trunk (the files' ``; #@trunk`` / ``! #@trunk`` sections).
* A rerun changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.voip.trunk_security.plugins.module_utils import audit_report

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / 'examples' / 'sbc'
TRUNKS = {'sbc-lon-01': ['lon-public', 'lon-mpls'], 'cube-par-01': ['par-public', 'par-vpn']}


def _enforce(run_playbook, ansible_env, render_dir, *args, drift_file=None):
    saved = dict(ansible_env)
    if drift_file is not None:
        ansible_env.update(ANSIBLE_CALLBACKS_ENABLED='voip.trunk_security.trunk_drift', TRUNK_SECURITY_DRIFT_FILE=str(drift_file))
    try:
        return run_playbook(REPO / 'playbooks' / 'enforce.yml', *args, inventory=INVENTORY,
                            extra_vars={'mediation_gateway_render_dir': str(render_dir)})
    finally:
        ansible_env.clear()
        ansible_env.update(saved)


def _rows(text, table):
    return dict((line.split(' = ', 1)[1].split(', ')[0].strip('"'), line) for line in text.splitlines()
                if line.startswith(table + ' '))


def _block(text, header):
    lines = text.splitlines()
    start = lines.index(header)
    end = lines.index('!', start)
    return lines[start + 1:end]


def test_the_example_sbcs_render_what_each_trunks_policy_asks_for_and_rerun_unchanged(run_playbook, ansible_env,
                                                                                      tmp_path):
    out = tmp_path / 'sbc-configs'
    run = _enforce(run_playbook, ansible_env, out)
    assert run.rc == 0, run
    assert {host: counts['changed'] for host, counts in run.recap.items()} == {'sbc-lon-01': 2, 'cube-par-01': 2}, run

    ini = (out / 'sbc-lon-01' / 'incremental.ini').read_text()
    interfaces = _rows(ini, 'SIPInterface')
    # ApplicationType, UDPPort, TCPPort, TLSPort: TLS 5061 only on the public trunk, TCP 5060 only on the MPLS one
    assert '"WAN", $$, 2, 0, 0, 5061,' in interfaces['lon-public']
    assert '"MPLS", $$, 2, 0, 5060, 0,' in interfaces['lon-mpls']
    assert '", 12, ' in _rows(ini, 'TLSContexts')['lon-public']       # TLS 1.2 and 1.3
    assert 'lon-mpls' not in _rows(ini, 'TLSContexts')
    proxies = [line for line in ini.splitlines() if line.startswith('ProxyIp ')]
    assert any('"sbc1.northwind.example:5061", 2,' in line for line in proxies)     # TLS
    assert any('"10.30.0.9:5060", 1,' in line for line in proxies)                  # TCP
    assert 'EnableMediaSecurity = 1' in ini
    cli = (out / 'sbc-lon-01' / 'cli.txt').read_text()
    # one section per object: the TLS trunk has a TLS context more
    assert cli.count('; #@trunk lon-public') == 6 and cli.count('; #@trunk lon-mpls') == 5

    cube = (out / 'cube-par-01' / 'cube.cfg').read_text()
    public_out = _block(cube, 'dial-peer voice 1011 voip')
    assert ' srtp' in public_out and ' session transport tcp tls' in public_out
    assert ' destination-pattern +33T' in public_out
    vpn_out = _block(cube, 'dial-peer voice 1021 voip')
    assert ' srtp fallback' in vpn_out and ' srtp' not in vpn_out
    assert '\nsip-ua\n transport tcp tls v1.2\n' in cube                          # host-wide, after the trunks
    assert ' crypto signaling remote-addr 10.40.0.9 /32 tls-profile 102' in cube   # the VPN trunk's own TLS policy

    again = _enforce(run_playbook, ansible_env, out)
    assert again.rc == 0 and all(counts['changed'] == 0 for counts in again.recap.values()), again


def test_check_mode_on_the_example_writes_nothing_and_the_audit_gives_each_trunk_its_drift(run_playbook, ansible_env,
                                                                                           tmp_path):
    out, drift_file = tmp_path / 'sbc-configs', tmp_path / 'trunk-drift.json'
    first = _enforce(run_playbook, ansible_env, out)
    assert first.rc == 0, first
    # the MPLS trunk's provider gains TLS: its section of the AudioCodes files changes, the public trunk's does not
    ini = out / 'sbc-lon-01' / 'incremental.ini'
    before = ini.read_text()
    ini.write_text(before.replace('"10.30.0.9:5060", 1,', '"10.30.0.9:5066", 1,'))
    preview = _enforce(run_playbook, ansible_env, out, '--check', '--diff', drift_file=drift_file)
    assert preview.rc == 0, preview
    assert '"10.30.0.9:5066"' in ini.read_text(), 'check mode wrote the file'
    assert '-ProxyIp 11 = "11", 0, "10.30.0.9:5066", 1,' in preview.stdout, preview

    drift = json.loads(drift_file.read_text())
    changes = drift['hosts']['sbc-lon-01']['changes']
    assert [c['path'].rsplit('/', 1)[-1] for c in changes] == ['incremental.ini'], changes
    assert drift['hosts']['cube-par-01']['changes'] == []
    placed = audit_report._change(changes[0], set(TRUNKS['sbc-lon-01']))
    assert placed['trunks'] == ['lon-mpls'] and not placed['host_wide'], placed
