import Foundation
import HTTPTypes
import Hummingbird

/// Radix's Status bodies: `{"status":"Success","message":"…","code":200}` for operations with nothing
/// else to return, and the same shape with `Failure` and a `reason` for every error.
enum StatusBody {
    static func success(_ message: String) -> Components.Schemas.Status {
        Components.Schemas.Status(status: .success, message: message, code: 200)
    }

    /// A Status body as a complete Hummingbird response, for answers given outside the generated code
    /// (unknown routes, bodies over the limit, malformed JSON).
    static func response(_ status: Components.Schemas.Status, status code: HTTPResponse.Status) -> Response {
        let data = (try? APIJSON.encoder().encode(status)) ?? Data(#"{"status":"Failure","code":500}"#.utf8)
        return Response(
            status: code,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
