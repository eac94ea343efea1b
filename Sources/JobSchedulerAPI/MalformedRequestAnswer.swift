import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser refuses (headers over its limits, a malformed request line) with
/// a Radix Status body, as every other error a client can cause; Hummingbird's own answer is a bare
/// 400 with no body. Sits right after the HTTP/1 codec, and acts only while no request is open and no
/// response is being written (as NIO's `HTTPServerProtocolErrorHandler`): the parser's error then stops
/// here, so no second answer follows, and the connection is closed once the answer is out.
final class MalformedRequestAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var requestOpen = false
    private var responseOpen = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head: requestOpen = true
        case .end: requestOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: responseOpen = true
        case .end: responseOpen = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !requestOpen, !responseOpen else {
            context.fireErrorCaught(error)
            return
        }
        let status = Components.Schemas.Status(status: .failure, message: Self.message(for: parserError), reason: "BadRequest", code: 400)
        let body = (try? APIJSON.encoder().encode(status)) ?? Data()
        let head = HTTPResponse(status: .badRequest, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: String(body.count), .connection: "close",
        ])
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.whenComplete { _ in context.close(promise: nil) }
    }

    static func message(for error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "the request's headers are over the limits (80 KiB in all, 1000 headers)"
        default: "the request is not valid HTTP/1.1: \(error)"
        }
    }
}
