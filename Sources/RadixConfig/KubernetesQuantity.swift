/// The Kubernetes quantity grammar (`<number><suffix>`, e.g. `500m`, `1.5Gi`, `1e3`) parsed
/// into an exact integer mantissa and exponents. Integer arithmetic instead of Double keeps
/// `1.5Gi` exactly 1610612736 bytes and rounds up like Kubernetes does.
struct KubernetesQuantity: Sendable, Equatable {
    /// Significant digits of the number, without the decimal point.
    var mantissa: Int64
    /// Power of ten to apply to `mantissa` (fraction digits and decimal suffixes).
    var decimalExponent: Int
    /// Power of two to apply (binary suffixes Ki, Mi, ...).
    var binaryExponent: Int
    /// The suffix as written, for error messages and unit checks.
    var suffix: String

    var isBinary: Bool { binaryExponent != 0 }

    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = [
        "Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60,
    ]

    static func parse(_ original: String) throws(QuantityError) -> KubernetesQuantity {
        let text = original.trimmingWhitespace()
        func fail(_ reason: String) -> QuantityError { QuantityError(text: original, reason: reason) }
        guard !text.isEmpty else { throw fail("it is empty") }

        var chars = Substring(text)
        if chars.first == "+" { chars = chars.dropFirst() }
        if chars.first == "-" { throw fail("it must not be negative") }

        let integerDigits = chars.prefix(while: \.isASCIIDigit)
        chars = chars.dropFirst(integerDigits.count)
        var fractionDigits = Substring("")
        if chars.first == "." {
            chars = chars.dropFirst()
            fractionDigits = chars.prefix(while: \.isASCIIDigit)
            chars = chars.dropFirst(fractionDigits.count)
        }
        guard !(integerDigits.isEmpty && fractionDigits.isEmpty) else {
            throw fail("expected a number such as 500m, 0.5, 256Mi or 1G")
        }

        let suffix = String(chars)
        var decimalExponent = -fractionDigits.count
        var binaryExponent = 0
        if let exponent = decimalSuffixes[suffix] {
            decimalExponent += exponent
        } else if let exponent = binarySuffixes[suffix] {
            binaryExponent = exponent
        } else if let first = suffix.first, first == "e" || first == "E",
                  let exponent = Int(suffix.dropFirst()), abs(exponent) <= 64 {
            decimalExponent += exponent
        } else {
            throw fail("unknown suffix \"\(suffix)\" (use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3)")
        }

        // Leading zeros carry no value; trailing ones move into the exponent, so
        // "1000000000000000000000m" does not overflow just because of its zeros.
        var digits = (integerDigits + fractionDigits).drop(while: { $0 == "0" })
        while digits.last == "0" {
            digits = digits.dropLast()
            decimalExponent += 1
        }
        guard digits.count <= 18, let mantissa = Int64(digits.isEmpty ? "0" : String(digits)) else {
            throw fail("too many significant digits")
        }
        return KubernetesQuantity(mantissa: mantissa, decimalExponent: decimalExponent,
                                  binaryExponent: binaryExponent, suffix: suffix)
    }

    /// The value in units of 10^`unitExponent` (e.g. -3 for milli), rounded up to a whole
    /// unit as Kubernetes does; nil when it does not fit in Int64.
    func roundedUp(toUnitExponent unitExponent: Int) -> Int64? {
        guard mantissa != 0 else { return 0 }
        guard var value = Self.multiply(mantissa, byPowerOf: 2, binaryExponent) else { return nil }
        let exponent = decimalExponent - unitExponent
        if exponent >= 0 {
            return Self.multiply(value, byPowerOf: 10, exponent)
        }
        // Dividing by more than 10^18 leaves a positive value below one unit: round up to 1.
        guard let divisor = Self.multiply(1, byPowerOf: 10, -exponent) else { return 1 }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        value = quotient + (remainder == 0 ? 0 : 1)
        return value
    }

    private static func multiply(_ value: Int64, byPowerOf base: Int64, _ exponent: Int) -> Int64? {
        var result = value
        for _ in 0..<max(exponent, 0) {
            let (product, overflow) = result.multipliedReportingOverflow(by: base)
            if overflow { return nil }
            result = product
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
