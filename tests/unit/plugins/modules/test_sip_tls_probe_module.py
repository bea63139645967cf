# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""sip_tls_probe refuses a timeout or deadline that is not a finite positive number, as a module error."""

from __future__ import annotations

import json

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import sip_probe
from ansible_collections.voip.trunk_security.plugins.modules import sip_tls_probe

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # pragma: no cover - ansible-core before 2.19
    import contextlib

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


def run_module(capsys, monkeypatch, **args):
    """Run the module; returns (exit code, its JSON result). The probe itself must not run."""
    def no_probe(*a, **kw):
        raise AssertionError('the probe ran with %r' % (kw,))
    monkeypatch.setattr(sip_probe, 'probe', no_probe)
    with patch_module_args(dict({'address': '192.0.2.10', 'plaintext_ports': []}, **args)):
        with pytest.raises(SystemExit) as exited:
            sip_tls_probe.main()
    return exited.value.code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize('option', ['timeout', 'deadline'])
@pytest.mark.parametrize('value, shown', [
    (float('nan'), '.nan'), ('nan', '.nan'), (float('inf'), '.inf'), ('inf', '.inf'), ('-inf', '-.inf'),
    (-1, '-1.0'), (0, '0.0'), ('0', '0.0'), (86401, '86401.0'), ('1e400', '.inf'),
])
def test_a_timeout_that_is_not_finite_and_positive_is_a_module_error(capsys, monkeypatch, option, value, shown):
    code, result = run_module(capsys, monkeypatch, **{option: value})
    assert code == 1
    assert result['failed'] is True
    assert result['msg'] == '%s must be a finite number of seconds above 0 and at most 86400, found %s' % (option, shown)


def test_finite_positive_timeouts_reach_the_probe(capsys, monkeypatch):
    seen = {}

    def fake_probe(address, port, **kw):
        seen.update(kw)
        return {'endpoint': {'address': address, 'port': port}}
    with patch_module_args({'address': '192.0.2.10', 'timeout': 0.5, 'deadline': '86400'}):
        monkeypatch.setattr(sip_probe, 'probe', fake_probe)
        with pytest.raises(SystemExit) as exited:
            sip_tls_probe.main()
    assert exited.value.code == 0
    assert json.loads(capsys.readouterr().out)['changed'] is False
    assert seen['timeout'] == 0.5 and seen['deadline'] == 86400.0


@pytest.mark.parametrize('value', [float('nan'), float('inf'), -float('inf'), -1, 0, 0.0, 86400.5, 10 ** 400, True, None, '3'])
def test_the_probe_refuses_such_durations_itself(value):
    message = sip_probe.duration_problem('deadline', value)
    assert message.startswith('deadline must be a finite number of seconds above 0 and at most 86400, found ')
    with pytest.raises(sip_probe.ProbeSetupError) as refused:
        sip_probe.probe('192.0.2.10', 5061, tls=False, timeout=1.0, deadline=value)
    assert str(refused.value) == message


@pytest.mark.parametrize('value', [0.001, 1, 3.0, 86400])
def test_finite_positive_durations_are_fine(value):
    assert sip_probe.duration_problem('timeout', value) is None
    assert sip_probe.duration_problem('deadline', value) is None
