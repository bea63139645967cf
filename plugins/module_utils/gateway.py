# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Neutral gateway-side settings: what the side of the mediation tier facing a SIP trunk
must be, derived from the trunk's policy result and its wiring.

Every platform (Kamailio today; Lync / Skype for Business / OCS 2007 R2 later) renders
these settings in its own terms, so the decision is made once, here, in pure Python.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import InputProblem, TrunkInputError

#: Lync / Skype for Business Mediation Server gateway ports (the contract's defaults).
DEFAULT_TLS_PORT = 5067
DEFAULT_TCP_PORT = 5068
#: The provider's SIP ports when the trunk does not say.
PROVIDER_TLS_PORT = 5061
PROVIDER_TCP_PORT = 5060
#: The Lync/SfB gateway link is mutual TLS; a trunk may turn it off (gateway.mutual_tls).
DEFAULT_MUTUAL_TLS = True


def settings(trunk, result=None):
    """One trunk dict (with its ``gateway`` and ``provider`` wiring) to its neutral settings.

    ``result`` is the trunk's policy result when the caller already has it. Raises
    :class:`TrunkInputError` for a malformed trunk, or one without the wiring needed to
    configure it (``gateway.address``, ``provider.address``).
    """
    parsed = trunk_policy.parse(trunk)
    if result is None:
        result = trunk_policy.decide(parsed)
    gateway = parsed.gateway
    missing = []
    if not gateway['address']:
        missing.append(InputProblem('gateway.address', 'is required to configure the gateway side: the address the '
                                                       'listener for this trunk binds to'))
    if not parsed.provider_address:
        missing.append(InputProblem('provider.address', "is required to configure the gateway side: the provider's SIP "
                                                        'next hop (name or IP)'))
    if missing:
        raise TrunkInputError("trunk '%s'" % parsed.name, missing)

    tls = bool(result['tls']['enable'])
    srtp_mode, notes = _srtp_mode(parsed, result)
    mutual_tls = DEFAULT_MUTUAL_TLS if gateway['mutual_tls'] is None else gateway['mutual_tls']
    listen_port = (gateway['tls_port'] or DEFAULT_TLS_PORT) if tls else (gateway['tcp_port'] or DEFAULT_TCP_PORT)
    provider_port = parsed.provider_port or (PROVIDER_TLS_PORT if tls else PROVIDER_TCP_PORT)
    if parsed.provider_port and tls and parsed.provider_port == PROVIDER_TCP_PORT:
        notes.append('provider.port is %d, the usual plain SIP port, but TLS is enabled: check the provider '
                     'listens for TLS there' % parsed.provider_port)
    return {
        'name': parsed.name,
        'decision': result['decision'],
        'compliant': result['compliant'],
        'tls_required': result['tls']['required'],
        'srtp_required': result['srtp']['required'],
        'transport': 'tls' if tls else 'tcp',
        'listen': {'address': gateway['address'], 'port': listen_port, 'transport': 'tls' if tls else 'tcp'},
        # a plaintext listener toward the trunk only where the policy leaves TLS off
        'plaintext_listener': not tls,
        'next_hop': {
            'address': parsed.provider_address,
            'port': provider_port,
            'transport': 'tls' if tls else 'tcp',
            'server_name': (parsed.provider_server_name or parsed.provider_address) if tls else None,
            'verify_certificate': tls,
        },
        'certificate': {'needed': tls, 'mutual_tls': tls and mutual_tls},
        'srtp_mode': srtp_mode,
        'notes': notes,
    }


def _srtp_mode(parsed, result):
    """``required`` whenever SRTP is enabled, ``optional`` only where the trunk asks and the
    policy does not require it, else ``disabled``."""
    notes = []
    asked = parsed.gateway['srtp_mode']
    if result['srtp']['required']:
        if asked == 'optional':
            notes.append("gateway.srtp_mode 'optional' is ignored: the policy requires SRTP on this trunk")
        return 'required', notes
    if result['srtp']['enable']:
        return (asked or 'required'), notes
    if asked == 'required':
        notes.append("gateway.srtp_mode 'required' while the policy leaves SRTP off (provider.srtp is false or "
                     'opportunistic is off): calls fail unless the provider offers SRTP')
        return 'required', notes
    if asked == 'optional':
        return 'optional', notes
    return 'disabled', notes


def settings_all(trunks):
    """A host's trunk list to a list of settings; names must be unique."""
    results = trunk_policy.evaluate_all(trunks)
    return [settings(trunk, result) for trunk, result in zip(trunks, results)]
