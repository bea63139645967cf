# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: powershell_quote
short_description: Write a value into a PowerShell script without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Quotes or checks a value for its position in the Mediation Server scripts.
  - Refuses, with an error naming the value, control characters, line breaks and NUL; in a comment also C(#>) and
    C(<#).
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text, an integer or a boolean.'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(string): a single-quoted literal, each single-quote character doubled (C('') and the typographic quotes
        U+2018, U+2019, U+201A, U+201B, which PowerShell reads as quotes too); V(in_string): the same without the
        quotes, inside a literal the template writes.'
      - 'V(vetted): a single-quoted literal of letters, digits, spaces and C(:._*@\\/-) only; anything else is refused.'
      - 'V(value): an integer bare, a boolean C($true)/C($false), text as V(string).'
      - 'V(comment): the text of a C(#) comment or a C(<# #>) block.'
      - 'V(name): a property name after C(.) (letters, digits, C(_), not starting with a digit).'
      - 'V(line): a statement computed and vetted in Python (a command line), written as it is but only on its own
        line.'
      - 'V(int): a non-negative integer.'
    type: str
    default: string
    choices:
      - string
      - in_string
      - vetted
      - value
      - comment
      - name
      - line
      - int
'''

EXAMPLES = r'''
- name: A literal in a PowerShell template
  ansible.builtin.debug:
    msg: "$findings += @{ message = {{ remedy | voip.trunk_security.powershell_quote }} }"
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, powershell


def powershell_quote(value, kind='string'):
    try:
        return powershell(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'powershell_quote': powershell_quote}
