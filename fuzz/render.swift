// libFuzzer target: reading a stored event (Sources/Query/EventJSON.swift and the dashboard's
// Dashboard/EventHTML.swift). The input is an `events.payload` as the API reads it back from
// PostgreSQL — any JSON, whatever a past bug or a hand-written row put there: numbers at
// Int64's bounds or beyond, fractions where integers belong, strings where numbers belong,
// objects where arrays belong. Rendering it as Sentry's event JSON and as the dashboard's HTML
// must not trap and must not hang (-timeout). (The answer may nest two levels deeper than the
// payload, past the parser's own depth limit, so it is not re-parsed here.)

import EventModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRender(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (payload, readable) = EventRecord.payload(text)
    let event = EventRecord(projectID: 1, eventID: "9ec79c33ec9942ab8353589fcb2e04dc", issueID: 1,
                            timestamp: Date(timeIntervalSince1970: 1_795_316_470), received: Date(timeIntervalSince1970: 1_795_316_471),
                            platform: payload["platform"]?.string, level: "error", title: "title", release: payload["release"]?.string,
                            environment: payload["environment"]?.string, traceID: nil, userKey: nil,
                            payload: payload, payloadReadable: readable, size: size)
    _ = EventJSON.full(event, previous: nil, next: nil).encoded()
    _ = EventJSON.summary(event)
    _ = EventHTML.render(event)
    return 0
}
