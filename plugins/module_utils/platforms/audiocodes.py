# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""AudioCodes Mediant SBC (firmware 7.2 and later): the neutral gateway settings as ini table rows.

Each trunk becomes six rows, in the order a table referenced by another must come before it:

* ``TLSContexts`` (TLS trunks only): TLS 1.2 and later (``TLSVersion`` 4 on 7.2; 12 on 7.4, read as TLS 1.2 +
  1.3: 12 is the value a 7.4 generator writes for that, the bitmask reading is inferred), the forward-secret AEAD
  suites only (ECDHE with AES-GCM or CHACHA20-POLY1305, OpenSSL names);
* ``SIPInterface``: the trunk's listener, its TLS context and mutual TLS (``TLSMutualAuthentication``), and
  no plaintext port where TLS is on;
* ``ProxySet`` and its ``ProxyIp`` row: the provider's next hop (``"host:port"``, TLS or TCP);
* ``IpProfile``: ``SBCMediaSecurityBehaviour`` from the SRTP mode (1 SRTP, 3 both, 2 RTP);
* ``IPGroup``: the trunk, tying the proxy set and the IP profile together;

plus, host-wide, ``EnableMediaSecurity = 1`` when any trunk uses SRTP.

The vendor's older manuals document that the columns a full ini file's ``FORMAT`` line leaves out take their
defaults; that an *incremental* ini row resets them too is inferred from that rule, not confirmed. The column sets
also differ between firmware builds. So, on the safe side of both, :func:`desired` renders the built-in column sets
of 7.2 and 7.4 (taken from device dumps), with ``$$`` (the default) in every column the settings do not own; and
:func:`drift` reads the device's own ini (:func:`parse`), matches each object to the device's row of the same name
(a trunk's objects keep their index; a new one takes the lowest free index from a base), and writes only the rows
that differ, in the device's columns, keeping the device's values in the columns the settings do not own, written
back exactly as the device wrote them.

Everything that decides is here, in pure Python (no Ansible import, no I/O): the templates only lay out
:func:`desired`'s ``ini`` and ``cli``, each value through ``voip.trunk_security.audiocodes_quote``
(:func:`..config_quote.audiocodes`), the helper the lines of :func:`drift` are written with as well.
:func:`merge` applies an incremental ini onto a full one the way this module assumes a device does (the rule above);
only the tests use it, to stand for a device. See ``docs/platforms/audiocodes.md`` for what is confirmed and what
is not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from collections.abc import Mapping

from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections, describe
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import (
    AUDIOCODES_DEFAULT, QuoteError, audiocodes as quote, ip_address, is_host_name)
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError

PLATFORM = 'audiocodes'
FIRMWARES = ('7.2', '7.4')
MODES = ('rendered', 'rest')
SRTP_MODES = ('required', 'optional', 'disabled')

#: TLSContexts.TLSVersion: 4 (TLS 1.2 only: the old manuals' enumeration, seen in dumps) on 7.2, which has no TLS 1.3;
#: 12 on 7.4, the value a 7.4 generator writes for "TLS 1.2 and 1.3". That the enumeration is a bitmask (8 = TLS 1.3)
#: is inferred from the old values (1, 2, 4 and their sums), not confirmed for 7.4.
TLS_VERSIONS = {'7.2': 4, '7.4': 12}
#: The TLS 1.2 suites: ECDHE key exchange with AES-GCM or CHACHA20-POLY1305 (OpenSSL names), the suites the
#: Kamailio platform's default cipher list (ECDHE+AESGCM:ECDHE+CHACHA20) expands to.
CIPHERS_TLS12 = ':'.join((
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
))
#: The TLS 1.3 suites (7.4): all three are AEAD, and TLS 1.3 key exchange is always forward-secret.
CIPHERS_TLS13 = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256'
#: IpProfile.SBCMediaSecurityBehaviour: 1 SRTP (RTP removed), 3 Both (an RTP and an SRTP m-line), 2 RTP.
MEDIA_SECURITY_BEHAVIOUR = {'required': 1, 'optional': 3, 'disabled': 2}
#: ProxyIp.TransportType: 1 TCP, 2 TLS (0 is UDP).
TRANSPORT_TYPES = {'tls': 2, 'tcp': 1}
#: SIPInterface.ApplicationType of an SBC interface; IPGroup.Type of a server (a trunk).
APPLICATION_TYPE_SBC = 2
IP_GROUP_SERVER = 0
#: The individual parameter turning SRTP on, and the ini section devices write it in.
MEDIA_SECURITY_PARAMETER = 'EnableMediaSecurity'
MEDIA_SECURITY_SECTION = 'Voice Engine Params'
#: What stands in the shown lines and the diff views for the value of a secret column.
HIDDEN = '(hidden)'

#: The tables a trunk's rows go to, in the order the ini must hold them (a table referenced by another first).
TABLES = ('TLSContexts', 'SIPInterface', 'ProxySet', 'ProxyIp', 'IpProfile', 'IPGroup')
#: The tables :func:`drift` reads besides :data:`TABLES`: the network interfaces and the SRDs. A line of any other
#: table that does not parse is skipped (:func:`parse`'s ``read``), not an error: the role does not read it.
READ_TABLES = TABLES + ('InterfaceTable', 'SRD')
#: The column naming each table's rows (ProxyIp rows have no name: they belong to their proxy set).
NAME_COLUMNS = {'TLSContexts': 'Name', 'SIPInterface': 'InterfaceName', 'ProxySet': 'ProxyName',
                'IpProfile': 'ProfileName', 'IPGroup': 'Name'}
#: A name is the trunk's name (or its override), with the optional prefix: letters, digits and "_.-". The
#: limit is the shortest of the Web interface's name lengths as recalled for these tables (not confirmed
#: by a cited document: see docs/platforms/audiocodes.md); a longer name is refused, never cut.
NAME_LIMIT = 20
_NAME = re.compile(r'[A-Za-z0-9_.-]+\Z')
#: Columns whose values are OpenSSL names, compared exactly; every other string is compared case-insensitively
#: (the ini's names and values are not case-sensitive).
CASE_SENSITIVE = frozenset(('ServerCipherString', 'ClientCipherString', 'ServerCipherTLS13String',
                            'ClientCipherTLS13String'))
#: The highest index the platform gives a new row (devices hold fewer rows than this in every table).
MAX_INDEX = 9999

#: What the CLI script writes for each table: its top mode, its row sub-mode and each owned column's keyword.
#: Confirmed in public CLI material: proxy-set, proxy-name, srd-name, sbcipv4-sip-int-name, proxy-ip,
#: proxy-address, transport-type, sbc-media-security-behaviour, media security / media-security-enable; the
#: other keywords and the enumeration words are inferred (docs/platforms/audiocodes.md).
CLI_TABLES = {
    'TLSContexts': ('configure network', 'tls', (
        ('Name', 'name'), ('TLSVersion', 'tls-version'), ('ServerCipherString', 'ciphers-server'),
        ('ClientCipherString', 'ciphers-client'), ('ServerCipherTLS13String', 'ciphers-server-tls13'),
        ('ClientCipherTLS13String', 'ciphers-client-tls13'))),
    'SIPInterface': ('configure voip', 'sip-interface', (
        ('InterfaceName', 'interface-name'), ('NetworkInterface', 'network-interface'),
        ('ApplicationType', 'application-type'), ('UDPPort', 'udp-port'), ('TCPPort', 'tcp-port'),
        ('TLSPort', 'tls-port'), ('SRDName', 'srd-name'), ('TLSContext', 'tls-context-name'),
        ('TLSMutualAuthentication', 'tls-mutual-auth'))),
    'ProxySet': ('configure voip', 'proxy-set', (
        ('ProxyName', 'proxy-name'), ('SRDName', 'srd-name'), ('TLSContextName', 'tls-context-name'),
        ('SBCIPv4SIPInterfaceName', 'sbcipv4-sip-int-name'), ('SBCIPv6SIPInterfaceName', 'sbcipv6-sip-int-name'))),
    'ProxyIp': ('configure voip', 'proxy-ip', (
        ('IpAddress', 'proxy-address'), ('TransportType', 'transport-type'))),
    'IpProfile': ('configure voip', 'ip-profile', (
        ('ProfileName', 'profile-name'), ('SBCMediaSecurityBehaviour', 'sbc-media-security-behaviour'))),
    'IPGroup': ('configure voip', 'ip-group', (
        ('Type', 'type'), ('Name', 'name'), ('ProxySetName', 'proxy-set-name'), ('SRDName', 'srd-name'),
        ('ProfileName', 'ip-profile-name'))),
}
#: The CLI's words for the enumerations the ini writes as numbers (inferred).
CLI_WORDS = {
    'TLSVersion': {4: 'tls-v1.2', 12: 'tls-v1.2-v1.3'},
    'ApplicationType': {APPLICATION_TYPE_SBC: 'sbc'},
    'TLSMutualAuthentication': {1: 'enable', 0: 'disable'},
    'TransportType': {2: 'tls', 1: 'tcp'},
    'SBCMediaSecurityBehaviour': {1: 'srtp', 2: 'rtp', 3: 'both'},
    'Type': {IP_GROUP_SERVER: 'server'},
}
CLI_MEDIA_SECURITY = ('configure voip', 'media security', 'media-security-enable', 'on')


def _columns(text):
    return tuple(column.strip() for column in text.split(','))


#: The column sets of the six tables, as devices dump them: 7.2 from a 7.2-era Mediant VE ini (IP Group with
#: Username/Password), 7.4 from a 7.40A.250.541 Mediant VE ini. Rest mode renders to the device's own FORMAT lines.
_COLUMNS_7_2 = {
    'TLSContexts': _columns(
        'Name, TLSVersion, DTLSVersion, ServerCipherString, ClientCipherString, RequireStrictCert, '
        'TlsRenegotiation, OcspEnable, OcspServerPrimary, OcspServerSecondary, OcspServerPort, '
        'OcspDefaultResponse, DHKeySize'
    ),
    'SIPInterface': _columns(
        'InterfaceName, NetworkInterface, SCTPSecondaryNetworkInterface, ApplicationType, UDPPort, TCPPort, '
        'TLSPort, SCTPPort, AdditionalUDPPorts, AdditionalUDPPortsMode, SRDName, MessagePolicyName, '
        'TLSContext, TLSMutualAuthentication, TCPKeepaliveEnable, ClassificationFailureResponseType, '
        'PreClassificationManSet, EncapsulatingProtocol, MediaRealm, SBCDirectMedia, BlockUnRegUsers, '
        'MaxNumOfRegUsers, EnableUnAuthenticatedRegistrations, UsedByRoutingServer, TopologyLocation, '
        'PreParsingManSetName, AdmissionProfile, CallSetupRulesSetId'
    ),
    'ProxySet': _columns(
        'ProxyName, EnableProxyKeepAlive, ProxyKeepAliveTime, ProxyLoadBalancingMethod, IsProxyHotSwap, '
        'SRDName, ClassificationInput, TLSContextName, ProxyRedundancyMode, DNSResolveMethod, '
        'KeepAliveFailureResp, GWIPv4SIPInterfaceName, SBCIPv4SIPInterfaceName, GWIPv6SIPInterfaceName, '
        'SBCIPv6SIPInterfaceName, MinActiveServersLB, SuccessDetectionRetries, SuccessDetectionInterval, '
        'FailureDetectionRetransmissions'
    ),
    'ProxyIp': _columns(
        'ProxySetId, ProxyIpIndex, IpAddress, TransportType, Priority, Weight'
    ),
    'IpProfile': _columns(
        'ProfileName, IpPreference, CodersGroupName, IsFaxUsed, JitterBufMinDelay, JitterBufOptFactor, '
        'IPDiffServ, SigIPDiffServ, RTPRedundancyDepth, CNGmode, VxxTransportType, NSEMode, IsDTMFUsed, '
        'PlayRBTone2IP, EnableEarlyMedia, ProgressIndicator2IP, EnableEchoCanceller, CopyDest2RedirectNumber, '
        'MediaSecurityBehaviour, CallLimit, DisconnectOnBrokenConnection, FirstTxDtmfOption, '
        'SecondTxDtmfOption, RxDTMFOption, EnableHold, InputGain, VoiceVolume, AddIEInSetup, '
        'SBCExtensionCodersGroupName, MediaIPVersionPreference, TranscodingMode, SBCAllowedMediaTypes, '
        'SBCAllowedAudioCodersGroupName, SBCAllowedVideoCodersGroupName, SBCAllowedCodersMode, '
        'SBCMediaSecurityBehaviour, SBCRFC2833Behavior, SBCAlternativeDTMFMethod, SBCSendMultipleDTMFMethods, '
        'SBCAssertIdentity, AMDSensitivityParameterSuit, AMDSensitivityLevel, AMDMaxGreetingTime, '
        'AMDMaxPostSilenceGreetingTime, SBCDiversionMode, SBCHistoryInfoMode, EnableQSIGTunneling, '
        'SBCFaxCodersGroupName, SBCFaxBehavior, SBCFaxOfferMode, SBCFaxAnswerMode, SbcPrackMode, '
        'SBCSessionExpiresMode, SBCRemoteUpdateSupport, SBCRemoteReinviteSupport, '
        'SBCRemoteDelayedOfferSupport, SBCRemoteReferBehavior, SBCRemote3xxBehavior, '
        'SBCRemoteMultiple18xSupport, SBCRemoteEarlyMediaResponseType, SBCRemoteEarlyMediaSupport, '
        'EnableSymmetricMKI, MKISize, SBCEnforceMKISize, SBCRemoteEarlyMediaRTP, SBCRemoteSupportsRFC3960, '
        'SBCRemoteCanPlayRingback, EnableEarly183, EarlyAnswerTimeout, SBC2833DTMFPayloadType, '
        'SBCUserRegistrationTime, ResetSRTPStateUponRekey, AmdMode, SBCReliableHeldToneSource, '
        'GenerateSRTPKeys, SBCPlayHeldTone, SBCRemoteHoldFormat, SBCRemoteReplacesBehavior, '
        'SBCSDPPtimeAnswer, SBCPreferredPTime, SBCUseSilenceSupp, SBCRTPRedundancyBehavior, '
        'SBCPlayRBTToTransferee, SBCRTCPMode, SBCJitterCompensation, SBCRemoteRenegotiateOnFaxDetection, '
        'JitterBufMaxDelay, SBCUserBehindUdpNATRegistrationTime, SBCUserBehindTcpNATRegistrationTime, '
        'SBCSDPHandleRTCPAttribute, SBCRemoveCryptoLifetimeInSDP, SBCIceMode, SBCRTCPMux, '
        'SBCMediaSecurityMethod, SBCHandleXDetect, SBCRTCPFeedback, SBCRemoteRepresentationMode, '
        'SBCKeepVIAHeaders, SBCKeepRoutingHeaders, SBCKeepUserAgentHeader, SBCRemoteMultipleEarlyDialogs, '
        'SBCRemoteMultipleAnswersMode, SBCDirectMediaTag, SBCAdaptRFC2833BWToVoiceCoderBW, '
        'CreatedByRoutingServer, SBCFaxReroutingMode, SBCMaxCallDuration, SBCGenerateRTP, '
        'SBCISUPBodyHandling, SBCISUPVariant, SBCVoiceQualityEnhancement, SBCMaxOpusBW, SBCEnhancedPlc, '
        'LocalRingbackTone, LocalHeldTone, SBCGenerateNoOp, SBCRemoveUnKnownCrypto, SBCMultipleCoders, '
        'DataDiffServ, SBCMSRPReinviteUpdateSupport, SBCMSRPOfferSetupRole, SBCMSRPEmpMsg'
    ),
    'IPGroup': _columns(
        'Type, Name, ProxySetName, VoiceAIConnector, SIPGroupName, ContactUser, SipReRoutingMode, '
        'AlwaysUseRouteTable, SRDName, MediaRealm, InternalMediaRealm, ClassifyByProxySet, ProfileName, '
        'MaxNumOfRegUsers, InboundManSet, OutboundManSet, RegistrationMode, AuthenticationMode, MethodList, '
        'SBCServerAuthType, OAuthHTTPService, EnableSBCClientForking, SourceUriInput, DestUriInput, '
        'ContactName, Username, Password, UUIFormat, QOEProfile, BWProfile, AlwaysUseSourceAddr, '
        'MsgManUserDef1, MsgManUserDef2, SIPConnect, SBCPSAPMode, DTLSContext, CreatedByRoutingServer, '
        'UsedByRoutingServer, SBCOperationMode, SBCRouteUsingRequestURIPort, SBCKeepOriginalCallID, '
        'TopologyLocation, SBCDialPlanName, CallSetupRulesSetId, Tags, SBCUserStickiness, '
        'UserUDPPortAssignment, AdmissionProfile, ProxyKeepAliveUsingIPG, SBCAltRouteReasonsSetName, '
        'TeamsMediaOptimization, TeamsMOInitialBehavior, SIPSourceHostName'
    ),
}
_COLUMNS_7_4 = {
    'TLSContexts': _columns(
        'Name, TLSVersion, DTLSVersion, ServerCipherString, ClientCipherString, ServerCipherTLS13String, '
        'ClientCipherTLS13String, KeyExchangeGroups, RequireStrictCert, TlsRenegotiation, '
        'MiddleboxCompatMode, OcspEnable, OcspServerPrimary, OcspServerSecondary, OcspServerPort, '
        'OcspDefaultResponse, DHKeySize'
    ),
    # the same columns in both dumps
    'SIPInterface': _COLUMNS_7_2['SIPInterface'],
    'ProxySet': _columns(
        'ProxyName, EnableProxyKeepAlive, ProxyKeepAliveTime, ProxyLoadBalancingMethod, IsProxyHotSwap, '
        'SRDName, ClassificationInput, TLSContextName, ProxyRedundancyMode, DNSResolveMethod, '
        'KeepAliveFailureResp, GWIPv4SIPInterfaceName, SBCIPv4SIPInterfaceName, GWIPv6SIPInterfaceName, '
        'SBCIPv6SIPInterfaceName, MinActiveServersLB, SuccessDetectionRetries, SuccessDetectionInterval, '
        'FailureDetectionRetransmissions, AcceptDHCPProxyList'
    ),
    'ProxyIp': _COLUMNS_7_2['ProxyIp'],
    'IpProfile': _columns(
        'ProfileName, IpPreference, CodersGroupName, IsFaxUsed, JitterBufMinDelay, JitterBufOptFactor, '
        'IPDiffServ, SigIPDiffServ, RTPRedundancyDepth, CNGmode, VxxTransportType, NSEMode, IsDTMFUsed, '
        'PlayRBTone2IP, EnableEarlyMedia, ProgressIndicator2IP, EnableEchoCanceller, CopyDest2RedirectNumber, '
        'MediaSecurityBehaviour, CallLimit, DisconnectOnBrokenConnection, FirstTxDtmfOption, '
        'SecondTxDtmfOption, RxDTMFOption, EnableHold, InputGain, VoiceVolume, AddIEInSetup, '
        'SBCExtensionCodersGroupName, MediaIPVersionPreference, TranscodingMode, SBCAllowedMediaTypes, '
        'SBCAllowedAudioCodersGroupName, SBCAllowedVideoCodersGroupName, SBCAllowedCodersMode, '
        'SBCMediaSecurityBehaviour, SBCCryptoGroupName, SBCRFC2833Behavior, SBCAlternativeDTMFMethod, '
        'SBCSendMultipleDTMFMethods, SBCReceiveMultipleDTMFMethods, SBCAssertIdentity, '
        'AMDSensitivityParameterSuit, AMDSensitivityLevel, AMDMaxGreetingTime, AMDMaxPostSilenceGreetingTime, '
        'SBCDiversionMode, SBCHistoryInfoMode, EnableQSIGTunneling, SBCFaxCodersGroupName, SBCFaxBehavior, '
        'SBCFaxOfferMode, SBCFaxAnswerMode, SbcPrackMode, SBCSessionExpiresMode, SBCRemoteUpdateSupport, '
        'SBCRemoteReinviteSupport, SBCRemoteDelayedOfferSupport, SBCRemoteReferBehavior, '
        'SBCRemote3xxBehavior, SBCRemoteMultiple18xSupport, SBCRemoteEarlyMediaResponseType, '
        'SBCRemoteEarlyMediaSupport, EnableSymmetricMKI, MKISize, SBCEnforceMKISize, SBCRemoteEarlyMediaRTP, '
        'SBCRemoteSupportsRFC3960, SBCRemoteCanPlayRingback, EnableEarly183, EarlyAnswerTimeout, '
        'SBC2833DTMFPayloadType, SBCUserRegistrationTime, ResetSRTPStateUponRekey, AmdMode, '
        'SBCReliableHeldToneSource, GenerateSRTPKeys, SBCPlayHeldTone, SBCRemoteHoldFormat, '
        'SBCRemoteReplacesBehavior, SBCSDPPtimeAnswer, SBCPreferredPTime, SBCUseSilenceSupp, '
        'SBCRTPRedundancyBehavior, SBCPlayRBTToTransferee, SBCRTCPMode, SBCJitterCompensation, '
        'SBCRemoteRenegotiateOnFaxDetection, JitterBufMaxDelay, SBCUserBehindUdpNATRegistrationTime, '
        'SBCUserBehindTcpNATRegistrationTime, SBCSDPHandleRTCPAttribute, SBCRemoveCryptoLifetimeInSDP, '
        'SBCIceMode, SBCRTCPMux, SBCMediaSecurityMethod, SBCHandleXDetect, SBCRTCPFeedback, '
        'SBCRemoteRepresentationMode, SBCKeepVIAHeaders, SBCKeepRoutingHeaders, SBCKeepUserAgentHeader, '
        'SBCRemoteMultipleEarlyDialogs, SBCRemoteMultipleAnswersMode, SBCDirectMediaTag, '
        'SBCAdaptRFC2833BWToVoiceCoderBW, CreatedByRoutingServer, UsedByRoutingServer, SBCFaxReroutingMode, '
        'SBCMaxCallDuration, SBCGenerateRTP, SBCISUPBodyHandling, SBCISUPVariant, SBCVoiceQualityEnhancement, '
        'SBCMaxOpusBW, SBCEnhancedPlc, LocalRingbackTone, LocalHeldTone, SBCGenerateNoOp, '
        'SBCRemoveUnKnownCrypto, SBCMultipleCoders, DataDiffServ, SBCMSRPReinviteUpdateSupport, '
        'SBCMSRPOfferSetupRole, SBCMSRPEmpMsg, SBCRenumberMID, SBCAllowOnlyNegotiatedPT, RTCPEncryption'
    ),
    'IPGroup': _columns(
        'Type, Name, ProxySetName, VoiceAIConnector, SIPGroupName, ContactUser, SipReRoutingMode, '
        'AlwaysUseRouteTable, SRDName, MediaRealm, InternalMediaRealm, ClassifyByProxySet, ProfileName, '
        'MaxNumOfRegUsers, InboundManSet, OutboundManSet, RegistrationMode, AuthenticationMode, MethodList, '
        'SBCServerAuthType, OAuthHTTPService, EnableSBCClientForking, SourceUriInput, DestUriInput, '
        'ContactName, UsernameAsClient, PasswordAsClient, UsernameAsServer, PasswordAsServer, UUIFormat, '
        'QOEProfile, BWProfile, AlwaysUseSourceAddr, MsgManUserDef1, MsgManUserDef2, SIPConnect, SBCPSAPMode, '
        'DTLSContext, CreatedByRoutingServer, UsedByRoutingServer, SBCOperationMode, '
        'SBCRouteUsingRequestURIPort, SBCKeepOriginalCallID, TopologyLocation, SBCDialPlanName, '
        'CallSetupRulesSetId, TeamsRegistrationMode, Tags, SBCUserStickiness, UserUDPPortAssignment, '
        'AdmissionProfile, ProxyKeepAliveUsingIPG, SBCAltRouteReasonsSetName, TeamsLocalMediaOptimization, '
        'TeamsLocalMOInitialBehavior, SIPSourceHostName, TeamsDirectRoutingMode, TeamsLocalMOSite, '
        'UserVoiceQualityReport, ValidateSourceIP'
    ),
}
COLUMNS = {'7.2': _COLUMNS_7_2, '7.4': _COLUMNS_7_4}


class AudioCodesError(PlatformError):
    """Settings an AudioCodes Mediant cannot hold, a value its ini file cannot carry, or a device ini that
    cannot be read. The message names the trunk, the role input or the line, and the value."""


#: The options (role inputs ``mediation_gateway_audiocodes_*`` without the prefix) :func:`desired` takes.
DEFAULT_OPTIONS = {
    'host': 'sbc',
    'mode': 'rendered',
    'firmware': '7.4',
    'index_base': 1,
    'name_prefix': '',
    'srd': 'DefaultSRD',
    'network_interfaces': {},
    'trunks': {},
}
#: What ``trunks.NAME`` may say about one trunk.
TRUNK_OPTIONS = ('name', 'indexes', 'network_interface')
_INPUT = 'mediation_gateway_audiocodes_'


def _fail(message):
    raise AudioCodesError(message)


def _string(value):
    return {'kind': 'string', 'value': value}


def _int(value):
    return {'kind': 'int', 'value': value}


def _default():
    return {'kind': 'default', 'value': None}


def _checked(value, kinds, what):
    """The value, once every quoting helper of ``kinds`` accepts it (so that nothing refused later, in a
    template or a drift line, reaches that far)."""
    for kind in kinds:
        try:
            quote(value, kind)
        except QuoteError as error:
            _fail('%s: %s' % (what, error))
    return value


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------

def _firmware(value):
    if isinstance(value, float):
        value = '%.1f' % value
    if value not in FIRMWARES:
        _fail('%sfirmware is %s; it is one of %s (the column sets and TLS versions built in)'
              % (_INPUT, describe.show(value), ', '.join(FIRMWARES)))
    return value


def _index(value, what):
    if isinstance(value, bool) or not isinstance(value, int) and not (isinstance(value, str) and value.isdigit()):
        _fail('%s is %s; it must be an integer from 0 to %d' % (what, describe.show(value), MAX_INDEX))
    number = int(value)
    if not 0 <= number <= MAX_INDEX:
        _fail('%s is %s; it must be an integer from 0 to %d' % (what, describe.show(value), MAX_INDEX))
    return number


def _index_base(value):
    what = _INPUT + 'index_base'
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(TABLES))
        if unknown:
            named = ', '.join(map(describe.show, unknown))
            _fail('%s names %s; its keys are the tables %s' % (what, named, ', '.join(TABLES)))
        return dict((table, _index(value.get(table, 1), '%s.%s' % (what, table))) for table in TABLES)
    number = _index(value, what)
    return dict((table, number) for table in TABLES)


def _device_name(value, what, mode):
    """A name of the device's own objects (an SRD, a network interface) the settings refer to: one the ini can
    carry, and in rendered mode the CLI script too (which takes no space)."""
    if not isinstance(value, str) or not value:
        _fail('%s is %s; it must be the name of the device\'s object' % (what, describe.show(value)))
    return _checked(value, ('string', 'cli_string') if mode == 'rendered' else ('string',), what)


def _options(options):
    if options is not None and not isinstance(options, Mapping):
        _fail('the AudioCodes options are %s, not a mapping' % describe.type_name(options))
    merged = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if key not in DEFAULT_OPTIONS:
            _fail('unknown AudioCodes option %s; the options are %s'
                  % (describe.show(key), ', '.join(sorted(DEFAULT_OPTIONS))))
        if value is not None:
            merged[key] = value
    _checked(merged['host'], ('comment',), _INPUT + 'host')
    if merged['mode'] not in MODES:
        _fail('%smode is %s; it is one of %s' % (_INPUT, describe.show(merged['mode']), ', '.join(MODES)))
    merged['firmware'] = _firmware(merged['firmware'])
    merged['index_base'] = _index_base(merged['index_base'])
    prefix = merged['name_prefix']
    if not isinstance(prefix, str) or (prefix and not _NAME.match(prefix)):
        _fail('%sname_prefix is %s; it is letters, digits, "_", "." and "-" (or empty)'
              % (_INPUT, describe.show(prefix)))
    merged['srd'] = _device_name(merged['srd'], _INPUT + 'srd', merged['mode'])
    interfaces = merged['network_interfaces']
    if not isinstance(interfaces, Mapping):
        _fail('%snetwork_interfaces is %s; it maps a listener address to the name of the device\'s network '
              'interface holding it' % (_INPUT, describe.type_name(interfaces)))
    known = {}
    for address, name in interfaces.items():
        parsed = ip_address(address)
        if parsed is None:
            _fail('%snetwork_interfaces has the key %s; its keys are IP addresses (the trunks\' listen addresses)'
                  % (_INPUT, describe.show(address)))
        known[parsed] = _device_name(name, '%snetwork_interfaces[%s]' % (_INPUT, address), merged['mode'])
    merged['network_interfaces'] = known
    trunks = merged['trunks']
    if not isinstance(trunks, Mapping):
        _fail('%strunks is %s; it maps a trunk name to its overrides (%s)'
              % (_INPUT, describe.type_name(trunks), ', '.join(TRUNK_OPTIONS)))
    for name, override in trunks.items():
        what = '%strunks[%s]' % (_INPUT, name)
        if not isinstance(override, Mapping):
            _fail('%s is %s; it is a mapping with %s' % (what, describe.type_name(override), ', '.join(TRUNK_OPTIONS)))
        unknown = sorted(set(override) - set(TRUNK_OPTIONS))
        if unknown:
            _fail('%s has %s; it may have %s'
                  % (what, ', '.join(map(describe.show, unknown)), ', '.join(TRUNK_OPTIONS)))
        indexes = override.get('indexes') or {}
        if not isinstance(indexes, Mapping) or set(indexes) - set(TABLES):
            _fail('%s.indexes is %s; it maps tables (%s) to row indexes'
                  % (what, describe.show(indexes), ', '.join(TABLES)))
        for table, index in indexes.items():
            _index(index, '%s.indexes.%s' % (what, table))
        if override.get('network_interface') is not None:
            _device_name(override['network_interface'], what + '.network_interface', merged['mode'])
    return merged


# ---------------------------------------------------------------------------------------------
# desired
# ---------------------------------------------------------------------------------------------

def _object_name(trunk, opts):
    override = opts['trunks'].get(trunk, {}).get('name')
    base = trunk if override is None else override
    where = '%strunks[%s].name' % (_INPUT, trunk) if override is not None else 'trunk %s' % trunk
    if not isinstance(base, str) or not base or not _NAME.match(base):
        _fail('%s: the AudioCodes object name %s must be letters, digits, "_", "." and "-"'
              % (where, describe.show(base)))
    name = opts['name_prefix'] + base
    if len(name) > NAME_LIMIT:
        _fail('trunk %s: the AudioCodes object name %s is %d characters; names are kept to %d (the shortest name '
              'length of the tables it names): set %strunks[%s].name (or a shorter %sname_prefix)'
              % (trunk, describe.show(name), len(name), NAME_LIMIT, _INPUT, trunk, _INPUT))
    return name


def _host_port(next_hop, trunk):
    address, port = next_hop.get('address'), next_hop.get('port')
    parsed = ip_address(address)
    if parsed is not None:
        host = '[%s]' % parsed.compressed if parsed.version == 6 else parsed.compressed
    elif is_host_name(address):
        host = address
    else:
        _fail('trunk %s: next_hop.address %s is neither an IP address nor a host name'
              % (trunk, describe.show(address)))
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        _fail('trunk %s: next_hop.port %s is not a port (1-65535)' % (trunk, describe.show(port)))
    return '%s:%d' % (host, port)


def _trunk(settings, opts):
    if not isinstance(settings, Mapping):
        _fail('a trunk\'s settings are %s, not a mapping' % describe.type_name(settings))
    trunk = settings.get('name')
    if not isinstance(trunk, str) or not _NAME.match(trunk) or len(trunk) > 64:
        _fail('a trunk name is letters, digits, "_", "." and "-", not %s' % describe.show(trunk))
    transport = settings.get('transport')
    if transport not in TRANSPORT_TYPES:
        _fail('trunk %s: transport %s is not tls or tcp' % (trunk, describe.show(transport)))
    tls = transport == 'tls'
    srtp_mode = settings.get('srtp_mode')
    if srtp_mode not in SRTP_MODES:
        _fail('trunk %s: srtp_mode %s is not one of %s' % (trunk, describe.show(srtp_mode), ', '.join(SRTP_MODES)))
    listen = settings.get('listen') or {}
    listen_ip = ip_address(listen.get('address'))
    if listen_ip is None:
        _fail('trunk %s: listen.address %s is not an IP address: a SIP Interface listens on a network interface\'s '
              'address' % (trunk, describe.show(listen.get('address'))))
    port = listen.get('port')
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        _fail('trunk %s: listen.port %s is not a port (1-65535)' % (trunk, describe.show(port)))
    next_hop = settings.get('next_hop') or {}
    if next_hop.get('transport', transport) != transport:
        _fail('trunk %s: next_hop.transport %s differs from the trunk\'s transport %s: a Proxy Set and its SIP '
              'Interface carry one transport' % (trunk, describe.show(next_hop.get('transport')), transport))
    address = _checked(_host_port(next_hop, trunk), ('string', 'cli_string'), 'trunk %s: next_hop' % trunk)
    certificate = settings.get('certificate') or {}
    mutual_tls = bool(tls and certificate.get('mutual_tls'))
    override = opts['trunks'].get(trunk, {})
    name = _object_name(trunk, opts)
    interface = override.get('network_interface') or opts['network_interfaces'].get(listen_ip)
    if interface is None and opts['mode'] == 'rendered':
        _fail('trunk %s: no network interface is known for its listen address %s: in rendered mode set '
              '%snetwork_interfaces (address -> the device\'s interface name, as in its InterfaceTable) or '
              '%strunks[%s].network_interface' % (trunk, describe.show(listen.get('address')), _INPUT, _INPUT, trunk))
    requested = dict((table, int(index)) for table, index in (override.get('indexes') or {}).items())
    tls_name = name if tls else ''
    objects = []
    if tls:
        owned = {'Name': _string(name), 'TLSVersion': _int(TLS_VERSIONS[opts['firmware']]),
                 'ServerCipherString': _string(CIPHERS_TLS12), 'ClientCipherString': _string(CIPHERS_TLS12)}
        if opts['firmware'] == '7.4':
            owned.update({'ServerCipherTLS13String': _string(CIPHERS_TLS13),
                          'ClientCipherTLS13String': _string(CIPHERS_TLS13)})
        objects.append(('TLSContexts', owned))
    objects.append(('SIPInterface', {
        'InterfaceName': _string(name),
        'NetworkInterface': _string(interface),
        'ApplicationType': _int(APPLICATION_TYPE_SBC),
        # no plaintext listener where TLS is on: UDP and TCP ports 0
        'UDPPort': _int(0),
        'TCPPort': _int(0 if tls else port),
        'TLSPort': _int(port if tls else 0),
        'SRDName': _string(opts['srd']),
        'TLSContext': _string(tls_name),
        'TLSMutualAuthentication': _int(1 if mutual_tls else 0),
    }))
    objects.append(('ProxySet', {
        'ProxyName': _string(name),
        'SRDName': _string(opts['srd']),
        'TLSContextName': _string(tls_name),
        'SBCIPv4SIPInterfaceName': _string(name if listen_ip.version == 4 else ''),
        'SBCIPv6SIPInterfaceName': _string(name if listen_ip.version == 6 else ''),
    }))
    objects.append(('ProxyIp', {
        'ProxySetId': _string(None),          # the proxy set's index, once it is known
        'ProxyIpIndex': _int(0),
        'IpAddress': _string(address),
        'TransportType': _int(TRANSPORT_TYPES[transport]),
    }))
    objects.append(('IpProfile', {
        'ProfileName': _string(name),
        'SBCMediaSecurityBehaviour': _int(MEDIA_SECURITY_BEHAVIOUR[srtp_mode]),
    }))
    objects.append(('IPGroup', {
        'Type': _int(IP_GROUP_SERVER),
        'Name': _string(name),
        'ProxySetName': _string(name),
        'SRDName': _string(opts['srd']),
        'ProfileName': _string(name),
    }))
    notes = [note for note in settings.get('notes') or [] if isinstance(note, str)]
    server_name = next_hop.get('server_name')
    if server_name is not None:
        # it stands in the notes, which the files carry as comments
        _checked(server_name, ('comment',), 'trunk %s: next_hop.server_name' % trunk)
    if tls and server_name and str(server_name).lower() != str(next_hop.get('address')).lower():
        notes.append("the provider's certificate must name %s, not the proxy address %s: AudioCodes has no per-trunk "
                     'server name; the device-wide TLSRemoteSubjectName (configure network > security-settings > '
                     'tls-rmt-subs-name) would do, for every trunk; the role does not set it'
                     % (server_name, next_hop.get('address')))
    return {
        'name': trunk,
        'object_name': name,
        'transport': transport,
        'srtp_mode': srtp_mode,
        'mutual_tls': mutual_tls,
        'listen': {'address': listen_ip.compressed, 'port': port},
        'next_hop': {'address': next_hop.get('address'), 'port': next_hop.get('port'), 'server_name': server_name},
        'network_interface': interface,
        'objects': [{'table': table, 'name': None if table == 'ProxyIp' else name, 'index': None,
                     'requested_index': requested.get(table), 'owned': owned} for table, owned in objects],
        'notes': notes,
    }


def _listeners(trunks):
    """Refuse two trunks on one listener: each trunk gets a SIP Interface of its own, and two SIP Interfaces cannot
    take the same port on one address (a TLS and a TCP listener are both TCP sockets). gateway.py gives every TLS
    trunk port 5067 unless its ``gateway.tls_port`` says otherwise, so trunks sharing an address collide by
    default."""
    by_address = {}
    for trunk in trunks:
        port = trunk['listen']['port']
        key = (trunk['listen']['address'], port)
        if key in by_address:
            _fail('trunks %s and %s both listen on %s port %d: each would get a SIP Interface on the same address and '
                  'port, which the device cannot hold twice; give one of them a port of its own (gateway.tls_port, or '
                  'gateway.tcp_port for a TCP trunk, in its sip_trunks entry) or another gateway.address'
                  % (by_address[key], trunk['name'], key[0], port))
        by_address[key] = trunk['name']


def _allocate(trunks, base, taken):
    """Give every object without an index one: its requested index (refused where another row holds it), else
    the lowest free index from the table's base. ``taken`` maps each table to the indexes already used."""
    used = dict((table, set(taken.get(table, ()))) for table in TABLES)
    for trunk in trunks:
        for obj in trunk['objects']:
            if obj['index'] is not None:
                used[obj['table']].add(obj['index'])
    for trunk in trunks:
        for obj in trunk['objects']:
            wanted = obj['requested_index']
            if obj['index'] is not None or wanted is None:
                continue
            if wanted in used[obj['table']]:
                _fail('trunk %s: %strunks[%s].indexes.%s is %d, a row already in use (by the device or another trunk)'
                      % (trunk['name'], _INPUT, trunk['name'], obj['table'], wanted))
            obj['index'] = wanted
            used[obj['table']].add(wanted)
    for trunk in trunks:
        for obj in trunk['objects']:
            if obj['index'] is not None:
                continue
            index = base[obj['table']]
            while index in used[obj['table']]:
                index += 1
            if index > MAX_INDEX:
                _fail('trunk %s: no free row in %s from index %d' % (trunk['name'], obj['table'], base[obj['table']]))
            obj['index'] = index
            used[obj['table']].add(index)
    for trunk in trunks:
        proxy_set = _object(trunk, 'ProxySet')
        _object(trunk, 'ProxyIp')['owned']['ProxySetId'] = _string('%d' % proxy_set['index'])


def _object(trunk, table):
    for obj in trunk['objects']:
        if obj['table'] == table:
            return obj
    return None


def desired(settings_list, options=None):
    """The rows an AudioCodes Mediant SBC must hold for a host's trunks.

    ``settings_list`` is the host's list of neutral settings (``gateway.settings_all``); ``options`` the role
    inputs ``mediation_gateway_audiocodes_*`` without the prefix (:data:`DEFAULT_OPTIONS`; an unknown one is an
    error). Returns ``{platform, host, firmware, mode, tls_version, srd, index_base, columns, media_security,
    trunks, certificates, notes, report, ini, cli}``: per trunk its objects (table, name, index, the owned columns as
    cells ``{kind, value}``), the built-in column sets of the firmware, and the layouts the rendered-mode
    templates write (``ini``, ``cli``; null in rest mode, where :func:`drift` writes the lines). Raises
    :class:`AudioCodesError` for what the device cannot hold or a value its files cannot carry, naming the trunk
    or the input.
    """
    opts = _options(options)
    if settings_list is None or isinstance(settings_list, (str, Mapping)):
        _fail('the settings are %s, not a list of trunks\' settings' % describe.type_name(settings_list))
    trunks = [_trunk(settings, opts) for settings in settings_list]
    known = set(trunk['name'] for trunk in trunks)
    unknown = sorted(set(opts['trunks']) - known)
    if unknown:
        named = ', '.join(map(describe.show, unknown))
        _fail('%strunks names %s, not a trunk of this host (%s)' % (_INPUT, named, ', '.join(sorted(known)) or 'none'))
    seen = {}
    for trunk in trunks:
        key = trunk['object_name'].lower()
        if key in seen:
            _fail('trunks %s and %s would name their AudioCodes objects alike (%s; the device\'s names are not '
                  'case-sensitive): set %strunks[NAME].name' % (seen[key], trunk['name'], trunk['object_name'], _INPUT))
        seen[key] = trunk['name']
    _listeners(trunks)
    _allocate(trunks, opts['index_base'], {})
    data = {
        'platform': PLATFORM,
        'host': opts['host'],
        'firmware': opts['firmware'],
        'mode': opts['mode'],
        'tls_version': TLS_VERSIONS[opts['firmware']],
        'srd': opts['srd'],
        'index_base': opts['index_base'],
        'columns': dict((table, list(columns)) for table, columns in COLUMNS[opts['firmware']].items()),
        'media_security': any(trunk['srtp_mode'] != 'disabled' for trunk in trunks),
        'trunks': trunks,
        'certificates': [_certificate(trunk) for trunk in trunks if trunk['transport'] == 'tls'],
        'notes': _notes(trunks),
    }
    data['report'] = [_report(trunk) for trunk in trunks]
    rendered = opts['mode'] == 'rendered'
    data['ini'] = ini_layout(data, comments=_ini_comments(data)) if rendered else None
    data['cli'] = cli_layout(data) if rendered else None
    return data


def _report(trunk):
    """One line saying what a trunk's rows hold (indexes as rendered; rest mode keeps the device's)."""
    index = dict((obj['table'], obj['index']) for obj in trunk['objects'])
    tls = trunk['transport'] == 'tls'
    parts = []
    if tls:
        parts.append('TLSContexts %d (TLS %s, ECDHE AEAD suites)' % (
            index['TLSContexts'], '1.2 and 1.3' if 'ServerCipherTLS13String' in _object(trunk, 'TLSContexts')['owned']
            else '1.2'))
    parts.append('SIPInterface %d (%s port %d on %s, no %s port%s)' % (
        index['SIPInterface'], trunk['transport'].upper(), trunk['listen']['port'], trunk['listen']['address'],
        'UDP or TCP' if tls else 'UDP or TLS', ', mutual TLS' if trunk['mutual_tls'] else ''))
    parts.append('ProxySet %d and ProxyIp %d (%s over %s)' % (
        index['ProxySet'], index['ProxyIp'], _object(trunk, 'ProxyIp')['owned']['IpAddress']['value'],
        trunk['transport'].upper()))
    parts.append('IpProfile %d (SRTP %s: SBCMediaSecurityBehaviour %d)' % (
        index['IpProfile'], trunk['srtp_mode'], MEDIA_SECURITY_BEHAVIOUR[trunk['srtp_mode']]))
    parts.append('IPGroup %d' % index['IPGroup'])
    return '%s: %s, named %s' % (trunk['name'], '; '.join(parts), trunk['object_name'])


def _certificate(trunk):
    context = _object(trunk, 'TLSContexts')
    return {
        'trunk': trunk['name'],
        'tls_context': context['name'],
        'index': context['index'],
        'device_certificate': "the gateway's certificate and private key, for the listener %s:%d"
                              % (trunk['listen']['address'], trunk['listen']['port']),
        'trusted_roots': "the CA certificate(s) that issued the provider's certificate (%s)"
                         % (trunk['next_hop']['server_name'] or trunk['next_hop']['address']),
        'mutual_tls': trunk['mutual_tls'],
    }


def _notes(trunks):
    notes = []
    if any(trunk['transport'] == 'tls' for trunk in trunks):
        notes.append('certificates are not loaded by the role: load into each trunk\'s TLS Context the gateway\'s '
                     'certificate and private key, and the provider\'s CA into its Trusted Root store (Web: Setup > '
                     'IP Network > Security > TLS Contexts); docs/platforms/audiocodes.md says which')
        notes.append("the provider's certificate is verified as the device-wide settings say (VerifyServerCertificate, "
                     'PeerHostNameVerificationMode under configure network > security-settings); the role does not set '
                     'them')
    if any(trunk['srtp_mode'] != 'disabled' for trunk in trunks):
        notes.append('EnableMediaSecurity may need a device reset to take effect (not confirmed); the role never '
                     'resets the device')
    return notes


def _ini_comments(data):
    comments = ['AudioCodes Mediant SBC incremental ini for %s (firmware %s column set), written by '
                'voip.trunk_security.mediation_gateway' % (data['host'], data['firmware']),
                'Load with PUT /api/v1/files/ini/incremental. Columns the settings do not own are $$ (the default):',
                'right for new rows; on rows that exist, rest mode writes the device\'s own values instead.']
    for entry in data['certificates']:
        comments.append('trunk %s: load into TLS Context %d (%s) %s; and into its Trusted Root store %s%s'
                        % (entry['trunk'], entry['index'], entry['tls_context'], entry['device_certificate'],
                           entry['trusted_roots'], '; mutual TLS: the provider presents a client certificate from '
                                                   'that CA' if entry['mutual_tls'] else ''))
    return comments


# ---------------------------------------------------------------------------------------------
# Layouts: what the templates write and what the drift lines are
# ---------------------------------------------------------------------------------------------

#: The kind of a cell written back verbatim: the text a device wrote for a value the quoting helper would write
#: otherwise (a 10-digit number, an unquoted token with spaces, a single-quoted string), see :func:`_kept`.
DEVICE_TEXT = 'device'


def _kept(cell, raw=None):
    """A device's cell written back exactly as the device wrote it (``raw``, the cell's text in the device's line,
    from :func:`parse`). Where the quoting helper (:func:`config_quote.audiocodes`, a string as ``kept``) writes
    that very text, the cell goes through it; otherwise (a number beyond 32 bits or with leading zeros, an
    address not in its shortest form, a bare token with spaces, a single-quoted string) the cell is the device's
    text (kind :data:`DEVICE_TEXT`), which :func:`_write_cell` writes once it reads back as the same one value.
    Without ``raw``, the cell as the helper writes it."""
    kept = {'kind': 'kept', 'value': cell['value']} if cell['kind'] == 'string' else dict(cell)
    if raw is None:
        return kept
    try:
        if quote(kept, 'cell') == raw:
            return kept
    except QuoteError:
        pass
    return {'kind': DEVICE_TEXT, 'value': raw}


def _kept_row(row):
    """The cells of a device's row, each as :func:`_kept` writes it back."""
    raws = row.get('raw') or [None] * len(row['cells'])
    return [_kept(cell, raw) for cell, raw in zip(row['cells'], raws)]


def _write_cell(cell):
    """A cell's text in an ini line: through the quoting helper, or (kind :data:`DEVICE_TEXT`) the device's own
    text, checked to read back as exactly one value, the same text."""
    if isinstance(cell, Mapping) and cell.get('kind') == DEVICE_TEXT:
        raw, raws = cell.get('value'), None
        if isinstance(raw, str) and not _LINE_BREAK.search(raw):
            try:
                raws = _values_raw(raw + ';', 0)[1]
            except AudioCodesError:
                pass
        if raws != [raw]:
            _fail('a value the device wrote (%d characters) does not read back as one value: it cannot be written '
                  'back as it was' % len('%s' % raw))
        return raw
    return quote(cell, 'cell')


def _row_cells(columns, owned, base=None):
    """The cells of a row in ``columns``: the owned ones, else the device's (``base``, the device's row read by
    :func:`parse`, aligned with the same columns, each cell as the device wrote it), else the default (``$$``)."""
    by_column = dict((column.lower(), cell) for column, cell in owned.items())
    kept = _kept_row(base) if base is not None else None
    cells = []
    for position, column in enumerate(columns):
        if column.lower() in by_column:
            cells.append(dict(by_column[column.lower()]))
        elif kept is not None:
            cells.append(kept[position])
        else:
            cells.append(_default())
    return cells


def _params(data):
    if not data['media_security']:
        return []
    return [{'section': MEDIA_SECURITY_SECTION, 'name': MEDIA_SECURITY_PARAMETER, 'cell': _int(1)}]


def ini_layout(data, rows=None, columns=None, params=None, comments=None, keep=()):
    """An incremental ini as data: ``{comments, params: [{section, name, cell}], tables: [{table, columns,
    trunks: [{name, rows: [{index, cells}]}]}]}``, tables in :data:`TABLES` order, empty ones left out.

    Without ``rows``, every object of every trunk as a new row in the built-in columns (rendered mode);
    ``rows`` maps ``(trunk, table)`` to a list of ``(index, cells)`` and ``columns`` each table to its columns
    (drift); a table named in ``keep`` stays, its title and FORMAT line, even without rows (the views of
    :func:`drift` show the same tables on both sides)."""
    columns = columns or data['columns']
    tables = []
    for table in TABLES:
        entries = []
        for trunk in data['trunks']:
            if rows is None:
                obj = _object(trunk, table)
                found = [] if obj is None else [(obj['index'], _row_cells(columns[table], obj['owned']))]
            else:
                found = rows.get((trunk['name'], table), [])
            if found:
                entries.append({'name': trunk['name'],
                                'rows': [{'index': index, 'cells': cells} for index, cells in found]})
        if entries or table in keep:
            tables.append({'table': table, 'columns': list(columns[table]), 'trunks': entries})
    return {'comments': list(comments or []), 'params': _params(data) if params is None else params, 'tables': tables}


def ini_lines(layout, markers=True):
    """The lines of an incremental ini laid out by :func:`ini_layout`: comments, each params section and its
    parameters, then each table (title, FORMAT line, rows, end mark); each trunk's rows between
    ``; #@trunk NAME`` and ``; #@end`` (:data:`config_sections.BEGIN` and ``END`` behind ``;``; without
    ``markers``, bare). The templates write the same lines."""
    lines = ['; ' + quote(comment, 'comment') for comment in layout['comments']]
    if lines:
        lines.append('')
    section = None
    for param in layout['params']:
        if param['section'] != section:
            if section is not None:
                lines.append('')
            section = param['section']
            lines.append('[%s]' % quote(section, 'comment'))
        lines.append('%s = %s' % (quote(param['name'], 'name'), _write_cell(param['cell'])))
    if layout['params']:
        lines.append('')
    for table in layout['tables']:
        name = quote(table['table'], 'name')
        lines.append('[ %s ]' % name)
        lines.append('FORMAT Index = %s;' % ', '.join(quote(column, 'name') for column in table['columns']))
        for trunk in table['trunks']:
            if markers:
                lines.append('; %s%s' % (config_sections.BEGIN, quote(trunk['name'], 'comment')))
            for row in trunk['rows']:
                lines.append('%s %s = %s;' % (name, quote(row['index'], 'index'),
                                              ', '.join(_write_cell(cell) for cell in row['cells'])))
            if markers:
                lines.append('; ' + config_sections.END)
        lines.append('[ \\%s ]' % name)
        lines.append('')
    while lines and lines[-1] == '':
        lines.pop()
    return lines


def _cli_cell(column, cell):
    if column in CLI_WORDS:
        return {'kind': 'cli_word', 'value': CLI_WORDS[column][cell['value']]}
    if cell['kind'] == 'int':
        return {'kind': 'cli_int', 'value': cell['value']}
    return {'kind': 'cli_string', 'value': cell['value']}


def cli_layout(data):
    """The CLI script equivalent to :func:`ini_layout`'s rows, as data: ``{comments, blocks: [{mode, host_wide:
    [{submode, settings}], tables: [{table, trunks: [{name, rows: [{command, index, settings: [{keyword,
    cell}]}]}]}]}]}``. Only the owned columns are set (a CLI row keeps the others)."""
    blocks = []
    for mode in ('configure network', 'configure voip'):
        block = {'mode': mode, 'host_wide': [], 'tables': []}
        if mode == CLI_MEDIA_SECURITY[0] and data['media_security']:
            block['host_wide'].append({'submode': CLI_MEDIA_SECURITY[1], 'settings': [
                {'keyword': CLI_MEDIA_SECURITY[2], 'cell': {'kind': 'cli_word', 'value': CLI_MEDIA_SECURITY[3]}}]})
        for table in TABLES:
            top, command, keywords = CLI_TABLES[table]
            if top != mode:
                continue
            entries = []
            for trunk in data['trunks']:
                obj = _object(trunk, table)
                if obj is None:
                    continue
                if table == 'ProxyIp':
                    index = '%s/%d' % (obj['owned']['ProxySetId']['value'], obj['owned']['ProxyIpIndex']['value'])
                else:
                    index = '%d' % obj['index']
                settings = [{'keyword': keyword, 'cell': _cli_cell(column, obj['owned'][column])}
                            for column, keyword in keywords if column in obj['owned']]
                entries.append({'name': trunk['name'], 'rows': [{'command': command, 'index': index,
                                                                 'settings': settings}]})
            if entries:
                block['tables'].append({'table': table, 'trunks': entries})
        if block['host_wide'] or block['tables']:
            blocks.append(block)
    comments = ['AudioCodes Mediant SBC CLI script for %s (firmware %s), written by '
                'voip.trunk_security.mediation_gateway' % (data['host'], data['firmware']),
                'The same rows as incremental.ini, for review: the ini is what rest mode sends. Several keywords and',
                'enumeration words here are inferred, not confirmed (docs/platforms/audiocodes.md).']
    return {'comments': comments, 'blocks': blocks}


def cli_lines(layout):
    """The lines of the CLI script laid out by :func:`cli_layout` (the template writes the same)."""
    lines = ['; ' + quote(comment, 'cli_comment') for comment in layout['comments']]
    if lines:
        lines.append('')
    for block in layout['blocks']:
        command, mode = block['mode'].split(' ')[:2]
        lines.append(quote(command, 'cli_word') + ' ' + quote(mode, 'cli_word'))
        for sub in block['host_wide']:
            lines.append(' ' + ' '.join(quote(word, 'cli_word') for word in sub['submode'].split(' ')))
            for setting in sub['settings']:
                lines.append('  %s %s' % (quote(setting['keyword'], 'cli_word'),
                                          quote(setting['cell']['value'], setting['cell']['kind'])))
            lines.append('  activate')
            lines.append(' exit')
        for table in block['tables']:
            for trunk in table['trunks']:
                lines.append('; %s%s' % (config_sections.BEGIN, quote(trunk['name'], 'cli_comment')))
                for row in trunk['rows']:
                    lines.append(' %s %s' % (quote(row['command'], 'cli_word'), quote(row['index'], 'cli_index')))
                    for setting in row['settings']:
                        lines.append('  %s %s' % (quote(setting['keyword'], 'cli_word'),
                                                  quote(setting['cell']['value'], setting['cell']['kind'])))
                    lines.append('  activate')
                    lines.append(' exit')
                lines.append('; ' + config_sections.END)
        lines.append('exit')
    return lines


# ---------------------------------------------------------------------------------------------
# Reading a device's ini
# ---------------------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r'\r\n|\r|\n')
_TITLE = re.compile(r'\[\s*(\\?)\s*([^\]]*?)\s*\]\s*(?:;.*)?\Z')
_WORD = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
_FORMAT = re.compile(r'FORMAT\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\Z', re.I)
_ROW = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s+([0-9]+)\s*=\s*(.*)\Z')
_PARAM = re.compile(r'([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)\Z')
_INT_TOKEN = re.compile(r'-?[0-9]{1,10}\Z')


def _parse_fail(number, reason):
    """Refuse a device ini line, naming its number and the reason only: the line itself may hold a secret (a table
    of users or SNMP communities), so it is never repeated."""
    _fail('the device ini, line %d: %s' % (number, reason))


def _token_cell(token):
    if token == AUDIOCODES_DEFAULT:
        return _default()
    if _INT_TOKEN.match(token):
        return _int(int(token))
    if ip_address(token) is not None:
        return {'kind': 'ip', 'value': token}
    return {'kind': 'bare', 'value': token}


def _values(text, number):
    """The cells of a data line after its ``=``: quoted strings (which may hold ``,`` and ``;``) and bare
    tokens, separated by ``,``, ended by ``;``; after it only a comment."""
    return _values_raw(text, number)[0]


def _values_raw(text, number):
    """:func:`_values`, and beside each cell its text exactly as the line holds it (quotes included, the spaces
    around it left out): what a row rewrite writes back for a cell the settings do not own."""
    cells, raws = [], []
    position, size = 0, len(text)
    while True:
        while position < size and text[position] in ' \t':
            position += 1
        start = position
        if position < size and text[position] in '"\'':
            mark = text[position]
            end = text.find(mark, position + 1)
            if end < 0:
                _parse_fail(number, 'a quoted value is not closed')
            cells.append(_string(text[position + 1:end]))
            position = end + 1
            raws.append(text[start:position])
        else:
            end = position
            while end < size and text[end] not in ',;"\'':
                end += 1
            token = text[position:end].strip()
            if not token:
                _parse_fail(number, 'an empty value')
            cells.append(_token_cell(token))
            raws.append(token)
            position = end
        while position < size and text[position] in ' \t':
            position += 1
        if position >= size:
            _parse_fail(number, 'a data line ends with ";"')
        if text[position] == ',':
            position += 1
            continue
        if text[position] == ';':
            rest = text[position + 1:].strip()
            if rest and not rest.startswith(';'):
                _parse_fail(number, 'text after the ";" that ends the line')
            return cells, raws
        _parse_fail(number, 'a value is followed by %s, not "," or ";"' % describe.show(text[position]))


def _without_comment(text):
    """A parameter's value without a ``;`` comment after it (a ``;`` inside quotes is part of the value)."""
    quote_mark = None
    for position, char in enumerate(text):
        if quote_mark:
            if char == quote_mark:
                quote_mark = None
        elif char in '"\'':
            quote_mark = char
        elif char == ';':
            return text[:position].strip()
    return text.strip()


def _format_columns(table, index_word, text, number):
    text = text.strip()
    if not text.endswith(';'):
        _parse_fail(number, 'a FORMAT line ends with ";"')
    columns = [column.strip() for column in text[:-1].split(',')]
    prefixed = index_word.lower() == ('%s_index' % table).lower()
    if not prefixed and index_word.lower() != 'index':
        _parse_fail(number, 'a FORMAT line starts with "FORMAT Index =" or "FORMAT %s_Index ="' % table)
    result = []
    for column in columns:
        if prefixed:
            if not column.lower().startswith(table.lower() + '_'):
                _parse_fail(number, 'column %s lacks the prefix %s_ of the index'
                            % (describe.show(column), table))
            column = column[len(table) + 1:]
        if not _WORD.match(column):
            _parse_fail(number, 'a column name is %s' % describe.show(column))
        result.append(column)
    lowered = [column.lower() for column in result]
    if len(set(lowered)) != len(lowered):
        _parse_fail(number, 'a column is named twice')
    return result, prefixed


def parse(text, read=None):
    """A full ini file (``GET /api/v1/files/ini``), or an incremental one, to data.

    Returns ``{params: [{section, name, raw, cell, line}], tables: [{name, columns, prefixed, rows: [{index,
    cells, raw, line}], line}], skipped: [{line, table}]}``: individual parameters with their section
    (``[SIP Params]``) and raw value (a cell when it is one token); tables in file order, each with its FORMAT
    line's columns (the short form ``FORMAT Index = Name, ...;`` or the prefixed ``FORMAT Table_Index = Table_Name,
    ...;``, prefixes removed) and its rows' cells (``{kind: string|int|ip|bare|default, value}``), each cell's text
    as the line holds it beside (``raw``). ``;`` lines are comments; quoted values may hold ``,`` and ``;``.

    Raises :class:`AudioCodesError` naming the line's number and the reason (never the line: it may hold a secret)
    for what is not an ini file: a row outside a table or before its FORMAT line, a row with more or fewer values
    than the FORMAT line has columns, an index given twice, a table not closed by ``[ \\Table ]``. With ``read``
    (table names), only those tables are read so strictly: a line of another table, or outside any table, that does
    not parse is skipped and listed in ``skipped`` (a broken FORMAT line skips its table's rows too); the titles and
    end marks of every table must still be in order.
    """
    if not isinstance(text, str):
        _fail('the device ini is %s, not text' % describe.type_name(text))
    strict = None if read is None else set(name.lower() for name in read)
    params, tables, skipped = [], [], []
    section, table = None, None
    for number, raw in enumerate(_LINE_BREAK.split(text.lstrip(u'\ufeff')), 1):
        line = raw.strip()
        if not line or line.startswith(';'):
            continue
        title = _TITLE.match(line)
        if title:
            closing, name = title.group(1), title.group(2)
            if closing:
                if table is None or name.lower() != table['name'].lower():
                    open_now = 'no table is open' if table is None else 'table %s is open' % table['name']
                    _parse_fail(number, 'it closes %s, but %s' % (describe.show(name), open_now))
                table = None
            elif table is not None:
                _parse_fail(number, 'table %s is not closed ([ \\%s ])' % (table['name'], table['name']))
            elif _WORD.match(name):
                lenient = strict is not None and name.lower() not in strict
                if not lenient and any(known['name'].lower() == name.lower() for known in tables):
                    _parse_fail(number, 'table %s appears twice' % name)
                table = {'name': name, 'columns': None, 'prefixed': False, 'rows': [], 'line': number}
                if lenient:
                    table['lenient'] = True
                tables.append(table)
            else:
                section = name
            continue
        if table is not None:
            try:
                _table_line(table, line, number)
            except AudioCodesError:
                if not table.get('lenient'):
                    raise
                skipped.append({'line': number, 'table': table['name']})
            continue
        try:
            params.append(_param_line(section, line, number))
        except AudioCodesError:
            if strict is None:
                raise
            skipped.append({'line': number, 'table': None})
    if table is not None:
        _fail('the device ini ends inside table %s (line %d): no [ \\%s ]'
              % (table['name'], table['line'], table['name']))
    for found in tables:
        found.pop('lenient', None)
        found.pop('broken', None)
    return {'params': params, 'tables': tables, 'skipped': skipped}


def _table_line(table, line, number):
    """Read one line inside ``table``: its FORMAT line, or a row."""
    form = _FORMAT.match(line)
    if form:
        if table['columns'] is not None or table.get('broken'):
            _parse_fail(number, 'a second FORMAT line in table %s' % table['name'])
        try:
            table['columns'], table['prefixed'] = _format_columns(table['name'], form.group(1), form.group(2), number)
        except AudioCodesError:
            table['broken'] = True
            raise
        return
    row = _ROW.match(line)
    if not row or row.group(1).lower() != table['name'].lower():
        _parse_fail(number, 'not a row of table %s' % table['name'])
    if table['columns'] is None:
        _parse_fail(number, 'a row before the FORMAT line of table %s' % table['name'])
    index = int(row.group(2))
    if any(known['index'] == index for known in table['rows']):
        _parse_fail(number, 'row %d of table %s is given twice' % (index, table['name']))
    cells, raws = _values_raw(row.group(3), number)
    if len(cells) != len(table['columns']):
        _parse_fail(number, 'row %d of table %s has %d values, its FORMAT line %d columns'
                    % (index, table['name'], len(cells), len(table['columns'])))
    table['rows'].append({'index': index, 'cells': cells, 'raw': raws, 'line': number})


def _param_line(section, line, number):
    """An individual parameter's line (``Name = value``)."""
    param = _PARAM.match(line)
    if not param:
        _parse_fail(number, 'neither a parameter, a table nor a comment')
    raw_value = _without_comment(param.group(2))
    try:
        cells = _values(raw_value + ';', number)
    except AudioCodesError:
        cells = []
    return {'section': section, 'name': param.group(1), 'raw': raw_value,
            'cell': cells[0] if len(cells) == 1 else None, 'line': number}


def _table(parsed, name):
    for table in parsed['tables']:
        if table['name'].lower() == name.lower():
            return table
    return None


def _param(parsed, name):
    found = None
    for param in parsed['params']:
        if param['name'].lower() == name.lower():
            found = param
    return found


def _column(table, name):
    for position, column in enumerate(table['columns'] or ()):
        if column.lower() == name.lower():
            return position
    return None


def _value(table, row, name):
    position = _column(table, name)
    return None if position is None else row['cells'][position]


def _text(cell):
    """A cell's value as the differences show it."""
    if cell is None:
        return None
    if cell['kind'] == 'default':
        return AUDIOCODES_DEFAULT
    return '%s' % cell['value']


def _same(column, wanted, found):
    if found is None or found['kind'] == 'default':
        return False
    if wanted['kind'] == 'int':
        try:
            return int(found['value']) == int(wanted['value'])
        except (TypeError, ValueError):
            return False
    if column in CASE_SENSITIVE:
        return '%s' % found['value'] == '%s' % wanted['value']
    return ('%s' % found['value']).lower() == ('%s' % wanted['value']).lower()


# ---------------------------------------------------------------------------------------------
# drift
# ---------------------------------------------------------------------------------------------

def _desired_data(data):
    if not isinstance(data, Mapping) or data.get('platform') != PLATFORM or not isinstance(data.get('trunks'), list):
        _fail('the desired state is not one audiocodes.desired() returned (platform %s)'
              % describe.show(data.get('platform') if isinstance(data, Mapping) else data))
    return copy.deepcopy(dict(data))


def _check_device(data, parsed, notes):
    """What the device's ini must agree with before a row is compared: the firmware's TLS columns (where it has a
    TLSContexts table with a FORMAT line), and the SRD - only where the ini has an ``SRD`` table with a ``Name``
    column and rows: a device ini without one is not checked for the SRD."""
    contexts = _table(parsed, 'TLSContexts')
    if contexts is not None and contexts['columns'] is not None:
        has_tls13 = _column(contexts, 'ServerCipherTLS13String') is not None
        if data['firmware'] == '7.4' and not has_tls13:
            _fail('%sfirmware is 7.4, but the device\'s TLSContexts table has no TLS 1.3 columns '
                  '(ServerCipherTLS13String): a 7.2 build? set %sfirmware: "7.2"' % (_INPUT, _INPUT))
        if data['firmware'] == '7.2' and has_tls13:
            notes.append('the device\'s TLSContexts table has TLS 1.3 columns (a 7.4 build?), but %sfirmware is 7.2: '
                         'the TLS contexts allow TLS 1.2 only (TLSVersion 4)' % _INPUT)
    srds = _table(parsed, 'SRD')
    if srds is not None and _column(srds, 'Name') is not None:
        names = [_text(_value(srds, row, 'Name')) for row in srds['rows']]
        if names and data['srd'].lower() not in [name.lower() for name in names]:
            _fail('%ssrd is %s, but the device\'s SRDs are %s' % (_INPUT, describe.show(data['srd']),
                                                                  ', '.join(map(describe.show, names))))


def _resolve_interface(trunk, parsed):
    interfaces = _table(parsed, 'InterfaceTable')
    rows = []
    if interfaces is not None and _column(interfaces, 'IPAddress') is not None \
            and _column(interfaces, 'InterfaceName') is not None:
        rows = [(_text(_value(interfaces, row, 'InterfaceName')),
                 ip_address(_text(_value(interfaces, row, 'IPAddress')))) for row in interfaces['rows']]
    if trunk['network_interface'] is not None:
        if rows and trunk['network_interface'].lower() not in [name.lower() for name, _address in rows]:
            _fail('trunk %s: network interface %s is not one of the device\'s (%s)'
                  % (trunk['name'], describe.show(trunk['network_interface']),
                     ', '.join(describe.show(name) for name, _address in rows)))
        return
    wanted = ip_address(trunk['listen']['address'])
    found = [name for name, address in rows if address == wanted]
    if not found:
        listed = ', '.join('%s %s' % (name, address) for name, address in rows) or 'none'
        _fail('trunk %s: no network interface of the device has the address %s (InterfaceTable: %s); add it, or set '
              '%snetwork_interfaces' % (trunk['name'], trunk['listen']['address'], listed, _INPUT))
    trunk['network_interface'] = found[0]
    _object(trunk, 'SIPInterface')['owned']['NetworkInterface'] = _string(found[0])


def _match(data, parsed, notes):
    """Each object to the device's row of the same name (ProxyIp: row 0 of its proxy set); the others get free
    indexes. Sets ``device_row`` (the row or None) and ``index`` on every object; returns the extra ProxyIp rows
    of each trunk's proxy set."""
    taken = dict((table, set()) for table in TABLES)
    for table_name in TABLES:
        table = _table(parsed, table_name)
        if table is not None:
            taken[table_name].update(row['index'] for row in table['rows'])
    proxy_ips = _table(parsed, 'ProxyIp')
    if proxy_ips is not None and _column(proxy_ips, 'ProxySetId') is not None:
        # a proxy set index some ProxyIp row names is not free, even without its proxy set: a new proxy set there
        # would take that row over
        for row in proxy_ips['rows']:
            value = _text(_value(proxy_ips, row, 'ProxySetId'))
            if value is not None and value.isdigit():
                taken['ProxySet'].add(int(value))
    for trunk in data['trunks']:
        for obj in trunk['objects']:
            obj['index'], obj['device_row'] = None, None
            if obj['table'] == 'ProxyIp':
                continue
            table = _table(parsed, obj['table'])
            column = NAME_COLUMNS[obj['table']]
            if table is None or _column(table, column) is None:
                continue
            rows = [row for row in table['rows']
                    if (_text(_value(table, row, column)) or '').lower() == obj['name'].lower()]
            if rows:
                obj['index'], obj['device_row'] = rows[0]['index'], rows[0]
                if obj['requested_index'] is not None and obj['requested_index'] != rows[0]['index']:
                    notes.append('trunk %s: %s %s stays at index %d, where the device has it (not %d as %strunks '
                                 'asks)' % (trunk['name'], obj['table'], obj['name'], rows[0]['index'],
                                            obj['requested_index'], _INPUT))
    # the ProxyIp rows of a proxy set found on the device
    extras = {}
    for trunk in data['trunks']:
        proxy_set, proxy_ip = _object(trunk, 'ProxySet'), _object(trunk, 'ProxyIp')
        extras[trunk['name']] = []
        if proxy_set['device_row'] is None or proxy_ips is None:
            continue
        for row in proxy_ips['rows']:
            if _text(_value(proxy_ips, row, 'ProxySetId')) != '%d' % proxy_set['index']:
                continue
            position = _value(proxy_ips, row, 'ProxyIpIndex')
            if proxy_ip['device_row'] is None and position is not None and _same('ProxyIpIndex', _int(0), position):
                proxy_ip['index'], proxy_ip['device_row'] = row['index'], row
            else:
                extras[trunk['name']].append(row)
    _allocate(data['trunks'], data['index_base'], taken)
    return extras


def _columns_of(data, parsed, table_name):
    table = _table(parsed, table_name)
    if table is not None and table['columns'] is not None:
        return list(table['columns'])
    return list(data['columns'][table_name])


def _write_rows(data, trunk, obj, columns):
    missing = [column for column in obj['owned'] if column.lower() not in [known.lower() for known in columns]]
    if missing:
        _fail('trunk %s: the device\'s %s table has no column %s: not a firmware this platform knows (%sfirmware is '
              '%s)' % (trunk['name'], obj['table'], ', '.join(missing), _INPUT, data['firmware']))
    return _row_cells(columns, obj['owned'], obj['device_row'])


def drift(desired_data, running_text):
    """The difference between what :func:`desired` returned and a device's full ini (``GET /api/v1/files/ini``).

    Returns ``{platform, host, changed, trunks: [{name, status, differences, lines, shown_lines, notes,
    unfixable}], host_wide: {differences, lines}, lines, shown_lines, before, after, notes}``: per trunk
    ``unchanged``, ``drifted`` (each ``{object: 'TABLE INDEX', setting: COLUMN, before, after}`` that differs; an
    object missing on the device has ``before`` null) or ``missing`` (none of its objects on the device), and the
    incremental ini lines that put it right; host-wide, ``EnableMediaSecurity``. ``lines`` is the whole incremental
    ini to send (only the rows that differ, each in the device's own columns, the columns the settings do not own
    kept exactly as the device wrote them, ``$$`` in a new row). Those kept columns include an IP Group's obscured
    passwords (``$1$...``): ``shown_lines`` are the same lines with the value of every secret column (see
    :func:`_secret`) replaced by ``(hidden)``, for anything a log or a callback may show (the action
    ``voip.trunk_security.sbc_drift`` returns them as its ``lines``); send ``lines``, show ``shown_lines``.
    ``before`` and ``after`` are the device's and the desired rows as ini text, each trunk's between
    ``#@trunk NAME`` and ``#@end``, secret columns hidden the same way.

    A ProxyIp row of a trunk's proxy set other than its own is drift no line can remove (an incremental ini cannot
    delete a row): it is reported among the trunk's differences, and its note stands in the trunk's ``unfixable``
    (empty where every difference has its line), for the caller to stop before sending anything.

    Lines of the device's ini outside the tables this platform reads (:data:`READ_TABLES`) that do not parse are
    skipped, with a note naming their numbers.
    """
    data = _desired_data(desired_data)
    parsed = parse(running_text, read=READ_TABLES)
    notes = list(data.get('notes') or [])
    if parsed['skipped']:
        notes.append('the device ini\'s line(s) %s, outside the tables the role reads, did not parse and were skipped'
                     % ', '.join('%d' % entry['line'] for entry in parsed['skipped']))
    _check_device(data, parsed, notes)
    for trunk in data['trunks']:
        _resolve_interface(trunk, parsed)
    extras = _match(data, parsed, notes)
    columns = dict((table, _columns_of(data, parsed, table)) for table in TABLES)
    changed_rows, after_rows, before_rows, results = {}, {}, {}, []
    for trunk in data['trunks']:
        differences, found, trunk_notes, unfixable = [], 0, list(trunk.get('notes') or []), []
        for obj in trunk['objects']:
            table = _table(parsed, obj['table'])
            cells = _write_rows(data, trunk, obj, columns[obj['table']])
            key = (trunk['name'], obj['table'])
            after_rows.setdefault(key, []).append((obj['index'], cells))
            where = '%s %d' % (obj['table'], obj['index'])
            row = obj['device_row']
            if row is None:
                differences.extend({'object': where, 'setting': column, 'before': None, 'after': _text(cell)}
                                   for column, cell in obj['owned'].items())
                changed_rows.setdefault(key, []).append((obj['index'], cells))
                continue
            found += 1
            before_rows.setdefault(key, []).append((row['index'], _kept_row(row)))
            differs = [{'object': where, 'setting': column, 'before': _text(_value(table, row, column)),
                        'after': _text(cell)}
                       for column, cell in obj['owned'].items() if not _same(column, cell, _value(table, row, column))]
            if differs:
                differences.extend(differs)
                changed_rows.setdefault(key, []).append((obj['index'], cells))
        proxy_ips = _table(parsed, 'ProxyIp')
        for row in extras[trunk['name']]:
            shown = '%s %s' % (_text(_value(proxy_ips, row, 'IpAddress')),
                               _text(_value(proxy_ips, row, 'TransportType')))
            differences.append({'object': 'ProxyIp %d' % row['index'], 'setting': 'row', 'before': shown,
                                'after': None})
            before_rows.setdefault((trunk['name'], 'ProxyIp'), []).append((row['index'], _kept_row(row)))
            note = ('ProxyIp row %d (%s) is another address of proxy set %s: remove it on the device (an incremental '
                    'ini cannot delete a row)' % (row['index'], shown, trunk['object_name']))
            trunk_notes.append(note)
            unfixable.append(note)
        status = 'missing' if found == 0 else ('drifted' if differences else 'unchanged')
        own = dict((key, value) for key, value in changed_rows.items() if key[0] == trunk['name'])
        results.append({'name': trunk['name'], 'status': status, 'differences': differences,
                        'lines': ini_lines(ini_layout(data, own, columns, params=[]), markers=False),
                        'shown_lines': ini_lines(ini_layout(data, _masked(own, columns), columns, params=[]),
                                                 markers=False),
                        'notes': trunk_notes, 'unfixable': unfixable})
    host_differences, params, before_params = [], [], []
    if data['media_security']:
        found = _param(parsed, MEDIA_SECURITY_PARAMETER)
        if found is None or not _same(MEDIA_SECURITY_PARAMETER, _int(1), found['cell']):
            host_differences.append({'object': MEDIA_SECURITY_SECTION, 'setting': MEDIA_SECURITY_PARAMETER,
                                     'before': None if found is None else found['raw'], 'after': '1'})
            params = _params(data)
        if found is not None:
            before_params = [{'section': MEDIA_SECURITY_SECTION, 'name': MEDIA_SECURITY_PARAMETER,
                              'cell': _param_view(found)}]
    changed = bool(host_differences) or any(result['status'] != 'unchanged' for result in results)
    lines = ini_lines(ini_layout(data, changed_rows, columns, params=params)) if changed else []
    shown_lines = ini_lines(ini_layout(data, _masked(changed_rows, columns), columns, params=params)) \
        if changed else []
    shown = set(table for _trunk, table in list(before_rows) + list(after_rows))
    before = ini_lines(ini_layout(data, _masked(before_rows, columns), columns, params=before_params, keep=shown))
    after = ini_lines(ini_layout(data, _masked(after_rows, columns), columns, params=_params(data), keep=shown))
    return {
        'platform': PLATFORM,
        'host': data['host'],
        'changed': changed,
        'trunks': results,
        'host_wide': {'differences': host_differences,
                      'lines': ini_lines(ini_layout(data, {}, columns, params=params))},
        'lines': lines,
        'shown_lines': shown_lines,
        'before': _text_of(before),
        'after': _text_of(after),
        'notes': notes,
    }


def _param_view(found):
    """A device's individual parameter as the ``before`` view shows it: as the device wrote it where it is one value,
    else its text as a string (or, where even that cannot be written, a placeholder saying so): a view never fails
    on what the device holds."""
    if found['cell'] is not None:
        return _kept(found['cell'], found['raw'])
    try:
        quote(found['raw'], 'kept')
        return {'kind': 'kept', 'value': found['raw']}
    except QuoteError:
        return {'kind': 'kept', 'value': '(a value of %d characters that an ini line cannot show)' % len(found['raw'])}


def _secret(column):
    """Whether a column holds a secret whose value is never shown: the IP Group's ``Password`` (7.2) and
    ``PasswordAsClient`` / ``PasswordAsServer`` (7.4), which devices dump obscured (``$1$...``), and any other
    column named like a password or a secret."""
    lowered = column.lower()
    return 'password' in lowered or 'secret' in lowered


def _masked(rows, columns):
    """Rows for what may be shown (the views, which become the ``--diff`` output, and ``shown_lines``), the value of
    each secret column (:func:`_secret`) replaced by :data:`HIDDEN`: the lines sent are not masked."""
    masked = {}
    for (trunk, table), entries in rows.items():
        secret = [position for position, column in enumerate(columns[table]) if _secret(column)]
        masked[(trunk, table)] = [(index, [{'kind': 'kept', 'value': HIDDEN} if position in secret else cell
                                           for position, cell in enumerate(cells)]) for index, cells in entries]
    return masked


def _text_of(lines):
    return '\n'.join(lines) + '\n' if lines else ''


# ---------------------------------------------------------------------------------------------
# A device, as this module assumes it behaves: applying an incremental ini (used by the tests only)
# ---------------------------------------------------------------------------------------------

def merge(running_text, incremental_text):
    """The full ini a device would dump after loading ``incremental_text`` (``PUT /api/v1/files/ini/incremental``)
    onto ``running_text``, as this module assumes a device does it: each parameter given is set; each row given
    replaces the row of the same table and index, the columns its FORMAT line leaves out taking their default
    (written ``$$`` here: the real default is the device's to know); rows and tables not given stay as they are. A
    column the device's table does not have is an error (a device refuses such a file). The defaults rule is
    documented for full ini files (older manuals); for incremental ones it is inferred, not confirmed.

    Only the tests use it (the unit tests, and the integration test's stand-in device): nothing in the role
    calls it."""
    base, change = parse(running_text), parse(incremental_text)
    for param in change['params']:
        known = _param(base, param['name'])
        if known is None:
            base['params'].append(dict(param))
        else:
            known.update(raw=param['raw'], cell=param['cell'])
    for table in change['tables']:
        target = _table(base, table['name'])
        if target is None:
            target = {'name': table['name'], 'columns': list(table['columns'] or ()), 'prefixed': False, 'rows': [],
                      'line': 0}
            base['tables'].append(target)
        for column in table['columns'] or ():
            if _column(target, column) is None:
                _fail('the incremental ini names column %s, which the device\'s %s table does not have'
                      % (describe.show(column), table['name']))
        for row in table['rows']:
            cells, raws = [], []
            for column in target['columns']:
                given = _column(table, column)
                cells.append(row['cells'][given] if given is not None else _default())
                raws.append(row['raw'][given] if given is not None else AUDIOCODES_DEFAULT)
            target['rows'] = [known for known in target['rows'] if known['index'] != row['index']]
            target['rows'].append({'index': row['index'], 'cells': cells, 'raw': raws, 'line': 0})
            target['rows'].sort(key=lambda known: known['index'])
    return dump(base)


def dump(parsed):
    """:func:`parse`'s data as a full ini file, the way devices write theirs (params by section, then each table
    with its short FORMAT line); every cell as :func:`_kept` writes a device's cell back. Only the tests use it,
    through :func:`merge`."""
    lines = []
    section = None
    for param in parsed['params']:
        if param['section'] != section or not lines:
            if lines:
                lines.append('')
            section = param['section']
            if section is not None:
                lines.extend(['[%s]' % quote(section, 'comment'), ''])
        lines.append('%s = %s' % (quote(param['name'], 'name'), quote(param['raw'], 'comment')))
    if lines:
        lines.append('')
    for table in parsed['tables']:
        name = quote(table['name'], 'name')
        lines.extend(['[ %s ]' % name, ''])
        lines.append('FORMAT Index = %s;' % ', '.join(quote(column, 'name') for column in table['columns'] or ()))
        for row in table['rows']:
            lines.append('%s %s = %s;' % (name, quote(row['index'], 'index'),
                                          ', '.join(_write_cell(cell) for cell in _kept_row(row))))
        lines.extend(['', '[ \\%s ]' % name, '', ''])
    return '\n'.join(lines)
