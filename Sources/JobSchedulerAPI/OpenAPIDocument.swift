import Foundation
import Hummingbird

/// The API's own contract, served at `GET /swagger.json`: the bytes of the top-level swagger.json, the
/// very file the routes and types were generated from (embedded at build time by EmbedOpenAPIDocument).
package enum OpenAPIDocument {
    /// The document, byte for byte.
    package static let bytes: [UInt8] = [UInt8](Data(base64Encoded: base64) ?? Data())

    /// Where the document is served, outside the API's base path as Radix clients expect.
    package static let path = "/swagger.json"

    static func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
