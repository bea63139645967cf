# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: audiocodes_quote
short_description: Write a value into an AudioCodes Mediant ini file or CLI script without changing its structure
version_added: 1.1.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - 'Checks a value, and quotes it where its position takes a quoted string, so that no value can add a row, a column,
    a table or a command to the file: an ini string stays one double-quoted value, a token (a number, an address, a
    name, a keyword) must match its grammar.'
  - 'An ini string can carry C(,) and C(;) (devices write both inside quoted values of their own files) but not C("):
    the format has no escape for it. Refused as well, with an error naming the value: control characters, line breaks,
    line and paragraph separators, bidirectional-text controls, NUL; characters outside printable ASCII (the file''s
    encoding is not documented); spaces at either end; C($$), the default marker.'
  - 'A CLI string is written only with letters, digits and C(_.:/+@=,[]-): the CLI''s quoting rules are not confirmed,
    so anything else is refused, never escaped.'
  - The platform module (C(plugins/module_utils/platforms/audiocodes.py)) writes the drift lines it sends to a device
    with the same helper, so a template and the drift lines never spell a value differently.
positional: kind
options:
  _input:
    description: 'The value: text or an integer; for O(kind=cell) a mapping with C(kind) and C(value).'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(string): a double-quoted ini string (a table cell the settings give); V(kept): a string a device wrote in
        its own ini, written back double-quoted (only what cannot stay one string is refused).'
      - 'V(int): a signed 32-bit integer; V(ip): an IPv4 or IPv6 address, bare; V(bare): another unquoted token of a
        device''s ini (printable ASCII without white space, C(,), C(;) or quotes); V(default): C($$).'
      - 'V(cell): a mapping C({kind, value}) with one of the six kinds above, as the platform module lays out rows.'
      - 'V(name): a table, column or parameter name; V(index): a row index; V(comment): the text of a C(;) line.'
      - 'V(cli_string): a double-quoted CLI value; V(cli_word): a CLI keyword or enumeration word; V(cli_int): an
        integer; V(cli_index): a row index C(N) or C(N/M); V(cli_comment): the text of a C(;) line of the script.'
    type: str
    default: string
    choices:
      - string
      - kept
      - int
      - ip
      - bare
      - default
      - cell
      - name
      - index
      - comment
      - cli_string
      - cli_word
      - cli_int
      - cli_index
      - cli_comment
'''

EXAMPLES = r'''
- name: A row of an incremental ini in a template (incremental.ini.j2)
  ansible.builtin.debug:
    msg: >-
      TLSContexts {{ 1 | voip.trunk_security.audiocodes_quote('index') }} =
      {{ 'lon-public-primary' | voip.trunk_security.audiocodes_quote('string') }},
      {{ {'kind': 'int', 'value': 12} | voip.trunk_security.audiocodes_quote('cell') }};
'''

RETURN = r'''
_value:
  description: 'The text to write: a quoted string, a token, a comment text or a keyword.'
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, audiocodes


def audiocodes_quote(value, kind='string'):
    try:
        return audiocodes(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'audiocodes_quote': audiocodes_quote}
