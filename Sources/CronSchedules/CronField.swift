/// One of a cron expression's five fields: the values it allows, as a bit set.
struct CronField: Sendable, Hashable {
    enum Kind: String, Sendable, CaseIterable {
        case minute, hour, dayOfMonth = "day of month", month, dayOfWeek = "day of week"

        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7  // 7 is Sunday too
            }
        }

        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        /// The value of a name (`JAN` = 1, `SUN` = 0), case-insensitive.
        func value(named name: Substring) -> Int? {
            guard let index = names.firstIndex(of: name.uppercased()) else { return nil }
            return self == .month ? index + 1 : index
        }
    }

    let kind: Kind
    private let bits: UInt64
    /// The field is `*`: for the day fields, the other one alone decides.
    let isAny: Bool

    func contains(_ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

    /// The allowed values, in order.
    var values: [Int] { kind.range.filter(contains) }

    /// Parses a field: `*`, a value or name, a range `a-b`, each with an optional step `/n` (`a/n` runs
    /// from a to the end of the range), and lists of those separated by commas.
    init(_ text: Substring, kind: Kind) throws(CronSyntaxError) {
        self.kind = kind
        isAny = text == "*"
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value >= 1 else {
                    throw CronSyntaxError("\(kind.rawValue) field \"\(text)\": the step \"\(parts[1])\" is not a whole number of at least 1")
                }
                step = value
            }
            let span: ClosedRange<Int>
            if parts[0] == "*" {
                span = kind.range
            } else {
                let bounds = parts[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                let low = try Self.value(bounds[0], kind: kind, in: text)
                let high = bounds.count == 2 ? try Self.value(bounds[1], kind: kind, in: text) : (parts.count == 2 ? kind.range.upperBound : low)
                guard low <= high else {
                    throw CronSyntaxError("\(kind.rawValue) field \"\(text)\": the range \(parts[0]) runs backwards")
                }
                span = low...high
            }
            for value in stride(from: span.lowerBound, through: span.upperBound, by: step) { bits |= 1 << UInt64(value) }
        }
        if kind == .dayOfWeek && bits & (1 << 7) != 0 { bits = (bits | 1) & ~(1 << 7) }  // 7 is Sunday, 0
        self.bits = bits
    }

    private static func value(_ text: Substring, kind: Kind, in field: Substring) throws(CronSyntaxError) -> Int {
        if let number = Int(text), text.allSatisfy(\.isASCII), kind.range.contains(number) { return number }
        if let named = kind.value(named: text) { return named }
        let allowed = "\(kind.range.lowerBound)-\(kind.range.upperBound)" + (kind.names.isEmpty ? "" : " or \(kind.names.first!)-\(kind.names.last!)")
        throw CronSyntaxError("\(kind.rawValue) field \"\(field)\": \"\(text)\" is not a value (\(allowed))")
    }
}
