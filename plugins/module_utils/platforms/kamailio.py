# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kamailio and rtpengine: the platform the role renders and runs itself.

The neutral settings (:mod:`..gateway`) reach Kamailio's files directly: the role's templates
(``roles/mediation_gateway/templates/kamailio/``) lay out one listener, one TLS profile and one
route per trunk from them, every value written through :mod:`..config_quote`'s Kamailio helpers.
What this module decides is when a change needs Kamailio to start again: a restart drops every
call and TLS connection, so the role restarts only where :func:`statements` differ.

Pure Python, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PLATFORM = 'kamailio'


def statements(text):
    """What Kamailio runs of a configuration: its lines without ``#`` comments, blank lines and surrounding
    spaces (``#!`` preprocessor directives are kept). Two files with the same statements run the same, so a
    change to comments alone never needs a restart."""
    kept = []
    for line in str(text or '').splitlines():
        line = line.strip()
        if not line or (line.startswith('#') and not line.startswith('#!')):
            continue
        kept.append(line)
    return kept
