"""Build the legacy Office test files: ``python duikou/core/tests/files/build.py``.

``plain.xls`` is a one-sheet workbook saved by LibreOffice Calc (``soffice`` must be on the
PATH); ``tall.xls`` and ``tall.ods`` hold 400 rows of figures, for the row cap.
``macros.xls`` is ``plain.xls`` with a VBA project added beside it, laid out as Excel
97-2003 stores one (MS-OVBA: the ``_VBA_PROJECT_CUR`` storage with its ``PROJECT``
stream and a ``VBA`` storage holding ``_VBA_PROJECT``, the compressed ``dir`` stream and
the module's compressed source). LibreOffice keeps a VBA project only in files that already
had one, so the compound file is written here; ``oletools.olevba`` reads the module back.
"""

import io
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import olefile

HERE = Path(__file__).parent
MODULE_SOURCE = (
    'Attribute VB_Name = "Module1"\r\n'
    "Sub Auto_Open()\r\n"
    '    MsgBox "Duikou test file: this workbook carries a macro"\r\n'
    "End Sub\r\n"
)
SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        plain = "项目名称,金额（万元）,地点\n伊宁市第三中学教学楼,1200,伊宁市\n"
        tall = "项目名称,金额（万元）\n" + "".join(f"项目{n},{n}\n" for n in range(1, 401))
        (HERE / "plain.xls").write_bytes(_calc(folder, "plain", plain, "xls:MS Excel 97"))
        (HERE / "tall.xls").write_bytes(_calc(folder, "tall", tall, "xls:MS Excel 97"))
        (HERE / "tall.ods").write_bytes(_calc(folder, "tall", tall, "ods"))
        plain = (HERE / "plain.xls").read_bytes()
    workbook = olefile.OleFileIO(io.BytesIO(plain)).openstream("Workbook").read()
    (HERE / "macros.xls").write_bytes(compound_file(workbook_with_vba(workbook)))


def _calc(folder: str, name: str, text: str, target: str) -> bytes:
    """``text`` (CSV) saved by LibreOffice Calc as ``target``."""
    Path(folder, f"{name}.csv").write_text(text, "utf-8")
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to build these files")
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{folder}/profile",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            target,
            "--outdir",
            folder,
            str(Path(folder, f"{name}.csv")),
        ],
        check=True,
        capture_output=True,
    )
    return Path(folder, f"{name}.{target.split(':')[0]}").read_bytes()


def workbook_with_vba(workbook: bytes) -> dict:
    """The storage tree of an .xls with a VBA project: paths → bytes (None: a storage)."""
    project = (
        'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
        "Module=Module1\r\n"
        'Name="VBAProject"\r\n'
        'HelpContextID="0"\r\n'
        'VersionCompatible32="393222000"\r\n'
        "\r\n[Host Extender Info]\r\n"
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n"
        "\r\n[Workspace]\r\nModule1=0, 0, 0, 0, C\r\n"
    ).encode("cp1252")
    return {
        "Workbook": workbook,
        "_VBA_PROJECT_CUR": None,
        "_VBA_PROJECT_CUR/PROJECT": project,
        "_VBA_PROJECT_CUR/PROJECTwm": b"Module1\x00" + "Module1".encode("utf-16-le") + b"\0" * 4,
        "_VBA_PROJECT_CUR/VBA": None,
        # Version 0xFFFF: no compiled code cache, the host compiles the source.
        "_VBA_PROJECT_CUR/VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
        "_VBA_PROJECT_CUR/VBA/dir": compress(dir_stream("Module1")),
        "_VBA_PROJECT_CUR/VBA/Module1": compress(MODULE_SOURCE.encode("cp1252")),
    }


def dir_stream(module: str) -> bytes:
    """The ``dir`` stream (MS-OVBA 2.3.4.2) of a project with one procedural module."""

    def record(kind: int, data: bytes = b"") -> bytes:
        return struct.pack("<HI", kind, len(data)) + data

    name, wide = module.encode("cp1252"), module.encode("utf-16-le")
    return b"".join(
        [
            record(0x0001, struct.pack("<I", 1)),  # SYSKIND: 32-bit Windows
            record(0x0002, struct.pack("<I", 0x409)),  # LCID
            record(0x0014, struct.pack("<I", 0x409)),  # LCIDINVOKE
            record(0x0003, struct.pack("<H", 1252)),  # CODEPAGE
            record(0x0004, b"VBAProject"),  # NAME
            record(0x0005),  # DOCSTRING
            record(0x0040),
            record(0x0006),  # HELPFILEPATH
            record(0x003D),
            record(0x0007, struct.pack("<I", 0)),  # HELPCONTEXT
            record(0x0008, struct.pack("<I", 0)),  # LIBFLAGS
            struct.pack("<HIIH", 0x0009, 4, 1, 0),  # VERSION
            record(0x000C),  # CONSTANTS
            record(0x003C),
            record(0x000F, struct.pack("<H", 1)),  # MODULES: one
            record(0x0013, struct.pack("<H", 0xFFFF)),  # PROJECTCOOKIE
            record(0x0019, name),  # MODULENAME
            record(0x0047, wide),
            record(0x001A, name),  # MODULESTREAMNAME
            record(0x0032, wide),
            record(0x001C),  # MODULEDOCSTRING
            record(0x0048),
            record(0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: source at the start
            record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
            record(0x0021, b"")[:2] + struct.pack("<I", 0),  # MODULETYPE: procedural
            record(0x002B, b"")[:2] + struct.pack("<I", 0),  # module terminator
            record(0x0010, b"")[:2] + struct.pack("<I", 0),  # dir terminator
        ]
    )


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression with literal tokens only (valid, just not smaller)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start : start + 4096]
        tokens = bytearray()
        for group in range(0, len(chunk), 8):
            tokens += b"\x00" + chunk[group : group + 8]
        if len(tokens) + 2 <= 4098:
            out += struct.pack("<H", 0x8000 | 0x3000 | (len(tokens) + 2 - 3)) + tokens
        else:  # a raw chunk holds exactly 4096 bytes
            out += struct.pack("<H", 0x3000 | (4098 - 3)) + chunk.ljust(4096, b"\0")
    return bytes(out)


def compound_file(tree: dict) -> bytes:
    """A version 3 compound file (MS-CFB) holding ``tree``; small streams in the mini stream."""
    entries = [{"name": "Root Entry", "type": 5, "path": "", "children": []}]
    by_path = {"": entries[0]}
    for path in sorted(tree, key=lambda p: p.count("/")):
        parent, _, name = path.rpartition("/")
        entry = {"name": name, "type": 1 if tree[path] is None else 2, "path": path}
        entry["children"] = []
        entry["data"] = tree[path] or b""
        by_path[parent]["children"].append(len(entries))
        by_path[path] = entry
        entries.append(entry)
    mini = bytearray()
    mini_fat: list[int] = []
    big = [e for e in entries if e["type"] == 2 and len(e["data"]) >= MINI_CUTOFF]
    for entry in entries:
        if entry["type"] == 2 and len(entry["data"]) < MINI_CUTOFF:
            first = len(mini) // MINI_SECTOR
            count = max(1, -(-len(entry["data"]) // MINI_SECTOR)) if entry["data"] else 0
            entry["start"] = first if count else END
            mini += entry["data"].ljust(count * MINI_SECTOR, b"\0")
            mini_fat += [first + i + 1 for i in range(count - 1)] + ([END] if count else [])
    sectors = lambda size: -(-size // SECTOR)  # noqa: E731
    dir_count = sectors(len(entries) * 128)
    mini_fat_count = sectors(len(mini_fat) * 4)
    mini_count = sectors(len(mini))
    big_counts = [sectors(len(e["data"])) for e in big]
    fat_count = 1
    while True:
        total = fat_count + dir_count + mini_fat_count + mini_count + sum(big_counts)
        if fat_count * SECTOR // 4 >= total:
            break
        fat_count += 1
    fat = [FAT_SECTOR] * fat_count
    body = bytearray()

    def chain(data: bytes, count: int) -> int:
        first = len(fat)
        fat.extend(first + i + 1 for i in range(count - 1))
        fat.append(END)
        body.extend(data.ljust(count * SECTOR, b"\0"))
        return first

    dir_start = len(fat)
    fat.extend(range(dir_start + 1, dir_start + dir_count))
    fat.append(END)
    dir_offset = len(body)
    body.extend(b"\0" * dir_count * SECTOR)
    mini_fat_start = chain(b"".join(struct.pack("<I", s) for s in mini_fat), mini_fat_count)
    entries[0]["start"] = chain(bytes(mini), mini_count) if mini else END
    entries[0]["data"] = bytes(mini)
    for entry, count in zip(big, big_counts, strict=True):
        entry["start"] = chain(entry["data"], count)
    fat.extend([FREE] * (fat_count * SECTOR // 4 - len(fat)))
    directory = bytearray()
    for entry in entries:
        entry.setdefault("left", FREE)
        entry.setdefault("right", FREE)
        entry["child"] = _tree(entries, entry["children"])
    for entry in entries:
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += name.ljust(64, b"\0") + struct.pack(
            "<HBBIII16sIQQIQ",
            len(name),
            entry["type"],
            1,  # black
            entry["left"],
            entry["right"],
            entry["child"],
            b"\0" * 16,
            0,
            0,
            0,
            entry.get("start", END) if entry["type"] != 1 else 0,
            len(entry.get("data", b"")) if entry["type"] != 1 else 0,
        )
    directory = directory.ljust(dir_count * SECTOR, b"\0")
    body[dir_offset : dir_offset + len(directory)] = directory
    difat = list(range(fat_count)) + [FREE] * (109 - fat_count)
    header = (
        olefile.MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_count,
            dir_start,
            0,
            MINI_CUTOFF,
            mini_fat_start,
            mini_fat_count,
            END,
            0,
        )
        + b"".join(struct.pack("<I", s) for s in difat)
    )
    fat_bytes = b"".join(struct.pack("<I", s) for s in fat)
    return header + fat_bytes + bytes(body)


def _tree(entries: list[dict], children: list[int]) -> int:
    """Siblings as a binary search tree in the order MS-CFB compares names (length, then
    upper case); returns the root's index."""
    if not children:
        return FREE
    ordered = sorted(children, key=lambda i: (len(entries[i]["name"]), entries[i]["name"].upper()))
    middle = len(ordered) // 2
    root = ordered[middle]
    entries[root]["left"] = _tree(entries, ordered[:middle])
    entries[root]["right"] = _tree(entries, ordered[middle + 1 :])
    return root


if __name__ == "__main__":
    sys.exit(main())
