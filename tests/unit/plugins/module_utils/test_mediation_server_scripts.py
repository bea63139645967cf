# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rendered PowerShell: golden files, a tokenizer-level check (see powershell_lint), a real grammar where
installed, and agreement between what the scripts run and what the Python plan says.

Goldens live in tests/unit/golden/PLATFORM/: apply.ps1 and drift.ps1, and plan-CASE.json for each branch
(compliant: nothing to change; needs-change; check-mode: the same, nothing set; not-observed: every setting
pending). Regenerate them after a deliberate change with UPDATE_GOLDEN=1, review the diff, commit it.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import microsoft as ms
from mediation_fixtures import GOLDEN, compliant, desired, drifted, render
import powershell_lint

PLATFORMS = ['skype_for_business', 'ocs2007r2']
UPDATE = os.environ.get('UPDATE_GOLDEN') == '1'


def golden(path, text):
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), '%s is missing: run the tests with UPDATE_GOLDEN=1 and review it' % path
    assert text == path.read_text(), '%s differs from what renders now (UPDATE_GOLDEN=1 regenerates it)' % path


PLANS = {
    'compliant': lambda platform: ms.plan(desired(platform), compliant(platform)),
    'needs-change': lambda platform: ms.plan(desired(platform), drifted(platform)),
    'check-mode': lambda platform: ms.plan(desired(platform), drifted(platform), check_mode=True),
    'not-observed': lambda platform: ms.plan(desired(platform), None, check_mode=True),
}


@pytest.mark.parametrize('platform', PLATFORMS)
@pytest.mark.parametrize('kind', ['apply', 'drift'])
def test_scripts_match_their_golden(platform, kind):
    golden(GOLDEN / platform / ('%s.ps1' % kind), render(desired(platform), kind))


@pytest.mark.parametrize('platform', PLATFORMS)
@pytest.mark.parametrize('case', sorted(PLANS))
def test_plans_match_their_golden(platform, case):
    golden(GOLDEN / platform / ('plan-%s.json' % case), json.dumps(PLANS[case](platform), indent=2, sort_keys=True) + '\n')


@pytest.mark.parametrize('platform', PLATFORMS)
@pytest.mark.parametrize('kind', ['apply', 'drift'])
def test_scripts_pass_the_tokenizer_check(platform, kind):
    assert powershell_lint.check(render(desired(platform), kind), read_only=(kind == 'drift')) == []


@pytest.mark.parametrize('platform', PLATFORMS)
def test_every_change_the_plan_names_is_a_line_of_the_apply_script(platform):
    """What is reviewed (the plan) is what runs (the script), and each change is guarded by -WhatIf."""
    script = render(desired(platform), 'apply')
    lines = [line.strip() for line in script.splitlines()]
    for change in ms.plan(desired(platform), drifted(platform))['changes']:
        at = lines.index(change['command'])
        assert lines[at - 1].startswith('if ($PSCmdlet.ShouldProcess('), change
        assert re.match(r"^if \(\$null -ne \$before -and \$before -ne .+\) \{$", lines[at - 3]), change
    drift = render(desired(platform), 'drift')
    assert '$PSCmdlet.ShouldProcess' not in drift and not re.search(r'^\s*(\$instance = )?(Set|New)-(Cs|Cim)', drift, re.M)


BROKEN = [
    ("-SRTPMode 'Required'", "-SRTPMod 'Required'", 'has no parameter -SRTPMod'),
    ('Get-CsTrunk -Identity', 'Get-CsTrunks -Identity', 'Get-CsTrunks is not an allowed cmdlet'),
    ('$changes = @()', '$chnages = @()', '$changes is used before it is assigned'),
    ("    if ($PSCmdlet.ShouldProcess('PstnGateway:sbc.contoso.example', 'set SRTPMode to Required')) {\n", '    {\n',
     'runs outside if ($PSCmdlet.ShouldProcess'),
    ('        $applied = $true\n    }\n', '        $applied = $true\n', 'never closed'),
    ("Get-CsMediaConfiguration -Identity 'Global'", "Get-CsMediaConfiguration -Identity 'Global", 'never closed'),
    ('Set-StrictMode -Version 2.0', '', 'strict mode'),
    ('[CmdletBinding(SupportsShouldProcess)]', '[CmdletBinding()]', 'check mode'),
    ('$result | ConvertTo-Json -Depth 5', "$x = @'\nunterminated", 'here-string never closed'),
]


@pytest.mark.parametrize('old, new, problem', BROKEN, ids=[b[2] for b in BROKEN])
def test_the_tokenizer_check_catches_mistakes(old, new, problem):
    script = render(desired('skype_for_business'), 'apply')
    assert old in script
    problems = powershell_lint.check(script.replace(old, new, 1))
    assert any(problem in p for p in problems), problems


def test_a_read_only_script_may_not_change_anything():
    problems = powershell_lint.check(render(desired('skype_for_business'), 'apply'), read_only=True)
    assert problems and all('read-only script' in p for p in problems)


def test_here_strings_and_subexpressions_are_strings():
    script = ("[CmdletBinding(SupportsShouldProcess)]\nparam()\nSet-StrictMode -Version 2.0\n$ErrorActionPreference = 'Stop'\n"
              "$a = @'\n) } ] Remove-Item -Recurse\n'@\n$b = \"x $($a.Length) ( `\" \"\"\"\nWrite-Nothing\n")
    assert powershell_lint.check(script) == ['line 9: Write-Nothing is not an allowed cmdlet']


@pytest.mark.parametrize('platform', PLATFORMS + ['tls-only'])
@pytest.mark.parametrize('kind', ['apply', 'drift'])
def test_a_real_powershell_grammar_parses_them(platform, kind):
    """tree-sitter's PowerShell grammar (PyPI tree-sitter-powershell), where installed: no syntax error, and the
    same commands, in the same order, as the tokenizer check found."""
    tree_sitter = pytest.importorskip('tree_sitter')
    grammar = pytest.importorskip('tree_sitter_powershell')
    script = render(tls_only() if platform == 'tls-only' else desired(platform), kind)
    tree = tree_sitter.Parser(tree_sitter.Language(grammar.language())).parse(script.encode())
    assert not tree.root_node.has_error
    names = []
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.type == 'command_name':
            names.append((node.start_point[0], node.text.decode()))
        pending.extend(node.children)
    ours = [(command[2] - 1, command[0]) for command in powershell_lint.commands(powershell_lint.tokenize(script))]
    assert sorted(names) == sorted(ours)


def tls_only():
    """A Skype for Business host whose every trunk is TLS: its script also checks for a plaintext (TCP) port."""
    from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
    from mediation_fixtures import trunk
    return ms.desired([gateway.settings(trunk('public'))], 'skype_for_business', {'host': 'med03.contoso.example'})


@pytest.mark.parametrize('kind', ['apply', 'drift'])
def test_the_plaintext_listener_check_passes_the_tokenizer_check(kind):
    script = render(tls_only(), kind)
    assert "$config = Get-CsMediationServer -Identity 'MediationServer:med03.contoso.example'" in script
    assert '$before = [int]$config.SipClientTcpPort' in script
    assert powershell_lint.check(script, read_only=(kind == 'drift')) == []


def test_trunk_configurations_are_read_with_filter_so_a_missing_scope_is_reachable():
    """-Identity for a scope without a trunk configuration may throw (under ErrorActionPreference Stop the missing
    branch would then never run); -Filter returns nothing, so the script reports it missing."""
    script = render(desired('skype_for_business'), 'drift')
    assert 'Get-CsTrunkConfiguration -Identity' not in script
    reads = re.findall(r"^\s*\$config = @\(Get-CsTrunkConfiguration -Filter '([^']+)'\) \| Where-Object \{ \[string\]\$_\.Identity "
                       r"-eq '([^']+)' \} \| Select-Object -First 1$", script, re.M)
    assert reads and all(scope == identity for scope, identity in reads)
    assert "status = 'missing'; before = $null; message = 'no such trunk configuration" in script


@pytest.mark.parametrize('platform', PLATFORMS)
def test_the_scripts_certificate_statuses_are_the_plans(platform):
    script = render(desired(platform), 'drift')
    statuses = set(re.findall(r"status = '([a-z-]+)'", script.split('# The certificate')[1].split('$result =')[0]))
    assert statuses == {'missing', 'no-private-key', 'expired', 'expiring'}
    cert = next(item for item in desired(platform)['items'] if item['kind'] in ('certificate', 'store_certificate'))
    for seen, status in (({'days_left': -1, 'has_private_key': True}, 'expired'),
                         ({'days_left': 100, 'has_private_key': False}, 'no-private-key')):
        assert [f['status'] for f in ms._certificate_findings(cert, seen)] == [status]


def test_ocs_reads_each_property_inside_try():
    script = render(desired('ocs2007r2'), 'apply')
    for prop in ('GatewayTransportType', 'GatewayListeningPort', 'GatewayEncryptionLevel'):
        assert re.search(r"    try \{\n        \$before = \[(int|string)\]\$instance\.%s\n    \}\n    catch \{\n"
                         r"        \$readErrors\[\$id\] = \$_\.Exception\.Message\n" % prop, script), prop
