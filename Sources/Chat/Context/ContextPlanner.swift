import Tokenizer

/// Decides what the model sees: the pinned system turn, then as many of the newest exchanges
/// as fit, then the new user turn, leaving room for the reply.
///
/// Eviction removes whole exchanges, oldest first, and never the system turn or the new user
/// message, so the rendering is always a valid conversation in the template's format.
/// Evicted exchanges stay evicted: bringing one back would change every later position and
/// throw the cache away for nothing.
///
/// Once an eviction is needed, it frees `slack` extra positions (a quarter of the window after
/// the system turn by default): every eviction shifts all later positions, so everything after
/// the pinned prefix must be computed again; making room for several turns at once lets the
/// following turns be normal ones that evaluate only their new tokens.
public struct ContextPlanner {
    /// A finished exchange to place: user text and the reply's exact token ids.
    public struct Exchange: Sendable, Equatable {
        public var index: Int
        public var user: String
        public var reply: [Token]
        public init(index: Int, user: String, reply: [Token]) {
            self.index = index
            self.user = user
            self.reply = reply
        }
    }

    public var renderer: TemplateRenderer
    public var contextLength: Int
    /// Positions kept free for the reply.
    public var reserve: Int

    /// Extra positions an eviction frees; nil: a quarter of the window after the system turn.
    public var slack: Int?

    public init(renderer: TemplateRenderer, contextLength: Int, reserve: Int, slack: Int? = nil) {
        self.renderer = renderer
        self.contextLength = contextLength
        self.reserve = reserve
        self.slack = slack
    }

    /// The pinned system turn's tokens.
    public func pinnedTokens(system: String) -> [Token] {
        renderer.tokens(for: renderer.template.systemParts(system: system))
    }

    /// Tokens of one finished exchange placed after the system turn (`first`) or after
    /// another exchange.
    public func exchangeTokens(_ exchange: Exchange, first: Bool, hasSystem: Bool, system: String) -> [Token] {
        openTokens(exchange.user, first: first, hasSystem: hasSystem, system: system) + exchange.reply
            + renderer.tokens(for: renderer.template.replyEndParts)
    }

    /// Tokens of a user turn up to the assistant header.
    public func openTokens(_ user: String, first: Bool, hasSystem: Bool, system: String) -> [Token] {
        let template = renderer.template
        let parts = template.userParts(user, followsSystem: first, hasSystem: hasSystem)
        let before = first ? template.systemParts(system: system) : template.replyEndParts
        return renderer.tokens(for: parts, continuing: renderer.trailingText(of: before))
    }

    /// Plans the context for a reply to `user` after `live` (the exchanges not yet evicted,
    /// oldest first). Throws when the system turn and the new message alone leave no room.
    public func plan(system: String, live: [Exchange], user: String) throws -> ContextPlan {
        let hasSystem = !system.isEmpty
        let pinned = pinnedTokens(system: system)
        let extra = slack ?? max(0, (contextLength - pinned.count - reserve) / 4)
        // Each exchange is rendered once as "after another exchange"; only the oldest kept one
        // is rendered differently (it follows the system turn). So trying each eviction point
        // costs one rendering, not all of them again: a loaded chat with hundreds of
        // exchanges plans in linear time.
        let following = live.indices.map { $0 == 0 ? [] : exchangeTokens(live[$0], first: false, hasSystem: hasSystem, system: system) }
        var after = [Int](repeating: 0, count: live.count + 1)  // tokens of following[i...]
        for i in stride(from: live.count - 1, through: 1, by: -1) { after[i] = after[i + 1] + following[i].count }
        var openTokens: [Bool: [Token]] = [:]
        func open(_ first: Bool) -> [Token] {
            if let cached = openTokens[first] { return cached }
            let tokens = self.openTokens(user, first: first, hasSystem: hasSystem, system: system)
            openTokens[first] = tokens
            return tokens
        }
        var first = 0
        while true {
            let oldest = first < live.count ? exchangeTokens(live[first], first: true, hasSystem: hasSystem, system: system) : []
            let count = pinned.count + oldest.count + (first < live.count ? after[first + 1] : 0) + open(first == live.count).count
            // Without eviction the turn only has to fit; once evicting, make room for more.
            let needed = first == 0 ? reserve : reserve + extra
            if count + needed <= contextLength || (first > 0 && first == live.count && count + reserve <= contextLength) {
                var tokens = pinned
                var segments: [ContextPlan.Segment] = []
                for index in first..<live.count {
                    let start = tokens.count
                    tokens += index == first ? oldest : following[index]
                    segments.append(.init(exchange: live[index].index, range: start..<tokens.count))
                }
                let openStart = tokens.count
                tokens += open(first == live.count)
                return ContextPlan(tokens: tokens, pinnedCount: pinned.count, segments: segments,
                                   openRange: openStart..<tokens.count, newlyEvicted: live[..<first].map(\.index))
            }
            guard first < live.count else {
                let room = contextLength - reserve - pinned.count
                throw ChatError("the message is too long: it needs \(count - pinned.count) tokens, but the context has room for \(max(0, room)) after the system prompt and \(reserve) for the reply; it was kept in the transcript but not sent")
            }
            first += 1
        }
    }
}
