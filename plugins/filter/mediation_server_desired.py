# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: mediation_server_desired
short_description: What a Microsoft Mediation Server's gateway side must hold for a host's trunks
version_added: 1.0.0
author: voip.trunk_security contributors (@voip-trunk-security)
description:
  - Turns a host's neutral gateway-side settings (P(voip.trunk_security.gateway_settings#filter)) into the
    items a Microsoft Mediation Server must hold, one setting at one scope each, with the cmdlet that reads
    it, the value it must have and the exact command line that sets it.
  - "V(skype_for_business) (Lync Server 2010/2013, Skype for Business Server 2015/2019): the SRTP mode per
    trunk configuration scope (C(Set-CsTrunkConfiguration -SRTPMode Required|Optional|NotSupported)), the
    Mediation Server's gateway ports (C(Set-CsMediationServer -SipClientTlsPort/-SipClientTcpPort)), and
    checks that are reported, never changed: the trunk's transport (it lives in the topology), the clients'
    media encryption level against media bypass, the gateway-side certificate."
  - "V(ocs2007r2): the properties of the WMI class C(MSFT_SIPMediationServerConfigSetting)
    (C(GatewayTransportType), C(GatewayListeningAddress), C(GatewayListeningPort), C(GatewayNextHopAddress),
    C(GatewayNextHopPort), C(GatewayEncryptionLevel)) and the certificate in the local computer store."
  - Trunks that share a scope must agree on its value; an OCS 2007 R2 Mediation Server takes one trunk.
    Values that cannot be written safely into a PowerShell script are refused.
options:
  _input:
    description: The host's list of neutral settings.
    type: list
    elements: dict
    required: true
  platform:
    description: The Mediation Server's platform.
    type: str
    choices: [skype_for_business, ocs2007r2]
    required: true
  options:
    description:
      - "Platform options: C(host), C(module), C(mediation_server), C(trunks) (trunk name to C({scope, trunk})),
        C(media_configuration), C(manage_ports), C(trunk_transport_property), C(certificate_type),
        C(wmi_namespace), C(transport_values), C(encryption_levels), C(certificate_names),
        C(certificate_expiry_warn_days). See the role P(voip.trunk_security.mediation_gateway#role)'s argument spec."
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: What the Skype for Business Mediation Server must hold
  ansible.builtin.debug:
    msg: "{{ sip_trunks | voip.trunk_security.gateway_settings
             | voip.trunk_security.mediation_server_desired('skype_for_business', {'host': inventory_hostname}) }}"
'''

RETURN = r'''
_value:
  description:
    - The platform, the host, the items (one per setting and scope), notes, and a summary per trunk.
    - Each trunk's summary holds its configured C(srtp_mode) and the C(effective_srtp_mode) (on Skype for
      Business / Lync a TCP trunk is V(NotSupported) whatever its configuration says), and its C(notes).
  type: dict
  sample:
    platform: skype_for_business
    host: med01.contoso.example
    items:
      - id: srtp_mode@PstnGateway:sbc.contoso.example
        kind: set
        setting: srtp_mode
        scope: PstnGateway:sbc.contoso.example
        trunks: [contoso-primary]
        after: Required
        command: Set-CsTrunkConfiguration -Identity 'PstnGateway:sbc.contoso.example' -SRTPMode 'Required'
    notes: []
    trunks:
      - name: contoso-primary
        scope: PstnGateway:sbc.contoso.example
        srtp_mode: Required
        effective_srtp_mode: Required
        transport: TLS
        notes: []
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.voip.trunk_security.plugins.module_utils.platforms.microsoft import MediationServerError, desired


def mediation_server_desired(settings_list, platform, options=None):
    try:
        return desired(settings_list, platform, options or {})
    except MediationServerError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    def filters(self):
        return {'mediation_server_desired': mediation_server_desired}
