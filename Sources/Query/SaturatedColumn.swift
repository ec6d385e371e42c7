import EventModel
import Postgres

extension PGRow {
    /// An integer column that may exceed Int64 (a `numeric` sum), saturated.
    func saturatedInt(_ column: String) throws -> Int64 {
        let text = try string(column)
        guard let value = Saturating.int64(text) else { throw PGError(.decode, "column \(column): not an integer: \(text)") }
        return value
    }
}
