import Foundation
import Metrics
import Prometheus

/// The process's metrics backend: swift-metrics bootstrapped with a Prometheus factory, whose
/// registry `GET /metrics` shows. swift-metrics can be bootstrapped only once per process, so this
/// does it at most once, whoever asks (the `serve` command, each test), and later calls get the
/// same registry.
public enum PrometheusMetrics {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var registry: PrometheusCollectorRegistry?
    }
    private static let state = State()

    /// Bootstraps swift-metrics with a `PrometheusMetricsFactory` unless this process already did;
    /// returns the registry that holds every metric made through swift-metrics from now on. Metrics
    /// made before (a `JobScheduler` created earlier) stay with the backend of their time.
    ///
    /// If the process bootstrapped swift-metrics itself with a Prometheus factory, its registry is
    /// used; with another backend, swift-metrics is left alone and the registry returned holds
    /// nothing but what is recorded into it directly.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        state.lock.lock()
        defer { state.lock.unlock() }
        if let registry = state.registry { return registry }
        let registry: PrometheusCollectorRegistry
        switch MetricsSystem.factory {
        case let prometheus as PrometheusMetricsFactory:
            registry = prometheus.registry
        case is NOOPMetricsHandler:
            registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = durationBuckets
            MetricsSystem.bootstrap(factory)
        default:
            registry = PrometheusCollectorRegistry()
        }
        state.registry = registry
        return registry
    }

    /// The registry `GET /metrics` shows (bootstrapping if nobody has).
    public static var registry: PrometheusCollectorRegistry { bootstrap() }

    /// From 5 ms (an API answer) to 2 minutes (a job waiting for its image or its engine).
    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]
}
