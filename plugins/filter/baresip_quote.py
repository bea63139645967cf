# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: baresip_quote
short_description: Write a value into baresip's config or accounts file without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Checks a value for its position in baresip's C(config) (C(key<TAB>value) lines) or C(accounts) (C("Name" <sip:...>;param=value))
    file. libre, which reads both, has no quoting or escapes, so a value that would change the file's lines or the
    account's parts is refused, with an error naming it.
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text or an integer.'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(value): a config value, one word (libre reads up to the first space or tab), not empty, at most 255 bytes.'
      - 'V(key): a config key or module name (letters, digits, C(_)).'
      - 'V(comment): the text of a C(#) line.'
      - 'V(display_name): the quoted display name of an account; C(") and C(\\) are refused.'
      - 'V(account): a value inside the account line (address of record, parameter value, codec); none of C(<>";,\\),
        no space.'
      - 'V(host): a SIP URI host (IPv4, IPv6 in brackets, or a host name).'
      - 'V(port): 1-65535; V(int): a non-negative integer.'
    type: str
    default: value
    choices:
      - value
      - key
      - comment
      - display_name
      - account
      - host
      - port
      - int
'''

EXAMPLES = r'''
- name: A config line and an account (config.j2, accounts.j2)
  ansible.builtin.debug:
    msg: >-
      sip_cafile {{ ca_file | voip.trunk_security.baresip_quote }}
      {{ 'Alice' | voip.trunk_security.baresip_quote('display_name') }} <{{ 'sip:alice@lab.test' | voip.trunk_security.baresip_quote('account') }}>
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, baresip


def baresip_quote(value, kind='value'):
    try:
        return baresip(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'baresip_quote': baresip_quote}
