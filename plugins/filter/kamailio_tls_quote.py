# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: kamailio_tls_quote
short_description: Write a value into Kamailio's TLS profile file (tls.cfg) without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Escapes or checks a value for its position in the TLS module's configuration file, so that no value can add
    a profile or an option.
  - Refuses, with an error naming the value, control characters, line breaks, NUL and values over the parser's 512-byte
    token limit.
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text or an integer; for O(kind=profile) a mapping with C(address) and C(port).'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(value): as it is when made of letters, digits and C(_./:+!@,*-), else a double-quoted string with C(\\)
        and C(") escaped.'
      - 'V(comment): the text of a C(#) comment (a backslash doubled: the parser reads it as an escape, a line end
        included).'
      - 'V(profile): C(ADDRESS:PORT) of a C([server:...]) profile from a mapping with C(address) (an IP literal,
        IPv6 in brackets) and C(port).'
      - 'V(int): a non-negative integer.'
    type: str
    default: value
    choices:
      - value
      - comment
      - profile
      - int
'''

EXAMPLES = r'''
- name: A TLS profile for a listener (tls.cfg.j2)
  ansible.builtin.debug:
    msg: >-
      [server:{{ {'address': '::1', 'port': 5067} | voip.trunk_security.kamailio_tls_quote('profile') }}]
      certificate = {{ certificate_path | voip.trunk_security.kamailio_tls_quote }}
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, kamailio_tls


def kamailio_tls_quote(value, kind='value'):
    try:
        return kamailio_tls(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'kamailio_tls_quote': kamailio_tls_quote}
