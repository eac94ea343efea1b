/// Remembers where each value first appeared, so a duplicate can say what it clashes with.
struct FirstSeen<Key: Hashable> {
    private var seen: [Key: (line: Int?, owner: String)] = [:]

    /// Records `key`; returns a note like `already used by job compute (line 12)` if seen before.
    mutating func check(_ key: Key, line: Int?, owner: String) -> String? {
        if let earlier = seen[key] {
            let at = earlier.line.map { " (line \($0))" } ?? ""
            return "already used by \(earlier.owner)\(at)"
        }
        seen[key] = (line, owner)
        return nil
    }
}
