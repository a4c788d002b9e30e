/// The word splitter that runs before byte-level BPE, selected by `tokenizer.ggml.pre`.
///
/// Each llama.cpp pre-tokenizer is a sequence of split patterns; each pattern cuts every
/// piece the previous one left into matches and the gaps between them. The patterns are
/// hand-written scanners over Unicode scalars (no regex engine), following llama.cpp's
/// regexes and their exact matching rules.
struct PreTokenizer: Sendable {
    enum Stage: Sendable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)` (GPT-2).
        case gpt2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        /// (Llama 3 with N = 3; Qwen 2 with N = 1).
        case llama3(maxDigits: Int)
        /// `\p{N}`: every digit on its own.
        case eachDigit
        /// `\p{N}+`.
        case digitRuns
        /// `[0-9][0-9][0-9]`.
        case threeDigits
        /// `[\p{P}\$\+<=>\^~\|]+`, with a backtick too for Falcon.
        case punctuationRuns(backtick: Bool)
    }

    /// The pre-tokenizer llama.cpp uses for this `pre` name.
    let name: String
    let stages: [Stage]

    /// GPT-2's pattern, used by `gpt-2`, `mpt`, `olmo`, `jais`, `trillion`.
    static let gpt2Names: Set<String> = ["gpt2", "gpt-2", "mpt", "olmo", "jais", "trillion"]
    /// Llama 3's pattern.
    static let llama3Names: Set<String> = ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "dbrx", "smaug-bpe"]
    /// Single digits, then GPT-2's pattern.
    static let digitsThenGPT2Names: Set<String> = ["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"]
    /// Llama 3's pattern with single digits.
    static let qwen2Names: Set<String> = ["qwen2", "deepseek-r1-qwen", "megrez"]

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, and a warning when the value is
    /// missing or unknown (then llama.cpp's default pre-tokenizer is used).
    static func named(_ pre: String?) -> (PreTokenizer, warning: String?) {
        guard let pre else {
            return (PreTokenizer(name: "default", stages: defaultStages), "tokenizer.ggml.pre is missing; using the default pre-tokenizer")
        }
        if pre == "default" { return (PreTokenizer(name: pre, stages: defaultStages), nil) }
        if gpt2Names.contains(pre) { return (PreTokenizer(name: pre, stages: [.gpt2]), nil) }
        if llama3Names.contains(pre) { return (PreTokenizer(name: pre, stages: [.llama3(maxDigits: 3)]), nil) }
        if digitsThenGPT2Names.contains(pre) { return (PreTokenizer(name: pre, stages: [.eachDigit, .gpt2]), nil) }
        if qwen2Names.contains(pre) { return (PreTokenizer(name: pre, stages: [.llama3(maxDigits: 1)]), nil) }
        if pre == "falcon" { return (PreTokenizer(name: pre, stages: [.punctuationRuns(backtick: true), .gpt2, .threeDigits]), nil) }
        return (PreTokenizer(name: pre, stages: defaultStages),
                "unknown pre-tokenizer '\(pre)'; using the default pre-tokenizer")
    }

    static let defaultStages: [Stage] = [.punctuationRuns(backtick: false), .gpt2, .digitRuns, .threeDigits]

    /// Whether this pre-tokenizer is Llama 3's (which also makes BPE look up whole words first).
    var isLlama3: Bool { Self.llama3Names.contains(name) }

    // MARK: Character classes

    static let letter: UInt8 = 1, number: UInt8 = 2, whitespace: UInt8 = 4, punctuation: UInt8 = 8, assigned: UInt8 = 16

    /// Flags of every BMP scalar, computed once (astral scalars are computed on demand).
    static let bmpFlags: [UInt8] = (0..<0x10000).map { computeFlags(UInt32($0)) }

    static func computeFlags(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        var f: UInt8 = 0
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: f = letter | assigned
        case .decimalNumber, .letterNumber, .otherNumber: f = number | assigned
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: f = punctuation | assigned
        case .unassigned: f = 0
        default: f = assigned
        }
        if properties.isWhitespace { f |= whitespace | assigned }
        return f
    }

    @inline(__always)
    static func flags(_ value: UInt32) -> UInt8 {
        value < 0x10000 ? bmpFlags[Int(value)] : computeFlags(value)
    }

    // MARK: Splitting

    /// Calls `body` with the byte range of each word of `text[range]` (valid UTF-8), in order.
    func split(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        var cpts: [UInt32] = []
        var flags: [UInt8] = []
        var offsets: [Int] = []
        cpts.reserveCapacity(range.count)
        flags.reserveCapacity(range.count)
        offsets.reserveCapacity(range.count + 1)
        var i = range.lowerBound
        while i < range.upperBound {
            let lead = text[i]
            var value = UInt32(lead)
            var length = 1
            switch lead {
            case 0xC0...0xDF: length = 2; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
            case 0xF0...0xF7: length = 4; value = UInt32(lead & 0x07)
            default: break
            }
            if length > 1 {
                if i + length > range.upperBound { length = 1; value = 0xFFFD }
                else { for k in 1..<length { value = value << 6 | UInt32(text[i + k] & 0x3F) } }
            }
            offsets.append(i)
            cpts.append(value)
            flags.append(Self.flags(value))
            i += length
        }
        offsets.append(range.upperBound)

        var pieces: [Range<Int>] = [0 ..< cpts.count]
        for stage in stages {
            var next: [Range<Int>] = []
            next.reserveCapacity(pieces.count * 2)
            for piece in pieces where !piece.isEmpty {
                Self.apply(stage, cpts, flags, piece, &next)
            }
            pieces = next
        }
        for piece in pieces where !piece.isEmpty {
            body(offsets[piece.lowerBound] ..< offsets[piece.upperBound])
        }
    }

    static func apply(_ stage: Stage, _ cpts: [UInt32], _ flags: [UInt8], _ range: Range<Int>, _ out: inout [Range<Int>]) {
        switch stage {
        case .gpt2: gpt2(cpts, flags, range, &out)
        case .llama3(let maxDigits): llama3(cpts, flags, range, maxDigits, &out)
        case .eachDigit:
            var start = range.lowerBound
            for i in range where flags[i] & number != 0 {
                if i > start { out.append(start ..< i) }
                out.append(i ..< i + 1)
                start = i + 1
            }
            if start < range.upperBound { out.append(start ..< range.upperBound) }
        case .digitRuns:
            runs(range, &out) { flags[$0] & number != 0 }
        case .punctuationRuns(let backtick):
            runs(range, &out) { i in
                if flags[i] & punctuation != 0 { return true }
                switch cpts[i] {
                case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true  // $ + < = > ^ ~ |
                case 0x60: return backtick
                default: return false
                }
            }
        case .threeDigits:
            var start = range.lowerBound
            var i = range.lowerBound
            func digit(_ k: Int) -> Bool { k < range.upperBound && (0x30...0x39).contains(cpts[k]) }
            while i < range.upperBound {
                if digit(i) && digit(i + 1) && digit(i + 2) {
                    if i > start { out.append(start ..< i) }
                    out.append(i ..< i + 3)
                    i += 3
                    start = i
                } else {
                    i += 1
                }
            }
            if start < range.upperBound { out.append(start ..< range.upperBound) }
        }
    }

    /// Maximal runs where `matches` holds, and the gaps between them.
    private static func runs(_ range: Range<Int>, _ out: inout [Range<Int>], _ matches: (Int) -> Bool) {
        var start = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            if matches(i) {
                if i > start { out.append(start ..< i) }
                let runStart = i
                while i < range.upperBound && matches(i) { i += 1 }
                out.append(runStart ..< i)
                start = i
            } else {
                i += 1
            }
        }
        if start < range.upperBound { out.append(start ..< range.upperBound) }
    }

    private static let outOfRange: UInt32 = 0xFFFF_FFFF

    private static func gpt2(_ cpts: [UInt32], _ flags: [UInt8], _ range: Range<Int>, _ out: inout [Range<Int>]) {
        let end = range.upperBound
        @inline(__always) func cpt(_ i: Int) -> UInt32 { i < end ? cpts[i] : outOfRange }
        @inline(__always) func fl(_ i: Int) -> UInt8 { i < end ? flags[i] : 0 }
        var start = range.lowerBound
        var pos = start
        @inline(__always) func emit() { if pos > start { out.append(start ..< pos); start = pos } }
        while pos < end {
            let c = cpts[pos]
            if c == 0x27 && pos + 1 < end {  // 's 't 'm 'd 're 've 'll, case-sensitive
                let n = cpts[pos + 1]
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { pos += 2; emit(); continue }
                if pos + 2 < end {
                    let n2 = cpts[pos + 2]
                    if (n == 0x72 && n2 == 0x65) || (n == 0x76 && n2 == 0x65) || (n == 0x6C && n2 == 0x6C) { pos += 3; emit(); continue }
                }
            }
            let space = c == 0x20 ? 1 : 0
            let f2 = space == 1 ? fl(pos + 1) : flags[pos]
            if f2 & letter != 0 {
                pos += space
                while fl(pos) & letter != 0 { pos += 1 }
                emit(); continue
            }
            if f2 & number != 0 {
                pos += space
                while fl(pos) & number != 0 { pos += 1 }
                emit(); continue
            }
            if f2 & (whitespace | letter | number) == 0 && f2 != 0 {
                pos += space
                while fl(pos) & (whitespace | letter | number) == 0 && fl(pos) != 0 { pos += 1 }
                emit(); continue
            }
            var spaces = 0
            while fl(pos + spaces) & whitespace != 0 { spaces += 1 }
            if spaces > 1 && cpt(pos + spaces) != outOfRange { pos += spaces - 1; emit(); continue }  // \s+(?!\S)
            if spaces > 0 { pos += spaces; emit(); continue }
            pos += 1
            emit()
        }
    }

    private static func llama3(_ cpts: [UInt32], _ flags: [UInt8], _ range: Range<Int>, _ maxDigits: Int, _ out: inout [Range<Int>]) {
        let end = range.upperBound
        @inline(__always) func cpt(_ i: Int) -> UInt32 { i < end ? cpts[i] : outOfRange }
        @inline(__always) func fl(_ i: Int) -> UInt8 { i < end ? flags[i] : 0 }
        @inline(__always) func lower(_ c: UInt32) -> UInt32 { (0x41...0x5A).contains(c) ? c + 0x20 : c }
        var start = range.lowerBound
        var pos = start
        @inline(__always) func emit() { if pos > start { out.append(start ..< pos); start = pos } }
        while pos < end {
            let c = cpts[pos]
            let f = flags[pos]
            if c == 0x27 && pos + 1 < end {  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                let n = lower(cpts[pos + 1])
                if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { pos += 2; emit(); continue }
                if pos + 2 < end {
                    let n2 = lower(cpts[pos + 2])
                    if (n == 0x72 && n2 == 0x65) || (n == 0x76 && n2 == 0x65) || (n == 0x6C && n2 == 0x6C) { pos += 3; emit(); continue }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == 0x0D || c == 0x0A || f & number != 0) {
                if f & letter != 0 || fl(pos + 1) & letter != 0 {
                    pos += 1
                    while fl(pos) & letter != 0 { pos += 1 }
                    emit(); continue
                }
            }
            // \p{N}{1,maxDigits}
            if f & number != 0 {
                var count = 0
                while fl(pos) & number != 0 {
                    pos += 1
                    count += 1
                    if count == maxDigits { emit(); count = 0 }
                }
                emit(); continue
            }
            // ' '?[^\s\p{L}\p{N}]+[\r\n]*
            let space = c == 0x20 ? 1 : 0
            let f2 = space == 1 ? fl(pos + 1) : f
            if f2 & (whitespace | letter | number) == 0 && f2 != 0 {
                pos += space
                while fl(pos) & (whitespace | letter | number) == 0 && fl(pos) != 0 { pos += 1 }
                while cpt(pos) == 0x0D || cpt(pos) == 0x0A { pos += 1 }
                emit(); continue
            }
            var spaces = 0
            var lastNewlineEnd = 0
            while fl(pos + spaces) & whitespace != 0 {
                let c2 = cpts[pos + spaces]
                if c2 == 0x0D || c2 == 0x0A { lastNewlineEnd = pos + spaces + 1 }
                spaces += 1
            }
            if lastNewlineEnd > 0 { pos = lastNewlineEnd; emit(); continue }  // \s*[\r\n]+
            if spaces > 1 && cpt(pos + spaces) != outOfRange { pos += spaces - 1; emit(); continue }  // \s+(?!\S)
            if spaces > 0 { pos += spaces; emit(); continue }
            pos += 1
            emit()
        }
    }
}
