# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The grammars that trunk data and role inputs share: IP literals, host names, suggestions.

One definition for the policy engine (``trunk_policy``) and the role input checks
(``role_inputs``), so an address the engine accepts is one the roles accept too.

Pure Python, no I/O, no Ansible import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import ipaddress
import re

MAX_HOST_NAME = 253
_IP_CHARS = re.compile(r'[0-9A-Fa-f:.]{2,45}\Z')
_LABEL = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')
_DIGITS = re.compile(r'[0-9]+\Z')


def ip_address(text):
    """The :mod:`ipaddress` address an IPv4 or IPv6 literal stands for (ASCII, no zone index, no
    brackets), or ``None``."""
    if not isinstance(text, str) or not _IP_CHARS.match(text):
        return None
    try:
        return ipaddress.ip_address(str(text))
    except ValueError:
        return None


def is_ip_literal(text):
    """An IPv4 or IPv6 address written as such, the unspecified address (0.0.0.0, ::) included."""
    return ip_address(text) is not None


def is_peer_address(text):
    """The address of one host: an IP literal that is neither unspecified nor multicast."""
    address = ip_address(text)
    return address is not None and not (address.is_unspecified or address.is_multicast)


def is_host_name(text, wildcard=False):
    """A host name per RFC 1123; with ``wildcard``, a leading ``*.`` label is allowed.

    A name whose last label is all digits is refused: it reads as a mistyped IPv4 address."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_HOST_NAME or not text.isascii():
        return False
    labels = text.split('.')
    if wildcard and len(labels) > 2 and labels[0] == '*':
        labels = labels[1:]
    if _DIGITS.match(labels[-1]):
        return False
    return all(_LABEL.match(label) for label in labels)


def suggest(word, choices):
    """`` (did you mean 'x'?)`` for a close choice, else an empty string."""
    if not isinstance(word, str) or len(word) > 64:
        return ''
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return (" (did you mean '%s'?)" % close[0]) if close else ''
