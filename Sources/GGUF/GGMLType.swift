/// The element types a GGUF tensor can hold, with ggml's numbering.
///
/// Quantized types store `blockSize` elements in `typeSize` bytes.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_xxs = 16
    case iq2_xs = 17
    case iq3_xxs = 18
    case iq1_s = 19
    case iq4_nl = 20
    case iq3_s = 21
    case iq2_s = 22
    case iq4_xs = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_m = 29
    case bf16 = 30

    /// Elements per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl: return 32
        default: return 256
        }
    }

    /// Bytes per block.
    public var typeSize: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8: return 1
        case .i64, .f64: return 8
        case .q4_0: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q8_1: return 36
        case .q2_K: return 84
        case .q3_K: return 110
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        case .q8_K: return 292
        case .iq2_xxs: return 66
        case .iq2_xs: return 74
        case .iq3_xxs: return 98
        case .iq1_s: return 50
        case .iq4_nl: return 18
        case .iq3_s: return 110
        case .iq2_s: return 82
        case .iq4_xs: return 136
        case .iq1_m: return 56
        }
    }

    /// The name llama.cpp uses (`Q4_K`, `F16`, …).
    public var name: String {
        "\(self)".uppercased()
    }

    /// Bytes needed for `count` elements, or nil when `count` is not a whole number of
    /// blocks or the size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }
}

/// llama.cpp's `general.file_type` numbering (the "ftype" of a whole model file).
public enum GGUFFileType: UInt32, Sendable {
    case allF32 = 0, mostlyF16 = 1, mostlyQ4_0 = 2, mostlyQ4_1 = 3
    case mostlyQ8_0 = 7, mostlyQ5_0 = 8, mostlyQ5_1 = 9
    case mostlyQ2_K = 10, mostlyQ3_K_S = 11, mostlyQ3_K_M = 12, mostlyQ3_K_L = 13
    case mostlyQ4_K_S = 14, mostlyQ4_K_M = 15, mostlyQ5_K_S = 16, mostlyQ5_K_M = 17
    case mostlyQ6_K = 18, mostlyBF16 = 32

    public var name: String {
        switch self {
        case .allF32: return "F32"
        case .mostlyF16: return "F16"
        case .mostlyBF16: return "BF16"
        case .mostlyQ4_0: return "Q4_0"
        case .mostlyQ4_1: return "Q4_1"
        case .mostlyQ8_0: return "Q8_0"
        case .mostlyQ5_0: return "Q5_0"
        case .mostlyQ5_1: return "Q5_1"
        case .mostlyQ2_K: return "Q2_K"
        case .mostlyQ3_K_S: return "Q3_K_S"
        case .mostlyQ3_K_M: return "Q3_K_M"
        case .mostlyQ3_K_L: return "Q3_K_L"
        case .mostlyQ4_K_S: return "Q4_K_S"
        case .mostlyQ4_K_M: return "Q4_K_M"
        case .mostlyQ5_K_S: return "Q5_K_S"
        case .mostlyQ5_K_M: return "Q5_K_M"
        case .mostlyQ6_K: return "Q6_K"
        }
    }
}
