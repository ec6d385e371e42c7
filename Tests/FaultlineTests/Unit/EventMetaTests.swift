import EventModel
import Testing

/// `EventMeta` writes Sentry's `_meta` shape and reads back what it wrote; a hostile stored
/// `_meta` reads as far as it is in that shape.
@Suite struct EventMetaTests {
    @Test func writesSentrysShape() throws {
        var meta = EventMeta()
        meta.addRemark(.init("@ip:replace", .substituted, range: 0..<4), at: ["user", "ip_address"], originalLength: 9)
        meta.addError(.invalidData("expected a string"), at: ["environment"], originalValue: "a/b")
        meta.addRemark(.init("!limit", .removed), at: ["breadcrumbs", "values", "0"])
        meta.addError(.init("invalid_data"), at: ["release"])
        let expected: JSON = [
            "user": ["ip_address": ["": ["rem": [["@ip:replace", "s", 0, 4]], "len": 9]]],
            "environment": ["": ["err": [["invalid_data", ["reason": "expected a string"]]], "val": "a/b"]],
            "breadcrumbs": ["values": ["0": ["": ["rem": [["!limit", "x"]]]]]],
            "release": ["": ["err": ["invalid_data"]]],
        ]
        #expect(meta.json() == expected)
        #expect(EventMeta(json: expected) == meta)
        #expect(meta[["user", "ip_address"]].entry.originalLength == 9)
        #expect(meta[["nothing", "here"]].isEmpty)
    }

    @Test func mergesUnderAPrefix() {
        var inner = EventMeta()
        inner.addRemark(.init("@password:filter", .substituted, range: 0..<10), at: ["password"], originalLength: 6)
        var meta = EventMeta()
        meta.merge(inner, at: ["extra"])
        meta.merge(inner, at: ["extra"])
        #expect(meta[["extra", "password"]].entry.remarks.count == 2)
        #expect(meta[["extra", "password"]].entry.originalLength == 6)
        #expect(EventMeta().json() == nil)
    }

    @Test func readsHostileStoredMetaLeniently() {
        let stored: JSON = [
            "a": ["": ["rem": [["r"], [1, "s"], ["r", "zz"], ["r", "s", -1, 3], ["r", "s", 5, 2], ["r", "m", 0, 99999999999]],
                       "len": -4, "err": [7, [], ["e", "not an object"]]]],
            "b": "not an object", "": 3,
        ]
        let meta = EventMeta(json: stored)
        let entry = meta[["a"]].entry
        #expect(entry.remarks == [.init("r", .substituted), .init("r", .substituted), .init("r", .masked)])
        #expect(entry.originalLength == nil)
        #expect(entry.errors == [.init("e")])
        #expect(meta[["b"]].isEmpty)
    }
}
