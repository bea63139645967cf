# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the lab's captures and recordings hold: UDP datagrams from a classic pcap file, and
the tone in a WAV recording. Plain Python, no dissector between the test and the bytes."""

from __future__ import annotations

import math
import socket
import struct
import subprocess
import time
import wave
from collections import Counter
from dataclasses import dataclass

#: Authentication tag bytes an SRTP packet carries, per SDES suite.
TAG_BYTES = {
    'AES_CM_128_HMAC_SHA1_80': 10, 'AES_CM_128_HMAC_SHA1_32': 4,
    'AES_192_CM_HMAC_SHA1_80': 10, 'AES_192_CM_HMAC_SHA1_32': 4,
    'AES_256_CM_HMAC_SHA1_80': 10, 'AES_256_CM_HMAC_SHA1_32': 4,
    'AEAD_AES_128_GCM': 16, 'AEAD_AES_256_GCM': 16,
}
RTP_HEADER = 12


@dataclass(frozen=True)
class Datagram:
    src: str
    sport: int
    dst: str
    dport: int
    payload: bytes


def udp_datagrams(path) -> list[Datagram]:
    """Every IPv4 UDP datagram of a classic pcap file (tshark -F pcap) captured on lo."""
    with open(path, 'rb') as handle:
        data = handle.read()
    magic = data[:4]
    endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    link_header = {1: 14, 113: 16, 0: 4}[linktype]  # Ethernet (lo), Linux cooked, BSD loopback
    datagrams, offset = [], 24
    while offset + 16 <= len(data):
        incl_len = struct.unpack(endian + 'I', data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + incl_len]
        offset += 16 + incl_len
        packet = frame[link_header:]
        if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != 17:
            continue
        header = (packet[0] & 0x0F) * 4
        sport, dport, length = struct.unpack('!HHH', packet[header:header + 6])
        datagrams.append(Datagram(socket.inet_ntoa(packet[12:16]), sport, socket.inet_ntoa(packet[16:20]), dport,
                                  packet[header + 8:header + length]))
    return datagrams


def rtp_like(datagrams, src=None, dst=None) -> list[Datagram]:
    """The RTP/SRTP datagrams (version 2, not RTCP) from ``src`` and to ``dst`` (either may be None)."""
    return [d for d in datagrams if src in (None, d.src) and dst in (None, d.dst) and len(d.payload) > RTP_HEADER
            and d.payload[0] >> 6 == 2 and not 200 <= d.payload[1] <= 206]


def usual_length(datagrams) -> int:
    """The most common payload length (the codec's frames)."""
    return Counter(len(d.payload) for d in datagrams).most_common(1)[0][0]


def media_bytes(datagram, tag=0) -> bytes:
    """The media payload of an RTP/SRTP datagram, without its header and tag."""
    return datagram.payload[RTP_HEADER:len(datagram.payload) - tag]


def strongest_tone(path, candidates) -> tuple[float, dict]:
    """The candidate frequency with the most energy in a WAV recording (Goertzel), and every
    candidate's share of the signal's energy."""
    with wave.open(str(path), 'rb') as recording:
        rate, channels, width = recording.getframerate(), recording.getnchannels(), recording.getsampwidth()
        frames = recording.readframes(recording.getnframes())
    if width != 2:
        raise ValueError('expected 16-bit samples in %s' % path)
    samples = struct.unpack('<%dh' % (len(frames) // 2), frames)[::channels]
    samples = samples[len(samples) // 4:]  # past the call's first moments
    total = sum(s * s for s in samples) or 1
    shares = {}
    for frequency in candidates:
        coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
        previous = before = 0.0
        for sample in samples:
            previous, before = sample + coefficient * previous - before, previous
        power = previous * previous + before * before - coefficient * previous * before
        shares[frequency] = round(2 * power / (len(samples) * total), 3)
    return max(shares, key=shares.get), shares


class Capture:
    """tshark on lo for the length of a with-block (a classic pcap file); counts the frames a display filter matches."""

    def __init__(self, bpf):
        self.bpf = bpf
        self.path = '/tmp/voip-lab-%d.pcap' % time.monotonic_ns()

    def __enter__(self):
        self.process = subprocess.Popen(['tshark', '-q', '-i', 'lo', '-f', self.bpf, '-F', 'pcap', '-w', self.path],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # dumpcap says "Capture started" once packets are being written
            line = self.process.stderr.readline().decode(errors='replace')
            if 'Capture started' in line or not line:
                break
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)
        self.process.terminate()
        self.process.wait(timeout=10)

    def count(self, display_filter=''):
        out = subprocess.run(['tshark', '-r', self.path] + (['-Y', display_filter] if display_filter else []),
                             capture_output=True, text=True, check=False).stdout
        return len([line for line in out.splitlines() if line.strip()])
