# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gateway side, platform by platform.

The neutral settings of :mod:`..gateway` say what the side facing a trunk must be; each module
of this package says it in one platform's terms, in pure Python (no Ansible import, no I/O):

* :mod:`.kamailio` - Kamailio and rtpengine (the files the role renders and runs itself);
* :mod:`.microsoft` - the Microsoft Mediation Server: Lync Server / Skype for Business Server and
  Office Communications Server 2007 R2 (PowerShell rendered for review or run over WinRM);
* :mod:`.audiocodes` - AudioCodes Mediant SBC (an incremental ini and its CLI equivalent, sent
  over the device's REST API or rendered for review);
* :mod:`.cisco_cube` - Cisco Unified Border Element on IOS XE (a configuration block, applied
  with cisco.ios.ios_config or rendered for review).

The role ``mediation_gateway`` has one folder of tasks (``tasks/PLATFORM/``) and one of templates
(``templates/PLATFORM/``) per module, so that a new platform is one module here and one folder
there. :data:`PLATFORMS` names, for each value of ``mediation_gateway_platform``, its module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

#: ``mediation_gateway_platform`` -> the module of this package that speaks for it.
PLATFORMS = {
    'kamailio': 'kamailio',
    'skype_for_business': 'microsoft',
    'ocs2007r2': 'microsoft',
    'audiocodes': 'audiocodes',
    'cisco_cube': 'cisco_cube',
}


class PlatformError(ValueError):
    """Settings a platform cannot hold, or a value that cannot be written safely in its language.

    The message names the trunk or the role input, and the value."""


#: The platforms configured on a device the collection talks to (or writes for): an SBC. Each of their
#: modules has ``desired(settings_list, options)``, ``parse(text)`` and ``drift(desired, running_text)``.
SBC_PLATFORMS = ('audiocodes', 'cisco_cube')


def sbc(platform):
    """The module of an SBC platform (:data:`SBC_PLATFORMS`), or :class:`PlatformError` naming the ones there are."""
    if platform not in SBC_PLATFORMS:
        raise PlatformError('%r is not an SBC platform; the SBC platforms are %s' % (platform, ', '.join(SBC_PLATFORMS)))
    return importlib.import_module('%s.%s' % (__name__, PLATFORMS[platform]))
