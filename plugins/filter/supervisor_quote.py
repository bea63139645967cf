# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: supervisor_quote
short_description: Write a value into a supervisor program file without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Quotes or checks a value for its position in a supervisor program file (an ini file read with inline C(;) and
    C(#) comments and C(%(name)s) expansion).
  - Refuses, with an error naming the value, control characters, line breaks, NUL, a C(;) or C(#) after a space
    (an inline comment to supervisor) and spaces supervisor would strip.
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text; for O(kind=command) a command line or a list of words.'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(command): C(command=) from a string (split as a POSIX shell would) or a list of words, each word quoted
        for C(shlex.split), C(%) doubled.'
      - 'V(value): a plain setting such as C(stdout_logfile=); C(%) doubled.'
      - 'V(section): a program name in C([program:NAME]) (letters, digits, C(_.@-)).'
      - 'V(comment): the text of a C(;) line.'
    type: str
    default: value
    choices:
      - command
      - value
      - section
      - comment
'''

EXAMPLES = r'''
- name: A program's command (supervisor.conf.j2)
  ansible.builtin.debug:
    msg: "command={{ '/usr/sbin/rtpengine --config-file /etc/rtpengine/media/rtpengine.conf' | voip.trunk_security.supervisor_quote('command') }}"
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, supervisor


def supervisor_quote(value, kind='value'):
    try:
        return supervisor(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'supervisor_quote': supervisor_quote}
