/// GPT-2's reversible byte ↔ Unicode mapping: byte-level BPE vocabularies store every byte
/// as a printable character (printable Latin-1 bytes as themselves, the rest from U+0100 on).
enum ByteUnicode {
    /// For each byte value, the UTF-8 bytes of the character that stands for it.
    static let encoded: [[UInt8]] = {
        var table = [[UInt8]](repeating: [], count: 256)
        var extra: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let scalar: UInt32
            if printable { scalar = UInt32(b) } else { scalar = extra; extra += 1 }
            table[b] = Array(String(Unicode.Scalar(scalar)!).utf8)
        }
        return table
    }()

    /// The byte a mapped character stands for, or nil if `scalar` is not one of the 256.
    static func byte(for scalar: UInt32) -> UInt8? {
        switch scalar {
        case 33...126, 161...172, 174...255: return UInt8(scalar)
        case 256..<(256 + 68): return decodeExtra[Int(scalar - 256)]
        default: return nil
        }
    }

    /// The bytes of the 68 non-printable values, in the order they got U+0100, U+0101, ….
    private static let decodeExtra: [UInt8] = (0..<256).filter { b in
        !((33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b))
    }.map { UInt8($0) }

    /// The raw bytes of a token text written in the mapping. A character outside it (a
    /// malformed vocabulary) passes through as its own UTF-8, so decoding never fails.
    static func decode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if let b = byte(for: scalar.value) { out.append(b) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }
}
