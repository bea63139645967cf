# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""examples/enforce: the annotated gateway host is decided as its comments say, passes every role input
check, and renders configurations Kamailio accepts, with the listeners and media policy described."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

import template_inputs
from ansible_collections.voip.trunk_security.plugins.module_utils import role_inputs, trunk_policy

HOST_VARS = Path(__file__).resolve().parents[2] / 'examples' / 'enforce' / 'host_vars' / 'gw-lon-01.yml'


@pytest.fixture(scope='module')
def host():
    return yaml.safe_load(HOST_VARS.read_text())


def role_values(host, role):
    return dict((name, value) for name, value in host.items() if name.startswith(role + '_'))


def test_the_trunks_are_decided_as_the_comments_say(host):
    results = {r['name']: r for r in trunk_policy.evaluate_all(host['sip_trunks'])}
    assert results['contoso-public']['decision'] == 'required'
    assert results['fabrikam-mpls']['decision'] == 'optional'
    assert results['fabrikam-mpls']['tls']['enable'] and results['fabrikam-mpls']['srtp']['enable']
    assert all(result['compliant'] for result in results.values())


@pytest.mark.parametrize('role', ['mediation_gateway', 'media_relay'])
def test_every_role_input_is_well_formed(host, role):
    values = role_values(host, role)
    assert values, role
    assert role_inputs.validate(role, values) == []
    assert role_inputs.unknown_inputs(role, list(host), role_inputs.INPUTS[role]) == []


def test_the_rendered_gateway_has_the_described_listeners_and_media_policy(host):
    values = template_inputs.gateway_variables(role_values(host, 'mediation_gateway'), host['sip_trunks'])
    rendered = template_inputs.render_gateway(values)
    config = rendered['kamailio.cfg']
    assert 'listen=tls:192.0.2.1:5067' in config and 'listen=tls:192.0.2.2:5067' in config
    assert 'listen=tcp:10.20.0.5:5070' in config
    assert 'listen=tcp:192.0.2' not in config          # no plaintext listener toward a trunk
    # the public trunk's leg is SRTP whatever was offered; the migrating one offers SRTP and accepts RTP
    assert 'RTP/SAVP' in config and 'OSRTP-offer' in config
    assert '[server:192.0.2.1:5067]' in rendered['tls.cfg'] and 'server_name = sbc1.contoso-telecom.example' in (
        rendered['tls.cfg'])
    relay = template_inputs.render_media_relay(template_inputs.media_relay_variables(role_values(host, 'media_relay')))
    assert 'interface = internal/10.20.0.5;trunk/192.0.2.1' in relay['rtpengine.conf']

    binary = shutil.which('kamailio') or ('/usr/sbin/kamailio' if os.path.exists('/usr/sbin/kamailio') else None)
    if binary is None:
        pytest.skip('kamailio is not installed: kamailio -c did not run (./run test installs it for the lab)')
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / 'kamailio.cfg'
        path.write_text(config)
        run = subprocess.run([binary, '-c', '-f', str(path)], capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
