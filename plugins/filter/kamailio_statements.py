# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: kamailio_statements
short_description: What Kamailio runs of a configuration, comments aside
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - The lines of a Kamailio configuration (C(kamailio.cfg)) without C(#) comments, blank lines and surrounding
    spaces; C(#!) preprocessor directives (C(#!define)) are kept.
  - Two configurations with the same statements run the same, so the role
    P(voip.trunk_security.mediation_gateway#role) restarts Kamailio (which drops calls) only when the statements
    differ, never for a change to comments alone.
options:
  _input:
    description: The text of the configuration (empty or null for none).
    type: raw
    required: true
'''

EXAMPLES = r'''
- name: Does the new configuration run anything different?
  ansible.builtin.set_fact:
    kamailio_needs_restart: >-
      {{ (running_config | voip.trunk_security.kamailio_statements)
         != (new_config | voip.trunk_security.kamailio_statements) }}
'''

RETURN = r'''
_value:
  description: The statements, one line each, in order.
  type: list
  elements: str
'''

from ansible_collections.voip.trunk_security.plugins.module_utils.platforms.kamailio import statements as kamailio_statements


class FilterModule(object):
    def filters(self):
        return {'kamailio_statements': kamailio_statements}
