"""What a batch reads: files under the given paths, and the members of archives (.zip, and
.7z and .rar through libarchive).

Members are read into memory under limits and never written under their own names, so a
member called "../../etc/x.pdf" cannot climb out of anywhere; a member that would inflate
past the limits (a zip bomb) is recorded as failed, not followed.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extract.document import IMAGE_SUFFIXES, OFFICE_FILE_SUFFIXES, PDF_SUFFIXES
from extract.errors import BadInput, CorruptDocument
from extract.files import file_sha256

INPUT_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | OFFICE_FILE_SUFFIXES
ZIP_SUFFIXES = {".zip"}
# Read through libarchive (the libarchive-c package over the system's libarchive).
LIBARCHIVE_SUFFIXES = {".7z", ".rar"}
# A member inflating past this is not read (the largest real 部门决算 PDFs are ~200 MB).
MAX_MEMBER_BYTES = 1 << 30
# Deflate reaches ~10:1 on PDFs and scans; a zip bomb reaches 1000:1.
MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class Input:
    path: Path  # the file on disk (for a member: its archive)
    shown: str  # the path recorded in documents.parquet
    member: str | None = None  # the member's name inside the archive
    problem: str | None = None  # why it cannot be read (the document is recorded as failed)

    def sha256(self) -> str:
        if self.member is None:
            return file_sha256(self.path)
        if self.problem is not None:  # unreadable: identified by its archive and its name
            return hashlib.sha256(f"{file_sha256(self.path)}:{self.member}".encode()).hexdigest()
        return hashlib.sha256(read_member(self.path, self.member)).hexdigest()


def read_member(archive: Path, name: str) -> bytes:
    """A member's bytes, read under the size and ratio limits (the header is not trusted)."""
    if archive.suffix.lower() in LIBARCHIVE_SUFFIXES:
        return _read_libarchive_member(archive, name)
    try:
        with zipfile.ZipFile(archive) as zf:
            info = zf.getinfo(name)
            _check_member(info)
            with zf.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise CorruptDocument(f"unreadable zip member: {exc}") from exc
    if len(data) > MAX_MEMBER_BYTES or len(data) > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise BadInput(f"zip member inflates beyond the limits ({MAX_MEMBER_BYTES >> 20} MiB, {MAX_COMPRESSION_RATIO}:1): not read")
    return data


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise BadInput("encrypted zip member: a password is needed")
    if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise BadInput(
            f"zip member inflates to {info.file_size} bytes from {info.compress_size} (a zip bomb?): not read"
        )


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it. Zips made on Chinese Windows name their members
    in GBK without the UTF-8 flag, which zipfile then reads as cp437 ("2024─Ω╢╚…"): such a
    name, not ASCII, is decoded as GB18030 where its bytes are that (else left as read)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _zip_members(archive: Path, shown: str) -> Iterator[Input]:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        yield Input(archive, shown, problem=f"corrupt zip archive: {exc}")
        return
    for info in infos:
        if info.is_dir() or Path(info.filename).suffix.lower() not in INPUT_SUFFIXES:
            continue
        problem = None
        try:
            _check_member(info)
        except BadInput as exc:
            problem = str(exc)
        yield Input(archive, f"{shown}/{member_name(info)}", member=info.filename, problem=problem)


def _libarchive():
    try:
        import libarchive
    except (ImportError, OSError) as exc:  # OSError: the package is there, the system library not
        raise BadInput(f"reading .7z and .rar archives needs libarchive (pip install libarchive-c, and the "
                       f"system's libarchive, e.g. apt install libarchive13): {exc}") from exc
    return libarchive


def _member_limit(archive: Path) -> int:
    """The most a member of a .7z or .rar may inflate to. Their members' packed sizes are not
    known apart (a solid archive packs them together): the ratio is to the whole archive's."""
    return min(MAX_MEMBER_BYTES, MAX_COMPRESSION_RATIO * max(archive.stat().st_size, 1))


def _read_libarchive_member(archive: Path, name: str) -> bytes:
    libarchive = _libarchive()
    limit = _member_limit(archive)
    kind = archive.suffix.lower().lstrip(".")
    try:
        with libarchive.file_reader(str(archive)) as entries:
            for entry in entries:
                if entry.pathname != name:
                    continue
                chunks, size = [], 0
                for block in entry.get_blocks():
                    size += len(block)
                    if size > limit:
                        raise BadInput(f"{kind} member inflates beyond the limits ({limit >> 20} MiB, "
                                       f"{MAX_COMPRESSION_RATIO}:1 to the archive): not read")
                    chunks.append(block)
                return b"".join(chunks)
    except libarchive.ArchiveError as exc:
        raise CorruptDocument(f"unreadable {kind} member: {_archive_reason(exc)}") from exc
    raise CorruptDocument(f"{kind} member not found on reading: {name}")


def _archive_reason(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "msg", None) or "").split())  # libarchive's own message, if any
    if "passphrase" in text.lower() or "encrypt" in text.lower():
        return "encrypted: a password is needed"
    return text or "damaged or cut short"


def _libarchive_members(archive: Path, shown: str) -> Iterator[Input]:
    kind = archive.suffix.lower().lstrip(".")
    try:
        libarchive = _libarchive()
        limit = _member_limit(archive)
        with libarchive.file_reader(str(archive)) as entries:
            listed = [(e.pathname, e.size) for e in entries if e.isfile]
        if not listed:
            raise libarchive.ArchiveError("no members: empty, or not an archive libarchive reads")
    except BadInput as exc:
        yield Input(archive, shown, problem=str(exc))
        return
    except (libarchive.ArchiveError, OSError) as exc:
        yield Input(archive, shown, problem=f"corrupt {kind} archive: {_archive_reason(exc)}")
        return
    for name, size in listed:
        if Path(name).suffix.lower() not in INPUT_SUFFIXES:
            continue
        problem = None
        if size is not None and size > limit:
            problem = f"{kind} member inflates to {size} bytes from an archive of {archive.stat().st_size} (a bomb?): not read"
        yield Input(archive, f"{shown}/{name}", member=name, problem=problem)


def find_inputs(paths: Iterable[Path]) -> list[Input]:
    """Every input under the paths (recursively), archive members included, in a stable order."""
    found: list[Input] = []
    for root in paths:
        files = [(root, root.name)] if root.is_file() else [
            (p, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*")) if p.is_file()
        ]
        for path, shown in files:
            suffix = path.suffix.lower()
            if suffix in ZIP_SUFFIXES:
                found.extend(_zip_members(path, shown))
            elif suffix in LIBARCHIVE_SUFFIXES:
                found.extend(_libarchive_members(path, shown))
            elif suffix in INPUT_SUFFIXES or root.is_file():
                found.append(Input(path, shown))
    return found
