"""Tiny valid MP3 files of any length, for beets to import.

An MP3 file is a run of MPEG frames; its first frame may carry a Xing header
that states how many frames the stream holds, and readers (mutagen, hence
beets) take the length from it. So three silent frames, the first saying
"N frames", make a file of a few hundred bytes that reads as N × 1152 / 44100
seconds long.
"""

import struct

from mediafile import MediaFile

SAMPLE_RATE = 44_100
SAMPLES_PER_FRAME = 1152
# MPEG-1 Layer III, no CRC; 128 kbit/s, 44.1 kHz, no padding; mono.
FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0xC0])
FRAME_BYTES = 144 * 128_000 // SAMPLE_RATE
# Mono MPEG-1: the side information (17 bytes) sits before the Xing header.
XING_OFFSET = 4 + 17
XING_HAS_FRAME_COUNT = 0x0001


def silent_mp3(seconds):
    """The bytes of an MP3 stream that reads as ``seconds`` long."""
    frames = max(1, round(seconds * SAMPLE_RATE / SAMPLES_PER_FRAME))
    first = bytearray(FRAME_BYTES)
    first[:4] = FRAME_HEADER
    first[XING_OFFSET:XING_OFFSET + 12] = b"Xing" + struct.pack(">II", XING_HAS_FRAME_COUNT, frames)
    silent = FRAME_HEADER + bytes(FRAME_BYTES - 4)
    return bytes(first) + silent * 2


def write_track(path, seconds, **tags):
    """Write a tagged MP3 at ``path`` (tags by mediafile's names: title, artist,
    album, albumartist, track, tracktotal, disc, disctotal)."""
    path.write_bytes(silent_mp3(seconds))
    media = MediaFile(str(path))
    for name, value in tags.items():
        setattr(media, name, value)
    media.save()
