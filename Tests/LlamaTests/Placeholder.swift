import XCTest
final class LlamaPlaceholderTests: XCTestCase { func testNothing() {} }
