# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: kamailio_quote
short_description: Write a value into Kamailio's routing script (kamailio.cfg) without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - 'Escapes or checks a value for the position it stands in, so that no value can add a statement, a listener or
    a route to the script: a string stays one string literal, a token (a socket, an address, a port) must match
    its grammar.'
  - 'Refuses, with an error naming the value, what the script cannot carry faithfully: control characters, line
    breaks, line and paragraph separators, bidirectional-text controls, NUL; and for a token anything outside its
    grammar.'
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text or an integer; for O(kind=socket) a mapping with C(transport), C(address), C(port).'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(string): a double-quoted literal with C(\\) and C(") escaped, for plain strings (C($Ri == "..."), C($du
        = "..."), C(modparam) values); V(in_string): the same without the quotes, inside a literal the template
        writes.'
      - 'V(format), V(in_format): the same for a function that expands pseudo-variables (C(xlog), C(sl_send_reply),
        C(rtpengine_offer)); C($) is doubled too, so it stays a C($).'
      - 'V(comment): the text of a C(#) comment.'
      - 'V(socket): C(PROTO:ADDRESS:PORT) from a mapping with C(transport), C(address) (an IP literal, IPv6 in brackets)
        and C(port), for C(listen=) and C($fs).'
      - 'V(host): a SIP URI host (IPv4, IPv6 in brackets, or a host name).'
      - 'V(ip): an address as Kamailio prints C($Ri) and C($si) (C(inet_ntop): IPv6 compressed, lower case, no brackets).'
      - 'V(port): 1-65535; V(int): a non-negative integer.'
    type: str
    default: string
    choices:
      - string
      - in_string
      - format
      - in_format
      - comment
      - socket
      - host
      - ip
      - port
      - int
'''

EXAMPLES = r'''
- name: A listener and a comparison in a Kamailio template (kamailio.cfg.j2)
  ansible.builtin.debug:
    msg: >-
      listen={{ {'transport': 'tls', 'address': '2001:db8::10', 'port': 5067} | voip.trunk_security.kamailio_quote('socket') }}
      if ($Ri == "{{ '2001:db8::10' | voip.trunk_security.kamailio_quote('ip') }}")
      xlog("L_INFO", "trunk {{ trunk_name | voip.trunk_security.kamailio_quote('in_format') }}\n");
'''

RETURN = r'''
_value:
  description: 'The text to write: a literal, its inside, a comment text or a token.'
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, kamailio


def kamailio_quote(value, kind='string'):
    try:
        return kamailio(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'kamailio_quote': kamailio_quote}
