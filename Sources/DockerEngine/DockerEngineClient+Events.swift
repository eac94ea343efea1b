import Foundation

extension DockerEngineClient {
    /// The engine's events, as a stream that never gives up: when the connection is lost (the engine
    /// restarts, say) it reports `.disconnected`, retries with a growing pause (up to `maxRetryDelay`),
    /// and reports `.reconnected` once events flow again, so the consumer knows to reconcile.
    /// Ending iteration closes the connection.
    public func events(filters: EventFilters = EventFilters(), maxRetryDelay: Duration = .seconds(2)) -> AsyncStream<EngineEventUpdate> {
        let (stream, continuation) = AsyncStream<EngineEventUpdate>.makeStream()
        let client = self
        // The stream owns this task: it spans reconnections (which a lazily mapped sequence could not
        // hold across), and it is cancelled in `onTermination` as soon as the consumer stops reading.
        let pump = Task {
            var everConnected = false
            var delay = Duration.milliseconds(50)
            while !Task.isCancelled {
                do {
                    let query: [(String, String?)] = [("filters", filters.queryValue)]
                    let response = try await client.openStream(client.request(.get, "/events", query: query, timeout: nil))
                    continuation.yield(everConnected ? .reconnected : .connected)
                    everConnected = true
                    delay = .milliseconds(50)
                    var splitter = JSONLineSplitter()
                    for try await bytes in response.body {
                        for line in splitter.split(bytes) {
                            if let event = try? JSONDecoder.engine.decode(EngineEvent.self, from: Data(line)) {
                                continuation.yield(.event(event))
                            }
                        }
                    }
                    // The engine closed the stream: it is shutting down.
                    if Task.isCancelled { break }
                    continuation.yield(.disconnected(.transport(code: 0, message: "the engine closed the events stream")))
                } catch {
                    if Task.isCancelled { break }
                    continuation.yield(.disconnected(error as? DockerEngineError ?? .invalidResponse("\(error)")))
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, maxRetryDelay)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }
}
