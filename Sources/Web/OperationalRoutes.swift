import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics` in Prometheus' text format and `GET /healthz`, on every service.
public enum OperationalRoutes {
    public static func add(to router: Router<FaultlineRequestContext>, registry: PrometheusCollectorRegistry) {
        router.get("metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.get("healthz") { _, _ -> Response in
            JSONResponse.make(.ok, ["status": "ok"])
        }
    }
}
