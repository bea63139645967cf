# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tokenizer-level check of the PowerShell the role renders.

A static check, not PowerShell's own parser (the tree-sitter grammar test parses the
scripts too). The scripts are generated, so they are narrow by design: one block per
setting, a fixed set of cmdlets, no dynamic invocation. That narrowness is what this
check enforces, at the level of tokens:

* strings (single-quoted with ``''``, double-quoted with backtick escapes and ``$( )``
  subexpressions), here-strings (``@'...'@`` / ``@"..."@``, closed at the start of a
  line), line comments and ``<# #>`` block comments are recognised, so that delimiters
  inside them do not count;
* ``( ) { } [ ]`` (with ``@( @{ $(``) balance and nest correctly outside them;
* every command (a ``Verb-Noun`` word outside strings and comments) is in an allow-list,
  each with the parameters Microsoft documents for it, and every ``-Parameter`` given to
  it at its own nesting depth is one of those (an unknown or abbreviated parameter fails);
* every variable is assigned (or is automatic) before its first use, reading top to bottom
  (the scripts have no functions and no loops that reach back);
* every cmdlet that changes something runs inside ``if ($PSCmdlet.ShouldProcess(...))``,
  so check mode (``-WhatIf``) sets nothing.

A real grammar backs it where installed: tests also parse the scripts with tree-sitter's
PowerShell grammar (PyPI ``tree-sitter-powershell``) and compare the commands it finds.
Neither is PowerShell itself: what they cannot see (a parameter set that does not exist,
a value the cmdlet refuses) is for the first run with ``-WhatIf`` on a real server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMON = frozenset(('Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ErrorVariable',
                    'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable'))
SHOULD_PROCESS = frozenset(('WhatIf', 'Confirm'))

#: The cmdlets the scripts may use, with their documented parameters (common parameters are added).
CMDLETS = {
    # Lync Server 2010+ / Skype for Business Server (Microsoft.Rtc.Management)
    # -Filter is documented for Get-CsTrunkConfiguration (a wildcard search on Identity): the scripts read a scope
    # with it, so that a scope without a trunk configuration gives nothing instead of an error
    'Get-CsTrunkConfiguration': {'Identity', 'Filter', 'LocalStore'},
    'Set-CsTrunkConfiguration': {'Identity', 'Instance', 'SRTPMode', 'EnableBypass', 'Force'} | SHOULD_PROCESS,
    'New-CsTrunkConfiguration': {'Identity', 'SRTPMode', 'EnableBypass', 'Force', 'InMemory'} | SHOULD_PROCESS,
    'Get-CsMediaConfiguration': {'Identity', 'Filter', 'LocalStore'},
    'Get-CsMediationServer': {'Identity', 'Filter'},
    'Set-CsMediationServer': {'Identity', 'SipClientTlsPort', 'SipClientTcpPort', 'SipServerPort', 'Force'}
    | SHOULD_PROCESS,
    'Get-CsTrunk': {'Identity', 'Filter', 'PoolFqdn'},
    'Get-CsTopology': {'AsXml', 'LocalStore', 'Status'},
    'Get-CsCertificate': {'Type', 'Identity', 'NetportId', 'Report'},
    # Windows PowerShell 3.0+
    'Get-CimInstance': {'Namespace', 'ClassName', 'Filter', 'ComputerName', 'CimSession', 'Property', 'KeyOnly'},
    'Set-CimInstance': {'InputObject', 'Property', 'PassThru', 'Namespace', 'OperationTimeoutSec'} | SHOULD_PROCESS,
    'Get-Command': {'Name', 'Module', 'CommandType'},
    'Import-Module': {'Name', 'Force', 'PassThru'},
    'Set-StrictMode': {'Version', 'Off'},
    'Get-Item': {'Path', 'LiteralPath'},
    'Get-ChildItem': {'Path', 'LiteralPath', 'Recurse'},
    'Test-Path': {'Path', 'LiteralPath', 'PathType'},
    'Get-Date': {'Date', 'Format', 'UFormat'},
    'Sort-Object': {'Property', 'Descending', 'Unique'},
    'Select-Object': {'Property', 'First', 'Last', 'ExpandProperty'},
    'ForEach-Object': {'Process', 'MemberName'},
    'Where-Object': {'FilterScript', 'Property', 'Value'},
    'ConvertTo-Json': {'InputObject', 'Depth', 'Compress'},
}
#: Cmdlets that change the server: only inside ``if ($PSCmdlet.ShouldProcess(...))``, never in a drift script.
CHANGING = frozenset(name for name in CMDLETS
                     if name.split('-')[0] in ('Set', 'New', 'Remove', 'Publish', 'Enable') and name != 'Set-StrictMode')
#: Variables PowerShell provides; ``$Ansible`` only exists under win_powershell and is used behind Test-Path.
AUTOMATIC = frozenset(('_', 'true', 'false', 'null', 'PSCmdlet', 'Ansible', 'PSItem', 'ErrorActionPreference'))
KEYWORDS = frozenset(('if', 'elseif', 'else', 'foreach', 'try', 'catch', 'finally', 'param', 'in'))

_COMMAND = re.compile(r'[A-Z][A-Za-z]+-[A-Z][A-Za-z]+')
_PAIRS = {'(': ')', '{': '}', '[': ']'}


@dataclass
class Token:
    kind: str          # word, param, variable, string, open, close, newline, pipe, semicolon, operator
    text: str
    line: int
    depth: int


@dataclass
class Script:
    tokens: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    commands: list = field(default_factory=list)   # (name, [params], line, shouldprocess-guarded)


def tokenize(text: str) -> Script:
    """Tokens outside strings and comments, with their bracket depth; problems for what does not close."""
    script = Script()
    stack = []   # (opener, line)
    i, line, n = 0, 1, len(text)

    def add(kind, value, depth=None):
        script.tokens.append(Token(kind, value, line, len(stack) if depth is None else depth))

    while i < n:
        c = text[i]
        if c == '\n':
            add('newline', c)
            line += 1
            i += 1
        elif c in ' \t\r':
            i += 1
        elif text.startswith('<#', i):
            end = text.find('#>', i + 2)
            if end < 0:
                script.problems.append('line %d: block comment never closed' % line)
                break
            line += text.count('\n', i, end)
            i = end + 2
        elif c == '#':
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif text.startswith("@'", i) or text.startswith('@"', i):
            quote = text[i + 1]
            if not text.startswith('\n', i + 2) and not text.startswith('\r\n', i + 2):
                script.problems.append('line %d: a here-string must end its line after @%s' % (line, quote))
            closing = re.compile(r'^%s@' % re.escape(quote), re.M)
            found = closing.search(text, i + 2)
            if not found:
                script.problems.append('line %d: here-string never closed (%s@ at the start of a line)' % (line, quote))
                break
            add('string', text[i:found.end()])
            line += text.count('\n', i, found.end())
            i = found.end()
        elif c == "'":
            j = i + 1
            while True:
                j = text.find("'", j)
                if j < 0:
                    script.problems.append("line %d: single-quoted string never closed" % line)
                    return _finish(script, stack)
                if text.startswith("''", j):
                    j += 2
                    continue
                break
            add('string', text[i:j + 1])
            line += text.count('\n', i, j)
            i = j + 1
        elif c == '"':
            j, start_line = _double_quoted(text, i + 1, script, line)
            if j is None:
                return _finish(script, stack)
            add('string', text[i:j + 1])
            line = start_line
            i = j + 1
        elif c in '({[' or text.startswith('@(', i) or text.startswith('@{', i) or text.startswith('$(', i):
            opener = c if c in '({[' else text[i + 1]
            width = 1 if c in '({[' else 2
            add('open', text[i:i + width])
            stack.append((opener, line))
            i += width
        elif c in ')}]':
            if not stack:
                script.problems.append('line %d: %s closes nothing' % (line, c))
            else:
                opener, opened = stack.pop()
                if _PAIRS[opener] != c:
                    script.problems.append('line %d: %s closes %s opened on line %d' % (line, c, opener, opened))
            add('close', c)
            i += 1
        elif c == '$':
            m = re.compile(r'\$(?:\{([^}]+)\}|([A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?)|(_))').match(text, i)
            if not m:
                script.problems.append('line %d: a lone $' % line)
                i += 1
                continue
            add('variable', m.group(1) or m.group(2) or m.group(3))
            i = m.end()
        elif c == '|':
            add('pipe', c)
            i += 1
        elif c == ';':
            add('semicolon', c)
            i += 1
        elif c == '`':
            # line continuation: the next newline does not end the statement
            i += 2
        elif c == '-' and i + 1 < n and text[i + 1].isalpha():
            m = re.compile(r'-([A-Za-z][A-Za-z0-9]*)(:?)').match(text, i)
            add('param', m.group(1))
            i = m.end()
        else:
            m = re.compile(r'[A-Za-z0-9_.\\:]+(?:-[A-Za-z][A-Za-z0-9]*)*').match(text, i)
            if m and m.end() > i:
                add('word', m.group(0))
                i = m.end()
            else:
                add('operator', c)
                i += 1
    return _finish(script, stack)


def _double_quoted(text, i, script, line):
    """End index of a double-quoted string starting after its quote (``$( )`` may nest quotes)."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '`':
            i += 2
            continue
        if c == '\n':
            line += 1
        if text.startswith('$(', i):
            depth += 1
            i += 2
            continue
        if depth and c == ')':
            depth -= 1
        elif depth and c == '"':
            # a string inside a subexpression
            end, line = _double_quoted(text, i + 1, script, line)
            if end is None:
                return None, line
            i = end + 1
            continue
        elif not depth and c == '"':
            if text.startswith('""', i):
                i += 2
                continue
            return i, line
        i += 1
    script.problems.append('line %d: double-quoted string never closed' % line)
    return None, line


def _finish(script, stack):
    for opener, opened in stack:
        script.problems.append('line %d: %s never closed' % (opened, opener))
    return script


def commands(script: Script):
    """(name, params, line, guarded) for every Verb-Noun word, its parameters at its own depth."""
    found = []
    tokens = script.tokens
    guarded_depths = _guarded_braces(script)
    for index, tok in enumerate(tokens):
        if tok.kind != 'word' or not _COMMAND.fullmatch(tok.text):
            continue
        params = []
        depth = tok.depth
        for follower in tokens[index + 1:]:
            if follower.depth < depth or follower.kind in ('newline', 'pipe', 'semicolon'):
                if follower.kind == 'newline' and follower.depth > depth:
                    continue
                break
            if follower.kind == 'param' and follower.depth == depth:
                params.append(follower.text)
        found.append((tok.text, params, tok.line, guarded_depths[index]))
    script.commands = found
    return found


def _guarded_braces(script):
    """For each token, whether it lies inside a ``{`` opened right after ``if ($PSCmdlet.ShouldProcess(...))``."""
    result = []
    stack = []
    tokens = script.tokens
    for index, tok in enumerate(tokens):
        if tok.kind == 'open':
            guarded = False
            if tok.text == '{':
                head = ''.join(t.text for t in tokens[max(0, index - 16):index] if t.kind != 'newline')
                guarded = bool(re.search(r'if\(PSCmdlet\.ShouldProcess\(.*\)\)$', head))
            stack.append(guarded)
            result.append(any(stack[:-1]))
            continue
        if tok.kind == 'close':
            if stack:
                stack.pop()
            result.append(any(stack))
            continue
        result.append(any(stack))
    return result


def check(text: str, read_only: bool = False) -> list:
    """Every problem found in one script; an empty list passes."""
    script = tokenize(text)
    problems = list(script.problems)
    if problems:
        return problems
    for name, params, line, guarded in commands(script):
        if name not in CMDLETS:
            problems.append('line %d: %s is not an allowed cmdlet' % (line, name))
            continue
        known = CMDLETS[name] | COMMON
        for param in params:
            if param not in known:
                problems.append('line %d: %s has no parameter -%s (known: %s)' % (line, name, param, ', '.join(sorted(known))))
        if name in CHANGING:
            if read_only:
                problems.append('line %d: %s changes the server, in a read-only script' % (line, name))
            elif not guarded:
                problems.append('line %d: %s runs outside if ($PSCmdlet.ShouldProcess(...))' % (line, name))
    problems.extend(_variables(script))
    for required, why in ((r'^\[CmdletBinding\(SupportsShouldProcess\)\]$', 'supports -WhatIf (check mode)'),
                          (r"^Set-StrictMode -Version 2\.0$", 'runs in strict mode'),
                          (r"^\$ErrorActionPreference = 'Stop'$", 'stops at the first error')):
        if not re.search(required, text, re.M):
            problems.append('the script must say %r: it %s' % (required, why))
    return problems


def _variables(script):
    """Variables used before any assignment (reading top to bottom)."""
    problems = []
    defined = set(AUTOMATIC)
    tokens = script.tokens
    for index, tok in enumerate(tokens):
        if tok.kind != 'variable':
            continue
        name = tok.text.split(':')[-1] if tok.text.lower().startswith(('variable:', 'script:', 'global:')) else tok.text
        following = next((t for t in tokens[index + 1:] if t.kind != 'newline'), None)
        assigned = following is not None and following.kind == 'operator' and following.text == '=' and \
            _next_is_not_equals(tokens, index)
        previous = [t for t in tokens[max(0, index - 2):index] if t.kind != 'newline']
        in_foreach = following is not None and following.kind == 'word' and following.text == 'in' and \
            previous and previous[-1].kind == 'open'
        indexed = following is not None and following.kind == 'open' and following.text == '['
        if assigned or in_foreach:
            defined.add(name.lower())
            continue
        if indexed and name.lower() in defined:
            continue
        if name.lower() not in {d.lower() for d in defined}:
            problems.append('line %d: $%s is used before it is assigned' % (tok.line, name))
    return problems


def _next_is_not_equals(tokens, index):
    after = tokens[index + 1:index + 3]
    return not (len(after) > 1 and after[1].kind == 'operator' and after[1].text == '=')
