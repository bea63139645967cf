# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sbc_drift module (an action plugin) and its filter twin: one platform function behind both, the task's
result showing what the platform marks as shown (secret column values hidden), never the lines to send."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.voip.trunk_security.plugins.action import sbc_drift as action
from ansible_collections.voip.trunk_security.plugins.filter.sbc_desired import sbc_desired
from ansible_collections.voip.trunk_security.plugins.filter.sbc_drift import sbc_drift
from ansible_collections.voip.trunk_security.plugins.module_utils import platforms


def test_shown_lines_stand_for_the_lines_where_a_platform_writes_them():
    part = {'name': 'a', 'status': 'drifted', 'lines': ['IPGroup 1 = "a", "$1$secret";'],
            'shown_lines': ['IPGroup 1 = "a", (hidden);']}
    shown = action._shown(part)
    assert shown == {'name': 'a', 'status': 'drifted', 'lines': ['IPGroup 1 = "a", (hidden);']}
    assert part['lines'] == ['IPGroup 1 = "a", "$1$secret";'], 'the platform result is left as it is'
    plain = {'name': 'b', 'lines': ['x']}
    assert action._shown(plain) is plain


@pytest.mark.parametrize('platform', ['kamailio', 'skype_for_business', 'nonesuch', None])
def test_only_the_sbc_platforms_have_a_drift(platform):
    with pytest.raises(platforms.PlatformError, match='is not an SBC platform'):
        platforms.sbc(platform)
    with pytest.raises(AnsibleFilterError):
        sbc_desired([], platform)
    with pytest.raises(AnsibleFilterError):
        sbc_drift({'platform': platform}, '')


def test_the_filter_refuses_what_is_not_a_desired_state():
    with pytest.raises(AnsibleFilterError, match='sbc_desired'):
        sbc_drift(['not', 'a', 'mapping'], '')


@pytest.mark.parametrize('platform', platforms.SBC_PLATFORMS)
def test_each_sbc_platform_module_has_the_three_functions(platform):
    module = platforms.sbc(platform)
    assert module.PLATFORM == platform
    assert all(callable(getattr(module, name)) for name in ('desired', 'parse', 'drift'))
