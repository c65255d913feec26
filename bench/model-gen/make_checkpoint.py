#!/usr/bin/env python3
"""Writes a PyTorch-style zip checkpoint of a given size for bench/model-scan.sh: the layout torch.save uses
(archive/data.pkl, archive/byteorder, archive/data/0..N as STORED tensor storages, archive/version,
archive/.data/serialization_id), with a benign state-dict pickle written opcode by opcode (no torch needed, and
nothing here is ever unpickled). Tensor bytes are zeros: the scanner must not read them, so their content is moot.

    python3 bench/model-gen/make_checkpoint.py OUT.pt SIZE_MIB [TENSORS]
"""
import struct
import sys
import zipfile
import zlib

PROTO, FRAME_NONE = b"\x80\x02", b""
GLOBAL = lambda module, name: b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def unicode(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def state_dict_pickle(count, elements):
    """OrderedDict of `count` float32 tensors, each rebuilt by torch._utils._rebuild_tensor_v2 from a persistent
    storage ('storage', torch.FloatStorage, key, 'cpu', numel), exactly the shape torch.save emits."""
    out = bytearray(PROTO)
    out += GLOBAL("collections", "OrderedDict") + b")R"  # EMPTY_TUPLE, REDUCE
    out += b"("  # MARK for SETITEMS
    for i in range(count):
        out += unicode(f"layers.{i}.weight")
        out += GLOBAL("torch._utils", "_rebuild_tensor_v2")
        out += b"("  # MARK: args tuple
        out += b"("  # MARK: persistent id tuple
        out += unicode("storage") + GLOBAL("torch", "FloatStorage") + unicode(str(i)) + unicode("cpu")
        out += b"J" + struct.pack("<i", elements)
        out += b"t" + b"Q"  # TUPLE, BINPERSID
        out += b"K\x00"  # storage offset 0
        out += b"J" + struct.pack("<i", elements) + b"\x85"  # size (elements,)
        out += b"K\x01\x85"  # stride (1,)
        out += b"\x89"  # requires_grad False
        out += GLOBAL("collections", "OrderedDict") + b")R"  # backward hooks
        out += b"t" + b"R"  # TUPLE, REDUCE
    out += b"u"  # SETITEMS
    out += b"."
    return bytes(out)


def main():
    path, size_mib = sys.argv[1], int(sys.argv[2])
    tensors = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    total = size_mib * 1024 * 1024
    per = total // tensors // 4 * 4
    chunk = bytes(min(per, 64 * 1024 * 1024))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("archive/data.pkl", state_dict_pickle(tensors, per // 4))
        archive.writestr("archive/byteorder", "little")
        for i in range(tensors):
            info = zipfile.ZipInfo(f"archive/data/{i}")
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=per > 0x7FFFFFFF) as member:
                left = per
                while left > 0:
                    piece = chunk[: min(left, len(chunk))]
                    member.write(piece)
                    left -= len(piece)
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/.data/serialization_id", "1234567890123456789012345678901234567890")


if __name__ == "__main__":
    main()
