# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: ios_quote
short_description: Write a value into a Cisco IOS XE (CUBE) configuration without changing its structure
version_added: 1.1.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - 'IOS has no quoting: a value is one token of a command line, or the free text of a description. This filter
    checks a value for the position it stands in, so that no value can add a command, a mode or a line to the
    configuration: a token must match its grammar, a description or a line must stay on its line.'
  - 'Refuses, with an error naming the value, what the configuration cannot carry faithfully: whitespace where a
    token is needed, C(?) (the IOS command line answers it with help, wherever it stands), line breaks, control
    characters, anything outside printable ASCII.'
  - The role's Python builds the CUBE lines with the same helper, so a rendered file and the lines sent to a device
    never spell a value differently; the templates pass every value through this filter once more.
positional: kind
options:
  _input:
    description: 'The value: text or an integer; for O(kind=target) a mapping with C(address) and C(port).'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(token): one token of printable ASCII, no whitespace, no C(?).'
      - 'V(name): a trustpoint name - letters, digits and C(_.:/-), at most 64 characters.'
      - 'V(interface): an interface name as IOS prints it, its type word in full (C(GigabitEthernet0/0/1), not
        C(Gi0/0/1)).'
      - 'V(description): the text of a C(description) line - printable ASCII, at most 64 characters, no leading,
        trailing or repeated spaces.'
      - 'V(comment): the text of a C(!) comment line.'
      - 'V(line): a whole configuration line computed in Python (printable ASCII, no C(?), no surrounding
        whitespace, at most 254 characters).'
      - 'V(host): a URI class host, C(dns:NAME), C(ipv4:A.B.C.D) or C(ipv6:[X::Y]).'
      - 'V(target): a session target C(dns:NAME:PORT), C(ipv4:A.B.C.D:PORT) or C(ipv6:[X::Y]:PORT) from a mapping
        with C(address) and C(port).'
      - 'V(ipv4): an IPv4 address; V(pattern): a destination pattern; V(port): 1-65535; V(tag): a voice class tag,
        1-10000; V(dial_peer): a dial peer tag, 1-2147483647; V(int): a non-negative integer.'
    type: str
    default: token
    choices: [token, name, interface, description, comment, line, host, target, ipv4, pattern, port, tag, dial_peer, int]
'''

EXAMPLES = r'''
- name: Lines of a dial peer in a CUBE template
  ansible.builtin.debug:
    msg: >-
      description {{ trunk_name | voip.trunk_security.ios_quote('description') }}
      session target {{ {'address': '2001:db8::10', 'port': 5061} | voip.trunk_security.ios_quote('target') }}
'''

RETURN = r'''
_value:
  description: 'The text to write: a token, a description or comment text, a line, a session target.'
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, ios


def ios_quote(value, kind='token'):
    try:
        return ios(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'ios_quote': ios_quote}
