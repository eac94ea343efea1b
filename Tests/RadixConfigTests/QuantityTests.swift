import Testing
@testable import RadixConfig

@Suite("CPU and memory quantities")
struct QuantityTests {
    @Test(arguments: [
        ("500m", Int64(500), Int64(500_000_000)),
        ("0.5", 500, 500_000_000),
        ("2", 2000, 2_000_000_000),
        ("1500m", 1500, 1_500_000_000),
        ("0.1", 100, 100_000_000),
        ("1", 1000, 1_000_000_000),
        ("+250m", 250, 250_000_000),
        (".25", 250, 250_000_000),
        ("2e-1", 200, 200_000_000),
        ("100u", 1, 100_000), // a tenth of a millicore rounds up to 1m, as in Kubernetes
        ("0", 0, 0),
    ])
    func cpu(text: String, millicores: Int64, nanoCPUs: Int64) throws {
        let quantity = try CPUQuantity(parsing: text)
        #expect(quantity.millicores == millicores)
        #expect(quantity.nanoCPUs == nanoCPUs)
        #expect(quantity.description == text)
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("lots", "expected a number"),
        ("-1", "must not be negative"),
        ("1Gi", "CPU is given in cores"),
        ("5x", "unknown suffix \"x\""),
        ("1.2.3", "unknown suffix \".3\""),
        ("m", "expected a number"),
        ("1e", "unknown suffix \"e\""),
        ("9e18", "too large"),
    ])
    func badCPU(text: String, reason: String) {
        #expect {
            _ = try CPUQuantity(parsing: text)
        } throws: { error in
            guard let error = error as? QuantityError else { return false }
            return error.text == text && error.reason.contains(reason)
                && error.description.hasPrefix("invalid quantity \"\(text)\": ")
        }
    }

    @Test(arguments: [
        ("256Mi", Int64(268_435_456)),
        ("1G", 1_000_000_000),
        ("512M", 512_000_000),
        ("1Gi", 1_073_741_824),
        ("1024", 1024),
        ("1e3", 1000),
        ("128Ki", 131_072),
        ("1.5Gi", 1_610_612_736),
        ("1k", 1000),
        ("2Ti", 2_199_023_255_552),
        ("1E", 1_000_000_000_000_000_000),
        ("0.5", 1), // half a byte rounds up
        ("1000000000000000000000n", 1_000_000_000_000),
    ])
    func memory(text: String, bytes: Int64) throws {
        let quantity = try MemoryQuantity(parsing: text)
        #expect(quantity.bytes == bytes)
        #expect(quantity.text == text)
    }

    @Test(arguments: [
        ("500m", "did you mean \"Mi\" or \"M\"?"),
        ("12Qi", "unknown suffix \"Qi\""),
        ("Mi", "expected a number"),
        ("-1Gi", "must not be negative"),
        ("8Ei", "too large"),
        ("1 Gi", "unknown suffix \" Gi\""),
        ("1GB", "unknown suffix \"GB\""),
        ("1234567890123456789012", "too many significant digits"),
    ])
    func badMemory(text: String, reason: String) {
        #expect {
            _ = try MemoryQuantity(parsing: text)
        } throws: { error in
            (error as? QuantityError)?.reason.contains(reason) ?? false
        }
    }

    @Test func equalityIsByAmount() throws {
        #expect(try CPUQuantity(parsing: "500m") == CPUQuantity(parsing: "0.5"))
        #expect(try CPUQuantity(parsing: "1") > CPUQuantity(parsing: "999m"))
        #expect(try MemoryQuantity(parsing: "1Ki") == MemoryQuantity(parsing: "1024"))
        #expect(try MemoryQuantity(parsing: "1M") < MemoryQuantity(parsing: "1Mi"))
        #expect(CPUQuantity(millicores: 1500).text == "1500m")
        #expect(CPUQuantity(millicores: 2000).text == "2")
        #expect(MemoryQuantity(bytes: 42).bytes == 42)
    }

    @Test func yamlNumbersAreQuantitiesToo() throws {
        // `cpu: 1` and `memory: 1e7` arrive as YAML numbers, not strings.
        let parsed = try RadixConfigFile.parse(yaml: configYAML(jobs: """
            - name: compute
              src: compute
              schedulerPort: 8000
              resources:
                requests: {cpu: 0.25, memory: 1e7}
                limits: {cpu: 1, memory: 16777216}
            """))
        let resources = try #require(parsed.jobs.first).resources
        #expect(resources.requests.cpu?.millicores == 250)
        #expect(resources.requests.memory?.bytes == 10_000_000)
        #expect(resources.limits.cpu?.nanoCPUs == 1_000_000_000)
        #expect(resources.limits.memory?.bytes == 16_777_216)
    }
}
