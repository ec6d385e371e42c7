import CRDKafka

/// Builds an `rd_kafka_conf_t` from key/value pairs, reporting the first rejected property.
enum RDConf {
    static func make(_ pairs: [(String, String)]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(.configuration, "rd_kafka_conf_new failed")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in pairs {
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(.configuration, "\(key)=\(value): \(String(cString: errstr))")
            }
        }
        KafkaLog.install(on: conf)
        return conf
    }

    static func pairs(_ config: KafkaConfig, defaults: [(String, String)]) -> [(String, String)] {
        var result = defaults
        if !config.bootstrapServers.isEmpty {
            result.append(("bootstrap.servers", config.bootstrapServers))
        }
        for (key, value) in config.properties.sorted(by: { $0.key < $1.key }) {
            result.append((key, value))
        }
        return result
    }

    /// Creates the client; librdkafka takes ownership of `conf` on success.
    static func client(type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.clientCreation, String(cString: errstr))
        }
        return handle
    }
}
