# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: keyfile_quote
short_description: Write a value into a GLib key file (rtpengine.conf) without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Escapes or checks a value for its position in a GLib key file (C([group]), C(key = value) lines), as rtpengine
    reads its configuration.
  - Refuses, with an error naming the value, control characters, line breaks and NUL.
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text or an integer; a list for O(kind=list).'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(value): the value of C(key = value), with GLib''s escapes (C(\\\\), C(\\s) for a space at either end).'
      - 'V(list): a list as one C(;)-separated value, each item escaped, a C(;) inside an item as C(\\;).'
      - 'V(key): letters, digits, C(_) and C(-), starting with a letter or a digit.'
      - 'V(comment): the text of a C(#) line.'
      - 'V(int): a non-negative integer.'
    type: str
    default: value
    choices:
      - value
      - list
      - key
      - comment
      - int
'''

EXAMPLES = r'''
- name: An rtpengine option (rtpengine.conf.j2)
  ansible.builtin.debug:
    msg: "pidfile = {{ (run_dir ~ '/rtpengine.pid') | voip.trunk_security.keyfile_quote }}"
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, keyfile


def keyfile_quote(value, kind='value'):
    try:
        return keyfile(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'keyfile_quote': keyfile_quote}
