# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The invariants every policy result keeps, shared by the example and the property tests."""

from __future__ import annotations

import json

from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp


def check_result(result, data=None):
    """Every invariant of the contract's result."""
    assert isinstance(result, dict)
    json.loads(json.dumps(result))
    required = result['decision'] == 'required'
    assert result['decision'] in ('required', 'optional')
    assert result['tls']['required'] is required
    assert result['srtp']['required'] is required
    assert result['compliant'] is (not result['blockers'])
    assert bool(result['exposed']) is required
    reason_kinds = [tp.RULES[f['rule']] for f in result['reasons']]
    if required:
        assert reason_kinds and set(reason_kinds) == {'requires'}
    else:
        assert set(reason_kinds) <= {'allows'}
    assert all(tp.RULES[f['rule']] == 'warning' for f in result['warnings'])
    assert all(tp.RULES[f['rule']] == 'blocker' for f in result['blockers'])
    for item in result['reasons'] + result['warnings'] + result['blockers']:
        assert {'rule', 'message'} <= set(item) <= {'rule', 'message', 'point', 'found', 'expected'}
        assert "trunk '%s'" % result['name'] in item['message']
    if data is not None:
        provider = data.get('provider') or {}
        opportunistic = data.get('opportunistic')
        opportunistic = True if opportunistic is None else opportunistic
        for key in ('tls', 'srtp'):
            supported = bool(provider.get(key))
            assert result[key]['enable'] is (required or (opportunistic and supported))
            blocked = 'provider-lacks-%s' % key in [f['rule'] for f in result['blockers']]
            assert blocked is (required and not supported)
        if data['connection'] == 'public':
            assert required
