/// Builds the dotted paths used in problems (`spec.jobs[1].ports[0].port`), matching how
/// people read a YAML file rather than how Swift models it.
enum ConfigPath {
    static func key(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }

    static func index(_ parent: String, _ index: Int) -> String {
        parent + "[\(index)]"
    }
}
