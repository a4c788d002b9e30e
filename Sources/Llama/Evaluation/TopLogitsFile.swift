import Foundation
import Tokenizer

/// The top logits of every scored perplexity position: what `ghostchat perplexity
/// --kl-divergence-base FILE` writes from one model (or one kernel path) and compares another
/// against, and what `tools/exact` writes for exact arithmetic. `tools/exact/topk_file.py` is
/// the Python side of the same format.
///
/// Layout, little-endian: the magic `GCTOPK01`; a UInt32 length and a JSON header
/// (`vocab`, `ctx`, `k`, `tokens`, `meta`); then one record per scored position, chunk by
/// chunk: Float32 log-sum-exp, Float32 std, Float32 logit of the next token, `k` Int32 ids and
/// `k` Float32 logits, highest first.
public struct TopLogitsFile: Sendable {
    /// One scored position.
    public struct Record: Sendable {
        public var logSumExp: Float
        public var standardDeviation: Float
        public var targetLogit: Float
        public var ids: [Int32]
        public var logits: [Float]

        /// Top-1 minus top-2 logit, in standard deviations.
        public var margin: Double {
            logits.count < 2 ? .infinity : Double(logits[0] - logits[1]) / Double(standardDeviation)
        }

        /// The record of a row of logits whose next token is `target`.
        public init(_ row: UnsafeBufferPointer<Float>, target: Token, k: Int) {
            let stats = LogitRow(row)
            let top = stats.top(k)
            logSumExp = Float(stats.logSumExp)
            standardDeviation = Float(stats.standardDeviation)
            targetLogit = row[Int(target)]
            ids = top.map(\.id)
            logits = top.map(\.logit)
        }

        init(logSumExp: Float, standardDeviation: Float, targetLogit: Float, ids: [Int32], logits: [Float]) {
            self.logSumExp = logSumExp
            self.standardDeviation = standardDeviation
            self.targetLogit = targetLogit
            self.ids = ids
            self.logits = logits
        }
    }

    /// Where the base logits came from, and what is known of them.
    public struct Meta: Codable, Sendable {
        public var source: String?
        public var model: String?
        public var text: String?
        /// The base's perplexity over these positions.
        public var ppl: Double?
        /// llama.cpp's distance from this base, one entry per build (AVX-512, AVX2 …),
        /// measured once by `tools/exact`.
        public var llamacpp: [LogitDistance.Summary]?

        public init(source: String? = nil, model: String? = nil, text: String? = nil, ppl: Double? = nil) {
            self.source = source
            self.model = model
            self.text = text
            self.ppl = ppl
        }
    }

    private struct Header: Codable {
        var vocab: Int
        var ctx: Int
        var k: Int
        var tokens: [Int32]
        var meta: Meta?
    }

    static let magic = Array("GCTOPK01".utf8)
    public static let defaultK = 32

    public var vocabularySize: Int
    public var contextLength: Int
    public var k: Int
    /// The whole text's tokens, before chunking.
    public var tokens: [Token]
    public var meta: Meta
    public var records: [Record]

    public init(vocabularySize: Int, contextLength: Int, k: Int, tokens: [Token], meta: Meta, records: [Record] = []) {
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.k = k
        self.tokens = tokens
        self.meta = meta
        self.records = records
    }

    /// Reads `path`; a file that is not one, or is cut short, is a one-line error.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError("\(path): cannot read the top-logits file")
        }
        let bytes = [UInt8](data)
        func fail(_ why: String) -> ModelError { ModelError("\(path): not a ghostchat top-logits file (\(why))") }
        guard bytes.count >= 12, Array(bytes[0..<8]) == Self.magic else { throw fail("bad magic") }
        let headerLength = Int(UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24)
        guard headerLength <= bytes.count - 12 else { throw fail("header is cut short") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[12..<(12 + headerLength)]))
        } catch {
            throw fail("bad header")
        }
        guard header.k >= 2, header.k <= 4096, header.ctx >= 4, header.vocab > 0 else { throw fail("bad sizes in the header") }
        let chunks = PerplexityChunks(tokens: header.tokens, length: header.ctx, bos: nil)
        let recordSize = 12 + 8 * header.k
        let body = bytes.count - 12 - headerLength
        guard body == chunks.scoredCount * recordSize else {
            throw fail("\(body) bytes of records where \(chunks.scoredCount) positions need \(chunks.scoredCount * recordSize)")
        }
        var records: [Record] = []
        records.reserveCapacity(chunks.scoredCount)
        bytes.withUnsafeBytes { raw in
            var offset = 12 + headerLength
            func float() -> Float { defer { offset += 4 }; return Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian) }
            func int() -> Int32 { defer { offset += 4 }; return Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
            for _ in 0..<chunks.scoredCount {
                let lse = float(), std = float(), target = float()
                let ids = (0..<header.k).map { _ in int() }
                let logits = (0..<header.k).map { _ in float() }
                records.append(Record(logSumExp: lse, standardDeviation: std, targetLogit: target, ids: ids, logits: logits))
            }
        }
        let badToken = header.tokens.contains { $0 < 0 || Int($0) >= header.vocab }
        if badToken || records.contains(where: { $0.ids.contains { $0 < 0 || Int($0) >= header.vocab } || !$0.logSumExp.isFinite }) {
            throw fail("a token outside the vocabulary or a log-sum-exp that is not finite")
        }
        self.init(vocabularySize: header.vocab, contextLength: header.ctx, k: header.k, tokens: header.tokens,
                  meta: header.meta ?? Meta(), records: records)
    }

    /// Writes the file (atomically: a failed write leaves no partial file).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(Header(vocab: vocabularySize, ctx: contextLength, k: k, tokens: tokens, meta: meta))
        var out = Self.magic
        out.reserveCapacity(12 + header.count + records.count * (12 + 8 * k))
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        append(UInt32(header.count))
        out.append(contentsOf: header)
        for record in records {
            append(record.logSumExp.bitPattern)
            append(record.standardDeviation.bitPattern)
            append(record.targetLogit.bitPattern)
            for id in record.ids { append(UInt32(bitPattern: id)) }
            for logit in record.logits { append(logit.bitPattern) }
        }
        do {
            try Data(out).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelError("\(path): cannot write the top-logits file (\(error.localizedDescription))")
        }
    }
}
