/// Reading `ports:` lists of jobs and components.
extension MappingReader {
    func ports(_ key: String = "ports") -> [PortDefinition] {
        var result: [PortDefinition] = []
        var names = FirstSeen<String>()
        var numbers = FirstSeen<Int>()
        for item in mappings(key) {
            let name = item.requiredString("name")
            let number = item.requiredInt("port")
            if let name {
                if let message = FieldRules.dnsLabel(name, maxLength: 15) {
                    item.report("name", message)
                } else if let clash = names.check(name, line: item.line("name"), owner: "another port") {
                    item.report("name", "port name \"\(name)\" is \(clash)")
                }
            }
            if let number {
                if let message = FieldRules.containerPort(number) {
                    item.report("port", message)
                } else if let clash = numbers.check(number, line: item.line("port"), owner: "another port") {
                    item.report("port", "port \(number) is \(clash)")
                }
            }
            _ = item.extra()
            if let name, let number { result.append(PortDefinition(name: name, port: number)) }
        }
        return result
    }
}
