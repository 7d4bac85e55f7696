"""What a lesson file is and how long it lasts, read on the server (never taken from the browser).

The type comes from the file's first bytes (magic numbers), not from its name or the browser's claim; the
length of video and audio is read with mutagen (MP4/M4A, MP3, Ogg Vorbis/Opus, FLAC, WAVE) and, for WebM
(Matroska), with enzyme. A document (PDF) has the study length its author sets.
"""

import datetime as dt
import logging
from dataclasses import dataclass

import enzyme
import mutagen
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import LessonKind

# enzyme reports every element it reads at INFO; only its problems matter here.
logging.getLogger("enzyme").setLevel(logging.WARNING)

MSG_TYPE = _(
    "不支持的文件类型：视频请上传 MP4（H.264/AAC）或 WebM，音频请上传 MP3、M4A、Ogg 或 WAV，文档请上传 PDF"
)
MSG_KIND = _("文件内容与所选类型不符：所选为“%(kind)s”，文件是%(found)s")
MSG_LENGTH = _("无法从文件中读取时长，请确认文件完整且未损坏")
MSG_EMPTY = _("文件为空")


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The lesson type of a file from its first bytes (at least 64), or None when not supported."""
    if head.startswith(b"%PDF-"):
        return Sniffed(LessonKind.DOCUMENT, "application/pdf", ".pdf")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # An EBML file is played by browsers only as WebM (its DocType), not as any Matroska file.
        return Sniffed(LessonKind.VIDEO, "video/webm", ".webm") if b"webm" in head else None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Sniffed(LessonKind.AUDIO, "audio/mp4", ".m4a")
        return Sniffed(LessonKind.VIDEO, "video/mp4", ".mp4")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Sniffed(LessonKind.AUDIO, "audio/mpeg", ".mp3")
    if head.startswith(b"OggS"):
        return Sniffed(LessonKind.AUDIO, "audio/ogg", ".ogg")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return Sniffed(LessonKind.AUDIO, "audio/wav", ".wav")
    if head.startswith(b"fLaC"):
        return Sniffed(LessonKind.AUDIO, "audio/flac", ".flac")
    return None


def media_seconds(fileobj, sniffed: Sniffed) -> int:
    """The length in whole seconds (rounded up) of a video or audio file; ValidationError if unreadable."""
    fileobj.seek(0)
    try:
        if sniffed.content_type == "video/webm":
            info = enzyme.MKV(fileobj).info
            length = info.duration.total_seconds() if isinstance(info.duration, dt.timedelta) else 0
        else:
            parsed = mutagen.File(fileobj)
            length = parsed.info.length if parsed is not None else 0
    except Exception as exc:
        raise ValidationError(MSG_LENGTH) from exc
    finally:
        fileobj.seek(0)
    if not length or length <= 0:
        raise ValidationError(MSG_LENGTH)
    return max(1, round(length))


def check_lesson_file(upload, kind: str) -> tuple[Sniffed, int | None]:
    """Check an uploaded lesson file against the chosen kind; return its type and (for media) its length."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not head:
        raise ValidationError(MSG_EMPTY)
    sniffed = sniff(head)
    if sniffed is None:
        raise ValidationError(MSG_TYPE)
    if sniffed.kind != kind:
        raise ValidationError(
            MSG_KIND % {"kind": LessonKind(kind).label, "found": LessonKind(sniffed.kind).label}
        )
    if sniffed.kind == LessonKind.DOCUMENT:
        return sniffed, None
    return sniffed, media_seconds(upload, sniffed)
