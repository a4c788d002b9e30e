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
        /// Tekken's and GPT-4o's pattern as llama.cpp runs it (its std::regex rewrite):
        /// `[^\r\n\p{L}\p{N}]?U*W+C?|[^\r\n\p{L}\p{N}]?U+W*C?|\p{N}{1,N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
        /// where U is a letter other than `a-z`, W a letter other than `A-Z` (so a non-ASCII
        /// letter is both, whatever its case) and C an optional contraction (GPT-4o only).
        case casedWords(contractions: Bool, maxDigits: Int)
    }

    /// The `tokenizer.ggml.pre` value (or "default").
    let name: String
    let stages: [Stage]
    /// Whether a word that is itself a token skips the merges (llama.cpp's `ignore_merges`).
    let ignoresMerges: Bool
    /// Whether BOS is added when the file has no `tokenizer.ggml.add_bos_token`.
    let addsBOSByDefault: Bool

    /// One row of llama.cpp's table of pre-tokenizers.
    private struct Definition {
        var names: [String]
        var stages: [Stage]
        var ignoresMerges = false
        var addsBOS = false
    }

    static let defaultStages: [Stage] = [.punctuationRuns(backtick: false), .gpt2, .digitRuns, .threeDigits]

    /// The `pre` names llama.cpp knows, grouped by the splitting they share (llama-vocab.cpp).
    private static let definitions: [Definition] = [
        Definition(names: ["default"], stages: defaultStages),
        Definition(names: ["gpt-2", "gpt2", "phi-2", "mpt", "olmo", "jais", "trillion", "exaone4", "granite-docling",
                           "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "gigachat", "a.x-4.0", "mellum", "modern-bert"],
                   stages: [.gpt2]),
        Definition(names: ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"],
                   stages: [.llama3(maxDigits: 3)], ignoresMerges: true, addsBOS: true),
        Definition(names: ["dbrx", "smaug-bpe", "chatglm-bpe"], stages: [.llama3(maxDigits: 3)]),
        Definition(names: ["glm4", "glm5"], stages: [.llama3(maxDigits: 3)], ignoresMerges: true),
        Definition(names: ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2"], stages: [.llama3(maxDigits: 1)]),
        Definition(names: ["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"],
                   stages: [.eachDigit, .gpt2]),
        Definition(names: ["falcon"], stages: [.punctuationRuns(backtick: true), .gpt2, .threeDigits]),
        Definition(names: ["tekken"], stages: [.casedWords(contractions: false, maxDigits: 1)], ignoresMerges: true, addsBOS: true),
        Definition(names: ["gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"], stages: [.casedWords(contractions: true, maxDigits: 3)]),
    ]

    private static let byName: [String: Definition] = {
        var table: [String: Definition] = [:]
        for definition in definitions { for name in definition.names { table[name] = definition } }
        return table
    }()

    /// Every `pre` value this tokenizer splits as llama.cpp does.
    static var knownNames: [String] { definitions.flatMap(\.names) }

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value, and a warning when the value is
    /// missing (llama.cpp then uses its default) or unknown (llama.cpp refuses the file; we
    /// use the default so the model still runs, and say its tokens may differ).
    static func named(_ pre: String?) -> (PreTokenizer, warning: String?) {
        let fallback = byName["default"]!
        guard let pre else {
            return (PreTokenizer(name: "default", fallback), "tokenizer.ggml.pre is missing; using the default pre-tokenizer")
        }
        if let definition = byName[pre] { return (PreTokenizer(name: pre, definition), nil) }
        return (PreTokenizer(name: pre, fallback),
                "unknown pre-tokenizer '\(pre)'; using the default pre-tokenizer (tokens may differ from what the model was trained on)")
    }

    private init(name: String, _ definition: Definition) {
        self.name = name
        self.stages = definition.stages
        self.ignoresMerges = definition.ignoresMerges
        self.addsBOSByDefault = definition.addsBOS
    }

    // MARK: Character classes

    static let letter: UInt8 = 1, number: UInt8 = 2, whitespace: UInt8 = 4, punctuation: UInt8 = 8, present: UInt8 = 16

    /// Flags of every BMP scalar, computed once (astral scalars are computed on demand).
    static let bmpFlags: [UInt8] = (0..<0x10000).map { computeFlags(UInt32($0)) }

    static func computeFlags(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        var f: UInt8 = 0
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: f = letter | present
        case .decimalNumber, .letterNumber, .otherNumber: f = number | present
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: f = punctuation | present
        // Unassigned code points are "other" characters, as in llama.cpp (its UNDEFINED flag is
        // not zero); only positions past the end have no flags.
        default: f = present
        }
        if properties.isWhitespace { f |= whitespace | present }
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
        case .casedWords(let contractions, let maxDigits): casedWords(cpts, flags, range, contractions: contractions, maxDigits: maxDigits, &out)
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
            pos = symbolsOrSpaces(cpts, flags, pos, end, slash: false)
            emit()
        }
    }

    private static func casedWords(_ cpts: [UInt32], _ flags: [UInt8], _ range: Range<Int>, contractions: Bool, maxDigits: Int,
                                   _ out: inout [Range<Int>]) {
        let end = range.upperBound
        @inline(__always) func fl(_ i: Int) -> UInt8 { i < end ? flags[i] : 0 }
        @inline(__always) func isLetter(_ i: Int) -> Bool { fl(i) & letter != 0 }
        // llama.cpp's rewrite tests ASCII case only: a non-ASCII letter counts as both.
        @inline(__always) func upperish(_ i: Int) -> Bool { isLetter(i) && !(0x61...0x7A).contains(cpts[i]) }
        @inline(__always) func lowerish(_ i: Int) -> Bool { isLetter(i) && !(0x41...0x5A).contains(cpts[i]) }
        @inline(__always) func lower(_ i: Int) -> UInt32 { i < end ? cpts[i] | 0x20 : outOfRange }
        var start = range.lowerBound
        var pos = start
        @inline(__always) func emit() { if pos > start { out.append(start ..< pos); start = pos } }
        while pos < end {
            let c = cpts[pos]
            let f = flags[pos]
            // [^\r\n\p{L}\p{N}]?U*W+C? | [^\r\n\p{L}\p{N}]?U+W*C?
            var wordStart = -1
            if f & letter != 0 {
                wordStart = pos
            } else if c != 0x0D && c != 0x0A && f & number == 0 && isLetter(pos + 1) {
                wordStart = pos + 1
            }
            if wordStart >= 0 {
                var upperEnd = wordStart
                while upperish(upperEnd) { upperEnd += 1 }
                if lowerish(upperEnd) {
                    // U* then W+ (the letter after the U run is ASCII lowercase).
                    pos = upperEnd
                    while lowerish(pos) { pos += 1 }
                } else if let both = (wordStart ..< upperEnd).last(where: { cpts[$0] >= 0x80 }) {
                    // W+ needs one letter: U* backs off to the last letter that is also W.
                    pos = both + 1
                } else {
                    // The second alternative: U+ and an empty W*.
                    pos = upperEnd
                }
                if contractions, pos + 1 < end, cpts[pos] == 0x27 {
                    let n = lower(pos + 1), n2 = lower(pos + 2)
                    if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 {
                        pos += 2
                    } else if (n == 0x72 && n2 == 0x65) || (n == 0x76 && n2 == 0x65) || (n == 0x6C && n2 == 0x6C) {
                        pos += 3
                    }
                }
                emit(); continue
            }
            // \p{N}{1,maxDigits}
            if f & number != 0 {
                var count = 0
                while count < maxDigits && fl(pos) & number != 0 { pos += 1; count += 1 }
                emit(); continue
            }
            pos = symbolsOrSpaces(cpts, flags, pos, end, slash: true)
            emit()
        }
    }

    /// The end of the match at `pos` of the alternatives Llama 3's, Qwen's, Tekken's and GPT-4o's
    /// patterns end with: ` ?[^\s\p{L}\p{N}]+[\r\n]*` (with `/` in that last class for the
    /// latter two), `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`; a lone character otherwise.
    private static func symbolsOrSpaces(_ cpts: [UInt32], _ flags: [UInt8], _ start: Int, _ end: Int, slash: Bool) -> Int {
        @inline(__always) func cpt(_ i: Int) -> UInt32 { i < end ? cpts[i] : outOfRange }
        @inline(__always) func fl(_ i: Int) -> UInt8 { i < end ? flags[i] : 0 }
        var pos = start
        let space = cpts[pos] == 0x20 ? 1 : 0
        let f2 = fl(pos + space)
        if f2 & (whitespace | letter | number) == 0 && f2 != 0 {
            pos += space
            while fl(pos) & (whitespace | letter | number) == 0 && fl(pos) != 0 { pos += 1 }
            while cpt(pos) == 0x0D || cpt(pos) == 0x0A || (slash && cpt(pos) == 0x2F) { pos += 1 }
            return pos
        }
        var spaces = 0
        var lastNewlineEnd = 0
        while fl(pos + spaces) & whitespace != 0 {
            let c2 = cpts[pos + spaces]
            if c2 == 0x0D || c2 == 0x0A { lastNewlineEnd = pos + spaces + 1 }
            spaces += 1
        }
        if lastNewlineEnd > 0 { return lastNewlineEnd }  // \s*[\r\n]+
        if spaces > 1 && cpt(pos + spaces) != outOfRange { return pos + spaces - 1 }  // \s+(?!\S)
        if spaces > 0 { return pos + spaces }
        return pos + 1
    }
}
