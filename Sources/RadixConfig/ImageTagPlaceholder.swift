/// Radix lets an image name carry `{imageTagName}` so one job definition can run a
/// different tag per environment (`image: repo/compute:{imageTagName}`).
public enum ImageTagPlaceholder {
    public static let token = "{imageTagName}"

    /// Whether `image` expects a tag name to be filled in.
    public static func isPresent(in image: String) -> Bool {
        image.contains(token)
    }

    /// `image` with every placeholder replaced by `tagName`.
    public static func substitute(in image: String, tagName: String) -> String {
        image.replacing(token, with: tagName)
    }

    /// Substitutes when a tag name is known; also reports whether the image had a
    /// placeholder, so callers can tell "no placeholder" from "placeholder but no tag".
    public static func resolve(image: String, tagName: String?) -> (image: String, hadPlaceholder: Bool) {
        guard isPresent(in: image) else { return (image, false) }
        guard let tagName else { return (image, true) }
        return (substitute(in: image, tagName: tagName), true)
    }
}
