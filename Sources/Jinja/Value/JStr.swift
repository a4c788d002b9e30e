/// A string made of segments that remember whether their characters came from caller data
/// (`JinjaValue.data`) or from trusted text, so the origin survives concatenation and transforms.
struct JStr {
    struct Segment {
        var text: String
        var isData: Bool
    }

    /// Non-empty segments; adjacent segments never share an origin.
    private(set) var segments: [Segment] = []
    /// The characters without origins (what comparisons, `in` and `length` use).
    private(set) var plain: String = ""

    init() {}

    init(_ text: String, data: Bool = false) {
        if !text.isEmpty {
            segments = [Segment(text: text, isData: data)]
            plain = text
        }
    }

    /// Builds from unicode scalars that each carry an origin.
    init<S: Sequence>(scalars: S) where S.Element == (Unicode.Scalar, Bool) {
        var current = String.UnicodeScalarView()
        var currentData = false
        for (scalar, data) in scalars {
            if data != currentData && !current.isEmpty {
                append(String(current), data: currentData)
                current = String.UnicodeScalarView()
            }
            currentData = data
            current.append(scalar)
        }
        if !current.isEmpty { append(String(current), data: currentData) }
    }

    var isEmpty: Bool { plain.isEmpty }
    var hasData: Bool { segments.contains { $0.isData } }
    var byteCount: Int { plain.utf8.count }

    mutating func append(_ text: String, data: Bool) {
        guard !text.isEmpty else { return }
        plain += text
        if let last = segments.last, last.isData == data {
            segments[segments.count - 1].text += text
        } else {
            segments.append(Segment(text: text, isData: data))
        }
    }

    mutating func append(_ other: JStr) {
        for segment in other.segments { append(segment.text, data: segment.isData) }
    }

    static func + (lhs: JStr, rhs: JStr) -> JStr {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Every scalar with its origin.
    var scalars: [(Unicode.Scalar, Bool)] {
        var result: [(Unicode.Scalar, Bool)] = []
        result.reserveCapacity(plain.unicodeScalars.count)
        for segment in segments {
            for scalar in segment.text.unicodeScalars { result.append((scalar, segment.isData)) }
        }
        return result
    }

    var scalarCount: Int { plain.unicodeScalars.count }

    /// Applies a character-local transform to each segment, keeping origins.
    func mapSegments(_ transform: (String) -> String) -> JStr {
        var result = JStr()
        for segment in segments { result.append(transform(segment.text), data: segment.isData) }
        return result
    }

    /// Applies a transform that maps each scalar (knowing its position) to a string.
    func mapScalars(_ transform: (Int, Unicode.Scalar, [(Unicode.Scalar, Bool)]) -> String) -> JStr {
        let all = scalars
        var result = JStr()
        for (index, (scalar, data)) in all.enumerated() {
            result.append(transform(index, scalar, all), data: data)
        }
        return result
    }

    func slice(_ range: Range<Int>) -> JStr {
        let all = scalars
        return JStr(scalars: all[range])
    }

    /// Python's `str.strip` family: `chars` nil means whitespace.
    func stripped(leading: Bool, trailing: Bool, chars: String? = nil) -> JStr {
        let all = scalars
        let set = chars.map { Set($0.unicodeScalars) }
        func strip(_ s: Unicode.Scalar) -> Bool { set.map { $0.contains(s) } ?? isPythonSpace(s) }
        var start = 0
        var end = all.count
        if leading { while start < end && strip(all[start].0) { start += 1 } }
        if trailing { while end > start && strip(all[end - 1].0) { end -= 1 } }
        return JStr(scalars: all[start..<end])
    }

    /// Python's `str.replace`.
    func replacing(_ old: String, with new: JStr, count: Int = -1) -> JStr {
        let all = scalars
        let needle = Array(old.unicodeScalars)
        var result = JStr()
        var done = 0
        if needle.isEmpty {
            for (scalar, data) in all {
                if count < 0 || done < count { result.append(new); done += 1 }
                result.append(String(scalar), data: data)
            }
            if count < 0 || done < count { result.append(new) }
            return result
        }
        var i = 0
        var pending: [(Unicode.Scalar, Bool)] = []
        while i < all.count {
            if (count < 0 || done < count) && i + needle.count <= all.count && matches(all, at: i, needle) {
                result.append(JStr(scalars: pending))
                pending.removeAll()
                result.append(new)
                i += needle.count
                done += 1
            } else {
                pending.append(all[i])
                i += 1
            }
        }
        result.append(JStr(scalars: pending))
        return result
    }

    /// Python's `str.split(sep, maxsplit)`; `sep` nil splits on runs of whitespace.
    func split(_ separator: String?, maxSplit: Int = -1) -> [JStr] {
        let all = scalars
        var parts: [JStr] = []
        if let separator {
            let needle = Array(separator.unicodeScalars)
            var i = 0
            var start = 0
            while i + needle.count <= all.count {
                if (maxSplit < 0 || parts.count < maxSplit) && matches(all, at: i, needle) {
                    parts.append(JStr(scalars: all[start..<i]))
                    i += needle.count
                    start = i
                } else {
                    i += 1
                }
            }
            parts.append(JStr(scalars: all[start..<all.count]))
            return parts
        }
        var i = 0
        while i < all.count {
            while i < all.count && isPythonSpace(all[i].0) { i += 1 }
            if i == all.count { break }
            if maxSplit >= 0 && parts.count == maxSplit {
                var end = all.count
                while end > i && isPythonSpace(all[end - 1].0) { end -= 1 }
                parts.append(JStr(scalars: all[i..<end]))
                return parts
            }
            let start = i
            while i < all.count && !isPythonSpace(all[i].0) { i += 1 }
            parts.append(JStr(scalars: all[start..<i]))
        }
        return parts
    }

    /// Python's `str.splitlines()` (without keepends).
    func splitLines() -> [JStr] {
        let all = scalars
        var lines: [JStr] = []
        var start = 0
        var i = 0
        while i < all.count {
            let s = all[i].0.value
            let breaks: Set<UInt32> = [0x0A, 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
            if breaks.contains(s) {
                lines.append(JStr(scalars: all[start..<i]))
                if s == 0x0D && i + 1 < all.count && all[i + 1].0.value == 0x0A { i += 1 }
                i += 1
                start = i
            } else {
                i += 1
            }
        }
        if start < all.count { lines.append(JStr(scalars: all[start..<all.count])) }
        return lines
    }

    static func join(_ parts: [JStr], separator: JStr) -> JStr {
        var result = JStr()
        for (index, part) in parts.enumerated() {
            if index > 0 { result.append(separator) }
            result.append(part)
        }
        return result
    }

    private func matches(_ all: [(Unicode.Scalar, Bool)], at index: Int, _ needle: [Unicode.Scalar]) -> Bool {
        for k in 0..<needle.count where all[index + k].0 != needle[k] { return false }
        return true
    }
}

/// Python's `str.isspace` for one scalar.
func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
    default: return s.value > 0x7F && s.properties.isWhitespace
    }
}
