using System.Buffers.Binary;
using System.Text;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Formats;

/// <summary>
/// Reads one string attribute (Keras's <c>model_config</c>) out of an HDF5 file with every size checked against the
/// file before anything is allocated — general HDF5 readers (PureHDF) allocate what a hostile file declares. Only what
/// the attribute needs is parsed (HDF5 file format spec, version 3): the superblock's size of offsets; the attribute
/// message (versions 1–3) found by its name in the first <see cref="SearchBytes"/>; its datatype (a fixed-length or a
/// variable-length string) and dataspace (scalar); and, for a variable-length string, the global heap collection and
/// object it points to. A name found in a message this reader cannot follow is an error, never a silent "absent".
/// </summary>
internal static class H5AttributeReader
{
    /// <summary>How much of the file is searched for the attribute: h5py and Keras write root attributes first.</summary>
    public const int SearchBytes = 16 << 20;


    /// <summary>The attribute's text, null when the file has no attribute of that name.</summary>
    /// <exception cref="MalformedModelException">The attribute is there but its structure is not one this reader can follow within the file.</exception>
    public static string? ReadString(Stream content, string name, long maxBytes)
    {
        var head = new byte[(int)Math.Min(SearchBytes, content.Length)];
        content.Position = 0;
        head = head[..content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        var (offsetSize, baseAddress, endOfFile) = Superblock(head) ?? throw new MalformedModelException("no HDF5 superblock this reader knows");
        // HDF5 libraries refuse a file shorter than its superblock says ("truncated file"): so does this reader.
        if (endOfFile > (ulong)content.Length) throw new MalformedModelException($"truncated: the superblock declares {endOfFile:N0} bytes, the file has {content.Length:N0}");
        var needle = Encoding.ASCII.GetBytes(name + "\0");
        for (var at = head.AsSpan().IndexOf(needle); at >= 0;)
        {
            if (TryAttribute(head, at, needle.Length, offsetSize, out var dataType, out var data))
                return Value(content, head, dataType, data, offsetSize, baseAddress, maxBytes);
            var next = head.AsSpan(at + 1).IndexOf(needle);
            at = next < 0 ? -1 : at + 1 + next;
        }
        if (head.AsSpan().IndexOf(Encoding.ASCII.GetBytes(name)) >= 0)
            throw new MalformedModelException($"'{name}' is named in the file, but not by an attribute message this reader can follow (dense attribute storage?)");
        return null;
    }

    /// <summary>
    /// The superblock's size of offsets, where it is (the base that file addresses count from, in files h5py writes,
    /// user block or not) and the end-of-file address. The superblock is at 0, 512, 1024, … like the signature.
    /// </summary>
    private static (int OffsetSize, long BaseAddress, ulong EndOfFile)? Superblock(byte[] head)
    {
        for (var at = 0; at + 16 <= head.Length; at = at == 0 ? 512 : at * 2)
        {
            if (!head.AsSpan(at, ArchiveSupport.Hdf5Magic.Length).SequenceEqual(ArchiveSupport.Hdf5Magic)) continue;
            var version = head[at + 8];
            int size = version switch { 0 or 1 => head[at + 13], 2 or 3 => head[at + 9], _ => 0 };
            if (size is not (4 or 8)) return null;
            // Versions 0 and 1: 24 bytes of fields (28 in version 1), then base, free-space and end-of-file addresses;
            // versions 2 and 3: 12 bytes, then base, superblock-extension and end-of-file addresses.
            var endOfFile = at + (version switch { 0 => 24, 1 => 28, _ => 12 }) + 2 * size;
            if (endOfFile + size > head.Length) return null;
            var value = size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(endOfFile)) : BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(endOfFile));
            return (size, at, value + (ulong)at);
        }
        return null;
    }

    /// <summary>Whether the name at <paramref name="at"/> is the name of an attribute message; its datatype and data spans.</summary>
    private static bool TryAttribute(byte[] head, int at, int nameLength, int offsetSize, out Range dataType, out int data)
    {
        dataType = default;
        data = 0;
        // Version 3 has a 9-byte header (an encoding byte), versions 1 and 2 an 8-byte one; all give the name's length.
        foreach (var header in (int[])[9, 8])
        {
            var start = at - header;
            if (start < 0) continue;
            var version = head[start];
            if ((version == 3) != (header == 9) || version is < 1 or > 3) continue;
            if (BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(start + 2)) != nameLength) continue;
            int typeSize = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(start + 4));
            int spaceSize = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(start + 6));
            // Version 1 pads the name, the datatype and the dataspace to multiples of 8.
            int Pad(int n) => version == 1 ? (n + 7) & ~7 : n;
            var typeStart = at + Pad(nameLength);
            var spaceStart = typeStart + Pad(typeSize);
            data = spaceStart + Pad(spaceSize);
            if (typeSize < 8 || data > head.Length) return false;
            dataType = typeStart..(typeStart + typeSize);
            return IsScalar(head.AsSpan(spaceStart, spaceSize));
        }
        return false;
    }

    /// <summary>A scalar dataspace (version 1: rank 0; version 2: type 0) or a one-element, one-dimension one.</summary>
    private static bool IsScalar(ReadOnlySpan<byte> space)
    {
        if (space.Length < 4) return false;
        return space[0] switch
        {
            1 => space[1] == 0 || (space[1] == 1 && space.Length >= 16 && BinaryPrimitives.ReadUInt64LittleEndian(space[8..]) == 1),
            2 => space[3] == 0 || (space[1] == 1 && space[3] == 1 && space.Length >= 12 && BinaryPrimitives.ReadUInt64LittleEndian(space[4..]) == 1),
            _ => false,
        };
    }

    private static string Value(Stream content, byte[] head, Range dataType, int data, int offsetSize, long baseAddress, long maxBytes)
    {
        var type = head.AsSpan(dataType);
        var typeClass = type[0] & 0x0F;
        var size = BinaryPrimitives.ReadUInt32LittleEndian(type[4..]);
        if (typeClass == 3)
        {
            // A fixed-length string: the value is inline, padded with NULs or spaces.
            if (size > maxBytes || data + (long)size > head.Length) throw new MalformedModelException($"a {size:N0}-byte fixed-length string runs past the searched part of the file");
            return Encoding.UTF8.GetString(head, data, (int)size).TrimEnd('\0', ' ');
        }
        if (typeClass != 9 || (type[1] & 0x0F) != 1) throw new MalformedModelException($"the attribute is of datatype class {typeClass}, not a string");
        // A variable-length string: length, then the global heap ID (collection address, object index).
        if (data + 8 + offsetSize > head.Length) throw new MalformedModelException("the attribute's heap reference runs past the searched part of the file");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(data));
        var collection = offsetSize == 8 ? BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(data + 4)) : BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(data + 4));
        var index = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(data + 4 + offsetSize));
        if (length > maxBytes) throw new MalformedModelException($"a {length:N0}-byte string is over the {maxBytes:N0}-byte limit");
        return HeapObject(content, baseAddress + collection, index, length, offsetSize);
    }

    /// <summary>Object <paramref name="index"/> of the global heap collection at <paramref name="address"/>, every size checked first.</summary>
    private static string HeapObject(Stream content, long address, uint index, uint length, int offsetSize)
    {
        var header = 8 + offsetSize;
        if (address < 0 || address > content.Length - header) throw new MalformedModelException($"global heap address {address} is outside the file");
        var bytes = new byte[header];
        content.Position = address;
        content.ReadExactly(bytes);
        if (!bytes.AsSpan(0, 4).SequenceEqual("GCOL"u8)) throw new MalformedModelException($"no global heap collection at {address}");
        var collectionSize = offsetSize == 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (collectionSize < header || collectionSize > content.Length - address) throw new MalformedModelException($"the global heap collection at {address} declares {collectionSize:N0} bytes, past the end of the file");
        var end = address + collectionSize;
        var objectHeader = new byte[8 + offsetSize];
        for (var cursor = address + header; cursor + objectHeader.Length <= end;)
        {
            content.Position = cursor;
            content.ReadExactly(objectHeader);
            var objectIndex = BinaryPrimitives.ReadUInt16LittleEndian(objectHeader);
            var size = offsetSize == 8 ? BinaryPrimitives.ReadInt64LittleEndian(objectHeader.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(objectHeader.AsSpan(8));
            if (size < 0 || size > end - cursor - objectHeader.Length) throw new MalformedModelException($"a global heap object at {cursor} declares {size:N0} bytes, past its collection");
            if (objectIndex == index)
            {
                if (size < length) throw new MalformedModelException($"global heap object {index} holds {size:N0} bytes, the attribute says {length:N0}");
                var text = new byte[length];
                content.ReadExactly(text);
                return Encoding.UTF8.GetString(text);
            }
            if (objectIndex == 0) break; // free space ends the collection
            cursor += objectHeader.Length + ((size + 7) & ~7L);
        }
        throw new MalformedModelException($"global heap object {index} is not in the collection at {address}");
    }
}
