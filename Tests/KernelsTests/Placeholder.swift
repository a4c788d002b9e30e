import XCTest
final class KernelsPlaceholderTests: XCTestCase { func testNothing() {} }
