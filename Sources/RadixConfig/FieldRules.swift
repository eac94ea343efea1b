/// Value rules of radixconfig fields, as pure functions returning a message when broken,
/// so the decoder states *where* and these state *what*.
public enum FieldRules {
    static let maxJobNameLength = 50
    static let schedulerPorts = 1024...65535
    static let containerPorts = 1...65535

    /// Names become host names and Kubernetes/Docker object names: a DNS label.
    static func dnsLabel(_ name: String, maxLength: Int = 63) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > maxLength {
            return "\"\(name)\" is \(name.count) characters long; at most \(maxLength) are allowed"
        }
        let allowed = name.allSatisfy { $0.isASCIILowercaseLetter || $0.isASCIIDigit || $0 == "-" }
        let edgesOK = name.first.map(\.isLowercaseAlphanumeric) == true && name.last.map(\.isLowercaseAlphanumeric) == true
        if !allowed || !edgesOK {
            return "\"\(name)\" is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit"
        }
        return nil
    }

    static func schedulerPort(_ port: Int) -> String? {
        schedulerPorts.contains(port) ? nil : "must be between 1024 and 65535, got \(port)"
    }

    static func containerPort(_ port: Int) -> String? {
        containerPorts.contains(port) ? nil : "must be between 1 and 65535, got \(port)"
    }

    static func absolutePath(_ path: String) -> String? {
        path.hasPrefix("/") ? nil : "must be an absolute path (starting with '/'), got \"\(path)\""
    }

    static func timeLimitSeconds(_ seconds: Int) -> String? {
        seconds > 0 ? nil : "must be a positive number of seconds, got \(seconds)"
    }

    /// Radix's rule for a node type: `^(([a-z0-9][-a-z0-9]*)?[a-z0-9])?$`, at most 120 characters.
    public static func nodeType(_ value: String) -> String? {
        let allowed = value.allSatisfy { $0.isASCIILowercaseLetter || $0.isASCIIDigit || $0 == "-" }
        guard value.count <= 120, allowed, value.first != "-", value.last != "-" else {
            return "\"\(value.prefix(130))\" is not a node type (lower-case letters, digits and '-', at most 120)"
        }
        return nil
    }

    static func backoffLimit(_ limit: Int) -> String? {
        limit >= 0 ? nil : "must be 0 or more, got \(limit)"
    }

    static func replicas(_ count: Int) -> String? {
        count >= 0 ? nil : "must be 0 or more, got \(count)"
    }
}

extension Character {
    var isASCIILowercaseLetter: Bool { ("a"..."z").contains(self) }
    var isLowercaseAlphanumeric: Bool { isASCIILowercaseLetter || isASCIIDigit }
}
