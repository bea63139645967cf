# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: systemd_quote
short_description: Write a value into a systemd unit file without changing its structure
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Quotes or checks a value for its position in a systemd unit file.
  - Refuses, with an error naming the value, control characters, line breaks, NUL, a trailing backslash (it would
    join the next line) and spaces systemd would strip.
  - Validation of the inputs is the first wall; this is the second, so that a value that escapes validation still
    cannot change the structure of the file.
positional: kind
options:
  _input:
    description: 'The value: text; for O(kind=exec) a command line or a list of words.'
    type: raw
    required: true
  kind:
    description:
      - The position the value stands in.
      - 'V(exec): an C(ExecStart=) command line from a string (split as a POSIX shell would) or a list of words;
        each word bare when made of letters, digits and C(_/.,:=+@-), else double-quoted; C(%) and C($) doubled
        (systemd''s specifiers and environment variables).'
      - 'V(value): a plain setting such as C(Description=); C(%) doubled.'
      - 'V(comment): the text of a C(#) line.'
    type: str
    default: value
    choices:
      - exec
      - value
      - comment
'''

EXAMPLES = r'''
- name: A unit's command line (systemd.service.j2)
  ansible.builtin.debug:
    msg: "ExecStart={{ ['/usr/bin/baresip', '-f', '/etc/baresip/my endpoint'] | voip.trunk_security.systemd_quote('exec') }}"
'''

RETURN = r'''
_value:
  description: The text to write.
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, systemd


def systemd_quote(value, kind='value'):
    try:
        return systemd(value, kind)
    except QuoteError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'systemd_quote': systemd_quote}
