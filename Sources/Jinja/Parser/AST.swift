/// An expression inside `{{ }}` or a tag.
indirect enum Expr {
    case literal(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case attribute(Expr, String)
    case item(Expr, Expr)
    case slice(Expr, Expr?, Expr?, Expr?)
    case call(Expr, [Expr], [(String, Expr)])
    case filter(Expr, String, [Expr], [(String, Expr)])
    case test(Expr, String, [Expr], negated: Bool)
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    /// `then if condition else otherwise`; a missing else yields undefined.
    case conditional(then: Expr, condition: Expr, otherwise: Expr?)
}

/// A filter application in `{% set x | f %}` or `{% filter f %}`.
struct FilterCall {
    var name: String
    var arguments: [Expr]
    var keywords: [(String, Expr)]
}

/// Where `{% set %}` stores.
enum SetTarget {
    case names([String])
    case attribute(String, String)
}

/// A template statement.
indirect enum Stmt {
    case text(String)
    case output(Expr, line: Int)
    case ifChain([(Expr, [Stmt])], otherwise: [Stmt], line: Int)
    case forLoop(targets: [String], iterable: Expr, filter: Expr?, body: [Stmt], otherwise: [Stmt], line: Int)
    case set(SetTarget, Expr, line: Int)
    case setBlock(String, [FilterCall], [Stmt], line: Int)
    case macro(String, [(String, Expr?)], [Stmt], line: Int)
    case filterBlock([FilterCall], [Stmt], line: Int)
    case breakLoop(line: Int)
    case continueLoop(line: Int)
}
